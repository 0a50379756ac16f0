import Foundation
import XCTest
@testable import ZonalIO

final class CSVWriterTests: TemporaryDirectoryTestCase {

    func testExactBytes() throws {
        let path = dir.appendingPathComponent("r.csv").path
        try CSVWriter.write(path: path, header: ["区县", "note", "n", "share", "ok"], rows: [
            [.text("东城"), .text("a,b"), .integer(-3), .decimal(0.125, places: 2), .bool(true)],
            [.text("西城"), .text("say \"hi\""), .integer(0), .decimal(2, places: 0), .bool(false)],
            [.empty, .text("two\nlines"), .empty, .empty, .empty],
        ])
        let expected: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((
            "区县,note,n,share,ok\r\n" +
            "东城,\"a,b\",-3,0.13,true\r\n" +
            "西城,\"say \"\"hi\"\"\",0,2,false\r\n" +
            ",\"two\nlines\",,,\r\n").utf8)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), expected)
        // No temp file is left beside the report.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["r.csv"])
    }

    func testRoundTripsThroughReaderAndIsDeterministic() throws {
        let a = dir.appendingPathComponent("a.csv").path
        let b = dir.appendingPathComponent("b.csv").path
        let rows: [[Cell]] = [[.text("x\r\ny"), .text("\"")], [.text(" lead"), .integer(Int64.min)]]
        try CSVWriter.write(path: a, header: ["p", "q"], rows: rows)
        try CSVWriter.write(path: b, header: ["p", "q"], rows: rows)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
        let reader = try CSVReader(path: a)
        XCTAssertEqual(reader.header, ["p", "q"])
        XCTAssertEqual(try reader.next(), TableRow(line: 2, values: ["x\r\ny", "\""]))
        XCTAssertEqual(try reader.next(), TableRow(line: 4, values: [" lead", "-9223372036854775808"]))
        XCTAssertNil(try reader.next())
    }

    func testOverwritesExistingReport() throws {
        let path = dir.appendingPathComponent("r.csv").path
        try Data("old content that is longer".utf8).write(to: URL(fileURLWithPath: path))
        try CSVWriter.write(path: path, header: ["a"], rows: [])
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), [0xEF, 0xBB, 0xBF, 0x61, 0x0D, 0x0A])
    }

    /// An output problem is an `OutputError`: it never blames the input data.
    func testMissingFolderIsReported() throws {
        let path = dir.appendingPathComponent("no/such/dir/r.csv").path
        XCTAssertThrowsError(try CSVWriter.write(path: path, header: ["a"], rows: [])) { error in
            let e = error as? OutputError
            XCTAssertEqual(e?.file, path)
            XCTAssertEqual(e?.reason, "could not be created (No such file or directory); check the output folder exists and is writable")
        }
    }
}
