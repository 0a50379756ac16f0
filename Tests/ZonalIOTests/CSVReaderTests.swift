import Foundation
import XCTest
@testable import ZonalIO

final class CSVReaderTests: TemporaryDirectoryTestCase {

    /// A file cut into parts reads as the whole file does, and records read
    /// in place give the same fields as the full parse.
    func testPartsAndInPlaceRecordsReadLikeTheWholeFile() throws {
        var text = "\u{FEFF}a,b,c\r\n"
        for i in 0..<300 {
            switch i % 6 {
            case 0: text += "\(i),plain,x\r\n"
            case 1: text += "\(i),\"quoted, with comma\",y\n"
            case 2: text += "\(i),\"two\nlines\",z\r\n"       // a record over two lines: never cut inside
            case 3: text += "\n"                                    // blank
            case 4: text += "\(i),\"he said \"\"hi\"\"\",w\n"
            default: text += "\(i),,\r\n"
            }
        }
        text += "last,row,end"
        let path = try file("parts.csv", text)
        func all(_ r: CSVReader, raw: Bool) throws -> [TableRow] {
            var out: [TableRow] = []
            if raw {
                while let step = try r.nextRaw({ rec in
                    out.append(TableRow(line: rec.line, values: (0..<rec.count).map { String(decoding: rec[$0], as: UTF8.self) }))
                    return true
                }) { if case .parsed(let row) = step { out.append(row) } }
            } else {
                while let row = try r.next() { out.append(row) }
            }
            return out
        }
        let whole = try all(CSVReader(path: path), raw: false)
        XCTAssertEqual(try all(CSVReader(path: path), raw: true), whole)
        let header = try CSVReader(path: path).header
        for count in 2...6 {
            let ranges = try XCTUnwrap(CSVReader.parts(path: path, count: count, minimumBytes: 0))
            var got: [TableRow] = [], offset = 0
            for r in ranges {
                let reader = try CSVReader(path: path, range: r, header: r.lowerBound == 0 ? nil : header)
                got += try all(reader, raw: count % 2 == 0).map { TableRow(line: $0.line + offset, values: $0.values) }
                offset += reader.linesRead
            }
            XCTAssertEqual(got, whole, "\(count) parts")
        }
        XCTAssertNil(CSVReader.parts(path: path, count: 2))
        XCTAssertNil(CSVReader.parts(path: try gzipped(path), count: 2, minimumBytes: 0))
    }


