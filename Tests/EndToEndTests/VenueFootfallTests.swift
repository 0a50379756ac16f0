import Foundation
import XCTest

/// The venue domain through the CLI: the Beijing sample against an independent
/// Python implementation (Datasets/venues/check_venues.py → expected/), a small
/// case worked out by hand, and bad inputs.
final class VenueFootfallTests: XCTestCase {
    static let venues = repoRoot.appendingPathComponent("Datasets/venues")
    static let reports = ["venue_footfall", "venue_summary", "venue_reporting", "venue_occupancy"]

    func workspace(_ label: String) throws -> URL { try domainWorkspace("venues", label) }
    func sampleWorkspace(_ label: String) throws -> URL { try sampleWorkspace(dataset: "venues", job: "venue-footfall", label) }

    func rows(_ url: URL) throws -> [[String]] { try CSVTable(url: url).rawRows }

    func assertMatchesReference(_ out: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        try assertMatchesReference(out, dataset: "venues", reports: Self.reports, file: file, line: line)
    }

    func testSampleMatchesTheIndependentReference() throws {
        let ws = try sampleWorkspace("golden")
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let out = ws.appendingPathComponent("out")
        try assertMatchesReference(out)
        // The same when the footfall file is read in parts on several cores.
        let p = try runZonal(["run", "job.yaml", "--out", "out-parts"], cwd: ws, environment: ["ZONAL_TEST_PART_BYTES": "1"])
        XCTAssertEqual(p.status, 0, p.output)
        XCTAssertTrue(readText(ws.appendingPathComponent("out-parts/summary.json")).contains("parts in parallel")
                      || ProcessInfo.processInfo.activeProcessorCount == 1)
        try assertMatchesReference(ws.appendingPathComponent("out-parts"))
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("rejects.csv"), encoding: .utf8),
                       try String(contentsOf: ws.appendingPathComponent("out-parts/rejects.csv"), encoding: .utf8))
        // The subsidy review's page: the audit first, then the map and the footfall by hour.
        let html = readText(out.appendingPathComponent("report.html"))
        let auditAt = try XCTUnwrap(html.range(of: "Venue reporting audit")?.lowerBound)
        let footfallAt = try XCTUnwrap(html.range(of: "Venue footfall (客流统计)")?.lowerBound)
        XCTAssertLessThan(auditAt, footfallAt)
        XCTAssertTrue(html.contains("Venues to check before the subsidy is paid"))
        XCTAssertTrue(html.contains("Map: venues sized by entries over the period"))
        XCTAssertTrue(html.contains("Footfall by hour of day"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("venue-footfall.xlsx").path))
    }

    /// Two venues over two days, every number worked out by hand.
    func testASmallCaseByHand() throws {
        let ws = try workspace("hand")
        func write(_ name: String, _ text: String) throws { try text.write(to: ws.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try write("venues.csv", """
            venue_code,name,venue_type,level,admin_code,lon,lat
            110105011001,"朝阳区""全民健身""中心, 东馆",01,1,110105,116.48,39.95
            110108021002,海淀体育馆,02,1,110108,116.30,39.99
            110105011003,错码馆,01,2,110105,116.45,39.92
            110101031004,静默馆,03,1,110101,116.40,39.91

            """)
        let footfall = [
            "venue_code,device_id,source,period_start,period_end,in_count,out_count,uploaded_at",
            "110105011001,G1,gate,2026-03-02 08:00:00,2026-03-02 08:15:00,10,0,2026-03-02 08:20:00",
            "110105011001,G1,gate,2026-03-02T00:15:00Z,20260302083000,5,2,2026-03-02 08:31:00",       // 08:15 local in two other forms
            "110105011001,G1,gate,2026-03-02 08:00:00,2026-03-02 08:15:00,10,0,2026-03-02 09:00:00",  // a re-upload: once
            "110105011001,G1,gate,2026-03-02 10:00:00,2026-03-02 10:15:00,7,20,2026-03-02 11:16:00",  // 61 min after the end: late
            "110105011001,G1,gate,2026-03-02T16:05:00Z,2026-03-02T16:20:00Z,3,0,",                    // 00:05 on the 3rd in Beijing
            "110108021002,F1,face,2026-03-02 09:00:00.000,2026-03-02 09:15:00,4,1,2026-03-02 10:15:00", // exactly 60 min: on time
            "110108021002,F1,face,2026-03-02 09:15:00+08:00,2026-03-02 09:45:00+0800,4,4,",           // 30 min: a warning
            "110108021002,F1,face,2026-03-02 09:00:00,2026-03-02 09:15:00,5,1,",                      // same period, other counts: reject
            "110108021002,Q1,qr,2026-03-02 09:30:00,2026-03-02 09:45:00,4,0,",                        // second device, same hour
            "110108021002,F1,face,2026-03-03 14:00:00,2026-03-03 14:15:00,2,2,",
            "110108021002,F1,face,2026-03-03 14:15:00,2026-03-03 14:30:00,-1,2,",                     // reject
            "110105011003,F1,face,2026-03-03 14:15:00,2026-03-03 14:30:00,1,2,",                      // its venue was rejected
        ]
        try write("footfall.csv", footfall.map { $0.components(separatedBy: "   //")[0].trimmingCharacters(in: .whitespaces) }.joined(separator: "\r\n") + "\r\n")
        try write("job.yaml", """
            version: 1
            job: hand
            out: out
            timezone: Asia/Shanghai
            inputs: {venues: venues.csv, venue_footfall: footfall.csv}
            params: {max_gap_h: 1}
            tasks: [venue_audit, venue_footfall]
            formats: [csv]

            """)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let out = ws.appendingPathComponent("out")
        func table(_ name: String) throws -> [[String]] { try rows(out.appendingPathComponent("\(name).csv")) }
        XCTAssertEqual(try table("venue_footfall"), [
            ["110105011001", "2026-03-02", "8", "15", "2"], ["110105011001", "2026-03-02", "10", "7", "20"],
            ["110105011001", "2026-03-03", "0", "3", "0"],
            ["110108021002", "2026-03-02", "9", "12", "5"], ["110108021002", "2026-03-03", "14", "2", "2"],
        ])
        // Coverage: 3 slots / 96 = 0.03125 → 0.0313 (half away); the qr device's 09:30 slot makes B's third.
        XCTAssertEqual(try table("venue_summary"), [
            ["110105011001", "朝阳区\"全民健身\"中心, 东馆", "2026-03-02", "22", "22", "8", "15", "0.0313", "1", "gate"],
            ["110105011001", "朝阳区\"全民健身\"中心, 东馆", "2026-03-03", "3", "0", "0", "3", "0.0104", "0", "gate"],
            ["110108021002", "海淀体育馆", "2026-03-02", "12", "5", "9", "12", "0.0313", "0", "face;qr"],
            ["110108021002", "海淀体育馆", "2026-03-03", "2", "2", "14", "2", "0.0104", "0", "face"],
        ])
        // A's day 1: data 08:00, 08:15, 10:00 → 08:30 … 09:45 empty = 6 slots = 1.50 h > 1 h: gaps.
        XCTAssertEqual(try table("venue_reporting").map { Array($0[0..<12]) }, [
            ["110101031004", "静默馆", "110101", "", "0", "2", "", "", "0", "0", "silent", "no footfall rows"],
            ["110105011001", "朝阳区\"全民健身\"中心, 东馆", "110105", "", "2", "2", "0.0208", "1.50", "1", "1", "gaps", "longest gap 1.50 h"],
            ["110105011003", "错码馆", "110105", "", "0", "2", "", "", "0", "0", "invalid_code", "character 9 (1) differs from level 2"],
            ["110108021002", "海淀体育馆", "110108", "", "2", "2", "0.0208", "0.00", "0", "0", "ok", ""],
        ])
        // Occupancy: A's day 1 runs 08 → 10 (09 carries 13 inside), back to 0 at 10:00; the 3rd starts again at 0.
        XCTAssertEqual(try table("venue_occupancy"), [
            ["110105011001", "2026-03-02", "8", "13", "15", "2", "13", "false"],
            ["110105011001", "2026-03-02", "9", "13", "0", "0", "13", "false"],
            ["110105011001", "2026-03-02", "10", "0", "7", "20", "0", "false"],
            ["110105011001", "2026-03-03", "0", "3", "3", "0", "3", "false"],
            ["110108021002", "2026-03-02", "9", "7", "12", "5", "7", "false"],
            ["110108021002", "2026-03-03", "14", "0", "2", "2", "0", "false"],
        ])
        XCTAssertEqual(try table("rejects").map { "\($0[0])|\($0[1])|\($0[2])" }, [
            "footfall.csv|9|in_count", "footfall.csv|12|in_count", "footfall.csv|13|venue_code", "venues.csv|4|venue_code",
        ])
        let rejects = try table("rejects")
        XCTAssertEqual(rejects[0][3], "line 7 already reports device F1 (face) for the period starting 2026-03-02 09:00:00 with other counts or another period_end")
        XCTAssertEqual(rejects[2][3], "venue 110105011003 is not in venues (its row there was rejected: character 9 (1) differs from level 2)")
        let summary = readText(out.appendingPathComponent("summary.json"))
        XCTAssertTrue(summary.contains("1 row covers more than 15 minutes"), summary)
        XCTAssertTrue(summary.contains("1 row repeats an earlier row"), summary)
    }

    /// Bad inputs: clear errors, the store as it was.
    func testBadInputsLeaveTheStoreUnchanged() throws {
        let ws = try sampleWorkspace("bad")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let store = ws.appendingPathComponent("out/zonal.sqlite")
        let before = try countsIfPossible(store)
        // A footfall file without its in_count column: the run fails naming the column and the header it found.
        let path = ws.appendingPathComponent("venues/venue_footfall.csv")
        let text = try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: "in_count,", with: "inside,")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("the header has no in_count column"), r.stderr)
        try assertStoreUnchanged(before, store)
        // Most counts negative: over max_reject_rate.
        let before2 = try countsIfPossible(store)
        var lines = text.replacingOccurrences(of: "inside,", with: "in_count,").components(separatedBy: "\r\n")
        for i in stride(from: 1, to: lines.count, by: 2) where !lines[i].isEmpty {
            var f = lines[i].components(separatedBy: ","); f[5] = "-1"; lines[i] = f.joined(separator: ",")
        }
        try lines.joined(separator: "\r\n").write(to: path, atomically: true, encoding: .utf8)
        let n = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(n.status, 1, n.output)
        XCTAssertTrue(n.stderr.contains("the first: line 2 field in_count: is -1, below 0; counts are people"), n.stderr)
        XCTAssertTrue(n.stderr.contains("more than max_reject_rate 0.01 allows"), n.stderr)
        try assertStoreUnchanged(before2, store)
    }
}
