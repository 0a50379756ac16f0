#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGzip
import Foundation

/// Streams an RFC 4180 CSV file record by record.
///
/// City exports run to millions of rows, so the file is read in 1 MiB chunks and
/// only the record being parsed (plus the rest of its chunk) is ever in memory.
/// The reader is deliberately lenient about shape: a row with the wrong number
/// of fields is returned as-is so the loader can reject it with a precise message
/// instead of the whole file failing here.
public final class CSVReader {
    /// Chunk size for `fread`; large enough that syscalls are negligible, small
    /// enough that memory stays flat whatever the file size.
    static let chunkSize = 1 << 20
    /// The longest record read (a quoted field may span lines, but not 64 MiB).
    static let maxRecordBytes = 64 << 20

    /// Column names, trimmed of surrounding spaces; set once in `init`.
    public private(set) var header: [String]

    /// zlib's reader: gunzips `.csv.gz` and passes plain files through, so
    /// nightly exports can stay compressed on disk.
    private let file: gzFile
    private let name: String
    /// Bytes not yet parsed are `buffer[start..<end]`; the buffer only grows
    /// beyond `chunkSize` when a single record is longer than a chunk.
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    /// Physical line (1-based) of the byte at `start`.
    private var line = 1
    /// Reused for quoted fields so unescaping does not allocate per field.
    private var scratch: [UInt8] = []
    /// Bytes left to read when reading one part of the file (`CSVReader.parts`).
    private var remaining: Int64?
    /// Field bounds of the record `nextRaw` lends (start, end pairs).
    private var fieldBounds: [Int] = []
    /// The file's text encoding; fields with non-ASCII bytes of a GBK file go
    /// through this one converter.
    public let encoding: TextEncoding
    private let legacy: FieldDecoder?

    public convenience init(path: String, displayName: String? = nil, encoding: TextEncoding = .utf8) throws {
        try self.init(path: path, displayName: displayName, range: nil, header: nil, encoding: encoding)
    }

    /// Reads only `range` of a plain file (one of `CSVReader.parts`). The
    /// first part reads the header; the others are given it. Line numbers
    /// count from 1 at the part's start.
    public init(path: String, displayName: String? = nil, range: Range<Int64>?, header given: [String]?, encoding: TextEncoding = .utf8) throws {
        let name = displayName ?? path
        try InputFile.checkRegular(path, shown: name)
        guard let file = gzopen(path, "rb") else {
            throw InputError(file: name, reason: "cannot be opened (\(String(cString: strerror(errno))))")
        }
        gzbuffer(file, UInt32(CSVReader.chunkSize))
        self.file = file
        self.name = name
        self.buffer = [UInt8](repeating: 0, count: CSVReader.chunkSize)
        self.header = []
        self.encoding = encoding
        legacy = encoding == .utf8 ? nil : FieldDecoder(encoding)
        scratch.reserveCapacity(256)
        if let range {
            if range.lowerBound > 0 { gzseek(file, off_t(range.lowerBound), SEEK_SET) }
            remaining = Int64(range.count)
        }
        if let given {
            header = given
            return
        }

        try fill()
        if encoding == .utf8, end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
            start += 3
        }
        guard let first = try next() else {
            throw InputError(file: name, reason: "is empty: a header row is expected")
        }
        self.header = first.values.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    deinit {
        gzclose(file)
    }

    /// Physical lines consumed so far: after a whole part, its number of lines
    /// (the first part's include the header).
    public var linesRead: Int { line - 1 }

