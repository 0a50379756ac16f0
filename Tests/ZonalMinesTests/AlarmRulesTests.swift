import XCTest
@testable import ZonalCore
@testable import ZonalMines

/// The alarm rules of CONTRACT §4/§7 "Mines", each at and around its edge.
final class AlarmRulesTests: XCTestCase {
    let clock = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    func ms(_ s: String) -> Int64 { clock.parse(s)! }

    func mine(_ status: MineStatus, persons: Int? = nil, trucks: Int? = nil) -> Mine {
        Mine(id: "140421007866", name: "甲矿", regionCode: "140421", department: "长治县应急局", status: status, lon: 113, lat: 36,
             personThreshold: persons, truckThreshold: trucks)
    }

    func report(_ type: AITypeCode, count: Int? = nil, belt: BeltStatus? = nil, at time: String = "2026-05-01 08:03:00") -> AIReport {
        AIReport(mineId: "140421007866", cameraId: "10", type: type, count: count, belt: belt, time: ms(time))
    }

    func testProductionAtAMineThatMayNotProduce() {
        for status in MineStatus.allCases {
            let raises = !status.mayProduce
            XCTAssertEqual(!AlarmRules.reasons(report(.persons, count: 1), at: mine(status)).isEmpty, raises, "01 at \(status.rawValue)")
            XCTAssertEqual(!AlarmRules.reasons(report(.trucks, count: 2), at: mine(status)).isEmpty, raises, "02 at \(status.rawValue)")
            XCTAssertEqual(!AlarmRules.reasons(report(.belt, belt: .runningWithCoal), at: mine(status)).isEmpty, raises, "03/0001 at \(status.rawValue)")
            XCTAssertEqual(!AlarmRules.reasons(report(.belt, belt: .runningEmpty), at: mine(status)).isEmpty, raises, "03/0002 at \(status.rawValue)")
            // A belt stopped with coal is not production anywhere.
            XCTAssertEqual(AlarmRules.reasons(report(.belt, belt: .stoppedWithCoal), at: mine(status)), [], "03/0003 at \(status.rawValue)")
        }
        // Whatever the count: the camera reported activity.
        XCTAssertEqual(AlarmRules.reasons(report(.persons, count: 0), at: mine(.closed)), ["0 persons entering the shaft at a mine that is 关闭"])
        XCTAssertEqual(AlarmRules.reasons(report(.belt, belt: .runningEmpty), at: mine(.longHalted)), ["belt running empty at a mine that is 长期停产停建"])
    }

    func testThresholdsAreStrictlyGreater() {
        let m = mine(.producing, persons: 10, trucks: 3)
        XCTAssertEqual(AlarmRules.reasons(report(.persons, count: 10), at: m), [])
        XCTAssertEqual(AlarmRules.reasons(report(.persons, count: 11), at: m), ["11 persons > threshold 10"])
        XCTAssertEqual(AlarmRules.reasons(report(.trucks, count: 3), at: m), [])
        XCTAssertEqual(AlarmRules.reasons(report(.trucks, count: 4), at: m), ["4 trucks > threshold 3"])
        // The person threshold does not apply to trucks, nor the other way round.
        XCTAssertEqual(AlarmRules.reasons(report(.trucks, count: 11), at: mine(.producing, persons: 10)), [])
        // No threshold, no threshold alarm.
        XCTAssertEqual(AlarmRules.reasons(report(.persons, count: 9999), at: mine(.producing)), [])
        // Threshold 0: one person is above it.
        XCTAssertEqual(AlarmRules.reasons(report(.persons, count: 1), at: mine(.building, persons: 0)), ["1 persons > threshold 0"])
    }

    func testAReportMatchingTwoRulesIsOneAlarmNamingBoth() throws {
        let a = try XCTUnwrap(AlarmRules.alarm(report(.persons, count: 12), at: mine(.halted, persons: 10), line: 7, clock: clock))
        XCTAssertEqual(a.id, "140421007866100120260501080300")
        XCTAssertEqual(a.type, .persons)
        XCTAssertEqual(a.count, "12")
        XCTAssertEqual(a.reason, "12 persons entering the shaft at a mine that is 停产; 12 persons > threshold 10")
        XCTAssertEqual(a.line, 7)
    }

    func testCameraAlarmsAtEveryMine() throws {
        for (type, why, id) in [(AITypeCode.occlusion, "camera occluded", "140421007866100420260501235959"),
                                (.moved, "camera moved", "140421007866100520260501235959"),
                                (.dispatchRoomEmpty, "dispatch room empty for 3 minutes", "140421007866100620260501235959")] {
            let a = try XCTUnwrap(AlarmRules.alarm(report(type, at: "2026-05-01 23:59:59"), at: mine(.producing, persons: 0), line: 1, clock: clock))
            XCTAssertEqual(a.reason, why)
            XCTAssertEqual(a.id, id)
            XCTAssertNil(a.count)
        }
        XCTAssertEqual(AITypeCode.dispatchRoomEmpty.alarmType.rawValue, "dispatch_room")
    }

