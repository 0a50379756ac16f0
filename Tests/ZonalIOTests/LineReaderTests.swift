import Foundation
import XCTest
@testable import ZonalIO

final class LineReaderTests: TemporaryDirectoryTestCase {

    /// Every line as "number text", every problem as "number ! reason".
    private func readAll(_ reader: LineReader) throws -> [String] {
        var out: [String] = []
        while true {
            var text = ""
            switch try reader.next({ bytes, line in text = "\(line) " + String(decoding: bytes, as: UTF8.self) }) {
            case .line: out.append(text)
            case .tooLong(let problem): out.append("\(problem.line ?? 0) ! \(problem.reason)")
            case .endOfFile: return out
            }
        }
    }

    /// The same file read with the real chunk size and with tiny chunks, so
    /// that chunk boundaries fall inside every terminator, the BOM and long lines.
    private func readWithEveryChunkSize(_ path: String, lineLimit: Int = LineReader.defaultLineLimit) throws -> [String] {
        let expected = try readAll(LineReader(path: path, lineLimit: lineLimit))
        for chunk in 1...9 {
            let got = try readAll(LineReader(path: path, displayName: nil, lineLimit: lineLimit, chunkSize: chunk))
            XCTAssertEqual(got, expected, "chunk size \(chunk)")
        }
        return expected
    }

    /// A file cut into parts for several cores reads as the whole file does:
    /// same lines, and numbers once each part is offset by the line ends before it.
    func testPartsReadLikeTheWholeFile() throws {
        // Every terminator kind, blank lines, LF CR pairs that cuts may fall beside.
        var text = "\u{FEFF}"
        for i in 0..<400 { text += "line \(i)" + ["\n", "\r\n", "\n\r", "\n\n", "\r"][i % 5] }
        text += "last"
        let path = try file("p.txt", text)
        let whole = try readAll(LineReader(path: path))
        for count in 2...7 {
            let ranges = try XCTUnwrap(LineReader.parts(path: path, count: count, minimumBytes: 0), "count \(count)")
            XCTAssertEqual(ranges.first?.lowerBound, 0)
            XCTAssertEqual(ranges.last?.upperBound, Int64(text.utf8.count))
            var got: [String] = [], offset = 0
            for r in ranges {
                let reader = try LineReader(path: path, range: r)
                got += try readAll(reader).map { line in
                    let number = Int(line.prefix { $0 != " " })!
                    return "\(number + offset)" + line.drop { $0 != " " }
                }
                offset += reader.lineEndsRead
            }
            XCTAssertEqual(got, whole, "\(count) parts")
        }
        // Not worth it, or not possible: a small file, a .gz, one part.
        XCTAssertNil(LineReader.parts(path: path, count: 2))
        XCTAssertNil(LineReader.parts(path: try gzipped(path), count: 2, minimumBytes: 0))
        XCTAssertNil(LineReader.parts(path: path, count: 1, minimumBytes: 0))
    }

    func testEveryTerminatorKindAndTheLineNumbersItGives() throws {
        // LF, CRLF, lone CR, LF CR (the RFID reader's [LF][CR]), an empty line
        // (LF), CR then CRLF (an empty line), no terminator at the end.
        let path = try file("t.txt", "a\nb\r\nc\rd\n\re\n\nf\r\r\ng")
        XCTAssertEqual(try readWithEveryChunkSize(path), ["1 a", "2 b", "3 c", "4 d", "5 e", "7 f", "9 g"])
    }

    func testReaderOutputEndingInLFCRCountsOneLinePerRead() throws {
        let path = try file("r.log", "x\n\r\n\ry\n\r\n\r")
        XCTAssertEqual(try readWithEveryChunkSize(path), ["1 x", "3 y"])
    }

    func testEmptyLinesAreSkippedButCounted() throws {
        // Three empty lines ended by LF CR, then three ended by LF.
        let path = try file("e.txt", "\n\r\n\r\n\rfirst\n\n\n\nlast\n\n")
        XCTAssertEqual(try readWithEveryChunkSize(path), ["4 first", "8 last"])
    }