    /// Cuts a plain CSV file into about `count` byte ranges that each start
    /// at a record, for reading on several cores: a cut moves to the next line
    /// end outside quotes (quotes are counted from the start of the file, so a
    /// quoted field spanning lines is never cut). Nil for a `.gz`, a file
    /// under `minimumBytes`, or `count` < 2.
    public static func parts(path: String, count: Int, minimumBytes: Int64 = 16 << 20) -> [Range<Int64>]? {
        guard count > 1, let fd = Optional(open(path, O_RDONLY)), fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Int64(st.st_size) >= minimumBytes else { return nil }
        let size = Int64(st.st_size)
        // Read with pread through one buffer, not mapped: every mapped page
        // counts in the process's resident memory, and the quotes before the
        // last cut are half a 3 GB file.
        let block = 1 << 20
        var buffer = [UInt8](repeating: 0, count: block)
        var head: (UInt8, UInt8) = (0, 0)
        guard pread(fd, &buffer, 2, 0) == 2 else { return nil }
        head = (buffer[0], buffer[1])
        if head.0 == 0x1F, head.1 == 0x8B { return nil }
        var cuts: [Int64] = [0]
        var quotes = 0
        var offset: Int64 = 0   // bytes scanned so far; quotes counts those before it
        // Scans [offset, end) counting quotes; with `findLine`, stops after the
        // first line end outside quotes and returns its position.
        func scan(to end: Int64, findLine: Bool) -> Int64? {
            while offset < end {
                let want = Int(min(Int64(block), end - offset))
                let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
                guard got > 0 else { return nil }
                let found: Int? = buffer.withUnsafeBufferPointer { b in
                    let p = b.baseAddress!
                    if !findLine {
                        var i = 0
                        while i < got, let q = memchr(p + i, Int32(quote), got - i) {
                            quotes += 1
                            i = p.distance(to: q.assumingMemoryBound(to: UInt8.self)) + 1
                        }
                        return nil
                    }
                    for i in 0..<got {
                        if p[i] == quote { quotes += 1 }
                        else if p[i] == lf && quotes % 2 == 0 { return i }
                    }
                    return nil
                }
                if let found { offset += Int64(found + 1); return offset }
                offset += Int64(got)
            }
            return nil
        }
        for k in 1..<count {
            let target = size * Int64(k) / Int64(count)
            guard target > offset else { continue }
            _ = scan(to: target, findLine: false)
            guard let cut = scan(to: size, findLine: true) else { break }
            if cut > cuts.last!, cut < size { cuts.append(cut) }
        }
        cuts.append(size)
        let ranges = zip(cuts, cuts.dropFirst()).map { $0..<$1 }
        return ranges.count > 1 ? ranges : nil
    }

