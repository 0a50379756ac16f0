import ZonalCore
import ZonalStore

/// An athlete as registered (race_athletes).
struct Athlete: Sendable, Equatable {
    var bib: String
    var card: String
    var name: String
    var gender: String
    var event: String
    var ageGroup: String?
}

/// One read of one card by one reader: the reader's position in the race's
/// reader list and the card as a number (HID × 100000 + PID), so millions of
/// reads cost no strings.
struct TimedRead: Sendable, Equatable {
    var reader: Int
    var ms: Int64
    var card: Int64
}

/// Everything the race tasks read from the store. All race SQL lives here.
struct RaceRepository {
    let store: Store

    func athletes() throws -> [Athlete] {
        guard try store.exists(AthletesLoader.table.name) else { return [] }
        return try store.query("SELECT bib, card, name, gender, event, age_group FROM race_athletes ORDER BY line").map {
            Athlete(bib: $0[0].text ?? "", card: $0[1].text ?? "", name: $0[2].text ?? "", gender: $0[3].text ?? "",
                    event: $0[4].text ?? "", ageGroup: $0[5].text)
        }
    }

    func cards() throws -> Set<String> {
        guard try store.exists(AthletesLoader.table.name) else { return [] }
        return Set(try store.query("SELECT card FROM race_athletes").compactMap { $0[0].text })
    }

    /// Reads of these readers (any order); `reader` is the position in `readers`.
    func reads(readers: [String]) throws -> [TimedRead] {
        guard !readers.isEmpty, try store.exists(ReadsLoader.table.name), try store.exists(ReadsLoader.sources.name) else { return [] }
        // Sources are a handful of rows; each read finds its reader by the
        // source's number. No WHERE: SQLite testing every row costs more
        // than passing it.
        var readerOf: [Int] = []
        for s in try store.query("SELECT source, reader FROM race_read_sources") {
            guard let source = s[0].int, source >= 0, source < 1 << 20, let name = s[1].text, let r = readers.firstIndex(of: name) else { continue }
            if readerOf.count <= Int(source) { readerOf += [Int](repeating: -1, count: Int(source) + 1 - readerOf.count) }
            readerOf[Int(source)] = r
        }
        guard readerOf.contains(where: { $0 >= 0 }) else { return [] }
        var out: [TimedRead] = []
        try store.scan("SELECT source, time_ms, card_no FROM race_reads") { c in
            let source = c.int(0)
            if source >= 0, source < readerOf.count, case let r = readerOf[Int(source)], r >= 0 {
                out.append(TimedRead(reader: r, ms: c.int(1), card: c.int(2)))
            }
        }
        return out
    }
}
