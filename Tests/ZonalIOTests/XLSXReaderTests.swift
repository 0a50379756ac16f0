import Foundation
import XCTest
import ZIPFoundation
@testable import ZonalIO

final class XLSXReaderTests: TemporaryDirectoryTestCase {

    /// A zip with the given entries, the way Excel lays out a workbook.
    private func makeWorkbook(_ name: String, _ entries: [(String, String)]) throws -> String {
        let url = dir.appendingPathComponent(name)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url.path
    }

    private let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

    /// Two sheets; the first one in workbook.xml points at sheet7.xml through
    /// the rels file, proving the reader follows r:id instead of guessing.
    private func handMade() throws -> String {
        try makeWorkbook("hand.xlsx", [
            ("xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <workbook \(ns)><sheets>\
                <sheet name="门店" sheetId="3" r:id="rId5"/><sheet name="Other" sheetId="1" r:id="rId1"/>\
                </sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet7.xml"/>\
                <Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
                </Relationships>
                """),
            ("xl/sharedStrings.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <sst \(ns) count="4" uniqueCount="4">\
                <si><t>name</t></si>\
                <si><t xml:space="preserve"> code </t></si>\
                <si><r><rPr><b/></rPr><t>东</t></r><r><t xml:space="preserve">城 &amp; 区</t></r><rPh sb="0" eb="1"><t>dong</t></rPh></si>\
                <si><t>amount</t></si>\
                </sst>
                """),
            ("xl/worksheets/sheet1.xml", "<worksheet \(ns)><sheetData/></worksheet>"),
            ("xl/worksheets/sheet7.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <worksheet \(ns)><sheetData>\
                <row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>3</v></c><c r="D2" t="inlineStr"><is><t>flag</t></is></c></row>\
                <row r="3"><c r="A3" s="1"/></row>\
                <row r="4"><c r="A4" t="s"><v>2</v></c><c r="C4"><v>12.5</v></c><c r="D4" t="b"><v>1</v></c><c r="G4" s="2"/></row>\
                <row r="5"><c r="A5" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="B5" t="n"><v>110101</v></c><c r="C5"><v>0.30000000000000004</v></c></row>\
                <row r="6"><c r="A6" t="str"><f>A5&amp;"!"</f><v>inline!</v></c><c r="B6" t="e"><v>#N/A</v></c><c r="C6"><v>1.25E-2</v></c><c r="D6" t="b"><v>0</v></c></row>\
                </sheetData></worksheet>
                """),
        ])
    }

    func testHandMadeWorkbook() throws {
        let sheet = try XLSXReader(path: try handMade())
        XCTAssertEqual(sheet.sheetName, "门店")
        XCTAssertEqual(sheet.header, ["name", "code", "amount", "flag"])
        XCTAssertEqual(sheet.rows, [
            TableRow(line: 4, values: ["东城 & 区", "", "12.5", "true"]),
            TableRow(line: 5, values: ["inline", "110101", "0.30000000000000004", ""]),
            TableRow(line: 6, values: ["inline!", "#N/A", "0.0125", "false"]),
        ])
    }

    /// A1 and C1 present, B1 skipped: C1's value must land in the third column.
    func testSkippedCellKeepsColumns() throws {
        let path = try makeWorkbook("skip.xlsx", [
            ("xl/workbook.xml", "<workbook \(ns)><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", """
                <worksheet \(ns)><sheetData>\
                <row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1" t="inlineStr"><is><t>c</t></is></c></row>\
                <row r="2"><c r="C2"><v>3</v></c></row>\
                <row r="3"><c r="A3"><v>-0.5</v></c><c r="B3"><v>100000000000000000000</v></c></row>\
                </sheetData></worksheet>
                """),
        ])
        let sheet = try XLSXReader(path: path)
        XCTAssertEqual(sheet.header, ["a", "", "c"])
        XCTAssertEqual(sheet.rows, [
            TableRow(line: 2, values: ["", "", "3"]),
            TableRow(line: 3, values: ["-0.5", "100000000000000000000", ""]),
        ])
    }

    /// Sheets over ~10 MB of XML once failed at their last byte (a
    /// corelibs-foundation XMLParser(data:) quirk); 300,000 rows is ~12 MB.
    func testLargeSheet() throws {
        var xml = "<worksheet \(ns)><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>n</t></is></c></row>"
        for r in 2...300_001 { xml += "<row r=\"\(r)\"><c r=\"A\(r)\"><v>\(r * 3)</v></c></row>" }
        xml += "</sheetData></worksheet>"
        XCTAssertGreaterThan(xml.utf8.count, 11_000_000)
        let path = try makeWorkbook("large.xlsx", [
            ("xl/workbook.xml", "<workbook \(ns)><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
            ("xl/worksheets/sheet1.xml", xml),
        ])
        let sheet = try XLSXReader(path: path)
        XCTAssertEqual(sheet.rows.count, 300_000)
        XCTAssertEqual(sheet.rows.last, TableRow(line: 300_001, values: ["900003"]))
    }

    func testNumberText() {
        XCTAssertEqual(XLSXReader.numberText("12"), "12")
        XCTAssertEqual(XLSXReader.numberText("12.0"), "12")
        XCTAssertEqual(XLSXReader.numberText("12.5"), "12.5")
        XCTAssertEqual(XLSXReader.numberText("0.0125"), "0.0125")
        XCTAssertEqual(XLSXReader.numberText("1E-5"), "0.00001")
        XCTAssertEqual(XLSXReader.numberText("-1.5e-7"), "-0.00000015")
        XCTAssertEqual(XLSXReader.numberText("1.5E+20"), "150000000000000000000")
        XCTAssertEqual(XLSXReader.numberText("-0"), "0")
        XCTAssertEqual(XLSXReader.numberText("116.397128"), "116.397128")
        XCTAssertEqual(XLSXReader.numberText("abc"), "abc")
    }

    func testNotAWorkbook() throws {
        let csv = dir.appendingPathComponent("fake.xlsx")
        try Data("a,b\n1,2\n".utf8).write(to: csv)
        XCTAssertThrowsError(try XLSXReader(path: csv.path, displayName: "fake.xlsx")) { error in
            XCTAssertEqual(error as? InputError, InputError(
                file: "fake.xlsx",
                reason: "is not an .xlsx workbook (it is not a zip archive); open it in Excel and save as .xlsx"))
        }
        let zip = try makeWorkbook("nosheet.xlsx", [("word/document.xml", "<w/>")])
        XCTAssertThrowsError(try XLSXReader(path: zip, displayName: "nosheet.xlsx")) { error in
            XCTAssertEqual(error as? InputError, InputError(
                file: "nosheet.xlsx",
                reason: "is not an .xlsx workbook (xl/workbook.xml is missing); open it in Excel and save as .xlsx"))
        }
        XCTAssertThrowsError(try XLSXReader(path: dir.appendingPathComponent("none.xlsx").path, displayName: "none.xlsx")) { error in
            XCTAssertEqual(error as? InputError, InputError(file: "none.xlsx", reason: "file not found"))
        }
    }
}
