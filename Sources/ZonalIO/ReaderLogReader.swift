/// One card seen by an RFID reader: a line of a reader log.
public struct CardRead: Sendable, Equatable {
    /// 1-based physical line number.
    public var line: Int
    /// The PC's timestamp as written, `yyyy-MM-dd HH:mm:ss` with 0–3 decimals.
    /// Left as text: it is naive local time, and only the caller knows the
    /// job's time zone (its TimeParser reads it).
    public var time: String
    /// The reader's output, `HHHHH:PPPPP` (HID:PID, 5 decimal digits each).
    public var card: String

    public init(line: Int, time: String, card: String) {
        self.line = line
        self.time = time
        self.card = card
    }
}

/// Streams an RFID reader log (seed 003, CONTRACT §3.5 `race_reads`): the
/// reader prints `HHHHH:PPPPP` + [LF][CR] for each card, and the PC writes each
/// with its timestamp first: `2026-05-01 09:03:12.345 00102:00012`.
///
/// Time and card are separated by spaces or a tab; spaces or tabs around the
/// line are ignored, and lines of only spaces are skipped. This reader checks
/// the shape of both (digits and separators in the right places); whether the
/// date exists is for the caller's TimeParser. A line that does not fit comes
/// back as a problem for the loader to reject; only a file that cannot be
/// read throws.
public final class ReaderLogReader {
    private let lines: LineReader

    /// The name used in messages.
    public var file: String { lines.file }

    public convenience init(path: String, displayName: String? = nil, lineLimit: Int = LineReader.defaultLineLimit) throws {
        self.init(lines: try LineReader(path: path, displayName: displayName, lineLimit: lineLimit))
    }

    init(lines: LineReader) {
        self.lines = lines
    }

    /// The next card read, or why the line is not one; nil at end of file.
    public func next() throws -> Result<CardRead, InputError>? {
        let file = lines.file
        return try lines.next(parsing: { bytes, line in Self.parse(bytes, line: line, file: file) })
    }

    /// Every read of the file in place, for loads of millions of reads: `read`
    /// gets the line, the time's bytes (valid only during the call) and the
    /// card as one number (`cardNumber`); `problem` gets each line that is not
    /// a read, worded as `next()` words it. No String per line.
    public func forEachRead(_ read: (_ line: Int, _ time: UnsafeBufferPointer<UInt8>, _ card: Int64) throws -> Void,
                            problem: (InputError) throws -> Void) throws {
        let file = lines.file
        while true {
            var failure: InputError?
            switch try lines.next({ bytes, line in
                switch Self.locate(bytes, line: line, file: file) {
                case nil: break
                case .failure(let p): failure = p
                case .success(let at):
                    try read(line, UnsafeBufferPointer(rebasing: bytes[at.time]), Self.cardNumber(bytes, at.card.lowerBound))
                }
            }) {
            case .line: if let failure { try problem(failure) }
            case .tooLong(let p): try problem(p)
            case .endOfFile: return
            }
        }
    }

    /// A card `HHHHH:PPPPP` as one number, HID × 100000 + PID
    /// (`00102:00012` → 10200012); `p[s...]` must be a card (`isCard`).
    static func cardNumber(_ p: UnsafeBufferPointer<UInt8>, _ s: Int) -> Int64 {
        var n: Int64 = 0
        for k in 0..<11 where k != 5 { n = n * 10 + Int64(p[s + k] &- 48) }
        return n
    }

    static let timeShape = "yyyy-MM-dd HH:mm:ss[.SSS]"