    func testLeadingBOMIsSkippedAndOnlyThere() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let path = try file("bom.txt", bom + Array("a\n".utf8) + bom + Array("b".utf8))
        XCTAssertEqual(try readWithEveryChunkSize(path), ["1 a", "2 \u{FEFF}b"])
        XCTAssertEqual(try readWithEveryChunkSize(try file("bomonly.txt", bom)), [])
        XCTAssertEqual(try readWithEveryChunkSize(try file("short.txt", [0xEF, 0xBB])), ["1 \u{FFFD}"])
    }

    func testCopyingNextGivesBytesAndLineNumbers() throws {
        let reader = try LineReader(path: try file("c.txt", "前\r\n\r\nb"))
        XCTAssertEqual(try reader.next(), .success(TextLine(number: 1, bytes: Array("前".utf8))))
        XCTAssertEqual(try reader.next(), .success(TextLine(number: 3, bytes: [UInt8(ascii: "b")])))
        XCTAssertNil(try reader.next())
        XCTAssertNil(try reader.next())
    }

    func testGzipFileReadsLikeThePlainOne() throws {
        var text = ""
        for i in 1...20_000 { text += i % 3 == 0 ? "line \(i)\n\r" : "line \(i)\r\n" }
        let plain = try file("big.log", text)
        let lines = try readAll(LineReader(path: plain))
        XCTAssertEqual(lines.count, 20_000)
        XCTAssertEqual(lines.last, "20000 line 20000")
        XCTAssertEqual(try readAll(LineReader(path: try gzipped(plain))), lines)
    }

    /// A file several chunks long: nothing lost or repeated at the boundaries.
    func testFileLongerThanAChunk() throws {
        var text = ""
        let count = 300_000
        for i in 1...count { text += "\(i),\(String(repeating: "z", count: i % 13))\n" }
        XCTAssertGreaterThan(text.utf8.count, 2 * LineReader.chunkSize)
        let reader = try LineReader(path: try file("big.txt", text))
        var n = 0
        var last = ""
        while try reader.next({ bytes, line in
            n += 1
            XCTAssertEqual(line, n)
            last = String(decoding: bytes, as: UTF8.self)
        }) == .line {}
        XCTAssertEqual(n, count)
        XCTAssertEqual(last, "300000,\(String(repeating: "z", count: 300_000 % 13))")
    }

    func testOverLongLineIsAProblemAndReadingGoesOn() throws {
        let long = String(repeating: "x", count: 25)
        let path = try file("long.txt", "short\n\(long)\r\n0123456789\n\(long)")
        XCTAssertEqual(try readWithEveryChunkSize(path, lineLimit: 10), [
            "1 short",
            "2 ! is 25 bytes long, over the 10-byte limit for one line; the line was skipped",
            "3 0123456789",
            "4 ! is 25 bytes long, over the 10-byte limit for one line; the line was skipped",
        ])
    }

    func testOverLongLineMessageNamesFileAndLine() throws {
        let path = try file("long.jsonl", "{}\n" + String(repeating: "y", count: 3 * LineReader.chunkSize) + "\n{}\n")
        let reader = try LineReader(path: path, displayName: "reports.jsonl")
        XCTAssertEqual(try reader.next(), .success(TextLine(number: 1, bytes: Array("{}".utf8))))
        guard case .failure(let problem) = try reader.next() else { return XCTFail("expected a problem") }
        XCTAssertEqual("\(problem)", "reports.jsonl line 2: is 3145728 bytes long, over the 1048576-byte limit for one line; the line was skipped")
        XCTAssertEqual(try reader.next(), .success(TextLine(number: 3, bytes: Array("{}".utf8))))
        XCTAssertNil(try reader.next())
    }

    func testTruncatedGzipNamesFileAndTheLineWhereTheDataStops() throws {
        var text = ""
        for i in 1...50_000 { text += "2026-05-01 09:03:12.345 \(String(format: "%05d", i % 99_999)):00012\n" }
        let gz = try gzipped(try file("reads.log", text))
        let whole = try Data(contentsOf: URL(fileURLWithPath: gz))
        let cut = try file("cut.log.gz", Array(whole.prefix(whole.count / 2)))
        let reader = try LineReader(path: cut, displayName: "cut.log.gz")
        var last = 0
        XCTAssertThrowsError(try { while try reader.next({ _, line in last = line }) == .line {} }()) { error in
            XCTAssertEqual(error as? InputError,
                           InputError(file: "cut.log.gz", line: last + 1, reason: "the compressed file ends in the middle (truncated .gz)"))
        }
        XCTAssertGreaterThan(last, 1000)
        XCTAssertLessThan(last, 50_000)
    }

    func testDamagedGzipIsAnError() throws {
        let gz = try gzipped(try file("d.log", "a\nb\n"))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: gz)))
        bytes[bytes.count - 8] ^= 0xFF  // the CRC-32 of the data
        let reader = try LineReader(path: try file("d.log.gz", bytes), displayName: "d.log.gz")
        XCTAssertThrowsError(try { while try reader.next({ _, _ in }) == .line {} }()) { error in
            XCTAssertEqual("\(error)", "d.log.gz line 1: could not be read to the end (incorrect data check); the compressed file is damaged")
        }
    }

    func testFolderAndMissingFile() throws {
        XCTAssertThrowsError(try LineReader(path: dir.path, displayName: "reads")) { error in
            XCTAssertEqual("\(error)", "reads: is a folder, not a file; give the path of a regular file")
        }
        XCTAssertThrowsError(try LineReader(path: dir.appendingPathComponent("nope.log").path, displayName: "nope.log")) { error in
            XCTAssertEqual("\(error)", "nope.log: file not found")
        }
    }

    func testEmptyFileHasNoLines() throws {
        XCTAssertEqual(try readWithEveryChunkSize(try file("empty.txt", [UInt8]())), [])
        XCTAssertEqual(try readAll(LineReader(path: try gzipped(try file("empty2.txt", [UInt8]())))), [])
    }

    /// MurmurHash3 x64 128 against the reference implementation's values.
    func testFingerprintMatchesMurmurHash3() {
        func fingerprint(_ s: String) -> String {
            Array(s.utf8).withUnsafeBufferPointer { LineFingerprint($0).description }
        }
        XCTAssertEqual(fingerprint(""), String(repeating: "0", count: 32))
        XCTAssertEqual(fingerprint("foo"), "6145f501578671e2877dba2be487af7e")
        let a = Array("foo".utf8).withUnsafeBufferPointer { LineFingerprint($0) }
        XCTAssertEqual(a, LineFingerprint(low: 0xe271_8657_01f5_4561, high: 0x7eaf_87e4_2bba_7d87))
        func words(_ s: String) -> LineFingerprint { Array(s.utf8).withUnsafeBufferPointer { LineFingerprint($0) } }
        XCTAssertEqual(words("0123456789abcdef"), LineFingerprint(low: 0x4be0_6d94_cf4a_d1a7, high: 0x87c3_5b5c_63a7_08da))
        XCTAssertEqual(words("2026-05-01 09:03:12.345 00102:0"), LineFingerprint(low: 0xb2ef_6e58_2d01_3165, high: 0x329d_dbf1_c028_a18b))
        XCTAssertEqual(words("2026-05-01 09:03:12.345 00102:00012"), LineFingerprint(low: 0x6f59_c00b_9ab3_d1f9, high: 0x5848_3cf6_c04e_203f))
        XCTAssertEqual(words(#"{"mineId":"140121000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:05:00"}"#),
                       LineFingerprint(low: 0xbd64_5b89_f605_9a6c, high: 0xd547_c224_2055_2e81))
    }
}
