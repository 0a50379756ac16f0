import Foundation
import XCTest

/// The mine domain through the CLI: the Shanxi sample against the reports an
/// independent Python implementation computed (Datasets/shanxi/check_mine_alarms.py
/// → Datasets/shanxi/expected/), a small day computed by hand, and bad inputs.
final class MineAlarmsTests: XCTestCase {
    static let shanxi = repoRoot.appendingPathComponent("Datasets/shanxi")
    static let reports = ["mine_alarms", "alarm_stats", "camera_online", "alarm_worklist", "disposal_types", "mine_status"]

    func workspace(_ label: String) throws -> URL { try domainWorkspace("mines", label) }
    func shanxiWorkspace(_ label: String) throws -> URL { try sampleWorkspace(dataset: "shanxi", job: "shanxi-mine-alarms", label) }

    func rows(_ url: URL) throws -> [[String]] { try CSVTable(url: url).rawRows }

    func testShanxiMatchesTheIndependentReference() throws {
        let ws = try shanxiWorkspace("golden")
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let out = ws.appendingPathComponent("out")
        try assertMatchesReference(out)
        // The same reports when the bodies are read in parts on several cores (as a
        // province day is): repeats, conflicts and line numbers across the cut included.
        let p = try runZonal(["run", "job.yaml", "--out", "out-parts"], cwd: ws, environment: ["ZONAL_TEST_PART_BYTES": "1"])
        XCTAssertEqual(p.status, 0, p.output)
        XCTAssertTrue(readText(ws.appendingPathComponent("out-parts/summary.json")).contains("read in 2 parts in parallel")
                      || ProcessInfo.processInfo.activeProcessorCount == 1)
        try assertMatchesReference(ws.appendingPathComponent("out-parts"))
        for name in ["rejects.csv", "summary.json"] {
            let a = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            let b = try String(contentsOf: ws.appendingPathComponent("out-parts/\(name)"), encoding: .utf8)
            if name == "rejects.csv" { XCTAssertEqual(a, b) } else {
                XCTAssertEqual(a.components(separatedBy: "\n").filter { $0.contains("repeat an earlier body") },
                               b.components(separatedBy: "\n").filter { $0.contains("repeat an earlier body") })
            }
        }
        let html = readText(out.appendingPathComponent("report.html"))
        let worklistAt = try XCTUnwrap(html.range(of: "Overdue and not disposed (待督办)")?.lowerBound)
        let mapAt = try XCTUnwrap(html.range(of: "One map: mines by open and overdue alarms")?.lowerBound)
        XCTAssertLessThan(worklistAt, mapAt)
        XCTAssertTrue(html.contains("Alarms per day by type"))
        XCTAssertTrue(html.contains("How alarms were disposed"))
        XCTAssertTrue(html.contains("2026-05-02 23:57:18"), "the as_of the reports were measured at")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("shanxi-mine-alarms.xlsx").path))
    }

    func assertMatchesReference(_ out: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        try assertMatchesReference(out, dataset: "shanxi", reports: Self.reports, file: file, line: line)
    }

    /// One small day, every number worked out by hand (see the comments).
    func testASmallDayByHand() throws {
        let ws = try workspace("hand")
        func write(_ name: String, _ text: String) throws { try text.write(to: ws.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try write("mines.csv", """
            mine_id,name,region_code,department,status,lon,lat,person_threshold,truck_threshold
            140421000001,甲煤业,140421,上党区应急管理局,生产,113.1,36.1,10,
            140421000002,乙煤业,140421,上党区应急管理局,停产,113.2,36.2,,
            140100000003,丙煤矿,140100,太原市能源局,关闭,112.5,37.8,,

            """)
        try write("reports.jsonl", """
            {"mineId":"140421000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:00:00"}
            {"mineId":"140421000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:10:00"}
            {"mineId":"140421000001","cameraId":"10","alarm":0,"time":"2026-05-01 08:15:00"}
            {"mineId":"140421000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:20:01"}
            {"mineId":"140421000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:20:01"}
            {"mineId":"140421000001","cameraId":"10","aiTypeCode":"01","inWellNumber":"0010","time":"2026-05-01 08:01:00"}
            {"mineId":"140421000001","cameraId":"10","aiTypeCode":"01","inWellNumber":"0011","time":"2026-05-01 08:02:00"}
            {"mineId":"140421000002","cameraId":"30","aiTypeCode":"02","outMineNumber":"0000","time":"2026-05-01 08:03:00"}
            {"mineId":"140421000002","cameraId":"30","aiTypeCode":"02","outMineNumber":"0000","time":"2026-05-01 08:03:00"}
            {"mineId":"140421000002","cameraId":"20","aiTypeCode":"03","beltStatus":"0003","time":"2026-05-01 08:04:00"}
            {"mineId":"140100000003","cameraId":"40","aiTypeCode":"06","time":"2026-05-01 09:00:00"}
            {"mineId":"140100000003","cameraId":"40","liveUrl":"http://10.0.0.3/live","time":"2026-05-01 09:00:00"}
            {"mineId":"140421000002","cameraId":"30","aiTypeCode":"02","outMineNumber":"0001","time":"2026-05-01 08:03:00"}
            {"mineId":"140421000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:25:00"}
            {"cameraId":"30", "mineId":"140421000002", "aiTypeCode":"02", "outMineNumber":"0000", "time":"2026-05-01 08:03:00"}

            """)
        try write("videos.txt", """
            140100000003400620260501090000.MP4
            1404210000011001001120260501080200.mp4
            1404210000011001001020260501080100.MP4
            x.MP4

            """)
        try write("disposals.csv", """
            alarm_id,disposed_at,disposal_type,department,note
            140421000001100120260501080200,2026-05-02 08:02:00,系统误报,上党区应急管理局,核查为误报
            140421000002300220260501080300,2026-05-01 09:00:00,其他,上党区应急管理局,先电话核实
            140421000002300220260501080300,2026-05-02 10:03:00,疑似违规生产,上党区应急管理局,现场检查
            140421000001100120260501080300,2026-05-01 09:00:00,其他,,
            140421000001100020260501081000,2026-05-01 08:09:00,系统误报,,

            """)
        try write("job.yaml", """
            version: 1
            job: hand
            out: out
            timezone: Asia/Shanghai
            inputs: {mines: mines.csv, mine_reports: reports.jsonl, mine_videos: videos.txt, alarm_disposals: disposals.csv}
            params: {overdue_hours: 24, as_of: "2026-05-02 09:00:00"}
            tasks: [mine_alarms]
            formats: [csv]

            """)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let out = ws.appendingPathComponent("out")
        func table(_ name: String) throws -> [[String]] { try rows(out.appendingPathComponent("\(name).csv")) }

        // Alarms: 0010 persons is at the threshold (none), 0011 above it; 0000 trucks at a 停产 mine
        // (production, whatever the count); a belt stopped with coal raises nothing; 06 always;
        // heartbeats 08:00, 08:10 (exactly 10 min: no outage), 08:20:01 (10 min 1 s: an outage from 08:10:00).
        let alarms = try table("mine_alarms")
        XCTAssertEqual(alarms.map { Array($0[0..<11]) }, [
            // id, mine, camera, ai_type, type, time, count, disposal_type, disposed_at, duration_min, overdue
            ["140100000003400620260501090000", "140100000003", "40", "06", "dispatch_room", "2026-05-01 09:00:00", "", "", "", "", "false"],   // deadline = as_of: not yet overdue
            ["140421000001100020260501081000", "140421000001", "10", "", "offline", "2026-05-01 08:10:00", "", "", "", "", "true"],            // its only disposal predates it: a reject
            ["140421000001100120260501080200", "140421000001", "10", "01", "persons", "2026-05-01 08:02:00", "11", "系统误报", "2026-05-02 08:02:00", "1440.00", "false"],   // at the deadline: on time
            ["140421000002300220260501080300", "140421000002", "30", "02", "trucks", "2026-05-01 08:03:00", "0", "疑似违规生产", "2026-05-02 10:03:00", "1560.00", "true"],     // the later disposal stands; late
        ])
        XCTAssertEqual(alarms[1][14], "no online heartbeat for 10.02 min")
        XCTAssertEqual(alarms[1][15], "2026-05-01 08:20:01")
        XCTAssertEqual(alarms[2][14], "11 persons > threshold 10")
        XCTAssertEqual(alarms[3][14], "0 trucks leaving at a mine that is 停产")
        XCTAssertEqual(alarms.map { $0[17] }, ["140100000003400620260501090000.MP4", "", "1404210000011001001120260501080200.mp4", ""])
        XCTAssertEqual(alarms[3][18...19].map { $0 }, ["上党区应急管理局", "现场检查"])

        // Roll-up: 140421 → 140400 → 140000; the city-coded mine 140100 has no county row.
        // Durations 1440 and 1560 min: mean 1500, median (mean of two) 1500, p90 nearest rank = the 2nd.
        XCTAssertEqual(try table("alarm_stats"), [
            ["140000", "*", "4", "2", "0.5000", "1500.00", "1440.00", "1560.00", "2", "province", "", "2", "1500.00", "1560.00"],
            ["140000", "dispatch_room", "1", "0", "0.0000", "", "", "", "0", "province", "", "1", "", ""],
            ["140000", "offline", "1", "0", "0.0000", "", "", "", "1", "province", "", "1", "", ""],
            ["140000", "persons", "1", "1", "1.0000", "1440.00", "1440.00", "1440.00", "0", "province", "", "0", "1440.00", "1440.00"],
            ["140000", "trucks", "1", "1", "1.0000", "1560.00", "1560.00", "1560.00", "1", "province", "", "0", "1560.00", "1560.00"],
            ["140100", "*", "1", "0", "0.0000", "", "", "", "0", "city", "", "1", "", ""],
            ["140100", "dispatch_room", "1", "0", "0.0000", "", "", "", "0", "city", "", "1", "", ""],
            ["140400", "*", "3", "2", "0.6667", "1500.00", "1440.00", "1560.00", "2", "city", "", "1", "1500.00", "1560.00"],
            ["140400", "offline", "1", "0", "0.0000", "", "", "", "1", "city", "", "1", "", ""],
            ["140400", "persons", "1", "1", "1.0000", "1440.00", "1440.00", "1440.00", "0", "city", "", "0", "1440.00", "1440.00"],
            ["140400", "trucks", "1", "1", "1.0000", "1560.00", "1560.00", "1560.00", "1", "city", "", "0", "1560.00", "1560.00"],
            ["140421", "*", "3", "2", "0.6667", "1500.00", "1440.00", "1560.00", "2", "county", "", "1", "1500.00", "1560.00"],
            ["140421", "offline", "1", "0", "0.0000", "", "", "", "1", "county", "", "1", "", ""],
            ["140421", "persons", "1", "1", "1.0000", "1440.00", "1440.00", "1440.00", "0", "county", "", "0", "1440.00", "1440.00"],
            ["140421", "trucks", "1", "1", "1.0000", "1560.00", "1560.00", "1560.00", "1", "county", "", "0", "1560.00", "1560.00"],
        ])
        // Slots 08:00 … 08:25 are 6; online in 08:00, 08:10, 08:20, 08:25 (the repeat counts once).
        XCTAssertEqual(try table("camera_online"), [
            ["140421000001", "10", "6", "4", "0.6667", "主井口", "2026-05-01 08:00:00", "2026-05-01 08:25:00", "1", "10.02", "1"],
        ])
        // Open alarms, oldest first; ages at 2026-05-02 09:00:00: 24 h 50 min, 24 h.
        XCTAssertEqual(try table("alarm_worklist").map { [$0[0], $0[1], $0[8], $0[9], $0[10]] }, [
            ["2026-05-01 08:10:00", "140421000001100020260501081000", "24.83", "2026-05-02 08:10:00", "true"],
            ["2026-05-01 09:00:00", "140100000003400620260501090000", "24.00", "2026-05-02 09:00:00", "false"],
        ])
        XCTAssertEqual(try table("disposal_types"), [
            ["140000", "疑似违规生产", "1", "0.5000", "province", ""], ["140000", "系统误报", "1", "0.5000", "province", ""],
            ["140400", "疑似违规生产", "1", "0.5000", "city", ""], ["140400", "系统误报", "1", "0.5000", "city", ""],
            ["140421", "疑似违规生产", "1", "0.5000", "county", ""], ["140421", "系统误报", "1", "0.5000", "county", ""],
        ])
        XCTAssertEqual(try table("mine_status").map { [$0[0], $0[5], $0[6], $0[7], $0[8], $0[9], $0[10], $0[11], $0[12]] }, [
            ["140100000003", "1", "0", "", "1", "0", "", "false", "http://10.0.0.3/live"],
            ["140421000001", "1", "0", "0.6667", "1", "1", "2026-05-01 08:25:00", "false", ""],
            ["140421000002", "2", "0", "", "0", "0", "", "false", ""],
        ])
        XCTAssertEqual(Set(try table("rejects").map { "\($0[0])|\($0[1])|\($0[2])" }), [
            "reports.jsonl|13|outMineNumber", "videos.txt|4|name", "disposals.csv|5|alarm_id", "disposals.csv|6|disposed_at",
        ])
        let summary = readText(out.appendingPathComponent("summary.json"))
        // Lines 5 and 9 repeat lines 4 and 8 byte for byte; line 15 is line 8 with its keys in another order.
        XCTAssertTrue(summary.contains("3 lines repeat an earlier body (sent twice); each counts once"), summary)
        XCTAssertTrue(summary.contains("1 evidence videos match no alarm"), summary)
        XCTAssertTrue(summary.contains("1 disposals are replaced by a later disposal of the same alarm"), summary)
        XCTAssertTrue(summary.contains("as_of 2026-05-02 09:00:00 is before the latest time in the data (2026-05-02 10:03:00)"), summary)
    }

    /// Bad inputs: clear errors naming file, line and field; the store as it was.
    func testBadInputsLeaveTheStoreUnchanged() throws {
        let ws = try shanxiWorkspace("bad")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let store = ws.appendingPathComponent("out/zonal.sqlite")
        let before = try countsIfPossible(store)

        // Every other body cut short: far over max_reject_rate; the run fails naming the first bad line.
        let path = ws.appendingPathComponent("shanxi/mine_reports.jsonl")
        var lines = try String(contentsOf: path, encoding: .utf8).components(separatedBy: "\n")
        for i in stride(from: 0, to: lines.count, by: 2) where !lines[i].isEmpty { lines[i] = String(lines[i].dropLast()) }
        try lines.joined(separator: "\n").write(to: path, atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("shanxi/mine_reports.jsonl: "), r.stderr)
        XCTAssertTrue(r.stderr.contains("rows rejected (listed in rejects.csv); the first: line 1"), r.stderr)
        XCTAssertTrue(r.stderr.contains("more than max_reject_rate 0.01 allows"), r.stderr)
        try assertStoreUnchanged(before, store)

        // Disposals without the reports that raise the alarms: exit 2 before anything runs.
        let job = try String(contentsOf: ws.appendingPathComponent("job.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  mine_reports: shanxi/mine_reports.jsonl\n", with: "")
        try job.write(to: ws.appendingPathComponent("nobodies.yaml"), atomically: true, encoding: .utf8)
        let n = try runZonal(["run", "nobodies.yaml"], cwd: ws)
        XCTAssertEqual(n.status, 2, n.output)
        XCTAssertTrue(n.stderr.contains("mine_reports"), n.stderr)
        try assertStoreUnchanged(before, store)

        // The evidence videos as a folder: names decode the same as from the list.
        try FileManager.default.removeItem(at: path)
        try FileManager.default.copyItem(at: Self.shanxi.appendingPathComponent("mine_reports.jsonl"), to: path)
        let folder = ws.appendingPathComponent("videos")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["140214009609200420260501120000.MP4", "not-a-video.txt", ".hidden"] {
            FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data())
        }
        let folderJob = try String(contentsOf: ws.appendingPathComponent("job.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "mine_videos: shanxi/mine_videos.txt", with: "mine_videos: videos")
            .replacingOccurrences(of: "out: out", with: "out: out-folder")
        try folderJob.write(to: ws.appendingPathComponent("folder.yaml"), atomically: true, encoding: .utf8)
        let f = try runZonal(["run", "folder.yaml"], cwd: ws)
        XCTAssertEqual(f.status, 0, f.output)
        let rejects = try rows(ws.appendingPathComponent("out-folder/rejects.csv")).filter { $0[0] == "videos" }
        XCTAssertEqual(rejects.map { [$0[1], $0[2]] }, [["2", "name"]])
        XCTAssertTrue(rejects[0][3].contains("'not-a-video.txt' is not an evidence video"), rejects[0][3])
        let alarms = try CSVTable(url: ws.appendingPathComponent("out-folder/mine_alarms.csv")).rows
        XCTAssertEqual(alarms.first { $0["alarm_id"] == "140214009609200420260501120000" }?["evidence"], "140214009609200420260501120000.MP4")
    }
}
