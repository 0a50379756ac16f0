#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGzip
import Foundation

/// Streams a text file line by line: the base of the line formats (JSON Lines,
/// RFID reader logs).
///
/// Reads 1 MiB chunks through zlib, so `.gz` files are read as they are and
/// memory stays flat whatever the file size. A line ends at LF, CRLF, a lone CR
/// or LF CR: the RFID readers of seed 003 end their output with [LF][CR], and a
/// PC log of it must not count two lines per read. Empty lines are skipped but
/// counted, so line numbers are the ones an editor shows (counting LF CR as one
/// break). A line longer than `lineLimit` is skipped and reported as a problem
/// rather than growing the buffer without bound: one corrupt multi-gigabyte
/// "line" must not take the machine's memory.
public final class LineReader {
    /// The longest line lent by default. Request bodies and reader outputs are
    /// far shorter; anything this long is damage, not data.
    public static let defaultLineLimit = 1 << 20
    /// Bytes asked of `gzread` at a time: syscalls are negligible at this size
    /// and memory stays flat.
    static let chunkSize = 1 << 20

    /// The name used in messages.
    public let file: String
    /// Lines longer than this many bytes (terminator excluded) are problems.
    public let lineLimit: Int

    /// What `next(_:)` did.
    public enum Step: Sendable, Equatable {
        /// The body was called with the line.
        case line
        /// The line was longer than `lineLimit`; it was skipped and the body
        /// was not called. The problem names the file, the line and the length.
        case tooLong(InputError)
        /// No more lines.
        case endOfFile
    }

    /// zlib's reader: gunzips `.gz` and passes plain files through unchanged.
    private let gz: gzFile
    private let path: String
    private let chunk: Int
    /// Unread bytes are `buffer[start..<end]`. Its size is fixed at `init`:
    /// one chunk beyond the longest line lent, so a line always fits.
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    /// Why the data ended early (a truncated or damaged .gz). Raised once the
    /// lines read before the damage have been lent, so the error names the
    /// line where the data stops, not the start of the last chunk.
    private var failure: String?
    /// Physical line (1-based) of the byte at `start`.
    private var line = 1
    /// Bytes of the file left to read when reading one part of it (see
    /// `LineReader.parts`); nil: to the end.
    private var remaining: Int64?

    /// Line ends consumed so far: after the last line of a part that ends
    /// with a line end, the number of lines in the part.
    public var lineEndsRead: Int { line - 1 }

    public convenience init(path: String, displayName: String? = nil, lineLimit: Int = LineReader.defaultLineLimit) throws {
        try self.init(path: path, displayName: displayName, lineLimit: lineLimit, chunkSize: LineReader.chunkSize)
    }

    /// `chunkSize` is a parameter so tests can put chunk boundaries inside
    /// terminators, the BOM and long lines.
    /// Reads only `range` of a plain file (one of `LineReader.parts`); line
    /// numbers count from 1 at its start.
    public convenience init(path: String, displayName: String? = nil, range: Range<Int64>, lineLimit: Int = LineReader.defaultLineLimit) throws {
        try self.init(path: path, displayName: displayName, lineLimit: lineLimit, chunkSize: LineReader.chunkSize, range: range)
    }

    init(path: String, displayName: String?, lineLimit: Int, chunkSize: Int, range: Range<Int64>? = nil) throws {
        let name = displayName ?? path
        // gzopen would open a folder and read nothing, and hang on a named pipe: say what it is.
        try InputFile.checkRegular(path, shown: name)
        guard let gz = gzopen(path, "rb") else {
            throw InputError(file: name, reason: "cannot be opened (\(String(cString: strerror(errno))))")
        }
        precondition(lineLimit > 0 && chunkSize > 0)
        gzbuffer(gz, UInt32(clamping: max(chunkSize, 8192)))
        self.gz = gz
        self.path = path
        self.file = name
        self.lineLimit = lineLimit
        self.chunk = chunkSize
        // The line, its two-byte terminator, and a chunk to read into.
        self.capacity = lineLimit + 2 + chunkSize
        self.buffer = .allocate(capacity: capacity)
        if let range {
            // On a plain file zlib's seek is the file's own; parts are never made of a .gz.
            if range.lowerBound > 0 { gzseek(gz, off_t(range.lowerBound), SEEK_SET) }
            remaining = Int64(range.count)
        }

        // A BOM is how Windows editors mark UTF-8; it is not part of line 1.
        guard (range?.lowerBound ?? 0) == 0 else { return }
        while end < 3 && !eof { fill() }
        if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
    }

