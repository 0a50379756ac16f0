#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON value that is not a container: all a flat request body holds.
public enum JSONScalar: Sendable, Equatable {
    case string(String)
    /// The number as written (`3`, `3.0`, `1e2` stay apart, and 12-digit codes
    /// sent as numbers keep their digits) and as a Double for arithmetic.
    case number(raw: String, value: Double)
    case bool(Bool)
    case null

    /// The value as text for a text column: strings as they are, numbers as
    /// written, `true`/`false`; nil for null. Senders disagree on whether
    /// `inWellNumber` is 3 or "3"; loaders check the text either way.
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let raw, _): return raw
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        }
    }
}

/// One line of a JSON Lines file: a flat object, its keys in the order written.
public struct JSONLinesObject: Sendable, Equatable {
    /// 1-based physical line number.
    public var line: Int
    /// Identifies the line's exact bytes, so a loader can drop request bodies
    /// that were sent twice without keeping the lines (see `LineFingerprint`).
    public var fingerprint: LineFingerprint
    /// Keys and values in the order written; keys are unique.
    public var fields: [(key: String, value: JSONScalar)]

    public init(line: Int, fingerprint: LineFingerprint, fields: [(key: String, value: JSONScalar)]) {
        self.line = line
        self.fingerprint = fingerprint
        self.fields = fields
    }

    /// The value of `key`, or nil when the line has no such key. A linear
    /// search: request bodies have a handful of keys.
    public subscript(key: String) -> JSONScalar? {
        for f in fields where f.key == key { return f.value }
        return nil
    }