    /// A record read in place: its fields as slices of the line, valid only
    /// inside `nextRaw`'s visit.
    public struct RawRecord {
        public let line: Int
        let base: UnsafePointer<UInt8>
        let bounds: UnsafeBufferPointer<Int>
        public var count: Int { bounds.count / 2 }
        public subscript(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: base + bounds[2 * i], count: bounds[2 * i + 1] - bounds[2 * i])
        }
    }

    public enum RawStep {
        /// `visit` read the record in place.
        case visited
        /// The record as `next()` reads it (it had quotes, or `visit` declined it).
        case parsed(TableRow)
    }

    /// The next record, lent to `visit` as slices of the buffer when it is one
    /// line without quotes; otherwise (or when `visit` returns false) read as
    /// `next()` reads it. The common row of a large export costs no
    /// allocation. Nil at end of file.
    public func nextRaw(_ visit: (RawRecord) -> Bool) throws -> RawStep? {
        // Lent bytes are UTF-8 to their reader; a GBK file's records are decoded first.
        if legacy != nil { return try next().map { .parsed($0) } }
        while true {
            if start < end, buffer[start] != Self.lf, buffer[start] != Self.cr {
                // Locals, not the reader's properties, inside the per-record
                // loop: each access to a class's stored property is a dynamic
                // exclusivity check, 15 % of a district year's load.
                let from = start, to = end, lineNumber = line
                var bounds: [Int] = []
                swap(&bounds, &fieldBounds)
                let next: Int? = buffer.withUnsafeBufferPointer { b in
                    let p = b.baseAddress!
                    guard let nl = memchr(p + from, Int32(Self.lf), to - from) else { return nil }
                    let lineEnd = p.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    var stop = lineEnd
                    if stop > from, p[stop - 1] == Self.cr { stop -= 1 }
                    if memchr(p + from, Int32(Self.quote), stop - from) != nil { return -1 }
                    if memchr(p + from, Int32(Self.cr), stop - from) != nil { return -1 }   // a lone CR ends a line too
                    bounds.removeAll(keepingCapacity: true)
                    var f = from
                    while let c = memchr(p + f, Int32(Self.comma), stop - f) {
                        let at = p.distance(to: c.assumingMemoryBound(to: UInt8.self))
                        bounds.append(f); bounds.append(at)
                        f = at + 1
                    }
                    bounds.append(f); bounds.append(stop)
                    let ok = bounds.withUnsafeBufferPointer { visit(RawRecord(line: lineNumber, base: p, bounds: $0)) }
                    return ok ? lineEnd + 1 : -1
                }
                swap(&bounds, &fieldBounds)
                if let next, next >= 0 {
                    start = next
                    line += 1
                    return .visited
                }
                let handled: Bool? = next == nil ? nil : false
                if handled == true { return .visited }
                if handled == nil && !eof { try fill(); continue }
            }
            return try next().map { .parsed($0) }
        }
    }

    /// The next non-empty record, or nil at end of file.
    public func next() throws -> TableRow? {
        while true {
            let outcome = try buffer.withUnsafeBufferPointer { p in
                try parseRecord(p, from: start, to: end)
            }
            switch outcome {
            case .record(let values, let next, let startLine, let linesAfter):
                start = next
                line = linesAfter
                return TableRow(line: startLine, values: values)
            case .skipped(let next, let linesAfter):
                start = next
                line = linesAfter
            case .endOfFile:
                return nil
            case .needMore:
                try fill()
            }
        }
    }

    private enum Outcome {
        case record([String], next: Int, startLine: Int, linesAfter: Int)
        /// Empty lines consumed before any record; progress is kept so a file of
        /// millions of blank lines never makes the buffer grow.
        case skipped(next: Int, linesAfter: Int)
        case endOfFile
        /// The record runs past the buffered bytes; parse again after `fill()`.
        case needMore
    }

    /// Moves the unparsed tail to the front and reads another chunk after it,
    /// growing the buffer only if the tail already fills it.
    private func fill() throws {
        if eof { return }
        let pending = end - start
        if start > 0 {
            if pending > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    guard let base = b.baseAddress else { return }
                    memmove(base, base + start, pending)
                }
            }
            start = 0
            end = pending
        }
        // One record may outgrow a chunk, but not without bound: a file that
        // is not CSV (or /dev/zero) must not take all memory.
        if end - start > CSVReader.maxRecordBytes {
            throw InputError(file: name, line: line, reason: "has a record longer than \(CSVReader.maxRecordBytes >> 20) MiB without a line end; is it a CSV file?")
        }
        if buffer.count - end < CSVReader.chunkSize / 2 {
            buffer.append(contentsOf: repeatElement(0, count: max(buffer.count, CSVReader.chunkSize)))
        }
        var want = buffer.count - end
        if let r = remaining {
            want = Int(min(Int64(want), r))
            if want == 0 { eof = true; return }
        }
        let got = buffer.withUnsafeMutableBufferPointer { b -> Int in
            guard let base = b.baseAddress else { return 0 }
            return Int(gzread(file, base + end, UInt32(want)))
        }
        if got > 0 { remaining? -= Int64(got) }
        if got < 0 {
            var code: Int32 = 0
            let msg = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw InputError(file: name, line: line, reason: "could not be read to the end (\(msg)); is the .gz file truncated?")
        }
        end += got
        if got < want {
            // A truncated .gz ends early with an error that only gzerror reports.
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code != Z_OK && code != Z_BUF_ERROR {
                throw InputError(file: name, line: line, reason: "could not be read to the end; the compressed file is damaged or truncated")
            }
            if code == Z_BUF_ERROR {
                throw InputError(file: name, line: line, reason: "the compressed file ends in the middle (truncated .gz)")
            }
            eof = true
        }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// Parses one record from `p[from..<to]`. Pure with respect to the reader's
    /// state so that a record cut by the chunk boundary can simply be re-parsed.
    private func parseRecord(_ p: UnsafeBufferPointer<UInt8>, from: Int, to e: Int) throws -> Outcome {
        var i = from
        var lines = line

        // Skip completely empty lines (LF, CRLF or a lone CR).
        while i < e {
            let c = p[i]
            if c == Self.lf {
                i += 1; lines += 1
            } else if c == Self.cr {
                if i + 1 >= e && !eof { break }
                i += (i + 1 < e && p[i + 1] == Self.lf) ? 2 : 1
                lines += 1
            } else {
                break
            }
        }
        if i >= e {
            if eof { return .endOfFile }
            return i == from ? .needMore : .skipped(next: i, linesAfter: lines)
        }
        if (p[i] == Self.cr) && !eof && i + 1 >= e {
            return i == from ? .needMore : .skipped(next: i, linesAfter: lines)
        }

        let recordLine = lines
        var values: [String] = []
        values.reserveCapacity(header.count)

        while true {
            let fieldLine = lines
            if i < e && p[i] == Self.quote {
                i += 1
                scratch.removeAll(keepingCapacity: true)
                var segment = i
                var closed = false
                while !closed {
                    guard i < e else {
                        if eof {
                            throw InputError(file: name, line: fieldLine,
                                             reason: "has a quoted field that is never closed (a \" is missing; it starts on this line)")
                        }
                        return .needMore
                    }
                    let c = p[i]
                    if c == Self.quote {
                        if i + 1 >= e && !eof { return .needMore }
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[segment..<i]))
                        if i + 1 < e && p[i + 1] == Self.quote {
                            scratch.append(Self.quote)
                            i += 2
                            segment = i
                        } else {
                            i += 1
                            closed = true
                        }
                    } else if c == Self.lf {
                        i += 1; lines += 1
                    } else if c == Self.cr {
                        if i + 1 >= e && !eof { return .needMore }
                        if !(i + 1 < e && p[i + 1] == Self.lf) { lines += 1 }
                        i += 1
                    } else {
                        i += 1
                    }
                }
                // Lenient: text after the closing quote (`"ab"c`) is kept, as Excel does.
                let tail = i
                while i < e, p[i] != Self.comma, p[i] != Self.lf, p[i] != Self.cr { i += 1 }
                if i >= e && !eof { return .needMore }
                if i > tail { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[tail..<i])) }
                let value = try scratch.withUnsafeBufferPointer { try decode($0, line: fieldLine) }
                values.append(value)
            } else {
                let fieldStart = i
                while i < e {
                    let c = p[i]
                    if c == Self.comma || c == Self.lf || c == Self.cr { break }
                    i += 1
                }
                if i >= e && !eof { return .needMore }
                values.append(try decode(UnsafeBufferPointer(rebasing: p[fieldStart..<i]), line: fieldLine))
            }

            // Delimiter after the field.
            if i >= e {
                return .record(values, next: i, startLine: recordLine, linesAfter: lines)
            }
            let c = p[i]
            if c == Self.comma {
                i += 1
                continue
            }
            if c == Self.lf {
                return .record(values, next: i + 1, startLine: recordLine, linesAfter: lines + 1)
            }
            // CR: needs one byte of lookahead to tell CRLF from a lone CR.
            if i + 1 >= e && !eof { return .needMore }
            let step = (i + 1 < e && p[i + 1] == Self.lf) ? 2 : 1
            return .record(values, next: i + step, startLine: recordLine, linesAfter: lines + 1)
        }
    }

    @inline(__always)
    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws -> String {
        if bytes.isEmpty { return "" }
        // Most fields are ASCII: decoding them needs no validation, and the
        // generic `String(validating:)` costs a metadata lookup per call
        // (15 % of a district year's load).
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        if let legacy {
            guard let s = legacy.decode(Array(bytes)) else {
                throw InputError(file: name, line: line, reason: "is not valid \(encoding.rawValue) text")
            }
            return s
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw InputError(file: name, line: line, reason: "is not valid UTF-8 text (save the file as UTF-8)")
        }
        return s
    }
}

