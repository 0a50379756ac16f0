import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bad inputs and job files. Each test starts from a workspace where the good
/// job has already run (so the store has content), breaks one thing, runs the
/// job on the same store, and checks the exit status, the message (file,
/// line/feature, field, reason) and that the store kept its rows.
final class BadInputTests: XCTestCase {

    struct Case {
        var ws: URL
        var store: URL { ws.appendingPathComponent("out/zonal.sqlite") }
        var fences: URL { ws.appendingPathComponent("fences") }
        var before: [String: Int]?
    }

    func seeded(_ label: String) throws -> Case {
        let ws = try SeededWorkspace.shared.make(label)
        addTeardownBlock { removeWorkspace(ws) }
        var c = Case(ws: ws)
        c.before = try countsIfPossible(c.store)
        return c
    }

    func assertContains(_ text: String, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for p in parts {
            XCTAssertTrue(text.contains(p), "stderr should contain “\(p)”; it was:\n\(text)", file: file, line: line)
        }
    }

    /// The header of Appendix A table A.2 (PARKING).
    static let parkingHeader = "序号,名称,编码,面积,可容纳车辆,位置,用地类型,时限,允许停放时间,性质,场景,辅助设施,道路名称,入栏管理区编码,缩略码,位置感知辅助设备,备注"

    /// Good PARKING.csv rows built from the golden parking_capacity values.
    func goodParkingRows(_ n: Int) throws -> [String] {
        let park = try CSVTable(url: goldenDir.appendingPathComponent("parking_capacity.csv"))
        let rows = park.rows.filter { !($0["attr_area_m2"] ?? "").isEmpty && $0["area_m2"] == $0["attr_area_m2"] && ($0["management_code"] ?? "") != "" }
        XCTAssertGreaterThanOrEqual(rows.count, n)
        return rows.prefix(n).enumerated().map { i, r in
            "\(i + 1),\(r["name"]!),\(r["code"]!),\(r["area_m2"]!),\(r["capacity"]!),1,1,1,24小时,1,,,,\(r["management_code"]!),DC\(String(format: "%04d", i + 1)),,"
        }
    }