    public static func == (a: JSONLinesObject, b: JSONLinesObject) -> Bool {
        a.line == b.line && a.fingerprint == b.fingerprint && a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// Streams a JSON Lines file of flat objects: the request bodies of seed 004
/// §5.3 (AI reports, camera heartbeats, live addresses), one per line.
///
/// Lines are parsed from the reader's bytes, not with Foundation's JSON
/// decoders: a mine's day of heartbeats is millions of lines, and a decoder per
/// line costs more than the rest of the load. A line that is not a flat object
/// comes back as a problem (an `InputError` naming the file, the line, the key
/// when known, and the byte where it went wrong) for the loader to reject; only
/// a file that cannot be read throws. Lines of only spaces are skipped like
/// empty ones.
public final class JSONLinesReader {
    private let lines: LineReader
    private var parser = FlatObjectParser()

    /// The name used in messages.
    public var file: String { lines.file }

    public convenience init(path: String, displayName: String? = nil, lineLimit: Int = LineReader.defaultLineLimit) throws {
        self.init(lines: try LineReader(path: path, displayName: displayName, lineLimit: lineLimit))
    }

    /// Reads one part of a plain file (see `LineReader.parts`), so several
    /// readers can share a file across cores; line numbers count from 1 at
    /// the part's start (add the lines of the parts before it).
    public convenience init(path: String, displayName: String? = nil, range: Range<Int64>) throws {
        self.init(lines: try LineReader(path: path, displayName: displayName, range: range))
    }

    init(lines: LineReader) {
        self.lines = lines
    }

    /// Line ends read so far (after a whole part: its number of lines).
    public var lineEndsRead: Int { lines.lineEndsRead }

    /// The next line's object, or why it is not one; nil at end of file.
    public func next() throws -> Result<JSONLinesObject, InputError>? {
        let file = lines.file
        return try lines.next(parsing: { bytes, line in parser.parse(bytes, line: line, file: file) })
    }

    /// The id `RawFlatObject` gives `key` in this reader.
    public func keyID(_ key: String) -> Int { parser.keyID(key) }

    /// What `nextRaw` did with a line.
    public enum RawLine {
        /// `visit` read the line in place (and kept what it needed).
        case visited
        /// The line was not a plain flat object, or `visit` declined it: the
        /// whole parse, with its exact error when the line is malformed.
        case parsed(Result<JSONLinesObject, InputError>)
    }

    /// The next line, lent to `visit` in place when it is a flat object of
    /// plain values (ASCII strings without escapes, whole numbers, literals)
    /// whose keys this reader has seen; otherwise (or when `visit` returns
    /// false) parsed as `next()` does. For loaders of millions of lines: the
    /// common line costs no allocation; every other line gets the same
    /// objects and messages as `next()`. Nil at end of file. (Not generic on
    /// purpose: across modules a generic result costs a metadata lookup per line.)
    public func nextRaw(_ visit: (RawFlatObject) -> Bool) throws -> RawLine? {
        let file = lines.file
        while true {
            var out: RawLine? = nil
            switch try lines.next({ bytes, line in
                if let raw = parser.scan(bytes, line: line), visit(raw) { out = .visited; return }
                if let r = parser.parse(bytes, line: line, file: file) { out = .parsed(r) }
            }) {
            case .line: if let out { return out }
            case .tooLong(let problem): return .parsed(.failure(problem))
            case .endOfFile: return nil
            }
        }
    }
}

/// A value of a `RawFlatObject`, as the bytes of the line.
public struct RawJSONValue {
    public enum Kind: Sendable, Equatable { case string, number, bool, null }
    public let kind: Kind
    /// A string's content without its quotes (never with escapes), a whole
    /// number as written, or the literal.
    public let bytes: UnsafeBufferPointer<UInt8>

    /// The value when it is the one-digit number or string `0`…`9`.
    public var digit: Int? {
        guard (kind == .number || kind == .string), bytes.count == 1, bytes[0] &- 48 < 10 else { return nil }
        return Int(bytes[0] &- 48)
    }
}

/// A flat object read in place: valid only inside `JSONLinesReader.nextRaw`'s visit.
public struct RawFlatObject {
    /// 1-based physical line number.
    public let line: Int
    /// The line's bytes.
    public let bytes: UnsafeBufferPointer<UInt8>
    let fields: UnsafeBufferPointer<RawField>

    public var count: Int { fields.count }
    /// The id (`JSONLinesReader.keyID`) of the i-th key.
    public func key(at i: Int) -> Int { Int(fields[i].key) }
    public func value(at i: Int) -> RawJSONValue {
        let f = fields[i]
        let kind: RawJSONValue.Kind = f.kind == 0 ? .string : f.kind == 1 ? .number : f.kind == 2 ? .bool : .null
        return RawJSONValue(kind: kind, bytes: UnsafeBufferPointer(rebasing: bytes[Int(f.start)..<Int(f.end)]))
    }
    public var fingerprint: LineFingerprint { LineFingerprint(bytes) }
}

/// The fields `scan` fills, at a fixed address for `RawFlatObject` to point at.
final class RawFieldStorage {
    let fields: UnsafeMutablePointer<RawField>
    init(capacity: Int) {
        fields = .allocate(capacity: capacity)
        fields.initialize(repeating: RawField(key: 0, kind: 0, start: 0, end: 0), count: capacity)
    }
    deinit { fields.deallocate() }
}

/// One field of a line scanned in place: key id, kind (0 string, 1 number,
/// 2 bool, 3 null) and the value's byte range.
struct RawField {
    var key: Int32
    var kind: UInt8
    var start: Int32
    var end: Int32
}

/// Why a line is not a flat object.
fileprivate struct Malformed: Error {
    var field: String?
    var reason: String
}

/// Parses one line into a flat object. Keeps state between lines only to
/// intern keys: every line of a file repeats the same few keys, so each key's
/// bytes are compared with the key at the same place in the previous line (then
/// with the other keys seen) and its `String` is reused instead of made anew.
struct FlatObjectParser {
    /// Keys seen so far, at most `internLimit`: their bytes and their string.
    private var internedBytes: [[UInt8]] = []
    private var internedKeys: [String] = []
    /// A file with ever-new keys must not make every lookup slower; past this
    /// many, new keys are simply not interned.
    private static let internLimit = 64
    /// Intern index (or -1) of each key of the previous and the current line.
    private var previous: [Int] = []
    private var current: [Int] = []
    /// Byte offset of each key of the current line, for duplicate-key messages.
    private var keyOffsets: [Int] = []
    /// Decoded bytes of a string with escapes or non-ASCII text.
    private var scratch: [UInt8] = []

    /// Fields of the line `scan` read in place (at most `rawCapacity`), and the
    /// intern index of the key at each position of the previous scanned line.
    private let rawStorage = RawFieldStorage(capacity: FlatObjectParser.rawCapacity)
    private var raw: UnsafeMutablePointer<RawField> { rawStorage.fields }
    private var scanPrevious = [Int](repeating: -1, count: FlatObjectParser.rawCapacity)
    static let rawCapacity = 16

    init() {
        scratch.reserveCapacity(256)
    }

    /// The intern index of `key`, interning it if there is room (-1 if not).
    mutating func keyID(_ key: String) -> Int {
        var k = key
        return k.withUTF8 { bytes in
            if let i = internedBytes.firstIndex(where: { $0.elementsEqual(bytes) }) { return i }
            return intern(bytes, position: Int.max).1
        }
    }

    /// Reads a line in place when it is a flat object of plain values: keys
    /// already interned and unique, ASCII strings without escapes, whole
    /// numbers without leading zeros, literals; at most `rawCapacity` fields.
    /// Nil for anything else, which `parse` then reads (and explains).
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> RawFlatObject? {
        guard let p = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
        @inline(__always) func skip() { while i < n && (p[i] == 0x20 || p[i] == 0x09) { i += 1 } }
        /// The end of the plain string whose content starts at `s`, or nil.
        @inline(__always) func plainEnd(_ s: Int) -> Int? {
            var j = s
            while j < n {
                let b = p[j]
                if b == 0x22 { return j }
                if b == 0x5C || b < 0x20 || b >= 0x80 { return nil }
                j += 1
            }
            return nil
        }
        skip()
        guard i < n, p[i] == Self.openBrace else { return nil }
        i += 1
        skip()
        var count = 0
        if i < n && p[i] == Self.closeBrace {
            i += 1
        } else {
            while true {
                guard count < Self.rawCapacity, i < n, p[i] == Self.quote, let ke = plainEnd(i + 1) else { return nil }
                let id = scannedKey(p + i + 1, ke - i - 1, position: count)
                guard id >= 0 else { return nil }
                for k in 0..<count where raw[k].key == Int32(id) { return nil }
                i = ke + 1
                skip()
                guard i < n, p[i] == Self.colon else { return nil }
                i += 1
                skip()
                guard i < n else { return nil }
                let b = p[i]
                var field = RawField(key: Int32(id), kind: 0, start: 0, end: 0)
                if b == Self.quote {
                    guard let e = plainEnd(i + 1) else { return nil }
                    field.start = Int32(i + 1); field.end = Int32(e)
                    i = e + 1
                } else if b == UInt8(ascii: "-") || isDigit(b) {
                    var j = b == UInt8(ascii: "-") ? i + 1 : i
                    guard j < n, isDigit(p[j]) else { return nil }
                    if p[j] == UInt8(ascii: "0") { j += 1; if j < n && isDigit(p[j]) { return nil } } else { while j < n && isDigit(p[j]) { j += 1 } }
                    if j < n && (p[j] == UInt8(ascii: ".") || p[j] | 0x20 == UInt8(ascii: "e")) { return nil }
                    field.kind = 1; field.start = Int32(i); field.end = Int32(j)
                    i = j
                } else {
                    let word: Int
                    if b == UInt8(ascii: "t"), n - i >= 4, memcmp(p + i, "true", 4) == 0 { word = 4; field.kind = 2 }
                    else if b == UInt8(ascii: "f"), n - i >= 5, memcmp(p + i, "false", 5) == 0 { word = 5; field.kind = 2 }
                    else if b == UInt8(ascii: "n"), n - i >= 4, memcmp(p + i, "null", 4) == 0 { word = 4; field.kind = 3 }
                    else { return nil }
                    field.start = Int32(i); field.end = Int32(i + word)
                    i += word
                }
                raw[count] = field
                count += 1
                skip()
                guard i < n else { return nil }
                if p[i] == Self.comma { i += 1; skip(); continue }
                if p[i] == Self.closeBrace { i += 1; break }
                return nil
            }
        }
        skip()
        guard i == n else { return nil }
        return RawFlatObject(line: line, bytes: bytes, fields: UnsafeBufferPointer(start: raw, count: count))
    }

    /// The intern index of a key's bytes, trying the key at the same place of
    /// the previous scanned line first; -1 when not interned.
    private mutating func scannedKey(_ k: UnsafePointer<UInt8>, _ length: Int, position: Int) -> Int {
        @inline(__always) func same(_ index: Int) -> Bool {
            internedBytes[index].withUnsafeBufferPointer { known in
                known.count == length && (length == 0 || memcmp(known.baseAddress!, k, length) == 0)
            }
        }
        let guess = scanPrevious[position]
        if guess >= 0, same(guess) { return guess }
        for index in internedBytes.indices where same(index) {
            scanPrevious[position] = index
            return index
        }
        return -1
    }

    /// The object, a problem, or nil for a line of only spaces.
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, file: String) -> Result<JSONLinesObject, InputError>? {
        guard let base = bytes.baseAddress else { return nil }
        var c = Cursor(p: base, n: bytes.count)
        c.skipSpace()
        if c.i == c.n { return nil }
        do throws(Malformed) {
            let fields = try object(&c)
            return .success(JSONLinesObject(line: line, fingerprint: LineFingerprint(bytes), fields: fields))
        } catch {
            return .failure(InputError(file: file, line: line, field: error.field, reason: error.reason))
        }
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")

    private mutating func object(_ c: inout Cursor) throws(Malformed) -> [(key: String, value: JSONScalar)] {
        guard c.peek == Self.openBrace else {
            throw Malformed(reason: "expected '{' at byte \(c.i + 1), found \(c.found); each line must be one JSON object")
        }
        c.i += 1
        current.removeAll(keepingCapacity: true)
        keyOffsets.removeAll(keepingCapacity: true)
        var fields: [(key: String, value: JSONScalar)] = []
        fields.reserveCapacity(previous.count)
        c.skipSpace()
        if c.peek == Self.closeBrace {
            c.i += 1
        } else {
            var afterComma = false
            while true {
                guard c.i < c.n else { throw c.endsInside(field: nil) }
                guard c.peek == Self.quote else {
                    if afterComma && c.peek == Self.closeBrace {
                        throw Malformed(reason: "trailing comma before '}' at byte \(c.i + 1)")
                    }
                    throw Malformed(reason: "expected a key in double quotes at byte \(c.i + 1), found \(c.found)")
                }
                let keyOffset = c.i
                let (key, index) = try self.key(&c, position: fields.count)
                for k in 0..<current.count {
                    let other = current[k]
                    let same = other >= 0 || index >= 0 ? other == index : fields[k].key == key
                    if same {
                        throw Malformed(field: key, reason: "the key appears twice (at bytes \(keyOffsets[k] + 1) and \(keyOffset + 1))")
                    }
                }
                current.append(index)
                keyOffsets.append(keyOffset)

                c.skipSpace()
                guard c.i < c.n else { throw c.endsInside(field: key) }
                guard c.peek == Self.colon else {
                    throw Malformed(field: key, reason: "expected ':' after the key at byte \(c.i + 1), found \(c.found)")
                }
                c.i += 1
                c.skipSpace()
                guard c.i < c.n else { throw c.endsInside(field: key) }
                fields.append((key, try value(&c, key: key)))

                c.skipSpace()
                guard c.i < c.n else { throw c.endsInside(field: key) }
                let b = c.peek
                c.i += 1
                if b == Self.closeBrace { break }
                guard b == Self.comma else {
                    c.i -= 1
                    throw Malformed(field: key, reason: "expected ',' or '}' after the value at byte \(c.i + 1), found \(c.found)")
                }
                c.skipSpace()
                afterComma = true
            }
        }
        c.skipSpace()
        if c.i < c.n {
            throw Malformed(reason: "unexpected text after the object at byte \(c.i + 1): \(c.quoted(c.i, min(c.n, c.i + 64)))")
        }
        swap(&previous, &current)
        return fields
    }

    /// Reads a key and returns its interned string and intern index (-1 when
    /// not interned). `position` is the key's place in the object.
    private mutating func key(_ c: inout Cursor, position: Int) throws(Malformed) -> (String, Int) {
        let open = c.i
        if let (s, e) = c.plainString() {
            return intern(UnsafeBufferPointer(start: c.p + s, count: e - s), position: position)
        }
        c.i = open
        try decodeString(&c, field: nil)
        let decoded = scratch  // shares storage; `intern` may not read `self.scratch` while mutating self
        return decoded.withUnsafeBufferPointer { intern($0, position: position) }
    }

    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, position: Int) -> (String, Int) {
        func same(_ index: Int) -> Bool {
            internedBytes[index].withUnsafeBufferPointer { known in
                known.count == bytes.count && (bytes.count == 0 || memcmp(known.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
            }
        }
        if position < previous.count, previous[position] >= 0, same(previous[position]) {
            return (internedKeys[previous[position]], previous[position])
        }
        for index in internedKeys.indices where same(index) {
            return (internedKeys[index], index)
        }
        let key = String(decoding: bytes, as: UTF8.self)
        guard internedKeys.count < Self.internLimit else { return (key, -1) }
        internedBytes.append(Array(bytes))
        internedKeys.append(key)
        return (key, internedKeys.count - 1)
    }

    private mutating func value(_ c: inout Cursor, key: String) throws(Malformed) -> JSONScalar {
        let b = c.peek
        switch b {
        case Self.quote:
            let open = c.i
            if let (s, e) = c.plainString() {
                return .string(String(decoding: UnsafeBufferPointer(start: c.p + s, count: e - s), as: UTF8.self))
            }
            c.i = open
            try decodeString(&c, field: key)
            return .string(String(decoding: scratch, as: UTF8.self))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number(&c, key: key)
        case UInt8(ascii: "t"):
            if c.literal("true") { return .bool(true) }
        case UInt8(ascii: "f"):
            if c.literal("false") { return .bool(false) }
        case UInt8(ascii: "n"):
            if c.literal("null") { return .null }
        case Self.openBrace, Self.openBracket:
            let what = b == Self.openBrace ? "an object" : "an array"
            throw Malformed(field: key, reason: "nested objects/arrays are not supported (\(what) starts at byte \(c.i + 1))")
        default:
            break
        }
        // Not a JSON value: say what it looks like.
        let end = c.tokenEnd(c.i)
        guard end > c.i else {
            throw Malformed(field: key, reason: "expected a value at byte \(c.i + 1), found \(c.found)")
        }
        let token = c.quoted(c.i, end)
        let at = "\(token) at byte \(c.i + 1)"
        if b == UInt8(ascii: "+") {
            throw Malformed(field: key, reason: "\(at) is not a JSON number: no leading '+'")
        }
        if b == UInt8(ascii: "."), c.i + 1 < c.n, c.p[c.i + 1] &- 48 < 10 {
            throw Malformed(field: key, reason: "\(at) is not a JSON number: a digit must come before '.'")
        }
        if c.isNonFinite(c.i, end) {
            throw Malformed(field: key, reason: "\(at) is not a JSON number: NaN and Infinity are not allowed")
        }
        throw Malformed(field: key, reason: "\(at) is not a JSON value; text needs double quotes")
    }

    /// RFC 8259 numbers only: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    private func number(_ c: inout Cursor, key: String) throws(Malformed) -> JSONScalar {
        let s = c.i
        let p = c.p, n = c.n
        func isDigit(_ j: Int) -> Bool { j < n && p[j] &- 48 < 10 }
        func bad(_ why: String?) -> Malformed {
            let token = c.quoted(s, max(c.tokenEnd(s), s + 1))
            return Malformed(field: key, reason: "\(token) at byte \(s + 1) is not a JSON number" + (why.map { ": " + $0 } ?? ""))
        }
        var j = s
        let negative = p[j] == UInt8(ascii: "-")
        if negative { j += 1 }
        guard isDigit(j) else {
            if c.isNonFinite(s, c.tokenEnd(s)) { throw bad("NaN and Infinity are not allowed") }
            throw bad("a digit must follow '-'")
        }
        var integer: UInt64 = 0
        let digitsStart = j
        if p[j] == UInt8(ascii: "0") {
            j += 1
            if isDigit(j) { throw bad("no leading zeros") }
        } else {
            while isDigit(j) {
                integer = integer &* 10 &+ UInt64(p[j] &- 48)
                j += 1
            }
        }
        var integral = true
        if j < n && p[j] == UInt8(ascii: ".") {
            integral = false
            j += 1
            guard isDigit(j) else { throw bad("a digit must follow '.'") }
            while isDigit(j) { j += 1 }
        }
        if j < n && (p[j] | 0x20) == UInt8(ascii: "e") {
            integral = false
            j += 1
            if j < n && (p[j] == UInt8(ascii: "+") || p[j] == UInt8(ascii: "-")) { j += 1 }
            guard isDigit(j) else { throw bad("the exponent needs digits") }
            while isDigit(j) { j += 1 }
        }
        if j < n && !Cursor.endsToken(p[j]) { throw bad(nil) }
        c.i = j
        let raw = String(decoding: UnsafeBufferPointer(start: p + s, count: j - s), as: UTF8.self)
        // Up to 15 digits a whole number is exact in a Double; anything else
        // goes to strtod (through Double(String)), which rounds correctly.
        if integral && j - digitsStart <= 15 {
            let magnitude = Double(integer)
            return .number(raw: raw, value: negative ? -magnitude : magnitude)
        }
        guard let value = Double(raw), value.isFinite else {
            throw Malformed(field: key, reason: "\(c.quoted(s, j)) at byte \(s + 1) is too large for a number")
        }
        return .number(raw: raw, value: value)
    }

    /// Decodes the string that opens at `c.i` into `scratch`, checking escapes
    /// and UTF-8, and leaves `c.i` after its closing quote.
    private mutating func decodeString(_ c: inout Cursor, field: String?) throws(Malformed) {
        let open = c.i
        let p = c.p, n = c.n
        var i = open + 1
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard i < n else {
                throw Malformed(field: field, reason: "the string that starts at byte \(open + 1) is not closed with '\"'")
            }
            let b = p[i]
            if b == Self.quote {
                c.i = i + 1
                return
            }
            if b == Self.backslash {
                guard i + 1 < n else { i += 1; continue }  // a final backslash: not closed
                let e = p[i + 1]
                var unit: UInt8 = 0
                switch e {
                case Self.quote, Self.backslash, UInt8(ascii: "/"): unit = e
                case UInt8(ascii: "b"): unit = 0x08
                case UInt8(ascii: "f"): unit = 0x0C
                case UInt8(ascii: "n"): unit = 0x0A
                case UInt8(ascii: "r"): unit = 0x0D
                case UInt8(ascii: "t"): unit = 0x09
                case UInt8(ascii: "u"):
                    guard let u = c.hex4(i + 2) else {
                        var e = i + 2
                        while e < min(n, i + 6), p[e] != Self.quote { e += 1 }
                        throw Malformed(field: field, reason: "invalid escape \(c.quoted(i, e)) at byte \(i + 1): \\u needs 4 hex digits")
                    }
                    var scalar = u
                    var length = 6
                    if (0xD800...0xDBFF).contains(u) {
                        guard i + 7 < n, p[i + 6] == Self.backslash, p[i + 7] == UInt8(ascii: "u"),
                              let low = c.hex4(i + 8), (0xDC00...0xDFFF).contains(low) else {
                            throw Malformed(field: field, reason: "unpaired surrogate \(c.quoted(i, i + 6)) at byte \(i + 1)")
                        }
                        scalar = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                        length = 12
                    } else if (0xDC00...0xDFFF).contains(u) {
                        throw Malformed(field: field, reason: "unpaired surrogate \(c.quoted(i, i + 6)) at byte \(i + 1)")
                    }
                    appendUTF8(scalar)
                    i += length
                    continue
                default:
                    throw Malformed(field: field, reason: "invalid escape \(c.quoted(i, i + 2)) at byte \(i + 1)")
                }
                scratch.append(unit)
                i += 2
            } else if b < 0x20 {
                throw Malformed(field: field, reason: "control character 0x\(Cursor.hex(b)) at byte \(i + 1) must be escaped inside a string")
            } else if b < 0x80 {
                scratch.append(b)
                i += 1
            } else {
                let length = Cursor.utf8Length(p, i, n)
                guard length > 0 else {
                    throw Malformed(field: field, reason: "invalid UTF-8 at byte \(i + 1) (save the file as UTF-8)")
                }
                scratch.append(contentsOf: UnsafeBufferPointer(start: p + i, count: length))
                i += length
            }
        }
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// A position in one line's bytes, with the small scanners the parser shares.
fileprivate struct Cursor {
    let p: UnsafePointer<UInt8>
    let n: Int
    var i = 0

    init(p: UnsafePointer<UInt8>, n: Int) {
        self.p = p
        self.n = n
    }

    /// The byte at `i`, or 0 at the end (0 is never valid where it is tested).
    var peek: UInt8 { i < n ? p[i] : 0 }

    mutating func skipSpace() {
        while i < n, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
    }

    /// The common string, ASCII without escapes: its content's bounds, with
    /// `i` moved past the closing quote. Nil (and `i` left anywhere) when the
    /// string needs decoding or checking.
    mutating func plainString() -> (Int, Int)? {
        let s = i + 1
        var j = s
        while j < n {
            let b = p[j]
            if b == 0x22 {
                i = j + 1
                return (s, j)
            }
            if b == 0x5C || b < 0x20 || b >= 0x80 { return nil }
            j += 1
        }
        return nil
    }

    /// Whether `word` is at `i` and ends there; moves past it if so.
    mutating func literal(_ word: StaticString) -> Bool {
        let w = word.utf8Start, count = word.utf8CodeUnitCount
        guard n - i >= count, memcmp(p + i, w, count) == 0 else { return false }
        guard i + count == n || Cursor.endsToken(p[i + count]) else { return false }
        i += count
        return true
    }

    /// Bytes that may follow a value.
    static func endsToken(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x2C || b == 0x7D || b == 0x5D
    }

    /// The end of the word at `s`, for quoting a bad value.
    func tokenEnd(_ s: Int) -> Int {
        var j = s
        while j < n, !Cursor.endsToken(p[j]), p[j] != 0x3A, p[j] != 0x7B, p[j] != 0x5B { j += 1 }
        return j
    }

    func isNonFinite(_ s: Int, _ e: Int) -> Bool {
        let word = String(decoding: UnsafeBufferPointer(start: p + s, count: e - s), as: UTF8.self).lowercased()
        return ["nan", "-nan", "infinity", "-infinity", "inf", "-inf"].contains(word)
    }

    /// `p[s..<e]` in single quotes, cut to 40 characters: enough to recognise
    /// the value, never a whole (possibly huge) line.
    func quoted(_ s: Int, _ e: Int) -> String {
        let text = String(decoding: UnsafeBufferPointer(start: p + s, count: max(0, min(e, n) - s)), as: UTF8.self)
        return text.count > 40 ? "'\(text.prefix(40))…'" : "'\(text)'"
    }

    /// The byte at `i` for "found …": printable text quoted, other bytes in hex.
    var found: String {
        guard i < n else { return "the end of the line" }
        let b = p[i]
        if b > 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b >= 0x80 {
            let length = Cursor.utf8Length(p, i, n)
            if length > 0 { return quoted(i, i + length) }
        }
        return "byte 0x\(Cursor.hex(b))"
    }

    func endsInside(field: String?) -> Malformed {
        Malformed(field: field, reason: "the line ends at byte \(n) before the object is closed with '}'")
    }

    /// Four hex digits at `s` as a UTF-16 code unit.
    func hex4(_ s: Int) -> UInt32? {
        guard s + 4 <= n else { return nil }
        var u: UInt32 = 0
        for j in s..<s + 4 {
            let b = p[j]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: return nil
            }
            u = u << 4 | UInt32(d)
        }
        return u
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    /// Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7:
    /// no overlong forms, no surrogates, nothing past U+10FFFF), or 0.
    static func utf8Length(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b0 = p[i]
        let length: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; hi = 0x9F
        case 0xF0: length = 4; lo = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; hi = 0x8F
        default: return 0
        }
        guard i + length <= n else { return 0 }
        guard p[i + 1] >= lo && p[i + 1] <= hi else { return 0 }
        for j in 2..<length where p[i + j] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