extension CSVReader {
    /// How much of a file the encoding is judged on: a district year of access
    /// records is gigabytes, and a GBK export shows itself in its first rows.
    public static let encodingSampleBytes = 16 << 20

    /// The text encoding of a CSV file, judged the way Shapefile text is when
    /// no .cpg says: a UTF-8 byte order mark or valid UTF-8 means UTF-8,
    /// otherwise GBK (code page 936, what Chinese Excel saves as "CSV").
    /// Judged on the first `sampleBytes` (a `.gz` after decompression); the
    /// reason is for the run record.
    public static func detectEncoding(path: String, sampleBytes: Int = encodingSampleBytes) -> (encoding: TextEncoding, reason: String) {
        guard let file = gzopen(path, "rb") else { return (.utf8, "unreadable; UTF-8 assumed") }
        defer { gzclose(file) }
        // Read in 1 MiB steps: a small file costs a small buffer.
        var sample: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(1 << 20, sampleBytes))
        while sample.count < sampleBytes {
            let want = min(chunk.count, sampleBytes - sample.count)
            let n = chunk.withUnsafeMutableBufferPointer { Int(gzread(file, $0.baseAddress, UInt32(want))) }
            guard n > 0 else { break }
            sample += chunk[..<n]
        }
        let got = sample.count
        guard got > 0 else { return (.utf8, "empty; UTF-8 assumed") }
        if got >= 3, sample[0] == 0xEF, sample[1] == 0xBB, sample[2] == 0xBF { return (.utf8, "UTF-8 byte order mark") }
        if sample.allSatisfy({ $0 < 0x80 }) { return (.utf8, "plain ASCII") }
        // A sample cut short may end inside a character: allow up to 3 bytes of it.
        let cut = got == sampleBytes ? 3 : 0
        for drop in 0...cut where drop < got {
            if sample.withUnsafeBufferPointer({ String(validating: UnsafeBufferPointer(rebasing: $0[..<(got - drop)]), as: UTF8.self) }) != nil {
                return (.utf8, "valid UTF-8")
            }
        }
        return (.gbk, "not valid UTF-8, so GBK")
    }
}
