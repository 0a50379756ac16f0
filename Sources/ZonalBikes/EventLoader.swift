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

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let fences = try FenceSet.read(from: ctx.store)
        let tolerance = ctx.job.params.double("tolerance_m") ?? 0
        let assigner = PointAssigner(fences: fences, toleranceM: tolerance)
        let loader = CSVTableLoader(BikeInputs.events)
        // Column positions in a loaded row: line, event_id, bike_id, company, lon, lat, time, time_ms, accuracy_m.
        let lonAt = 4, latAt = 5
        var outcome = CSVTableLoader.Outcome()
        let (_, replaced) = try ctx.store.replaceRows(Self.schema) { ins in
            outcome = try loader.load(path: input.url.path, shown: input.written, times: TimeParser(timeZone: ctx.job.timezone),
                                      progress: ctx.progress) { chunk in
                let points = chunk.map { Coordinate($0[lonAt].double ?? 0, $0[latAt].double ?? 0) }
                let assigned = assigner.assign(points)
                var row: [SQLValue] = []
                for (values, a) in zip(chunk, assigned) {
                    row.removeAll(keepingCapacity: true)
                    row.append(contentsOf: values)
                    row.append(a.zone >= 0 ? .text(assigner.zones.codes[Int(a.zone)]) : .null)
                    row.append(a.parking >= 0 ? .text(assigner.parking.codes[Int(a.parking)]) : .null)
                    row.append(a.noParking >= 0 ? .text(assigner.noParking.codes[Int(a.noParking)]) : .null)
                    row.append(.integer(a.inParking ? 1 : 0))
                    row.append(a.distance.map { .real($0) } ?? .null)
                    try ins.insert(row)
                }
            }
        }
        var warnings: [Warning] = []
        if fences.management.isEmpty {
            warnings.append(Warning(file: input.written, reason: "the fences have no MANAGEMENT layer, so no event is in a zone"))
        }
        return LoadResult(rows: outcome.loaded, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows,
                                             rejects: outcome.rejects.count, encoding: "UTF-8")],
                          rejects: outcome.rejects, warnings: warnings)
    }
}