    /// Splits a plain file into about `count` byte ranges that each start at
    /// a line, for reading on several cores. Nil when it is not worth it or
    /// not possible: a `.gz` (no random access), a file under `minimumBytes`,
    /// or no line end near a cut.
    public static func parts(path: String, count: Int, minimumBytes: Int64 = 16 << 20) -> [Range<Int64>]? {
        guard count > 1, let fh = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? fh.close() }
        guard let size = try? fh.seekToEnd(), size >= UInt64(minimumBytes) else { return nil }
        try? fh.seek(toOffset: 0)
        if let magic = try? fh.read(upToCount: 2), magic == Data([0x1F, 0x8B]) { return nil }
        var cuts: [Int64] = [0]
        for k in 1..<count {
            let at = UInt64(Int64(size) * Int64(k) / Int64(count))
            guard (try? fh.seek(toOffset: at)) != nil, let window = try? fh.read(upToCount: 1 << 20),
                  let lf = window.firstIndex(of: lf) else { return nil }
            var cut = Int64(at) + Int64(lf - window.startIndex) + 1
            // LF CR is one line end (seed 003's readers): the CR stays with its line.
            if lf + 1 < window.endIndex, window[lf + 1] == cr { cut += 1 }
            if cut > cuts.last!, cut < Int64(size) { cuts.append(cut) }
        }
        cuts.append(Int64(size))
        let ranges = zip(cuts, cuts.dropFirst()).map { $0..<$1 }
        return ranges.count > 1 ? ranges : nil
    }

    deinit {
        gzclose(gz)
        buffer.deallocate()
    }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// The next line parsed by `parse`, skipping lines it returns nil for
    /// (blank ones); an over-long line comes back as its problem. Nil at the
    /// end of the file. The line-format readers are this plus their parser.
    public func next<T>(parsing parse: (UnsafeBufferPointer<UInt8>, _ line: Int) -> Result<T, InputError>?) throws -> Result<T, InputError>? {
        while true {
            var parsed: Result<T, InputError>?
            switch try next({ bytes, line in parsed = parse(bytes, line) }) {
            case .line:
                if let parsed { return parsed }
            case .tooLong(let problem):
                return .failure(problem)
            case .endOfFile:
                return nil
            }
        }
    }

    /// Lends the next non-empty line to `body`: its bytes without the
    /// terminator and its 1-based physical line number. The bytes are the
    /// reader's buffer, valid only inside `body`; nothing is copied, so a
    /// parser can run over millions of lines without allocating.
    /// Throws only when the file cannot be read (e.g. a truncated `.gz`).
    public func next(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws -> Step {
        /// Length so far of a line being skipped for its length.
        var skipped: Int? = nil
        while true {
            // Find the end of the line that starts at `start`. Locals keep the
            // hot loop free of property reloads.
            let buf = buffer, e = end, lf = Self.lf, cr = Self.cr
            var i = start
            while i < e {
                let c = buf[i]
                if c == lf || c == cr { break }
                i += 1
            }

            if i == e {
                if eof {
                    if let failure { throw InputError(file: file, line: line, reason: failure) }
                    if let s = skipped {
                        let count = s + (e - start)
                        start = e
                        return .tooLong(tooLong(count))
                    }
                    guard e > start else { return .endOfFile }
                    // The last line has no terminator.
                    let count = e - start
                    let lineStart = start
                    start = e
                    if count > lineLimit { return .tooLong(tooLong(count)) }
                    try body(UnsafeBufferPointer(start: buf + lineStart, count: count), line)
                    return .line
                }
                if skipped != nil || e - start > lineLimit {
                    // No terminator within the limit: drop what is buffered and
                    // keep counting, so the buffer never grows.
                    skipped = (skipped ?? 0) + (e - start)
                    start = e
                }
                fill()
                continue
            }

            // A terminator at `i`; its second byte may still be unread.
            if i + 1 == e && !eof {
                if skipped != nil || i - start > lineLimit {
                    // Keep only the terminator, so there is room to read after it.
                    skipped = (skipped ?? 0) + (i - start)
                    start = i
                }
                fill()
                continue
            }
            let pair = i + 1 < e && buf[i + 1] == (buf[i] == lf ? cr : lf)
            let count = i - start
            let lineStart = start
            let number = line
            start = i + (pair ? 2 : 1)
            line += 1

            if let s = skipped { return .tooLong(tooLong(s + count, line: number)) }
            if count == 0 { continue }
            if count > lineLimit { return .tooLong(tooLong(count, line: number)) }
            try body(UnsafeBufferPointer(start: buf + lineStart, count: count), number)
            return .line
        }
    }

    /// The next non-empty line as a copy, or a problem for an over-long line;
    /// nil at the end of the file. For callers that keep lines; parsers use
    /// `next(_:)`.
    public func next() throws -> Result<TextLine, InputError>? {
        var copy: TextLine?
        switch try next({ bytes, number in copy = TextLine(number: number, bytes: Array(bytes)) }) {
        case .line: return copy.map { .success($0) }
        case .tooLong(let problem): return .failure(problem)
        case .endOfFile: return nil
        }
    }

    /// `line` defaults to the current line: at end of file, the last one.
    private func tooLong(_ length: Int, line: Int? = nil) -> InputError {
        InputError(file: file, line: line ?? self.line,
                   reason: "is \(length) bytes long, over the \(lineLimit)-byte limit for one line; the line was skipped")
    }

    /// Moves the unread tail to the front and reads up to one chunk after it.
    private func fill() {
        if eof { return }
        let pending = end - start
        if start > 0 {
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            start = 0
            end = pending
        }
        var want = min(chunk, capacity - end)
        if let r = remaining {
            want = Int(min(Int64(want), r))
            if want == 0 { eof = true; return }
        }
        let got = Int(gzread(gz, buffer + end, UInt32(want)))
        if got > 0 { end += got; remaining? -= Int64(got) }
        if got < want {
            // gzread fills the request unless the data ends; a truncated or
            // damaged .gz ends early (or returns -1) with an error that only
            // gzerror reports.
            var code: Int32 = 0
            let message = gzerror(gz, &code).map { String(cString: $0) } ?? ""
            if code == Z_BUF_ERROR {
                failure = "the compressed file ends in the middle (truncated .gz)"
            } else if code != Z_OK || got < 0 {
                // zlib puts the path first; the message already names the file.
                let why = message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
                failure = "could not be read to the end (\(why)); the compressed file is damaged"
            }
            eof = true
        }
    }
}