    // a. Truncated PARKING.shp.
    func testTruncatedShp() throws {
        let c = try seeded("truncated")
        let shp = c.fences.appendingPathComponent("PARKING.shp")
        let data = try Data(contentsOf: shp)
        try data.prefix(data.count - 100).write(to: shp)
        let r = try runZonal(["run", "job.yaml"], cwd: c.ws)
        XCTAssertEqual(r.status, 1, r.output)
        assertContains(r.stderr, ["./fences/PARKING.shp", "truncated"])
        XCTAssertTrue(r.stderr.matches("(line|feature|record) 305\\b"), "the message must name the damaged record 305:\n\(r.stderr)")
        try assertStoreUnchanged(c.before, c.store)
        // The failed run's summary.json is aside, in out/failed-run/; the last
        // good run's reports and summary stay in out/. Later steps are skipped with the cause.
        let good = try JSONSerialization.jsonObject(with: Data(contentsOf: c.ws.appendingPathComponent("out/summary.json"))) as? [String: Any]
        XCTAssertEqual(good?["status"] as? String, "ok", "out/summary.json is still the seeding run's")
        XCTAssertTrue(r.stderr.contains("the failed run's summary.json and rejects.csv are in "), r.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: c.ws.appendingPathComponent("out/failed-run/summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["status"] as? String, "failed")
        XCTAssertTrue((summary?["error"] as? String)?.contains("truncated") ?? false, "summary.json error: \(String(describing: summary?["error"]))")
        let steps = summary?["steps"] as? [[String: Any]] ?? []
        XCTAssertEqual(steps.first?["status"] as? String, "failed")
        for s in steps.dropFirst() {
            XCTAssertEqual(s["status"] as? String, "skipped")
            XCTAssertFalse((s["message"] as? String ?? "").isEmpty, "a skipped step names its cause")
        }
    }

    // b. Missing PARKING.shx.
    func testMissingShx() throws {
        let c = try seeded("noshx")
        try FileManager.default.removeItem(at: c.fences.appendingPathComponent("PARKING.shx"))
        let r = try runZonal(["run", "job.yaml"], cwd: c.ws)
        XCTAssertEqual(r.status, 1, r.output)
        assertContains(r.stderr, ["PARKING.shp", ".shx is missing"])
        try assertStoreUnchanged(c.before, c.store)
    }

    // c. A .cpg that says UTF-8 on a GBK DBF.
    func testLyingCpg() throws {
        let c = try seeded("cpg")
        try "UTF-8".write(to: c.fences.appendingPathComponent("PARKING.cpg"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml"], cwd: c.ws)
        XCTAssertEqual(r.status, 1, r.output)
        // The undecodable bytes are in the .dbf: record 1's NAME (CODE is ASCII).
        assertContains(r.stderr, ["./fences/PARKING.dbf", "NAME", "not valid UTF-8"])
        XCTAssertTrue(r.stderr.matches("(line|record|feature) 1\\b"), "the message must name record 1:\n\(r.stderr)")
        try assertStoreUnchanged(c.before, c.store)
    }

    /// A job-file mistake: exit 2, a message naming `names`, and neither the
    /// store nor its run ledger touched.
    private func assertJobFileError(_ label: String, _ edit: (inout JobSpec) -> Void, names: [String],
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let c = try seeded(label)
        var spec = JobSpec()
        edit(&spec)
        try writeJob(spec, in: c.ws, named: "bad.yaml")
        let r = try runZonal(["run", "bad.yaml"], cwd: c.ws)
        XCTAssertEqual(r.status, 2, r.output, file: file, line: line)
        assertContains(r.stderr, names)
        try assertStoreUnchanged(c.before, c.store, ledgerMayGrow: false)
    }

    // d. Unknown top-level key.
    func testUnknownJobKey() throws {
        try assertJobFileError("taks", { $0.tasksKey = "taks" }, names: ["bad.yaml", "`taks`", "must be one of"])
    }

    // e. Unknown task.
    func testUnknownTask() throws {
        try assertJobFileError("task", { $0.tasks = "[fence_audit, infence]" }, names: ["tasks[1]", "'infence' is not a task; must be one of", "fence_audit", "parking_capacity"])
    }

    // f. Missing input path.
    func testMissingInputPath() throws {
        try assertJobFileError("nope", { $0.fences = "./nope" }, names: ["inputs.fences", "'./nope'"])
    }

    // g. Garbage rows in a CSV attribute table: rejected, listed, the run goes on.
    func testCSVAttributeRejects() throws {
        let c = try seeded("csvrejects")
        try FileManager.default.removeItem(at: c.fences.appendingPathComponent("PARKING.xlsx"))
        let good = try goodParkingRows(4)
        // Line 1 header (with BOM, CRLF), lines 2-3 one good row whose 备注 spans two lines,
        // lines 4-6 good rows, line 7 wrong field count, line 8 empty 编码, line 9 good.
        var lines = ["\u{FEFF}" + Self.parkingHeader]
        lines.append(String(good[0].dropLast()) + ",\"two\nlines, one field\"")
        lines += good[1...3]
        lines.append("5,坏行,TFQ1101010010009,1,2")
        lines.append("6,东城区东华门街道空编码停放区,,19.22,16,1,1,1,24小时,1,,,,RLQ110101001,DC0006,,")
        lines.append("7,东城区东华门街道某停放区,TFQ1101010010099,19.22,16,1,1,1,24小时,1,,,,RLQ110101001,DC0007,,")
        try (lines.joined(separator: "\r\n") + "\r\n").write(to: c.fences.appendingPathComponent("PARKING.csv"), atomically: true, encoding: .utf8)

        let r = try runZonal(["run", "job.yaml"], cwd: c.ws)
        XCTAssertEqual(r.status, 0, r.output)
        let rejects = try CSVTable(url: c.ws.appendingPathComponent("out/rejects.csv"))
        XCTAssertEqual(rejects.rawRows.map { Array($0.prefix(3)) }, [
            ["./fences/PARKING.csv", "7", ""],
            ["./fences/PARKING.csv", "8", "编码"],
        ], "rejects.csv: file as written in the job, physical line, field")
        if rejects.rows.count == 2 {
            XCTAssertTrue(rejects.rows[0]["reason"]?.contains("5 fields") ?? false, "reason: \(rejects.rows[0]["reason"] ?? "")")
            XCTAssertTrue(rejects.rows[0]["reason"]?.contains("17") ?? false, "reason names the header's field count")
            XCTAssertTrue(rejects.rows[1]["reason"]?.contains("empty") ?? false, "reason: \(rejects.rows[1]["reason"] ?? "")")
        }
        // Good rows were joined: their attributes appear in parking_capacity.
        let park = try CSVTable(url: c.ws.appendingPathComponent("out/parking_capacity.csv"))
        let firstCode = good[0].split(separator: ",")[2]
        let joined = park.rows.first { $0["code"] == String(firstCode) }
        XCTAssertEqual(joined?["attr_area_m2"], joined?["area_m2"], "the row with a multi-line 备注 must be loaded")
        XCTAssertEqual(park.rows.count, 304)
        // summary.json counts them per file; the store's rejects table holds them.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: c.ws.appendingPathComponent("out/summary.json"))) as? [String: Any]
        let rej = summary?["rejects"] as? [String: Any]
        XCTAssertEqual((rej?["total"] as? NSNumber)?.intValue, 2, "summary.json rejects: \(String(describing: rej))")
        if which("spatialite") != nil {
            XCTAssertEqual(try spatialite(c.store, "SELECT file, line, coalesce(field, '') FROM rejects ORDER BY line"),
                           ["./fences/PARKING.csv|7|", "./fences/PARKING.csv|8|编码"])
        }
    }

    // h. Rejects over the limit: the run fails and keeps nothing.
    func testRejectLimit() throws {
        let c = try seeded("rejectlimit")
        try FileManager.default.removeItem(at: c.fences.appendingPathComponent("PARKING.xlsx"))
        var lines = [Self.parkingHeader] + (try goodParkingRows(10))
        for i in 0..<7 { lines.append("\(11 + i),garbage") }
        try (lines.joined(separator: "\n") + "\n").write(to: c.fences.appendingPathComponent("PARKING.csv"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml"], cwd: c.ws)
        XCTAssertEqual(r.status, 1, r.output)
        assertContains(r.stderr, ["./fences/PARKING.csv", "7 of 17 rows were rejected", "max_reject_rate"])
        XCTAssertTrue(r.stderr.contains("line 12"), "the message should point at the first rejected line (12):\n\(r.stderr)")
        try assertStoreUnchanged(c.before, c.store)
    }

    // i. The store is locked by another job.
    func testStoreLock() throws {
        let c = try seeded("lock")
        let lockPath = c.store.path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0, "cannot open \(lockPath)")
        guard fd >= 0 else { return }
        var closed = false
        defer { if !closed { flock(fd, LOCK_UN); close(fd) } }
        let holder = Array("job other-job (pid 1)".utf8)
        _ = holder.withUnsafeBytes { write(fd, $0.baseAddress, holder.count) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0, "the test could not take the lock")

        let r0 = try runZonal(["run", "job.yaml", "--wait", "0"], cwd: c.ws)
        XCTAssertEqual(r0.status, 1, r0.output)
        assertContains(r0.stderr, ["in use by job other-job"])

        let t0 = Date()
        let r1 = try runZonal(["run", "job.yaml", "--wait", "1"], cwd: c.ws)
        let waited = Date().timeIntervalSince(t0)
        XCTAssertEqual(r1.status, 1, r1.output)
        assertContains(r1.stderr, ["in use by job other-job"])
        XCTAssertGreaterThanOrEqual(waited, 0.9, "--wait 1 must wait about a second")
        XCTAssertLessThan(waited, 10, "--wait 1 must give up after about a second")
        try assertStoreUnchanged(c.before, c.store, ledgerMayGrow: false)

        flock(fd, LOCK_UN); close(fd); closed = true
        let r2 = try runZonal(["run", "job.yaml", "--wait", "0"], cwd: c.ws)
        XCTAssertEqual(r2.status, 0, "after the lock is released the run succeeds:\n\(r2.output)")
    }

    // j. Unknown parameter.
    func testUnknownParam() throws {
        try assertJobFileError("param", { $0.params = "{tolerence_m: 1}" }, names: ["params.tolerence_m", "must be one of"])
    }

    // j2. Parameters of the wrong type or not finite: exit 2 naming the key path.
    func testStrictParams() throws {
        try assertJobFileError("nan", { $0.params = "{max_reject_rate: .nan}" }, names: ["params.max_reject_rate", "must be a finite number, not .nan"])
        try assertJobFileError("text", { $0.params = "{max_reject_rate: lots}" }, names: ["params.max_reject_rate", "must be a number"])
        try assertJobFileError("crs", { $0.params = "{assume_crs: WGS84}" }, names: ["params.assume_crs", "'WGS84' must be an EPSG code such as EPSG:4490"])
        try assertJobFileError("range", { $0.params = "{max_reject_rate: 2}" }, names: ["params.max_reject_rate", "2 is above the largest allowed value 1"])
    }

    // j3. A bad command-line flag is a bad command line: exit 2 (CONTRACT §1), not 64.
    func testBadFlagExits2() throws {
        let ws = try makeWorkspace("flag")
        defer { removeWorkspace(ws) }
        try writeJob(JobSpec(), in: ws)
        for args in [["run", "job.yaml", "--wiat", "3"], ["run", "job.yaml", "--log-format", "xml"], ["run", "job.yaml", "--wait", "soon"], ["frobnicate"]] {
            let r = try runZonal(args, cwd: ws)
            XCTAssertEqual(r.status, 2, "\(args): \(r.output)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: ws.appendingPathComponent("out").path), "a bad command line runs nothing")
        }
        let r = try runZonal(["run", "job.yaml", "--log-format", "xml"], cwd: ws)
        XCTAssertTrue(r.stderr.contains("--log-format 'xml' must be one of text, json"), r.stderr)
    }

    // k. No .prj: an error unless params.assume_crs is set.
    func testMissingPrjAndAssumeCRS() throws {
        let c = try seeded("noprj")
        try FileManager.default.removeItem(at: c.fences.appendingPathComponent("PARKING.prj"))
        let r = try runZonal(["run", "job.yaml"], cwd: c.ws)
        XCTAssertEqual(r.status, 1, r.output)
        assertContains(r.stderr, ["./fences/PARKING.shp", ".prj", "assume_crs"])
        try assertStoreUnchanged(c.before, c.store)

        var spec = JobSpec(); spec.params = "{assume_crs: EPSG:4490}"
        try writeJob(spec, in: c.ws, named: "assume.yaml")
        let ok = try runZonal(["run", "assume.yaml"], cwd: c.ws)
        XCTAssertEqual(ok.status, 0, ok.output)
        XCTAssertEqual(try Data(contentsOf: c.ws.appendingPathComponent("out/parking_capacity.csv")),
                       try Data(contentsOf: goldenDir.appendingPathComponent("parking_capacity.csv")),
                       "with assume_crs EPSG:4490 the reports are those of the .prj run")
        if let before = c.before {
            XCTAssertEqual(withoutLedger(try storeTableCounts(c.store)), withoutLedger(before))
        }
    }

    // l. validate runs nothing and writes nothing.
    func testValidateWritesNothing() throws {
        let ws = try makeWorkspace("validate")
        defer { removeWorkspace(ws) }
        try writeJob(in: ws)
        var bad = JobSpec(); bad.tasks = "[fence_audit, infence]"
        try writeJob(bad, in: ws, named: "bad.yaml")
        let before = listTree(ws)
        let r = try runZonal(["validate", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(listTree(ws), before, "validate must create no file (no store, no out folder, no lock)")
        let r2 = try runZonal(["validate", "bad.yaml"], cwd: ws)
        XCTAssertEqual(r2.status, 2, r2.output)
        assertContains(r2.stderr, ["tasks[1]", "'infence' is not a task"])
        XCTAssertEqual(listTree(ws), before, "validate must create no file")
    }
}
