import XCTest
@testable import ZonalCore
@testable import ZonalVenues

/// Venue codes, footfall rows, slots, peaks, gaps and occupancy, by hand.
final class VenueRulesTests: XCTestCase {
    let clock = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func testVenueCodePartByPart() {
        // The seed's example: 北京市朝阳区体育馆 110105011001.
        XCTAssertNil(VenueCode.problem(code: "110105011001", adminCode: "110105", venueType: "01", level: "1"))
        XCTAssertEqual(VenueCode.problem(code: "110105011001", adminCode: "110108", venueType: "01", level: "1"), "characters 1–6 (110105) differ from admin_code 110108")
        XCTAssertEqual(VenueCode.problem(code: "110105011001", adminCode: "110105", venueType: "02", level: "1"), "characters 7–8 (01) differ from venue_type 02")
        XCTAssertEqual(VenueCode.problem(code: "110105011001", adminCode: "110105", venueType: "01", level: "2"), "character 9 (1) differs from level 2")
        XCTAssertEqual(VenueCode.problem(code: "11010501100", adminCode: "110105", venueType: "01", level: "1"),
                       "'11010501100' is not a venue code: 12 digits, admin_code(6) + venue_type(2) + level(1) + sequence(3)")
        XCTAssertNotNil(VenueCode.problem(code: "11010501100A", adminCode: "110105", venueType: "01", level: "1"))
        // The first failing part is named when several fail.
        XCTAssertEqual(VenueCode.problem(code: "110105011001", adminCode: "110101", venueType: "09", level: "3"), "characters 1–6 (110105) differ from admin_code 110101")
    }

    // MARK: rows

    let columns = try! FootfallColumns(header: ["venue_code", "device_id", "source", "period_start", "period_end", "in_count", "out_count", "uploaded_at"], shown: "f.csv")
    let venues = VenueIndex(codes: ["110105011001"], rejected: ["110105011003": "character 9 (1) differs from level 2"])

    func check(_ fields: [String]) -> Result<FootfallRow, ProblemBox> {
        var bytes: [UInt8] = [], bounds: [Int] = []
        for f in fields { bounds.append(bytes.count); bytes += Array(f.utf8); bounds.append(bytes.count) }
        return bytes.withUnsafeBufferPointer { b in
            FootfallRowCheck.check({ UnsafeBufferPointer(rebasing: b[bounds[2 * $0]..<bounds[2 * $0 + 1]]) }, count: fields.count, line: 2,
                                   columns: columns, venues: venues, clock: clock)
        }
    }
    func row(_ start: String, _ end: String, _ uploaded: String = "") -> FootfallRow? {
        if case .success(let r) = check(["110105011001", "G1", "gate", start, end, "3", "1", uploaded]) { return r }
        return nil
    }
    func problem(_ fields: [String]) -> String? {
        if case .failure(let p) = check(fields) { return "\(p.field ?? "-"): \(p.reason)" }
        return nil
    }

    func testEveryTimeFormIsTheSameInstant() throws {
        let want = clock.parse("2026-03-02 08:15:00")!
        for form in ["2026-03-02 08:15:00", "20260302081500", "2026-03-02 08:15:00.000", "2026-03-02T00:15:00Z", "2026-03-02T08:15:00+08:00",
                     "2026-03-02T08:15:00+0800", "2026-03-02T08:15:00+08", "2026-03-02 01:15:00+01:00"] {
            XCTAssertEqual(row(form, "2026-03-02 08:30:00")?.start, want, form)
        }
    }

