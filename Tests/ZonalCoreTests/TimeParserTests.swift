import Foundation
import XCTest
@testable import ZonalCore

/// CONTRACT §3: times are `yyyyMMddHHmmss`, `yyyy-MM-dd HH:mm:ss[.SSS]` or ISO 8601
/// with an offset; naive times are in the job's timezone (Asia/Shanghai, UTC+8, no DST).
final class TimeParserTests: XCTestCase {
    let parser = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    /// 2026-11-20 00:15:00 UTC (= 08:15:00 Beijing), computed by hand:
    /// days 1970-01-01 → 2026-01-01: 56 years, 14 leap days (1972…2024) → 56·365 + 14 = 20454;
    /// 2026-01-01 → 2026-11-20: 31+28+31+30+31+30+31+31+30+31 (Jan–Oct) = 304, + 19 = 323;
    /// 20777 days · 86400 = 1_795_132_800 s, + 15 min = 1_795_133_700 s.
    /// (python3: int(datetime(2026,11,20,0,15,tzinfo=timezone.utc).timestamp()*1000) = 1795133700000)
    let expected: Int64 = 1_795_133_700_000

    func testAllForms() {
        XCTAssertEqual(parser.parse("20261120081500"), expected, "device form")
        XCTAssertEqual(parser.parse("2026-11-20 08:15:00"), expected, "naive, Beijing time")
        XCTAssertEqual(parser.parse("2026-11-20 08:15:00.250"), expected + 250, "milliseconds")
        XCTAssertEqual(parser.parse("2026-11-20T08:15:00+08:00"), expected, "ISO 8601 with +08:00")
        XCTAssertEqual(parser.parse("2026-11-20T00:15:00Z"), expected, "ISO 8601 UTC")
    }

    func testFormatGivesBeijingTime() {
        XCTAssertEqual(parser.format(expected), "2026-11-20 08:15:00")
        XCTAssertEqual(parser.format(expected + 250, milliseconds: true), "2026-11-20 08:15:00.250")
    }

    func testRejectsBadTimes() {
        for bad in ["2026-13-40 25:00:00", "20261120", "2026-02-30 00:00:00", "2026-11-20 08:15"] {
            XCTAssertNil(parser.parse(bad), "'\(bad)' must be rejected")
        }
    }

    func testLeapDay() {
        // 2028-02-29 00:00 Beijing = 2028-02-28 16:00 UTC.
        // Days to 2028-01-01: 58·365 + 14 leap days (1972…2024) = 21184; Feb 1 = 21184 + 31 = 21215; Feb 29 = 21215 + 28 = 21243.
        // (python3: datetime(2028,2,29,tzinfo=timezone.utc).timestamp() = 1835395200)
        let utcMidnight: Int64 = 21243 * 86400
        XCTAssertEqual(utcMidnight, 1_835_395_200)
        XCTAssertEqual(parser.parse("2028-02-29 00:00:00"), (utcMidnight - 8 * 3600) * 1000)
        XCTAssertEqual(parser.parse("20280229000000"), (utcMidnight - 8 * 3600) * 1000)
        XCTAssertNil(parser.parse("2027-02-29 00:00:00"), "2027 is not a leap year")
    }
}