    /// One line: a read, a problem, or nil for a line of only spaces.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, file: String) -> Result<CardRead, InputError>? {
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
        return locate(bytes, line: line, file: file).map { $0.map { CardRead(line: line, time: text($0.time), card: text($0.card)) } }
    }

    /// Where a line's time and card are, or why it is not a read; nil for a
    /// line of only spaces.
    static func locate(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, file: String) -> Result<(time: Range<Int>, card: Range<Int>), InputError>? {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func text(_ s: Int, _ e: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<e]), as: UTF8.self) }
        func problem(_ field: String?, _ reason: String) -> Result<(time: Range<Int>, card: Range<Int>), InputError> {
            .failure(InputError(file: file, line: line, field: field, reason: reason))
        }
        func quoted(_ s: Int, _ e: Int) -> String {
            let t = text(s, e)
            return t.count > 40 ? "'\(t.prefix(40))…'" : "'\(t)'"
        }

        var s = 0, e = bytes.count
        while s < e, isSpace(bytes[s]) { s += 1 }
        while e > s, isSpace(bytes[e - 1]) { e -= 1 }
        if s == e { return nil }

        // The usual line, `<time> <card>` with one separator, decided without
        // splitting into words; anything else takes the general path below,
        // which would find the same time and card here.
        if e - s >= 31, isSpace(bytes[e - 12]), isCard(bytes, e - 11, e), isTime(bytes, s, e - 12) {
            return .success((s..<(e - 12), (e - 11)..<e))
        }

        // Words separated by spaces or tabs: date, clock, card.
        var words: [(start: Int, end: Int)] = []
        var i = s
        while i < e {
            let w = i
            while i < e, !isSpace(bytes[i]) { i += 1 }
            words.append((w, i))
            while i < e, isSpace(bytes[i]) { i += 1 }
            if words.count == 4 { break }
        }

        // The time is the first two words; the card the third. With only two
        // words, either the card or half the time is missing: decide by what
        // the words look like, so the message names the part that is wrong.
        let timeEnd: Int
        let card: (start: Int, end: Int)?
        switch words.count {
        case 1:
            if isCard(bytes, words[0].start, words[0].end) { return problem(nil, "no time before the card") }
            return problem(nil, "\(quoted(s, e)) is not a time and a card (\(timeShape) HHHHH:PPPPP)")
        case 2:
            if isCard(bytes, words[1].start, words[1].end) || !isDate(bytes, words[0].start, words[0].end) {
                timeEnd = words[0].end
                card = words[1]
            } else {
                timeEnd = words[1].end
                card = nil
            }
        default:
            timeEnd = words[1].end
            card = words[2]
        }
        guard isTime(bytes, s, timeEnd) else {
            return problem("time", "\(quoted(s, timeEnd)) is not \(timeShape)")
        }
        guard let card else { return problem(nil, "no card after the time") }
        guard isCard(bytes, card.start, card.end) else {
            return problem("card", "\(quoted(card.start, card.end)) must be HHHHH:PPPPP, two groups of 5 digits")
        }
        if words.count > 3 {
            return problem(nil, "unexpected text after the card: \(quoted(words[3].start, e))")
        }
        return .success((s..<timeEnd, card.start..<card.end))
    }

    private static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

    /// Whether `p[s...]` starts with `shape`, where `d` stands for any digit.
    private static func starts(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, with shape: StaticString) -> Bool {
        let count = shape.utf8CodeUnitCount
        guard e - s >= count else { return false }
        let want = shape.utf8Start
        for k in 0..<count {
            let b = p[s + k]
            if want[k] == UInt8(ascii: "d") ? !isDigit(b) : b != want[k] { return false }
        }
        return true
    }

    /// `ddddd:ddddd`.
    static func isCard(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        e - s == 11 && starts(p, s, e, with: "ddddd:ddddd")
    }

    /// `dddd-dd-dd`.
    static func isDate(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        e - s == 10 && starts(p, s, e, with: "dddd-dd-dd")
    }

    /// `dddd-dd-dd dd:dd:dd`, then nothing or `.` and 1 to 3 digits.
    static func isTime(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard starts(p, s, e, with: "dddd-dd-dd dd:dd:dd") else { return false }
        switch e - s {
        case 19: return true
        case 21: return starts(p, s + 19, e, with: ".d")
        case 22: return starts(p, s + 19, e, with: ".dd")
        case 23: return starts(p, s + 19, e, with: ".ddd")
        default: return false
        }
    }
}