    func testAZTimeNearMidnightLandsOnTheNextLocalDate() throws {
        // 16:05 UTC on the 9th is 00:05 on the 10th in Beijing: date 2026-03-10, hour 0, slot 0.
        var days = FootfallDays()
        days.add(try XCTUnwrap(row("2026-03-09T16:05:00Z", "2026-03-09T16:20:00Z")), clock: clock)
        XCTAssertEqual(VenueDate.text(days.bucketDay[0]), "2026-03-10")
        XCTAssertEqual(days.entries[0].startMs, 5 * 60_000)   // slot 0, 00:05
        // One millisecond before local midnight stays on the 9th, in slot 95.
        var late = FootfallDays()
        late.add(try XCTUnwrap(row("2026-03-09T15:59:59.999Z", "2026-03-09T16:10:00Z")), clock: clock)
        XCTAssertEqual(VenueDate.text(late.bucketDay[0]), "2026-03-09")
        XCTAssertEqual(Int(late.entries[95].startMs), 86_399_999)
    }

    func testBadRowsSayWhy() {
        let ok = ["110105011001", "G1", "gate", "2026-03-02 08:00:00", "2026-03-02 08:15:00", "3", "1", ""]
        func with(_ i: Int, _ v: String) -> [String] { var f = ok; f[i] = v; return f }
        XCTAssertNil(problem(ok))
        XCTAssertEqual(problem(with(0, "110105011009")), "venue_code: venue 110105011009 is not in venues")
        XCTAssertEqual(problem(with(0, "110105011003")), "venue_code: venue 110105011003 is not in venues (its row there was rejected: character 9 (1) differs from level 2)")
        XCTAssertEqual(problem(with(1, "")), "device_id: is empty")
        XCTAssertEqual(problem(with(2, "wifi")), "source: 'wifi' must be one of gate, face, binocular, ai_video, qr, lbs")
        XCTAssertEqual(problem(with(3, "2026-02-30 08:00:00")), "period_start: '2026-02-30 08:00:00' is not a time; use yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601 with offset")
        XCTAssertEqual(problem(with(4, "2026-03-02 08:00:00")), "period_end: 2026-03-02 08:00:00 is not after period_start 2026-03-02 08:00:00")
        XCTAssertEqual(problem(with(5, "-1")), "in_count: is -1, below 0; counts are people")
        XCTAssertEqual(problem(with(6, "2.5")), "out_count: '2.5' is not a whole number")
        XCTAssertEqual(problem(with(7, "2026-03-02 08:14:59")), "uploaded_at: 2026-03-02 08:14:59 is before period_end 2026-03-02 08:15:00; a period is uploaded after it ends")
        XCTAssertEqual(problem(Array(ok.dropLast())), "-: has 7 fields but the header has 8; check for stray commas or quotes")
    }

    func testRepeatsConflictsLateAndLongPeriods() throws {
        var days = FootfallDays()
        let a = try XCTUnwrap(row("2026-03-02 08:00:00", "2026-03-02 08:15:00", "2026-03-02 09:15:00"))   // exactly 60 min: on time
        days.add(a, clock: clock)
        var again = a; again.uploaded = clock.parse("2026-03-02 12:00:00"); again.line = 9   // a re-upload: once
        days.add(again, clock: clock)
        var other = a; other.inCount = 4; other.line = 10                                      // same period, other counts: a conflict
        days.add(other, clock: clock)
        days.add(try XCTUnwrap(row("2026-03-02 08:05:00", "2026-03-02 08:10:00", "2026-03-02 09:10:01")), clock: clock)  // same slot, 61 min late
        days.add(try XCTUnwrap(row("2026-03-02 09:00:00", "2026-03-02 09:30:00")), clock: clock)                         // 30 min: long
        XCTAssertEqual(days.duplicates, [1])
        XCTAssertEqual(days.conflicts.map { [$0.line, $0.first] }, [[10, 2]])
        XCTAssertFalse(days.entries[32].late)
        XCTAssertEqual(days.extras.count, 1)
        XCTAssertTrue(days.extras[0].entry.late)
        XCTAssertTrue(days.entries[36].long)
    }

