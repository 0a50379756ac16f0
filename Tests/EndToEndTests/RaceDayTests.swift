import Foundation
import XCTest

/// Jobs/race-day.yaml through the CLI, against the reports an independent
/// Python implementation of the rules computed (Datasets/races/check_race_day.py
/// → Datasets/races/expected/), and bad reader files.
final class RaceDayTests: XCTestCase {
    static let races = repoRoot.appendingPathComponent("Datasets/races")

    /// A copy of the race day in a workspace: the job with paths into ./races.
    func workspace(_ label: String) throws -> URL {
        let ws = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-race-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: ws, withIntermediateDirectories: true)
        addTeardownBlock { removeWorkspace(ws) }
        try FileManager.default.copyItem(at: Self.races, to: ws.appendingPathComponent("races"))
        let job = try String(contentsOf: repoRoot.appendingPathComponent("Jobs/race-day.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../Datasets/races/", with: "races/").replacingOccurrences(of: "out: ../Outputs/race-day", with: "out: out")
        try job.write(to: ws.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        return ws
    }

    func rows(_ url: URL) throws -> [[String]] { try CSVTable(url: url).rawRows }

    func testRaceDayMatchesTheIndependentReference() throws {
        let ws = try workspace("golden")
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let out = ws.appendingPathComponent("out")
        for report in ["race_results", "race_laps"] {
            let got = try CSVTable(url: out.appendingPathComponent("\(report).csv"))
            let want = try CSVTable(url: Self.races.appendingPathComponent("expected/\(report).csv"))
            XCTAssertEqual(got.header.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }, want.header, report)
            XCTAssertEqual(got.rawRows.count, want.rawRows.count, report)
            for (i, (g, w)) in zip(got.rawRows, want.rawRows).enumerated() where g != w {
                XCTFail("\(report) row \(i + 2): got \(g), want \(w)"); break
            }
        }
        // Every planted reject, named by file, line and field (paths as the job writes them).
        let rejects = Set(try rows(out.appendingPathComponent("rejects.csv")).map { "\($0[0].replacingOccurrences(of: "races/", with: "../Datasets/races/"))|\($0[1])|\($0[2])" })
        let planted = Set(try rows(Self.races.appendingPathComponent("expected/rejects_planted.csv")).map { "\($0[0])|\($0[1])|\($0[2])" })
        XCTAssertEqual(rejects, planted)
        // The two suspects reach summary.json's warnings and the top of report.html.
        let summary = readText(out.appendingPathComponent("summary.json"))
        XCTAssertTrue(summary.contains("bib 512 武华鑫: lap 9 took 0:02:18.867, over 1.8× the athlete's median lap"), summary)
        XCTAssertTrue(summary.contains("bib 521 顾欣琳: lap 17 took 0:00:45.000, under the plausible 0:00:55.000"), summary)
        let html = readText(out.appendingPathComponent("report.html"))
        let warningsAt = try XCTUnwrap(html.range(of: "bib 512 武华鑫: lap 9")?.lowerBound)
        let raceAt = try XCTUnwrap(html.range(of: "Race 10000m")?.lowerBound)
        XCTAssertLessThan(warningsAt, raceAt, "suspects are listed before the results")
        XCTAssertTrue(html.contains("Lap chart: position after each lap"))
        XCTAssertTrue(html.contains("1. 覃飞俊"), "the podium")
    }

