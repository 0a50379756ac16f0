import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// The store tables of the venue domain.
enum VenueTables {
    /// Venue rows rejected for their code: the subsidy review still lists them (venue_reporting, `invalid_code`).
    static let codeProblems = TableSchema(name: "venue_code_problems", columns: [
        TableColumn("line", .integer), TableColumn("venue_code", .text), TableColumn("name", .text), TableColumn("admin_code", .text),
        TableColumn("lon", .real), TableColumn("lat", .real), TableColumn("reason", .text),
    ])
    /// One row per venue, device, source and local date: the day's counts by
    /// 15-minute slot (`slots`: 96 pairs of little-endian UInt32 in, out;
    /// 0xFFFFFFFF for a slot without data) and what was wrong with its rows.
    static let days = TableSchema(name: "venue_footfall_days", columns: [
        TableColumn("venue_code", .text), TableColumn("date", .text), TableColumn("device_id", .text), TableColumn("source", .text),
        TableColumn("rows", .integer), TableColumn("total_in", .integer), TableColumn("total_out", .integer),
        TableColumn("slots_with_data", .integer), TableColumn("late_uploads", .integer), TableColumn("duplicate_rows", .integer),
        TableColumn("long_periods", .integer), TableColumn("slots", .blob),
    ])
}

/// `venues`: the subsidised venues (CONTRACT §3.3). A code that is not 12
/// digits or whose parts differ from the row's own admin_code, venue_type and
/// level is a reject, kept in `venue_code_problems` for the review; a code
/// listed twice is a reject (the first row stands).
struct VenuesLoader: DatasetLoader {
    static let fields = [
        FieldSpec("venue_code", .text), FieldSpec("name", .text), FieldSpec("venue_type", .digits(2)), FieldSpec("level", .digits(1)),
        FieldSpec("admin_code", .digits(6)), FieldSpec("lon", .number(min: -180, max: 180)), FieldSpec("lat", .number(min: -90, max: 90)),
    ]
    static let table = TableSchema(name: "venues", columns: CSVTableLoader(fields).columns, geometry: .point)

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let loader = CSVTableLoader(Self.fields)
        var rows: [[SQLValue]] = []
        var outcome = try loader.load(path: input.url.path, shown: input.written, times: ctx.times, progress: ctx.progress) { rows += $0 }
        func at(_ c: String) -> Int { loader.position(of: c) }
        let lineAt = at("line"), codeAt = at("venue_code"), nameAt = at("name"), typeAt = at("venue_type"), levelAt = at("level")
        let adminAt = at("admin_code"), lonAt = at("lon"), latAt = at("lat")
        var seen: [String: Int64] = [:]
        var kept = 0
        let (_, replaced) = try ctx.store.replaceRows([Self.table, VenueTables.codeProblems]) { ins in
            for r in rows {
                let code = r[codeAt].text ?? "", line = r[lineAt].int ?? 0
                if let why = VenueCode.problem(code: code, adminCode: r[adminAt].text ?? "", venueType: r[typeAt].text ?? "", level: r[levelAt].text ?? "") {
                    outcome.rejects.append(Reject(file: input.written, line: Int(line), field: "venue_code", reason: why))
                    try ins[1].insert([.integer(line), .text(code), r[nameAt], r[adminAt], r[lonAt], r[latAt], .text(why)])
                    continue
                }
                if let first = seen[code] {
                    outcome.rejects.append(Reject(file: input.written, line: Int(line), field: "venue_code", reason: "venue \(code) is also on line \(first); each venue is listed once"))
                    continue
                }
                seen[code] = line
                try ins[0].insert(r, shape: .point(Coordinate(r[lonAt].double ?? 0, r[latAt].double ?? 0)))
                kept += 1
            }
        }
        outcome.rejects.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        return LoadResult(rows: kept, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows, rejects: outcome.rejects.count, encoding: "UTF-8")],
                          rejects: outcome.rejects)
    }
}