    func testOfflineAlarmIdsAndReason() {
        let hb = CameraHeartbeats(first: ms("2026-05-01 08:00:00"), last: ms("2026-05-01 09:00:00"), heartbeats: 3, offlineReports: 0, runs: [
            OnlineRun(first: ms("2026-05-01 08:00:00"), last: ms("2026-05-01 08:05:00"), heartbeats: 2, slots: 2),
            OnlineRun(first: ms("2026-05-01 09:00:00"), last: ms("2026-05-01 09:00:00"), heartbeats: 1, slots: 1),
        ])
        let a = AlarmRules.outages(hb, mineId: "140421007866", cameraId: "31", clock: clock)
        XCTAssertEqual(a.count, 1)
        XCTAssertEqual(a[0].id, "140421007866310020260501080500")
        XCTAssertEqual(a[0].type, .offline)
        XCTAssertEqual(a[0].time, ms("2026-05-01 08:05:00"))
        XCTAssertEqual(a[0].until, ms("2026-05-01 09:00:00"))
        XCTAssertEqual(a[0].reason, "no online heartbeat for 55.00 min")
        XCTAssertNil(a[0].count)
    }

    func testRegionRollUp() {
        func levels(_ code: String) -> [String] { RegionCode.rollUp(code).map { "\($0.code) \($0.level.rawValue)" } }
        XCTAssertEqual(levels("140421"), ["140421 county", "140400 city", "140000 province"])
        XCTAssertEqual(levels("141081"), ["141081 county", "141000 city", "140000 province"])
        // A city's own code has no county row; a province's only the province.
        XCTAssertEqual(levels("140100"), ["140100 city", "140000 province"])
        XCTAssertEqual(levels("140000"), ["140000 province"])
    }
}

/// Deadlines and overdue at as_of, and the duration statistics.
final class AlarmHandlingTests: XCTestCase {
    let hour: Int64 = 3_600_000
    let t0: Int64 = 1_777_593_600_000   // any alarm time

    func testOverdueAtAndAroundTheDeadline() {
        let deadline = t0 + 24 * hour
        func overdue(asOf: Int64, disposedAt: Int64?) -> Bool {
            AlarmClock(asOf: asOf, overdueHours: 24).overdue(time: t0, disposedAt: disposedAt)
        }
        // Never disposed: not yet overdue at the deadline, overdue 1 ms after.
        XCTAssertFalse(overdue(asOf: deadline - 1, disposedAt: nil))
        XCTAssertFalse(overdue(asOf: deadline, disposedAt: nil))
        XCTAssertTrue(overdue(asOf: deadline + 1, disposedAt: nil))
        // Disposed exactly at the deadline is on time; 1 s later is late.
        XCTAssertFalse(overdue(asOf: deadline + 10 * hour, disposedAt: deadline))
        XCTAssertTrue(overdue(asOf: deadline + 10 * hour, disposedAt: deadline + 1000))
        // A late disposal seen before the deadline passed: not (yet) overdue at that as_of.
        XCTAssertFalse(overdue(asOf: deadline - hour, disposedAt: deadline + hour))
        // Fractional hours: 1.5 h.
        let c = AlarmClock(asOf: t0 + 2 * hour, overdueHours: 1.5)
        XCTAssertEqual(c.deadline(t0), t0 + 5_400_000)
        XCTAssertTrue(c.overdue(time: t0, disposedAt: nil))
    }

    func testDurationSummary() {
        let min: Int64 = 60_000
        // Odd count: median the middle; p90 of 5 = the ⌈4.5⌉ = 5th.
        var d = DurationSummary([30 * min, 10 * min, 20 * min, 40 * min, 50 * min])
        XCTAssertEqual([d.avg, d.min, d.max, d.median, d.p90].map(\.display), ["30.00", "10.00", "50.00", "30.00", "50.00"])
        // Even count: the mean of the middle two, exact: (10 min + 20 min 1 ms) / 2 = 15.0000083 → 15.00.
        d = DurationSummary([10 * min, 20 * min + 1])
        XCTAssertEqual(d.median.display, "15.00")
        XCTAssertEqual(d.avg.display, "15.00")
        // Means round on the exact fraction: 1, 1, 2 ms over 3 … use minutes: 1, 2, 2 min → 1.666… → 1.67.
        XCTAssertEqual(DurationSummary([min, 2 * min, 2 * min]).avg.display, "1.67")
        // p90 by nearest rank: n = 10 → the 9th, n = 11 → the 10th, n = 1 → the one.
        XCTAssertEqual(DurationSummary((1...10).map { Int64($0) * min }).p90.display, "9.00")
        XCTAssertEqual(DurationSummary((1...11).map { Int64($0) * min }).p90.display, "10.00")
        XCTAssertEqual(DurationSummary([7 * min]).p90.display, "7.00")
        // None disposed: every cell empty.
        d = DurationSummary([])
        XCTAssertEqual([d.avg, d.min, d.max, d.median, d.p90], [.empty, .empty, .empty, .empty, .empty])
        XCTAssertEqual(DurationSummary.nearestRank(0.9, 20), 18)
        XCTAssertEqual(DurationSummary.nearestRank(0.9, 21), 19)
    }
}
