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
