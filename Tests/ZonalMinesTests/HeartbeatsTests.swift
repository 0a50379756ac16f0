import XCTest
@testable import ZonalCore
@testable import ZonalMines

/// Heartbeats to online runs, outages and 5-minute slots (CONTRACT §7 "Mines").
final class HeartbeatsTests: XCTestCase {
    let clock = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    let offset: Int64 = 8 * 3_600_000

    /// Heartbeats as `HH:mm:ss` on 2026-05-01; `-` marks an `alarm: 0`.
    func camera(_ beats: [String]) -> CameraHeartbeats {
        var packed = beats.map { b -> Int64 in
            let off = b.hasPrefix("-")
            return clock.parse("2026-05-01 " + b.drop { $0 == "-" })! << 1 | (off ? 0 : 1)
        }
        return CameraHeartbeats(packed: &packed, utcOffsetMs: offset)!
    }
    func at(_ hms: String) -> Int64 { clock.parse("2026-05-01 " + hms)! }

    func testExactlyTenMinutesIsNotAnOutageAndOneSecondMoreIs() {
        XCTAssertEqual(camera(["08:00:00", "08:10:00"]).outages.count, 0)
        let hb = camera(["08:00:00", "08:10:01"])
        XCTAssertEqual(hb.outages.count, 1)
        XCTAssertEqual(hb.outages[0].from, at("08:00:00"))
        XCTAssertEqual(hb.outages[0].to, at("08:10:01"))
    }

    func testOfflineHeartbeatsNeitherEndNorStartAnOutage() {
        // alarm: 0 every 5 minutes in between: still one outage of 30 minutes.
        let hb = camera(["08:00:00", "-08:05:00", "-08:10:00", "-08:15:00", "-08:20:00", "-08:25:00", "08:30:00"])
        XCTAssertEqual(hb.outages.map { $0.to - $0.from }, [1_800_000])
        XCTAssertEqual(hb.offlineReports, 5)
        XCTAssertEqual(hb.heartbeats, 7)
        // Expected counts both values (08:00 … 08:30 is 7 slots); online only alarm 1.
        XCTAssertEqual(hb.expectedSlots(utcOffsetMs: offset), 7)
        XCTAssertEqual(hb.onlineSlots, 2)
    }

    func testGapsAtTheEdgesAreNotOutages() {
        // Offline reports before the first and after the last online heartbeat: not outages.
        let hb = camera(["-06:00:00", "08:00:00", "08:05:00", "-11:00:00"])
        XCTAssertEqual(hb.outages.count, 0)
        XCTAssertEqual(hb.first, at("06:00:00"))
        XCTAssertEqual(hb.last, at("11:00:00"))
        XCTAssertEqual(hb.expectedSlots(utcOffsetMs: offset), 61)   // 06:00 … 11:00 inclusive
        XCTAssertEqual(hb.onlineSlots, 2)
        // Only offline heartbeats: no run, no outage.
        let dark = camera(["-08:00:00", "-08:05:00"])
        XCTAssertEqual(dark.runs, [])
        XCTAssertEqual(dark.outages.count, 0)
        XCTAssertEqual(dark.onlineSlots, 0)
        XCTAssertEqual(dark.expectedSlots(utcOffsetMs: offset), 2)
    }

    func testRepeatsCountOnceAndOrderDoesNotMatter() {
        let hb = camera(["08:05:00", "08:00:00", "08:05:00", "08:00:00", "-08:05:00"])
        XCTAssertEqual(hb.heartbeats, 3)      // 08:00 on, 08:05 on, 08:05 off
        XCTAssertEqual(hb.duplicates, 2)
        XCTAssertEqual(hb.runs, [OnlineRun(first: at("08:00:00"), last: at("08:05:00"), heartbeats: 2, slots: 2)])
    }

    func testSlotsFollowTheClock() {
        // 08:04:59 and 08:05:00 are two slots; 08:05:00 and 08:09:59 one.
        XCTAssertEqual(camera(["08:04:59", "08:05:00"]).onlineSlots, 2)
        XCTAssertEqual(camera(["08:05:00", "08:09:59"]).onlineSlots, 1)
        XCTAssertEqual(camera(["08:05:00", "08:09:59"]).expectedSlots(utcOffsetMs: offset), 1)
        // Jittered 5-minute heartbeats over an hour: 08:00:07 … 09:00:07 → 13 slots, all online.
        let hourly = camera((0...12).map { String(format: "%02d:%02d:07", 8 + $0 * 5 / 60, $0 * 5 % 60) })
        XCTAssertEqual(hourly.expectedSlots(utcOffsetMs: offset), 13)
        XCTAssertEqual(hourly.onlineSlots, 13)
        // Slots across midnight in the job's zone: 23:59:59 and 00:00:00 the next day are two.
        var packed = [clock.parse("2026-05-01 23:59:59")! << 1 | 1, clock.parse("2026-05-02 00:00:00")! << 1 | 1]
        XCTAssertEqual(CameraHeartbeats(packed: &packed, utcOffsetMs: offset)!.onlineSlots, 2)
    }

    func testOnlineNowWindow() {
        let hb = camera(["08:00:00", "08:05:00", "09:00:00"])
        XCTAssertTrue(hb.isOnline(at: at("08:15:00")))    // 10 min after the last of the run
        XCTAssertFalse(hb.isOnline(at: at("08:15:01")))
        XCTAssertTrue(hb.isOnline(at: at("08:02:00")))    // inside a run
        XCTAssertFalse(hb.isOnline(at: at("07:59:59")))   // before any heartbeat
        XCTAssertTrue(hb.isOnline(at: at("09:00:00")))
    }
}
