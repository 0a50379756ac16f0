import ZonalCore
import ZonalStore

/// A venue as `venues` lists it.
struct Venue: Equatable, Sendable {
    var code: String
    var name: String
    var adminCode: String
    var lon: Double
    var lat: Double
}

/// A venue's day, all devices and sources together: counts and data by 15-minute slot.
struct VenueDay: Sendable {
    var venue: String
    /// Day number on the job's clock (see `VenueDate`).
    var day: Int
    var slotIn = [UInt64](repeating: 0, count: Slots.perDay)
    var slotOut = [UInt64](repeating: 0, count: Slots.perDay)
    var hasData = [Bool](repeating: false, count: Slots.perDay)
    var rows = 0, lateUploads = 0, duplicates = 0
    var sources: Set<String> = []

    init(venue: String, day: Int) { self.venue = venue; self.day = day }

    var totalIn: UInt64 { slotIn.reduce(0, +) }
    var totalOut: UInt64 { slotOut.reduce(0, +) }
    var slotsWithData: Int { hasData.filter { $0 }.count }
    func hourIn(_ h: Int) -> UInt64 { slotIn[(h * 4)..<(h * 4 + 4)].reduce(0, +) }
    func hourOut(_ h: Int) -> UInt64 { slotOut[(h * 4)..<(h * 4 + 4)].reduce(0, +) }
    func hourHasData(_ h: Int) -> Bool { hasData[(h * 4)..<(h * 4 + 4)].contains(true) }
}

/// Everything the venue tasks read from the store. All venue SQL lives here.
struct VenueRepository {
    let store: Store

    func venues() throws -> [Venue] {
        guard try store.exists(VenuesLoader.table.name) else { return [] }
        return try store.query("SELECT venue_code, name, admin_code, lon, lat FROM venues ORDER BY venue_code").map {
            Venue(code: $0[0].text ?? "", name: $0[1].text ?? "", adminCode: $0[2].text ?? "", lon: $0[3].double ?? 0, lat: $0[4].double ?? 0)
        }
    }

    func venueCodes() throws -> [String] { try venues().map(\.code) }

    /// Venue rows rejected for their code: line, code as written, name, why.
    func codeProblemRows() throws -> [(line: Int, venue: Venue, reason: String)] {
        guard try store.exists(VenueTables.codeProblems.name) else { return [] }
        return try store.query("SELECT line, venue_code, name, admin_code, lon, lat, reason FROM venue_code_problems ORDER BY line").map {
            (Int($0[0].int ?? 0), Venue(code: $0[1].text ?? "", name: $0[2].text ?? "", adminCode: $0[3].text ?? "", lon: $0[4].double ?? 0, lat: $0[5].double ?? 0),
             $0[6].text ?? "")
        }
    }

    func codeProblems() throws -> [String: String] {
        Dictionary(try codeProblemRows().map { ($0.venue.code, $0.reason) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every venue's days, devices and sources added up, by venue and date.
    func venueDays() throws -> [VenueDay] {
        guard try store.exists(VenueTables.days.name) else { return [] }
        var out: [VenueDay] = []
        try store.forEachRow("SELECT venue_code, date, source, rows, late_uploads, duplicate_rows, slots FROM venue_footfall_days ORDER BY venue_code, date") { r in
            let venue = r[0].text ?? "", date = r[1].text ?? ""
            let parts = date.split(separator: "-").compactMap { Int($0) }
            let day = parts.count == 3 ? TimeParser.dayNumber(year: parts[0], month: parts[1], day: parts[2]) : 0
            if out.last?.venue != venue || out.last?.day != day { out.append(VenueDay(venue: venue, day: day)) }
            let i = out.count - 1
            out[i].rows += Int(r[3].int ?? 0)
            out[i].lateUploads += Int(r[4].int ?? 0)
            out[i].duplicates += Int(r[5].int ?? 0)
            out[i].sources.insert(r[2].text ?? "")
            guard case .blob(let b) = r[6], b.count == Slots.perDay * 8 else { return }
            for k in 0..<Slots.perDay {
                let inCount = UInt32(b[k * 8]) | UInt32(b[k * 8 + 1]) << 8 | UInt32(b[k * 8 + 2]) << 16 | UInt32(b[k * 8 + 3]) << 24
                let outCount = UInt32(b[k * 8 + 4]) | UInt32(b[k * 8 + 5]) << 8 | UInt32(b[k * 8 + 6]) << 16 | UInt32(b[k * 8 + 7]) << 24
                guard inCount != UInt32.max else { continue }
                out[i].hasData[k] = true
                out[i].slotIn[k] += UInt64(inCount)
                out[i].slotOut[k] += UInt64(outCount)
            }
        }
        return out
    }
}
