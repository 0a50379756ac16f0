import XCTest
@testable import ZonalCore
import ZonalIO

/// Rows are matched by the report's key; rows sharing a key (two findings of
/// one rule on one feature) are matched in order.
final class RunDiffTests: XCTestCase {
    func report(_ rows: [[String]]) -> RunSnapshot.Report {
        RunSnapshot.Report(name: "fence_audit", columns: ["code", "rule", "message"], key: ["code", "rule"], rows: rows)
    }

    func testAppearedVanishedChanged() {
        let a = report([["A", "F001", "x"], ["B", "F015", "overlaps C"], ["B", "F015", "overlaps D"], ["E", "F004", "bow-tie"]])
        let b = report([["A", "F001", "y"], ["B", "F015", "overlaps C"], ["F", "F002", "dup"], ["E", "F004", "bow-tie"]])
        let d = RunDiff.compare(a, b)
        XCTAssertEqual(d.rowsBefore, 4)
        XCTAssertEqual(d.rowsAfter, 4)
        XCTAssertEqual(d.changes.map { "\($0.kind.rawValue) \($0.key)" }, ["changed A / F001", "appeared F / F002", "vanished B / F015 #2"])
        XCTAssertEqual(d.changes[0].columns.map { "\($0.name): \($0.before) → \($0.after)" }, ["message: x → y"])
        XCTAssertEqual(d.count(.changed), 1)
    }

    func testCSVTextOfASnapshot() {
        XCTAssertEqual(CSVText.parse(Array("\u{FEFF}a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n,\r\n".utf8)),
                       [["a", "b"], ["x,1", "say \"hi\""], ["", ""]])
    }

    func testSnapshotRoundTripsThroughZlib() throws {
        let text = Array(String(repeating: "入栏率 0.9123,", count: 1000).utf8)
        let packed = try Zlib.compress(text)
        XCTAssertLessThan(packed.count, text.count / 10)
        XCTAssertEqual(try Zlib.decompress(packed), text)
        XCTAssertThrowsError(try Zlib.decompress(Array(packed.prefix(20))))
    }
}