    private func readAll(_ reader: CSVReader) throws -> [TableRow] {
        var rows: [TableRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    func testQuotedCommaAndEmbeddedNewlineKeepLineNumbers() throws {
        let path = try file("a.csv", "id,note\n1,\"a, b\nsecond line\"\n2,plain\n")
        let reader = try CSVReader(path: path)
        XCTAssertEqual(reader.header, ["id", "note"])
        XCTAssertEqual(try readAll(reader), [
            TableRow(line: 2, values: ["1", "a, b\nsecond line"]),
            TableRow(line: 4, values: ["2", "plain"]),
        ])
    }

    func testDoubledQuotes() throws {
        let path = try file("q.csv", "name\n\"say \"\"hi\"\"\"\n\"\"\"\"\n\"\"\n")
        let rows = try readAll(CSVReader(path: path))
        XCTAssertEqual(rows.map(\.values), [["say \"hi\""], ["\""], [""]])
    }

    func testBOMIsStrippedAndHeaderTrimmed() throws {
        let path = try file("bom.csv", [0xEF, 0xBB, 0xBF] + Array(" 区县 , code\n东城,110101\n".utf8))
        let reader = try CSVReader(path: path)
        XCTAssertEqual(reader.header, ["区县", "code"])
        XCTAssertEqual(try readAll(reader), [TableRow(line: 2, values: ["东城", "110101"])])
    }

    func testCRLFAndEmptyLinesSkipped() throws {
        let path = try file("crlf.csv", "a,b\r\n\r\n1,2\r\n\n\n3,\"x\r\ny\"\r\n4,\r\n")
        let rows = try readAll(CSVReader(path: path))
        XCTAssertEqual(rows, [
            TableRow(line: 3, values: ["1", "2"]),
            TableRow(line: 6, values: ["3", "x\r\ny"]),
            TableRow(line: 8, values: ["4", ""]),
        ])
    }

    func testWrongFieldCountIsReturnedNotThrown() throws {
        let path = try file("w.csv", "a,b\n1\n1,2,3")
        let rows = try readAll(CSVReader(path: path))
        XCTAssertEqual(rows, [TableRow(line: 2, values: ["1"]), TableRow(line: 3, values: ["1", "2", "3"])])
    }

    func testInvalidUTF8NamesFileAndLine() throws {
        // 0xC4 0xE3 is "你" in GBK: the classic "saved from Excel as ANSI" file.
        let path = try file("gbk.csv", Array("a,b\n1,2\n3,".utf8) + [0xC4, 0xE3] + Array("\n".utf8))
        let reader = try CSVReader(path: path, displayName: "points.csv")
        XCTAssertEqual(try reader.next(), TableRow(line: 2, values: ["1", "2"]))
        XCTAssertThrowsError(try reader.next()) { error in
            XCTAssertEqual(error as? InputError,
                           InputError(file: "points.csv", line: 3, reason: "is not valid UTF-8 text (save the file as UTF-8)"))
            XCTAssertEqual("\(error)", "points.csv line 3: is not valid UTF-8 text (save the file as UTF-8)")
        }
    }

    func testUnterminatedQuoteReportsLineWhereFieldStarted() throws {
        let path = try file("u.csv", "a,b\n1,2\n3,\"never\nclosed\n4,5\n")
        let reader = try CSVReader(path: path, displayName: "u.csv")
        XCTAssertEqual(try reader.next()?.line, 2)
        XCTAssertThrowsError(try reader.next()) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.file, "u.csv")
            XCTAssertEqual(e?.line, 3)
        }
    }

    func testMissingAndEmptyFiles() throws {
        let missing = dir.appendingPathComponent("nope.csv").path
        XCTAssertThrowsError(try CSVReader(path: missing, displayName: "nope.csv")) { error in
            XCTAssertEqual(error as? InputError, InputError(file: "nope.csv", reason: "file not found"))
        }
        for (name, bytes) in [("empty.csv", [UInt8]()), ("bomonly.csv", [0xEF, 0xBB, 0xBF, 0x0A])] {
            let path = try file(name, bytes)
            XCTAssertThrowsError(try CSVReader(path: path, displayName: name)) { error in
                XCTAssertEqual(error as? InputError, InputError(file: name, reason: "is empty: a header row is expected"))
            }
        }
    }

    func testNoTrailingNewlineAndTrailingEmptyField() throws {
        let path = try file("t.csv", "a,b\n1,")
        XCTAssertEqual(try readAll(CSVReader(path: path)), [TableRow(line: 2, values: ["1", ""])])
    }

    /// ~3 MB, three chunks: row count and the exact last row prove no record is
    /// lost or duplicated at chunk boundaries.
    func testFileLargerThanChunk() throws {
        var text = "id,name,value\n"
        let count = 100_000
        for i in 1...count { text += "\(i),name-\(i),\(i * 7)\n" }
        XCTAssertGreaterThan(text.utf8.count, 2 * CSVReader.chunkSize)
        let reader = try CSVReader(path: try file("big.csv", text))
        var n = 0
        var last: TableRow?
        while let row = try reader.next() {
            n += 1
            XCTAssertEqual(row.values.count, 3)
            last = row
        }
        XCTAssertEqual(n, count)
        XCTAssertEqual(last, TableRow(line: 100_001, values: ["100000", "name-100000", "700000"]))
    }