    func testPartsMergeAsIfReadInOrder() throws {
        // The same rows split over two parts give the same days, repeats and conflicts.
        let rows = [("2026-03-02 08:00:00", 3), ("2026-03-02 08:15:00", 3), ("2026-03-02 08:00:00", 3), ("2026-03-02 08:15:00", 5)]
        func make(_ r: (String, Int), line: Int) throws -> FootfallRow {
            var x = try XCTUnwrap(row(r.0, clock.format(clock.parse(r.0)! + 900_000)))
            x.inCount = UInt32(r.1); x.line = line
            return x
        }
        var whole = FootfallDays()
        for (i, r) in rows.enumerated() { whole.add(try make(r, line: i + 2), clock: clock) }
        var first = FootfallDays(), second = FootfallDays()
        for (i, r) in rows.prefix(2).enumerated() { first.add(try make(r, line: i + 2), clock: clock) }
        for (i, r) in rows.dropFirst(2).enumerated() { second.add(try make(r, line: i + 1), clock: clock) }
        first.merge(second, lineOffset: 3)
        XCTAssertEqual(first.entries, whole.entries)
        XCTAssertEqual(first.duplicates, whole.duplicates)
        XCTAssertEqual(first.conflicts.map { [$0.line, $0.first] }, whole.conflicts.map { [$0.line, $0.first] })
        XCTAssertEqual(whole.conflicts.map { [$0.line, $0.first] }, [[5, 3]])
    }

    // MARK: days

    func day(_ counts: [Int: (UInt64, UInt64)]) -> VenueDay {
        var d = VenueDay(venue: "110105011001", day: 0)
        for (slot, c) in counts { d.slotIn[slot] = c.0; d.slotOut[slot] = c.1; d.hasData[slot] = true }
        return d
    }

    func testLongestGapCountsOnlyBetweenTheDaysFirstAndLastSlot() {
        XCTAssertEqual(VenueAuditTask.longestGap([Bool](repeating: false, count: 96)), 0)
        var has = [Bool](repeating: false, count: 96)
        has[24] = true; has[29] = true; has[30] = true; has[90] = true   // 06:00, 07:15, 07:30, 22:30
        XCTAssertEqual(VenueAuditTask.longestGap(has), 59)                // 07:45 … 22:15
        has[60] = true
        XCTAssertEqual(VenueAuditTask.longestGap(has), 29)
    }

    func testOccupancyClipsAtZeroResetsAndFlagsDrift() {
        // 08:00 in 5 out 8 (net −3, shown 0), 09:00 in 20 out 2 (net 15), 10:00 out 15 (net 0).
        var d = day([32: (5, 8), 36: (20, 2), 40: (0, 15)])
        var o = VenueAuditTask.occupancy(d, driftShare: 0.05)
        XCTAssertEqual(o.rows.map { [$0.hour, Int($0.occupancy), Int($0.net)] }, [[8, 0, -3], [9, 15, 15], [10, 0, 0]])
        XCTAssertEqual(o.drift, 3)
        XCTAssertFalse(o.flagged)   // 3 ≤ max(10, ⌈0.05 × 25⌉)
        // 200 entries, 189 exits: drift 11 > max(10, 10): flagged; 190 exits: drift 10, not flagged.
        d = day([32: (200, 0), 40: (0, 189)])
        o = VenueAuditTask.occupancy(d, driftShare: 0.05)
        XCTAssertTrue(o.flagged)
        XCTAssertEqual(o.drift, 11)
        XCTAssertFalse(VenueAuditTask.occupancy(day([32: (200, 0), 40: (0, 190)]), driftShare: 0.05).flagged)
        // 1,000 entries: the bound is 50 (the share), not 10.
        XCTAssertFalse(VenueAuditTask.occupancy(day([32: (1000, 0), 40: (0, 950)]), driftShare: 0.05).flagged)
        XCTAssertTrue(VenueAuditTask.occupancy(day([32: (1000, 0), 40: (0, 949)]), driftShare: 0.05).flagged)
    }
}
