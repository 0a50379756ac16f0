import Foundation
import ZonalCore
import ZonalFences
import ZonalGeo
import ZonalIO
import ZonalStore

/// Loads a day of lock events and joins each to the fences as it streams in:
/// chunks of 64k rows are parsed, assigned on every core, and bulk-inserted
/// with their zone, parking area and no-parking zone. Joining at load time
/// means millions of events are read and written once; the in-fence tasks
/// then only aggregate in SQL. The fences must be loaded first (`requires`).
struct EventLoader: DatasetLoader {
    static let table = "parking_events"
    static var schema: TableSchema { BikeInputs.table(table, BikeInputs.events, extra: BikeInputs.eventAssignment) }
    /// Lock counts per zone, company and no-parking zone, written with the events.
    static let countsSchema = TableSchema(name: "parking_event_counts", columns: [
        TableColumn("management_code", .text), TableColumn("company", .text), TableColumn("noparking_code", .text),
        TableColumn("events", .integer), TableColumn("in_parking", .integer),
    ])

    struct CountKey: Hashable { var zone: String?; var company: String; var noParking: String? }

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let fences = try FenceSet.read(from: ctx.store)
        let tolerance = ctx.job.params.double("tolerance_m") ?? 0
        let assigner = PointAssigner(fences: fences, toleranceM: tolerance)
        let loader = CSVTableLoader(BikeInputs.events)
        // Column positions in a loaded row: line, event_id, bike_id, company, lon, lat, time, time_ms, accuracy_m.
        let lonAt = 4, latAt = 5
        let path = input.url.path, shown = input.written
        let times = TimeParser(timeZone: ctx.job.timezone)
        let progress = ctx.progress
        var counts: [CountKey: (events: Int64, inParking: Int64)] = [:]
        let clock = StageClock()
        var insertSeconds = 0.0
        // Parsing, checking and the join run on a background thread (the join
        // itself on every core); this thread, which owns the store, inserts.
        let loadStart = Date()
        let (outcome, replaced) = try ctx.store.replaceRows(Self.schema) { ins in
            try ChunkPipeline.run(produce: { emit in
                try loader.load(path: path, shown: shown, times: times, progress: progress) { chunk in
                    let joinStart = Date()
                    let points = chunk.map { Coordinate($0[lonAt].double ?? 0, $0[latAt].double ?? 0) }
                    let assigned = assigner.assign(points)
                    clock.add(join: Date().timeIntervalSince(joinStart))
                    var rows: [[SQLValue]] = []
                    rows.reserveCapacity(chunk.count)
                    for (values, a) in zip(chunk, assigned) {
                        var row = values
                        row.append(a.zone >= 0 ? .text(assigner.zones.codes[Int(a.zone)]) : .null)
                        row.append(a.parking >= 0 ? .text(assigner.parking.codes[Int(a.parking)]) : .null)
                        row.append(a.noParking >= 0 ? .text(assigner.noParking.codes[Int(a.noParking)]) : .null)
                        row.append(.integer(a.inParking ? 1 : 0))
                        row.append(a.distance.map { .real($0) } ?? .null)
                        rows.append(row)
                    }
                    let waitStart = Date()
                    try emit(rows)
                    clock.add(wait: Date().timeIntervalSince(waitStart))
                }
            }, consume: { (rows: [[SQLValue]]) in
                let insertStart = Date()
                defer { insertSeconds += Date().timeIntervalSince(insertStart) }
                for row in rows {
                    try ins.insert(row)
                    // Counts per zone × company × no-parking zone, so the in-fence
                    // reports need not scan millions of rows again.
                    let key = CountKey(zone: row[row.count - 5].text, company: row[3].text ?? "", noParking: row[row.count - 3].text)
                    counts[key, default: (0, 0)].events += 1
                    if case .integer(1) = row[row.count - 2] { counts[key, default: (0, 0)].inParking += 1 }
                }
            })
        }
        try ctx.store.replaceRows(Self.countsSchema) { ins in
            for (k, v) in counts {
                try ins.insert([k.zone.map { .text($0) } ?? .null, .text(k.company), k.noParking.map { .text($0) } ?? .null,
                                .integer(v.events), .integer(v.inParking)])
            }
        }
        var warnings: [Warning] = []
        if fences.management.isEmpty {
            warnings.append(Warning(file: input.written, reason: "the fences have no MANAGEMENT layer, so no event is in a zone"))
        }
        return LoadResult(rows: outcome.loaded, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows,
                                             rejects: outcome.rejects.count, encoding: "UTF-8")],
                          rejects: outcome.rejects, warnings: warnings,
                          notes: clock.summary(total: Date().timeIntervalSince(loadStart), insert: insertSeconds))
    }
}

/// Where a long event load spends its time, for the step message: the
/// reading thread (parse and check, join, waiting for the inserter) and the
/// inserting thread.
final class StageClock: @unchecked Sendable {
    private let lock = NSLock()
    private var join = 0.0, wait = 0.0
    func add(join j: Double = 0, wait w: Double = 0) { lock.lock(); join += j; wait += w; lock.unlock() }
    func summary(total: Double, insert: Double) -> String {
        lock.lock(); defer { lock.unlock() }
        let read = max(0, total - join - wait)
        func f(_ d: Double) -> String { String(format: "%.2f s", d) }
        return "reading thread: parse and check \(f(read)), join \(f(join)), waiting on inserts \(f(wait)); inserting thread: insert \(f(insert))"
    }
}
