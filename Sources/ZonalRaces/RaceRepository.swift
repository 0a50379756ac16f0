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
        guard !readers.isEmpty, try store.exists(ReadsLoader.table.name) else { return [] }
        let marks = readers.map { _ in "?" }.joined(separator: ", ")
        let names = readers.map { Array($0.utf8) }
        var out: [TimedRead] = []
        try store.scan("SELECT reader, time_ms, card_no FROM race_reads WHERE reader IN (\(marks))", readers.map { .text($0) }) { c in
            if let r = c.which(0, of: names) { out.append(TimedRead(reader: r, ms: c.int(1), card: c.int(2))) }
        }
        return out
    }
}
