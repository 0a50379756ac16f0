import Foundation
import XCTest
import ZonalFuzzing

/// Replays every input the fuzzers found (Tests/ZonalFuzzingTests/Fixtures/<target>/,
/// saved by fuzz/run.sh) and every hand-made hostile input there: each must
/// be read without a crash. A regression crashes this test process.
final class FuzzReplayTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func testSavedInputsDoNotCrash() throws {
        var replayed = 0
        for (target, run) in Harness.targets.sorted(by: { $0.key < $1.key }) {
            let dir = Self.fixtures.appendingPathComponent(target)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? [] where !name.hasPrefix(".") {
                run(try Data(contentsOf: dir.appendingPathComponent(name)))
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "the fixtures folder holds the inputs to replay")
    }
}