    /// A quoted multi-line field straddling the first 1 MiB boundary, with a
    /// multibyte character split across it.
    func testFieldSpanningChunkBoundary() throws {
        var bytes = Array("k,v\n".utf8)
        let filler = CSVReader.chunkSize - bytes.count - 7
        bytes += Array("pad,".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: filler - 5) + [0x0A]
        // Row 3 starts 7 bytes before the boundary, so "前" (3 bytes) straddles it.
        XCTAssertEqual(bytes.count, CSVReader.chunkSize - 7)
        bytes += Array("edge,\"前\n\"\"后\"\"\"\n".utf8)
        bytes += Array("last,1\n".utf8)
        let rows = try readAll(CSVReader(path: try file("edge.csv", bytes)))
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[0].values[1].count, filler - 5)
        XCTAssertEqual(rows[1], TableRow(line: 3, values: ["edge", "前\n\"后\""]))
        XCTAssertEqual(rows[2], TableRow(line: 5, values: ["last", "1"]))
    }

    /// A single record longer than a chunk forces the buffer to grow.
    func testRecordLongerThanChunk() throws {
        let long = String(repeating: "y", count: CSVReader.chunkSize * 2 + 3)
        let path = try file("long.csv", "a,b\n\"\(long)\",z\n")
        let rows = try readAll(CSVReader(path: path))
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].values[0].utf8.count, long.utf8.count)
        XCTAssertEqual(rows[0].values[1], "z")
    }
}

/// GBK files (what Chinese Excel saves as "CSV") are told from UTF-8 and read.
final class CSVEncodingTests: TemporaryDirectoryTestCase {
    static func gbk(_ s: String) -> [UInt8] {
        // 小区 = D0 A1 C7 F8, 门禁 = C3 C5 BD FB in GBK (code page 936).
        var out: [UInt8] = []
        for ch in s {
            switch ch {
            case "小": out += [0xD0, 0xA1]
            case "区": out += [0xC7, 0xF8]
            case "门": out += [0xC3, 0xC5]
            case "禁": out += [0xBD, 0xFB]
            default: out += Array(String(ch).utf8)
            }
        }
        return out
    }

    func testGBKIsDetectedAndDecoded() throws {
        let path = try file("gbk.csv", Self.gbk("sbbm,sbmc\nD1,门禁\nD2,\"小区,门禁\"\n"))
        let (enc, why) = CSVReader.detectEncoding(path: path)
        XCTAssertEqual(enc, .gbk)
        XCTAssertEqual(why, "not valid UTF-8, so GBK")
        let r = try CSVReader(path: path, encoding: enc)
        XCTAssertEqual(r.header, ["sbbm", "sbmc"])
        XCTAssertEqual(try r.next(), TableRow(line: 2, values: ["D1", "门禁"]))
        XCTAssertEqual(try r.next(), TableRow(line: 3, values: ["D2", "小区,门禁"]))
        var raw: [String] = []
        let again = try CSVReader(path: path, encoding: .gbk)
        while let step = try again.nextRaw({ _ in XCTFail("GBK records are never lent as bytes"); return true }) {
            if case .parsed(let row) = step { raw.append(row.values[1]) }
        }
        XCTAssertEqual(raw, ["门禁", "小区,门禁"])
    }

    func testUTF8WithAndWithoutBOMAndASCII() throws {
        XCTAssertEqual(CSVReader.detectEncoding(path: try file("bom.csv", [0xEF, 0xBB, 0xBF] + Array("a\n门禁\n".utf8))).reason, "UTF-8 byte order mark")
        XCTAssertEqual(CSVReader.detectEncoding(path: try file("u.csv", "a\n门禁\n")).reason, "valid UTF-8")
        XCTAssertEqual(CSVReader.detectEncoding(path: try file("a.csv", "a\nb\n")).reason, "plain ASCII")
        // A sample cut inside a character is still UTF-8.
        let cut = try file("cut.csv", Array("aa门".utf8))
        XCTAssertEqual(CSVReader.detectEncoding(path: cut, sampleBytes: 4).encoding, .utf8)
    }

    /// A file judged GBK whose bytes are not GBK either: the line is named.
    func testBadGBKNamesTheLine() throws {
        let path = try file("bad.csv", Array("a\n".utf8) + [0xFF, 0xFF, 0x0A])
        let r = try CSVReader(path: path, displayName: "bad.csv", encoding: .gbk)
        XCTAssertThrowsError(try r.next()) { XCTAssertEqual("\($0)", "bad.csv line 2: is not valid GBK text") }
    }
}
