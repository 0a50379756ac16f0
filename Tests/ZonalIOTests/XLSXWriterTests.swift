import Foundation
import XCTest
import ZIPFoundation
@testable import ZonalIO

final class XLSXWriterTests: TemporaryDirectoryTestCase {

    private func writeSample(to path: String) throws {
        let writer = try XLSXWorkbookWriter(path: path)
        try writer.addSheet(name: "汇总", header: ["区县", "门店数", "占比", "达标"], rows: [
            [.text("东城区"), .integer(12), .decimal(0.125, places: 2), .bool(true)],
            [.text("西城区"), .integer(-7), .decimal(3.5, places: 4), .bool(false)],
            [.text("合计"), .empty, .decimal(12, places: 0), .empty],
        ])
        try writer.addSheet(name: "a/b:c", header: ["id", "big"], rows: [
            [.integer(1), .integer(1_234_567_890_123_456_789)],
        ])
        try writer.close()
    }

    func testRoundTripThroughReader() throws {
        let path = dir.appendingPathComponent("r.xlsx").path
        try writeSample(to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["r.xlsx"])
        let sheet = try XLSXReader(path: path)
        XCTAssertEqual(sheet.sheetName, "汇总")
        XCTAssertEqual(sheet.header, ["区县", "门店数", "占比", "达标"])
        XCTAssertEqual(sheet.rows, [
            TableRow(line: 2, values: ["东城区", "12", "0.125", "true"]),
            TableRow(line: 3, values: ["西城区", "-7", "3.5", "false"]),
            TableRow(line: 4, values: ["合计", "", "12", ""]),
        ])
    }

    /// The formatting a supervisor relies on, checked in the sheet XML itself.
    func testSheetLayoutAndFormats() throws {
        let path = dir.appendingPathComponent("r.xlsx").path
        try writeSample(to: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        func text(_ entryPath: String) throws -> String {
            guard let entry = archive[entryPath] else { XCTFail("missing \(entryPath)"); return "" }
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return String(decoding: data, as: UTF8.self)
        }
        let workbook = try text("xl/workbook.xml")
        XCTAssertTrue(workbook.contains("<sheet name=\"汇总\""))
        XCTAssertTrue(workbook.contains("<sheet name=\"a_b_c\""))
        let sheet1 = try text("xl/worksheets/sheet1.xml")
        XCTAssertTrue(sheet1.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        XCTAssertTrue(sheet1.contains("<autoFilter ref=\"A1:D4\"/>"))
        // "东城区" is 6 wide + 2 → clamped up to 8; "门店数" 6 + 2 = 8.
        XCTAssertTrue(sheet1.contains("<col min=\"1\" max=\"1\" width=\"8.7109375\" customWidth=\"1\"/>"), sheet1)
        let styles = try text("xl/styles.xml")
        XCTAssertTrue(styles.contains("formatCode=\"0.00\""))
        XCTAssertTrue(styles.contains("formatCode=\"0.0000\""))
        // An integer beyond Excel's 15 digits is kept exact, as text.
        let sheet2 = try text("xl/worksheets/sheet2.xml")
        XCTAssertTrue(sheet2.contains("1234567890123456789"))
        XCTAssertEqual(try XLSXReader(path: path).rows.count, 3)
    }

    func testRerunIsByteIdentical() throws {
        let a = dir.appendingPathComponent("a.xlsx").path
        let b = dir.appendingPathComponent("b.xlsx").path
        try writeSample(to: a)
        sleep(1)
        try writeSample(to: b)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)))
    }

    func testSheetNamesAreSanitizedAndUnique() throws {
        XCTAssertEqual(XLSXWorkbookWriter.sanitizeSheetName("[Q1] a/b\\c:d*e?"), "_Q1_ a_b_c_d_e_")
        XCTAssertEqual(XLSXWorkbookWriter.sanitizeSheetName("'quoted'"), "quoted")
        XCTAssertEqual(XLSXWorkbookWriter.sanitizeSheetName(""), "Sheet")
        XCTAssertEqual(XLSXWorkbookWriter.sanitizeSheetName(String(repeating: "区", count: 40)),
                       String(repeating: "区", count: 31))
        let path = dir.appendingPathComponent("n.xlsx").path
        let writer = try XLSXWorkbookWriter(path: path)
        try writer.addSheet(name: String(repeating: "x", count: 40), header: ["a"], rows: [])
        try writer.addSheet(name: String(repeating: "X", count: 35), header: ["a"], rows: [])
        try writer.close()
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var data = Data()
        _ = try archive.extract(try XCTUnwrap(archive["xl/workbook.xml"])) { data.append($0) }
        let xml = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(xml.contains("<sheet name=\"\(String(repeating: "x", count: 31))\""))
        XCTAssertTrue(xml.contains("<sheet name=\"\(String(repeating: "X", count: 27)) (2)\""))
    }

    func testDisplayWidthCountsCJKAsTwo() {
        XCTAssertEqual(XLSXWorkbookWriter.displayWidth("abc"), 3)
        XCTAssertEqual(XLSXWorkbookWriter.displayWidth("东城a"), 5)
        XCTAssertEqual(XLSXWorkbookWriter.displayWidth("ab\n东城区"), 6)
    }

    func testUnwritableFolderIsReportedOnClose() throws {
        let path = dir.appendingPathComponent("missing/r.xlsx").path
        let writer = try XLSXWorkbookWriter(path: path)
        try writer.addSheet(name: "s", header: ["a"], rows: [[.integer(1)]])
        XCTAssertThrowsError(try writer.close()) { error in
            let e = error as? OutputError
            XCTAssertEqual(e?.file, path)
            XCTAssertTrue(e?.reason.hasPrefix("could not be written (") == true, "\(error)")
        }
    }
}
