import Foundation
import XCTest
@testable import ZonalBikes
@testable import ZonalCore
import ZonalIO
import ZonalStore

/// The bike words of the shared field vocabulary, through the shared CSV
/// loader: the Appendix B field rules of CONTRACT §3.2 (Condition 正常/异常,
/// Electricity `85` or `85%`, XT/DD code prefixes) and the reject format of §3/§7
/// (file as shown, 1-based physical line with the header as line 1, field, reason).
final class BikeFieldsTests: XCTestCase {
    var dir: URL!
    let times = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-csvloader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// B.2 sniffer status, as the bike module declares it, plus a required text column.
    let statusSpecs = BikeInputs.snifferStatus.fields + [FieldSpec("Note", .text)]

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func load(_ path: String, _ specs: [FieldSpec], chunkSize: Int = 65_536) throws -> (CSVTableLoader.Outcome, [[[SQLValue]]]) {
        var chunks: [[[SQLValue]]] = []
        let outcome = try CSVTableLoader(specs, chunkSize: chunkSize).load(path: path, shown: "data/status.csv", times: times, progress: nil) { chunks.append($0) }
        return (outcome, chunks)
    }

    func testAcceptedValues() throws {
        let path = try write("ok.csv", """
            Cod_XT,Condition,Electricity,Time,Note
            XT0001,正常,85,20261120081500,a
            XT0002,异常,85%,2026-11-20 08:15:00,b

            """)
        let (out, chunks) = try load(path, statusSpecs)
        XCTAssertEqual(out.dataRows, 2)
        XCTAssertEqual(out.loaded, 2)
        XCTAssertEqual(out.rejects, [])
        let rows = chunks.flatMap { $0 }
        XCTAssertEqual(rows.count, 2)
        // line, Cod_XT, Condition, Electricity, Time (text), Time_ms, Note
        // 2026-11-20 08:15:00 Beijing = 1795133700000 ms (see TimeParserTests).
        XCTAssertEqual(rows[0], [.integer(2), .text("XT0001"), .text("正常"), .real(85.0), .text("2026-11-20 08:15:00"), .integer(1_795_133_700_000), .text("a")])
        XCTAssertEqual(rows[1], [.integer(3), .text("XT0002"), .text("异常"), .real(85.0), .text("2026-11-20 08:15:00"), .integer(1_795_133_700_000), .text("b")])
    }

    func testRejectsNameLineFieldAndReason() throws {
        // Physical lines: header = 1.
        let path = try write("bad.csv", """
            Cod_XT,Condition,Electricity,Time,Note
            XT0001,坏了,70,20261120103000,a
            XT0002,正常,abc,20261120113000,b
            XT0003,正常,120%,20261120113000,c
            YT0004,正常,50,20261120113000,d
            XT0005,正常,50,20261120113000,
            XT0006,正常,50,20261120113000
            XT0007,正常,50,20261120,g
            XT0008,正常,50,20261120113000,h

            """)
        let (out, chunks) = try load(path, statusSpecs)
        XCTAssertEqual(out.dataRows, 8)
        XCTAssertEqual(out.loaded, 1)
        XCTAssertEqual(chunks.flatMap { $0 }.map { $0[0] }, [.integer(9)])
        let f = "data/status.csv"
        XCTAssertEqual(out.rejects, [
            Reject(file: f, line: 2, field: "Condition", reason: "'坏了' must be 正常 or 异常"),
            Reject(file: f, line: 3, field: "Electricity", reason: "'abc' is not a percentage like 85 or 85%"),
            Reject(file: f, line: 4, field: "Electricity", reason: "120% is outside 0–100 %"),
            Reject(file: f, line: 5, field: "Cod_XT", reason: "'YT0004' does not start with XT"),
            Reject(file: f, line: 6, field: "Note", reason: "is empty"),
            Reject(file: f, line: 7, field: nil, reason: "has 4 fields but the header has 5; check for stray commas or quotes"),
            Reject(file: f, line: 8, field: "Time",
                   reason: "'20261120' is not a time; use yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601 with offset"),
        ])
    }

    func testPhysicalLinesWithQuotedNewline() throws {
        // A quoted field spanning two physical lines: the next row is physical line 4.
        let path = try write("multi.csv", "Cod_XT,Condition,Electricity,Time,Note\nXT0001,正常,50,20261120113000,\"two\nlines\"\nXT0002,坏了,50,20261120113000,x\n")
        let (out, _) = try load(path, statusSpecs)
        XCTAssertEqual(out.loaded, 1)
        XCTAssertEqual(out.rejects.map(\.line), [4])
        XCTAssertEqual(out.rejects.map(\.field), ["Condition"])
    }

    func testMissingRequiredColumnThrowsNamingIt() throws {
        let path = try write("nocol.csv", "Cod_XT,Condition,Time,Note\nXT0001,正常,20261120113000,a\n")
        XCTAssertThrowsError(try load(path, statusSpecs)) { error in
            guard let e = error as? InputError else { return XCTFail("expected InputError, got \(error)") }
            XCTAssertEqual(e.file, "data/status.csv")
            XCTAssertEqual(e.line, 1)
            XCTAssertEqual(e.field, "Electricity")
            XCTAssertTrue(e.reason.contains("Electricity"), e.reason)
        }
    }

    func testChunking() throws {
        var text = "Cod_XT,Condition,Electricity,Time,Note\n"
        for i in 1...10 { text += "XT\(1000 + i),正常,\(i)%,20261120113000,n\(i)\n" }
        let path = try write("ten.csv", text)
        let (out, chunks) = try load(path, statusSpecs, chunkSize: 3)
        XCTAssertEqual(chunks.count, 4, "10 rows in chunks of 3 → 3 + 3 + 3 + 1")
        XCTAssertEqual(chunks.map(\.count), [3, 3, 3, 1])
        XCTAssertEqual(out.loaded, 10)
        XCTAssertEqual(out.dataRows, 10)
        let rows = chunks.flatMap { $0 }
        XCTAssertEqual(rows.map { $0[0] }, (2...11).map { SQLValue.integer(Int64($0)) }, "line numbers: header is line 1")
        XCTAssertEqual(rows.map { $0[1] }, (1...10).map { SQLValue.text("XT\(1000 + $0)") })
        XCTAssertEqual(rows.map { $0[3] }, (1...10).map { SQLValue.real(Double($0)) })
    }

    func testBOMAndCRLF() throws {
        // §3: UTF-8 with a BOM is accepted; the BOM must not stick to the first column name.
        let path = try write("bom.csv", "\u{FEFF}Cod_XT,Condition,Electricity,Time,Note\r\nXT0001,正常,85%,20261120081500,a\r\nXT0002,坏了,85,20261120081500,b\r\n")
        let (out, chunks) = try load(path, statusSpecs)
        XCTAssertEqual(out.loaded, 1)
        XCTAssertEqual(chunks.flatMap { $0 }.first?[1], .text("XT0001"))
        XCTAssertEqual(chunks.flatMap { $0 }.first?[3], .real(85.0))
        XCTAssertEqual(out.rejects.map(\.line), [3])
        XCTAssertEqual(out.rejects.map(\.field), ["Condition"])
    }
}