/// One line of a text file, copied out of the reader.
public struct TextLine: Sendable, Equatable {
    /// 1-based physical line number.
    public var number: Int
    /// The line's bytes, without the terminator.
    public var bytes: [UInt8]

    public init(number: Int, bytes: [UInt8]) {
        self.number = number
        self.bytes = bytes
    }
}

/// A 128-bit fingerprint of a line's exact bytes (MurmurHash3 x64 128, seed 0),
/// for finding lines sent twice.
///
/// Why a hash and not the bytes: a day of heartbeats is millions of lines, and
/// keeping each line's bytes to compare would hold the whole file in memory;
/// 16 bytes a line do not. Why 128 bits: among 10^9 distinct lines the chance
/// that any two share a fingerprint is about 10^-21, so "same fingerprint" can
/// be taken as "same line" (MurmurHash3 is not built against deliberate
/// collisions; these files come from cameras, not adversaries). MurmurHash3
/// because it is published with reference implementations (the tests check it
/// against them) and hashes 16 bytes per step.
public struct LineFingerprint: Hashable, Sendable, CustomStringConvertible {
    public var low: UInt64
    public var high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5, c2: UInt64 = 0x4cf5_ad43_2745_937f
        func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { x << r | x >> (64 - r) }
        func fmix(_ x: UInt64) -> UInt64 {
            var k = x
            k ^= k >> 33; k &*= 0xff51_afd7_ed55_8ccd
            k ^= k >> 33; k &*= 0xc4ce_b9fe_1a85_ec53
            k ^= k >> 33
            return k
        }
        let count = bytes.count
        var h1: UInt64 = 0, h2: UInt64 = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let blocks = count / 16
            for b in 0..<blocks {
                var k1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: b * 16, as: UInt64.self))
                var k2 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: b * 16 + 8, as: UInt64.self))
                k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
                h1 = rotl(h1, 27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dc_e729
                k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
                h2 = rotl(h2, 31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5ab5
            }
            let tail = base + blocks * 16
            let rest = count & 15
            var k1: UInt64 = 0, k2: UInt64 = 0
            if rest > 8 {
                for j in 8..<rest { k2 ^= UInt64(tail[j]) << UInt64((j - 8) * 8) }
                k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
            }
            if rest > 0 {
                for j in 0..<min(rest, 8) { k1 ^= UInt64(tail[j]) << UInt64(j * 8) }
                k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
            }
        }
        h1 ^= UInt64(count); h2 ^= UInt64(count)
        h1 &+= h2; h2 &+= h1
        h1 = fmix(h1); h2 = fmix(h2)
        h1 &+= h2; h2 &+= h1
        self.low = h1
        self.high = h2
    }

    /// 32 hex digits, the reference implementations' byte order.
    public var description: String {
        func hex(_ v: UInt64) -> String {
            let digits = String(v.byteSwapped, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(low) + hex(high)
    }
}
