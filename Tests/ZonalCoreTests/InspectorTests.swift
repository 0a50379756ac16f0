import Foundation
import XCTest
import ZonalCore
import ZonalIO

/// `zonal inspect` on the line formats: the text users read, verbatim.
final class InspectorTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-inspector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A GBK CSV (门禁 = C3 C5 BD FB) is described, not refused: the community inputs read it.
    func testGBKCSV() throws {
        let url = dir.appendingPathComponent("devices.csv")
        try Data(Array("sbbm,sbmc\nD1,".utf8) + [0xC3, 0xC5, 0xBD, 0xFB] + Array("\n".utf8)).write(to: url)
        let text = try Inspector.describe(path: url.path)
        XCTAssertTrue(text.contains("format: CSV (GBK)\n"), text)
        XCTAssertTrue(text.contains("encoding: not valid UTF-8, so GBK; the community inputs read GBK, every other CSV input must be UTF-8\n"), text)
        XCTAssertTrue(text.contains("fields: sbbm, sbmc\nrows: 1\n"), text)
        XCTAssertTrue(try Inspector.describe(path: try write("u.csv", "a,b\n门禁,1\n")).contains("format: CSV (UTF-8)\n"))
    }

    func testJSONLines() throws {
        let heartbeat = #"{"mineId":"140121000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:05:00"}"#
        let path = try write("reports.ndjson", [
            heartbeat,
            #"{"mineId":"140121000001","cameraId":"10","aiTypeCode":"01","inWellNumber":3,"time":"2026-05-01 08:00:00"}"#,
            heartbeat,
            #"{"mineId":"1","loc":{"x":1}}"#,
            "",
            "[]",
            heartbeat,
        ].joined(separator: "\n"))
        XCTAssertEqual(try Inspector.describe(path: path), """
            file: \(path)
            format: JSON Lines (one flat object per line, UTF-8)
            lines: 6
            malformed lines: 2
              line 4 field loc: nested objects/arrays are not supported (an object starts at byte 21)
              line 6: expected '{' at byte 1, found '['; each line must be one JSON object
            keys (lines carrying each):
              mineId 4
              cameraId 4
              alarm 3
              time 4
              aiTypeCode 1
              inWellNumber 1
            duplicate lines: 2 (exact repeats of an earlier well-formed line)

            """)
    }

    func testReaderLog() throws {
        let path = try write("finish.log", [
            "2026-05-01 09:03:12.345 00102:00012",
            "2026-05-01 09:01:00 00102:00013",
            "2026-05-01 09:03:12.345 0102:00012",
            "2026-05-01 09:05:59.9 00102:00012",
        ].joined(separator: "\n\r") + "\n\r")
        XCTAssertEqual(try Inspector.describe(path: path), """
            file: \(path)
            format: RFID reader log (time HHHHH:PPPPP per line)
            reads: 3
            distinct cards: 2
            first time: 2026-05-01 09:01:00
            last time: 2026-05-01 09:05:59.9
            malformed lines: 1
              line 3 field card: '0102:00012' must be HHHHH:PPPPP, two groups of 5 digits

            """)
    }

    func testUnknownExtensionListsWhatInspectReads() throws {
        XCTAssertThrowsError(try Inspector.describe(path: "/x/data.parquet")) { error in
            XCTAssertEqual("\(error)", "/x/data.parquet: cannot inspect a .parquet file; Zonal reads .shp, .csv, .xlsx, .geojson, .json, "
                + ".jsonl, .ndjson (JSON Lines) and .log, .txt (RFID reader logs); .csv, .jsonl, .ndjson, .log and .txt also as .gz")
        }
    }
}
