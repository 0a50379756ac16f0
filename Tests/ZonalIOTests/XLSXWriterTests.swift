import Foundation
import XCTest
import XLSXTestSupport
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
        try writeReport(to: a, booleansAsWords: false)
        sleep(1)
        try writeReport(to: b, booleansAsWords: false)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)),
                       "a workbook with a summary, dates and booleans is byte-identical on a re-run too")
    }

    // MARK: typed report sheets and the summary

    static let reportColumns: [(title: String, kind: ColumnKind)] = [
        ("time", .time), ("time_ms", .time), ("bikes", .integer), ("rate", .decimal(places: 4)),
        ("over", .bool), ("id", .integer), ("note", .text), ("odd_time", .time),
    ]

    /// A summary, then a report sheet with one column of each kind. `time_ms`
    /// mixes texts with and without milliseconds; `odd_time` holds texts that
    /// are not times.
    private func writeReport(to path: String, booleansAsWords: Bool, warnings: [(String, String)] = [
        ("events.csv line 17", "Zone RLQ110101099 is not a MANAGEMENT or NOPARKING code in the fences; " + String(repeating: "its counts are left out. ", count: 6)),
    ]) throws {
        let writer = try XLSXWorkbookWriter(path: path)
        try writer.addSummarySheet(title: "Summary", facts: [
            ("job", "nightly"), ("zones", "34"), ("in-fence rate", "0.9123"), ("negative", "-2"), ("zones below 0.90", "12 of 35"),
            ("grouped", "1,234"), ("code", "007"), ("huge", "1234567890123456789"), ("started", "2026-11-20 08:15:00"),
        ], warnings: warnings)
        try writer.addSheet(name: "report", columns: Self.reportColumns, rows: [
            [.text("2026-11-20 08:15:00"), .text("2026-11-20 08:15:00.250"), .integer(12), .decimal(0.9123, places: 4),
             .bool(true), .integer(1_234_567_890_123_456_789), .text("正常"), .text("2026-02-30 00:00:00")],
            [.text("2026-11-20 23:59:59"), .text("2026-11-20 08:15:01"), .integer(0), .decimal(1, places: 4),
             .bool(false), .integer(110_101), .empty, .text("n/a")],
        ], booleansAsWords: booleansAsWords)
        try writer.close()
    }

    /// 2026-11-20 is day 46346 of Excel's 1900 system.
    private func serial(_ hours: Double, _ minutes: Double, _ seconds: Double) -> Double {
        46346 + (hours * 3600 + minutes * 60 + seconds) / 86400
    }

    func testReportCellsKeepTheirTypes() throws {
        let path = dir.appendingPathComponent("typed.xlsx").path
        try writeReport(to: path, booleansAsWords: false)
        let book = try XLSXInspector(path: path)
        XCTAssertEqual(book.sheetNames, ["Summary", "report"])
        let cells = try book.cells("report")
        XCTAssertEqual(cells["A1"], .init(kind: .text, value: "time", format: "General"))

        let date = try XCTUnwrap(cells["A2"])
        XCTAssertEqual(date.kind, .date)
        XCTAssertEqual(date.format, "yyyy-mm-dd hh:mm:ss")
        XCTAssertEqual(try XCTUnwrap(Double(date.value)), serial(8, 15, 0), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(Double(cells["A3"]?.value ?? "")), serial(23, 59, 59), accuracy: 1e-9)
        // One format for the whole column once any of its times has milliseconds.
        for ref in ["B2", "B3"] {
            XCTAssertEqual(cells[ref]?.kind, .date, ref)
            XCTAssertEqual(cells[ref]?.format, "yyyy-mm-dd hh:mm:ss.000", ref)
        }
        XCTAssertEqual(try XCTUnwrap(Double(cells["B2"]?.value ?? "")), serial(8, 15, 0.25), accuracy: 1e-9)

        XCTAssertEqual(cells["C2"], .init(kind: .number, value: "12", format: "0"))
        XCTAssertEqual(cells["C3"], .init(kind: .number, value: "0", format: "0"))
        XCTAssertEqual(cells["D2"], .init(kind: .number, value: "0.9123", format: "0.0000"))
        XCTAssertEqual(cells["E2"], .init(kind: .boolean, value: "1", format: "General"))
        XCTAssertEqual(cells["E3"], .init(kind: .boolean, value: "0", format: "General"))
        // Beyond Excel's 15 digits an ID stays exact, as text.
        XCTAssertEqual(cells["F2"], .init(kind: .text, value: "1234567890123456789", format: "General"))
        XCTAssertEqual(cells["F3"]?.kind, .number)
        XCTAssertEqual(cells["G2"], .init(kind: .text, value: "正常", format: "General"))
        XCTAssertNil(cells["G3"], "an empty cell is not written")
        // A time column's text that is not a real time stays as it was.
        XCTAssertEqual(cells["H2"], .init(kind: .text, value: "2026-02-30 00:00:00", format: "General"))
        XCTAssertEqual(cells["H3"], .init(kind: .text, value: "n/a", format: "General"))
        let xml = try book.part(book.path(ofSheet: "report"))
        XCTAssertTrue(xml.contains("<c r=\"E2\" t=\"b\"><v>1</v></c>"), xml)
    }

    func testBooleansAsWords() throws {
        let path = dir.appendingPathComponent("zh.xlsx").path
        try writeReport(to: path, booleansAsWords: true)
        let book = try XLSXInspector(path: path)
        let over = try book.column("over", in: "report")
        XCTAssertEqual(over, [.init(kind: .text, value: "是", format: "General"), .init(kind: .text, value: "否", format: "General")])
        XCTAssertFalse(try book.part(book.path(ofSheet: "report")).contains("t=\"b\""), "no Excel booleans when they are words")
        XCTAssertEqual(try book.column("time", in: "report").map { $0?.kind }, [.date, .date], "only booleans change")
    }

    func testSummarySheet() throws {
        let path = dir.appendingPathComponent("summary.xlsx").path
        try writeReport(to: path, booleansAsWords: false)
        let book = try XLSXInspector(path: path)
        XCTAssertEqual(try book.path(ofSheet: "Summary"), "xl/worksheets/sheet1.xml")
        XCTAssertTrue(try book.part("xl/workbook.xml").contains("<sheets><sheet name=\"Summary\" sheetId=\"1\""))
        XCTAssertTrue(try book.isSelected("Summary"), "the summary is the sheet that opens")
        XCTAssertFalse(try book.isSelected("report"))

        let cells = try book.cells("Summary")
        XCTAssertEqual(cells["A1"]?.value, "Summary")
        XCTAssertEqual([cells["A2"]?.value, cells["B2"]?.value], ["item", "value"])
        var values: [String: XLSXInspector.Cell] = [:]
        for r in 3...11 { if let item = cells["A\(r)"]?.value { values[item] = cells["B\(r)"] } }
        XCTAssertEqual(values["job"], .init(kind: .text, value: "nightly", format: "General"))
        XCTAssertEqual(values["zones"], .init(kind: .number, value: "34", format: "0"))
        XCTAssertEqual(values["in-fence rate"], .init(kind: .number, value: "0.9123", format: "0.0000"))
        XCTAssertEqual(values["negative"], .init(kind: .number, value: "-2", format: "0"))
        // Only plain numbers become numbers.
        for item in ["zones below 0.90", "grouped", "code", "huge"] { XCTAssertEqual(values[item]?.kind, .text, item) }
        XCTAssertEqual(values["zones below 0.90"]?.value, "12 of 35")
        XCTAssertEqual(values["started"]?.kind, .date)
        XCTAssertEqual(try XCTUnwrap(Double(values["started"]?.value ?? "")), serial(8, 15, 0), accuracy: 1e-9)

        // Row 12 is left empty; then the warnings block.
        XCTAssertNil(cells["A12"])
        XCTAssertEqual(cells["A13"]?.value, "Warnings")
        XCTAssertEqual([cells["A14"]?.value, cells["B14"]?.value], ["where", "reason"])
        XCTAssertEqual(cells["A15"]?.value, "events.csv line 17")
        XCTAssertTrue(cells["B15"]?.value.hasPrefix("Zone RLQ110101099 is not") == true)
        let sheet = try book.part("xl/worksheets/sheet1.xml")
        // The long reason makes column B as wide as allowed (80) and wraps.
        XCTAssertTrue(sheet.contains("<col min=\"2\" max=\"2\" width=\"80.7109375\" customWidth=\"1\"/>"), sheet)
        XCTAssertTrue(try book.part("xl/styles.xml").contains("<alignment vertical=\"top\" wrapText=\"1\"/>"))
        XCTAssertFalse(sheet.contains("<autoFilter"), "the summary is not a table to filter")

        try writeReport(to: path, booleansAsWords: false, warnings: [])
        let quiet = try XLSXInspector(path: path).cells("Summary")
        XCTAssertEqual(quiet["A13"]?.value, "Warnings")
        XCTAssertEqual(quiet["A14"]?.value, "No warnings")
        XCTAssertNil(quiet["A15"])
    }

    func testSummaryLabelsInChinese() throws {
        let path = dir.appendingPathComponent("zh-summary.xlsx").path
        let writer = try XLSXWorkbookWriter(path: path)
        let zh = SummaryLabels(item: "项目", value: "值", warnings: "警告", location: "位置", reason: "原因", noWarnings: "无警告")
        try writer.addSummarySheet(title: "摘要", facts: [("任务", "nightly")], warnings: [], labels: zh)
        try writer.close()
        let book = try XLSXInspector(path: path)
        XCTAssertEqual(book.sheetNames, ["摘要"])
        let cells = try book.cells("摘要")
        XCTAssertEqual(["A1", "A2", "B2", "A3", "B3", "A5", "A6"].map { cells[$0]?.value }, ["摘要", "项目", "值", "任务", "nightly", "警告", "无警告"])
    }

    func testSummaryMustBeFirst() throws {
        let writer = try XLSXWorkbookWriter(path: dir.appendingPathComponent("late.xlsx").path)
        try writer.addSheet(name: "report", header: ["a"], rows: [])
        XCTAssertThrowsError(try writer.addSummarySheet(title: "Summary", facts: [], warnings: [])) { error in
            XCTAssertEqual((error as? OutputError)?.reason, "got its summary sheet after 1 other sheets; it must come first (internal error)")
        }
    }

    func testSummaryValues() {
        XCTAssertEqual(XLSXWorkbookWriter.summaryCell("34"), .integer(34))
        XCTAssertEqual(XLSXWorkbookWriter.summaryCell("0"), .integer(0))
        XCTAssertEqual(XLSXWorkbookWriter.summaryCell("-7"), .integer(-7))
        XCTAssertEqual(XLSXWorkbookWriter.summaryCell("0.9123"), .decimal(0.9123, places: 4))
        XCTAssertEqual(XLSXWorkbookWriter.summaryCell("8252.16"), .decimal(8252.16, places: 2))
        for text in ["12 of 35", "1,234", "007", "00.5", ".5", "5.", "1e5", "+3", "-", "", "0.90 bar", "12%", "1234567890123456"] {
            XCTAssertEqual(XLSXWorkbookWriter.summaryCell(text), .text(text), text)
        }
    }

    func testTimeTexts() {
        func parsed(_ text: String) -> [Double]? {
            XLSXWorkbookWriter.excelDateTime(text).map { d in
                [Double(d.value.year), Double(d.value.month), Double(d.value.day), Double(d.value.hour), Double(d.value.min), d.value.sec,
                 d.milliseconds ? 1 : 0]
            }
        }
        XCTAssertEqual(parsed("2026-11-20 08:15:07"), [2026, 11, 20, 8, 15, 7, 0])
        XCTAssertEqual(parsed("2026-11-20 08:15:07.250"), [2026, 11, 20, 8, 15, 7.25, 1])
        XCTAssertEqual(parsed("2026-11-20 08:15:07.5"), [2026, 11, 20, 8, 15, 7.5, 1])
        XCTAssertEqual(parsed("2024-02-29 23:59:59"), [2024, 2, 29, 23, 59, 59, 0])
        for text in ["2023-02-29 00:00:00", "2026-13-01 00:00:00", "2026-11-31 00:00:00", "2026-11-20 24:00:00",
                     "2026-11-20 08:60:00", "2026-11-20 08:15:60", "1899-12-31 00:00:00", "2026-11-20T08:15:07",
                     "2026-11-20 08:15:07.", "2026-11-20 08:15:07.1234", "2026-11-20 08:15:07Z", "20261120081507",
                     "2026-11-20", "2026/11/20 08:15:07", "２026-11-20 08:15:07"] {
            XCTAssertNil(parsed(text), text)
        }
    }

    /// Excel holds at most 32,767 UTF-16 units in a cell; longer texts are cut
    /// and marked, and the writer counts them instead of failing the run.
    func testLongTextsAreCut() throws {
        let path = dir.appendingPathComponent("long.xlsx").path
        let writer = try XLSXWorkbookWriter(path: path)
        let ascii = String(repeating: "a", count: 40_000)
        let emoji = String(repeating: "😀", count: 17_000)   // 34,000 UTF-16 units
        let fits = String(repeating: "汉", count: 32_767)    // 98,301 UTF-8 bytes, 32,767 units
        try writer.addSheet(name: "long", columns: [("text", .text)], rows: [[.text(ascii)], [.text(emoji)], [.text(fits)]],
                            booleansAsWords: false)
        XCTAssertEqual(writer.truncatedCells, 2)
        try writer.close()
        let column = try XLSXInspector(path: path).column("text", in: "long").map { $0?.value ?? "" }
        XCTAssertEqual(column[0], String(repeating: "a", count: 32_761) + "…[cut]")
        XCTAssertEqual(column[0].utf16.count, 32_767)
        // A surrogate pair is never split: 16,380 emoji (32,760 units) and the marker.
        XCTAssertEqual(column[1], String(repeating: "😀", count: 16_380) + "…[cut]")
        XCTAssertEqual(column[2], fits)
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

    /// Every report sheet prints as a signed result list would: A4 landscape,
    /// one page wide, the header row repeated, sheet name and page numbers.
    func testSheetsAreReadyToPrint() throws {
        let path = dir.appendingPathComponent("print.xlsx").path
        let wb = try XLSXWorkbookWriter(path: path)
        try wb.addSheet(name: "race_results", header: ["event", "rank"], rows: [[.text("10000m"), .integer(1)]])
        try wb.close()
        let book = try XLSXInspector(path: path)
        let xml = try book.part(try book.path(ofSheet: "race_results"))
        XCTAssertTrue(xml.contains("orientation=\"landscape\""), xml)
        XCTAssertTrue(xml.contains("paperSize=\"9\""), xml)
        XCTAssertTrue(xml.contains("fitToHeight=\"0\""), xml)
        XCTAssertTrue(xml.contains("<oddHeader>&amp;L&amp;A</oddHeader>"), xml)
        XCTAssertTrue(xml.contains("<oddFooter>&amp;R&amp;P / &amp;N</oddFooter>"), xml)
        let workbook = try book.part("xl/workbook.xml")
        XCTAssertTrue(workbook.contains("_xlnm.Print_Titles"), "the header row repeats on every page")
    }
}