    /// The store keeps reads as four integers; the view race_read_log gives
    /// back every kept line of a reader log as the timing PC wrote it.
    func testReadLogViewShowsTheReadsAsWritten() throws {
        let ws = try workspace("view")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let store = ws.appendingPathComponent("out/zonal.sqlite")
        let shown = try spatialite(store, "SELECT line, time || ' ' || card FROM race_read_log WHERE reader = 'track' ORDER BY line")
        let log = try String(contentsOf: ws.appendingPathComponent("races/track.log"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let rejected = Set(try rows(ws.appendingPathComponent("out/rejects.csv")).filter { $0[0].hasSuffix("track.log") }.compactMap { Int($0[1]) })
        var want: [String] = []
        for (i, line) in log.enumerated() where !line.isEmpty && !rejected.contains(i + 1) { want.append("\(i + 1)|\(line)") }
        XCTAssertGreaterThan(want.count, 1000)
        XCTAssertEqual(shown.count, want.count)
        for (g, w) in zip(shown, want) where g != w { XCTFail("race_read_log \(g), track.log \(w)"); break }
        XCTAssertEqual(try spatialite(store, "SELECT count(*) FROM race_read_log"), try spatialite(store, "SELECT count(*) FROM race_reads"))
    }

    /// race_reads as one CSV `time,reader,card`: readers come from the rows,
    /// each becomes a source. Hand-computed: chip-start 2-lap race, ranked by
    /// chip time; bib 2's start 09:00:02, finish 09:02:09 → chip 0:02:07.000,
    /// rank 1; bib 1's start 09:00:01.5, finish 09:02:10 → 0:02:08.500,
    /// rank 2, 1.5 s behind; the unknown card is a reject.
    func testReadsFromOneCSV() throws {
        let ws = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-race-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: ws, withIntermediateDirectories: true)
        addTeardownBlock { removeWorkspace(ws) }
        try """
        bib,card,name,gender,event
        1,00102:00001,甲,1,1500m
        2,00102:00002,乙,2,1500m
        """.write(to: ws.appendingPathComponent("athletes.csv"), atomically: true, encoding: .utf8)
        try """
        time,reader,card
        2026-05-01 09:00:01.500,start,00102:00001
        2026-05-01 09:00:02,start,00102:00002
        2026-05-01 09:01:00.000,finish,00102:00001
        2026-05-01 09:01:05.250,finish,00102:00002
        2026-05-01 09:02:10.000,finish,00102:00001
        2026-05-01 09:02:09.000,finish,00102:00002
        2026-05-01 09:02:11.000,finish,00102:00009
        """.write(to: ws.appendingPathComponent("reads.csv"), atomically: true, encoding: .utf8)
        try """
        version: 1
        job: csv-reads
        out: out
        timezone: Asia/Shanghai
        inputs:
          race_athletes: athletes.csv
          race_reads: reads.csv
        params:
          max_reject_rate: 0.5
          races:
            - {event: 1500m, kind: laps, laps: 2, gun_time: "2026-05-01 09:00:00.000", start_reader: start, finish_reader: finish, min_lap_s: 30, rank_by: chip}
        tasks: [race_results]
        formats: [csv]
        """.write(to: ws.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let results = try rows(ws.appendingPathComponent("out/race_results.csv"))
        XCTAssertEqual(results.map { [$0[1], $0[2], $0[5], $0[6], $0[7], $0[10], $0[11]] }, [
            ["1", "2", "2", "0:02:09.000", "0:02:07.000", "FIN", "0:00:00.000"],
            ["2", "1", "2", "0:02:10.000", "0:02:08.500", "FIN", "0:00:01.500"],
        ])
        XCTAssertEqual(try rows(ws.appendingPathComponent("out/rejects.csv")).map { [$0[0], $0[1], $0[2]] }, [["reads.csv", "8", "card"]])
        let store = ws.appendingPathComponent("out/zonal.sqlite")
        XCTAssertEqual(try spatialite(store, "SELECT source, file, reader FROM race_read_sources ORDER BY source"), ["1|reads.csv|start", "2|reads.csv|finish"])
        XCTAssertEqual(try spatialite(store, "SELECT line, reader, time, card FROM race_read_log WHERE line IN (3, 5) ORDER BY line"),
                       ["3|start|2026-05-01 09:00:02.000|00102:00002", "5|finish|2026-05-01 09:01:05.250|00102:00002"])
    }

    /// A reader file that is not a reader log, or missing, or a folder: clear errors, the store as it was.
    func testBadReaderFiles() throws {
        let ws = try workspace("bad")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let store = ws.appendingPathComponent("out/zonal.sqlite")
        let before = try countsIfPossible(store)

        // Most of track.log is garbage: over max_reject_rate, the run fails naming file, line and field.
        var lines = try String(contentsOf: ws.appendingPathComponent("races/track.log"), encoding: .utf8).components(separatedBy: "\n")
        for i in stride(from: 0, to: lines.count, by: 2) where !lines[i].isEmpty { lines[i] = "2026-05-01 09:0x:00.000 00501:00001\r" }
        try lines.joined(separator: "\n").write(to: ws.appendingPathComponent("races/track.log"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("races/track.log: 1294 of 2587 rows rejected (listed in rejects.csv); the first: line 1 field time: '2026-05-01 09:0x:00.000' is not yyyy-MM-dd HH:mm:ss[.SSS]"), r.stderr)
        XCTAssertTrue(r.stderr.contains("more than max_reject_rate 0.01 allows"), r.stderr)
        try assertStoreUnchanged(before, store)

        // A reader the job names but whose file is a folder: exit 2 before anything runs.
        let job = try String(contentsOf: ws.appendingPathComponent("job.yaml"), encoding: .utf8).replacingOccurrences(of: "track: races/track.log", with: "track: races")
        try job.write(to: ws.appendingPathComponent("folder.yaml"), atomically: true, encoding: .utf8)
        let f = try runZonal(["run", "folder.yaml"], cwd: ws)
        XCTAssertEqual(f.status, 2, f.output)
        XCTAssertTrue(f.stderr.contains("at `inputs.race_reads.track`: 'races' is a folder, not a file; this input is a file"), f.stderr)
    }
}
