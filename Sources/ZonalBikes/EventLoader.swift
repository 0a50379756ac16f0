import Foundation
import ZonalCore
import ZonalFences
import ZonalGeo
import ZonalIO
import ZonalStore

/// Loads a day of lock events and joins each to the fences as it streams in:
/// chunks of 64k rows are parsed, assigned on every core with the shared
/// point join, and bulk-inserted with their zone, parking area and no-parking
/// zone. Joining at load time means millions of events are read and written
/// once; the in-fence tasks then only aggregate. The fences must be loaded
/// first (`requires`).
struct EventLoader: DatasetLoader {
    struct CountKey: Hashable { var zone: String?; var company: String; var noParking: String? }

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let fences = try FenceSet.read(from: ctx.store)
        // Layers in the join, in this order: zones, parking areas (with the tolerance), no-parking zones.
        let zones = fences.layer(.management), parkingAreas = fences.layer(.parking), noParkingZones = fences.layer(.noParking)
        let join = PointJoin([PointJoin.Target(zones),
                              PointJoin.Target(parkingAreas, toleranceM: ctx.params[BikeParams.toleranceM]),
                              PointJoin.Target(noParkingZones)])
        let loader = CSVTableLoader(BikeInputs.events)
        let lonAt = loader.position(of: "lon"), latAt = loader.position(of: "lat")
        let schema = BikeRepository.events
        let zoneAt = schema.position(of: "management_code"), companyAt = schema.position(of: "company")
        let noParkingAt = schema.position(of: "noparking_code"), inParkingAt = schema.position(of: "in_parking")
        let path = input.url.path, shown = input.written
        let times = ctx.times
        let progress = ctx.progress
        var counts: [CountKey: (events: Int64, inParking: Int64)] = [:]
        let clock = StageClock()
        var insertSeconds = 0.0
        // Parsing, checking and the join run on a background thread (the join
        // itself on every core); this thread, which owns the store, inserts.
        let loadStart = Date()
        let (outcome, replaced) = try ctx.store.replaceRows(BikeRepository.events) { ins in
            try ChunkPipeline.run(produce: { emit in
                try loader.load(path: path, shown: shown, times: times, progress: progress) { chunk in
                    let joinStart = Date()
                    let points = chunk.map { Coordinate($0[lonAt].double ?? 0, $0[latAt].double ?? 0) }
                    let matches = try join.assign(points)
                    clock.add(join: Date().timeIntervalSince(joinStart))
                    var rows: [[SQLValue]] = []
                    rows.reserveCapacity(chunk.count)
                    for (i, values) in chunk.enumerated() {
                        let zone = matches[i, 0], parking = matches[i, 1], noParking = matches[i, 2]
                        var row = values
                        row.append(zone.index.map { .text(zones.codes[$0]) } ?? .null)
                        row.append(parking.index.map { .text(parkingAreas.codes[$0]) } ?? .null)
                        row.append(noParking.index.map { .text(noParkingZones.codes[$0]) } ?? .null)
                        row.append(.integer(parking.index != nil ? 1 : 0))
                        row.append(parking.distanceM.map { .real($0) } ?? .null)
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
                    let key = CountKey(zone: row[zoneAt].text, company: row[companyAt].text ?? "", noParking: row[noParkingAt].text)
                    counts[key, default: (0, 0)].events += 1
                    if case .integer(1) = row[inParkingAt] { counts[key, default: (0, 0)].inParking += 1 }
                }
            })
        }
        try ctx.store.replaceRows(BikeRepository.eventCounts) { ins in
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
