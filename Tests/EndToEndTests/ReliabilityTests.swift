import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The reliability issue's defects, each through the CLI: a foreign database,
/// crashes on huge numbers and off-globe vertices, symlinks, outputs that
/// disagree with the store, inputs that are not files, long fields, CSV
/// formula injection, and the messages. Plus SIGKILL at chosen points.
final class ReliabilityTests: XCTestCase {
    func workspace(_ label: String) throws -> URL {
        let ws = try makeWorkspace(label)
        addTeardownBlock { removeWorkspace(ws) }
        try writeJob(in: ws)
        return ws
    }

    func tables(_ db: URL) throws -> [String] {
        try spatialite(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    }

    // 1. A foreign database keeps its data; an empty file becomes a store; a failed first run leaves none.
    func testForeignDatabaseIsRefused() throws {
        let ws = try workspace("foreign")
        let db = ws.appendingPathComponent("theirs.sqlite")
        _ = try spatialite(db, "CREATE TABLE fence_layers (x TEXT); INSERT INTO fence_layers VALUES ('mine'); CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('keep me')")
        let before = try Data(contentsOf: db)
        let r = try runZonal(["run", "job.yaml", "--store", "theirs.sqlite"], cwd: ws)
        XCTAssertEqual(r.status, 1, r.output)
        // (the spatialite CLI added its own metadata tables to the file)
        XCTAssertTrue(r.stderr.contains("theirs.sqlite is an SQLite database that Zonal did not create (it has tables "), r.stderr)
        XCTAssertTrue(r.stderr.contains("); Zonal will not write into it. Choose another path with `store:` in the job or --store"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: db), before, "not a byte changed")
        let v = try runZonal(["validate", "job.yaml"], cwd: ws)
        XCTAssertEqual(v.status, 0, v.output)

        FileManager.default.createFile(atPath: ws.appendingPathComponent("empty.sqlite").path, contents: Data())
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--store", "empty.sqlite", "--quiet"], cwd: ws).status, 0)
        XCTAssertTrue(try tables(ws.appendingPathComponent("empty.sqlite")).contains("zonal_store"))

        try FileManager.default.removeItem(at: ws.appendingPathComponent("fences/PARKING.prj"))
        let failed = try runZonal(["run", "job.yaml", "--store", "new.sqlite"], cwd: ws)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("run failed, no store was created"), failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.appendingPathComponent("new.sqlite").path), "a failed first run leaves no store (and no SpatiaLite tables)")
    }

    // 2. Numbers that used to crash the process (SIGILL).
    func testHugeAndNonFiniteNumbersAreFindings() throws {
        let ws = try workspace("numbers")
        let fences = ws.appendingPathComponent("fences")
        try FileManager.default.removeItem(at: fences.appendingPathComponent("PARKING.xlsx"))
        let cap = try CSVTable(url: goldenDir.appendingPathComponent("parking_capacity.csv")).rows.prefix(4).map { ($0["code"]!, $0["capacity"]!) }
        try ("编码,可容纳车辆,面积,位置\n\(cap[0].0),1e19,,1e19\n\(cap[1].0),NaN,nan,1\n\(cap[2].0),1e400,1e400,1\n\(cap[3].0),\(cap[3].1),,1\n")
            .write(to: fences.appendingPathComponent("PARKING.csv"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let audit = try CSVTable(url: ws.appendingPathComponent("out/fence_audit.csv")).rows
        func finding(_ code: String, _ rule: String) -> String? { audit.first { $0["code"] == code && $0["rule"] == rule }?["message"] }
        XCTAssertEqual(finding(cap[0].0, "F012")?.hasPrefix("可容纳车辆 is 1e19 but"), true)
        XCTAssertEqual(finding(cap[0].0, "F013"), "位置 is '1e19'; it must be a code from 1 to 7")
        XCTAssertEqual(finding(cap[1].0, "F011"), "面积 'nan' is not a number")
        XCTAssertEqual(finding(cap[2].0, "F011"), "面积 '1e400' is not a number")
        XCTAssertNil(finding(cap[3].0, "F012"), "a right capacity is no finding")
        let park = try CSVTable(url: ws.appendingPathComponent("out/parking_capacity.csv")).rows
        XCTAssertEqual(park.first { $0["code"] == cap[0].0 }?["attr_capacity"], "", "1e19 is not a capacity; the finding quotes it")
    }

    /// Sets the latitude of the first vertex of Shapefile record 1.
    func plantLatitude(_ y: Double, in shp: URL) throws {
        var d = try Data(contentsOf: shp)
        let parts = d.subdata(in: 144..<148).withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        // file header 100, record header 8, type 4 + box 32 + parts 4 + points 4, part starts, then x of vertex 1
        let firstY = 100 + 8 + 44 + 4 * Int(parts) + 8
        withUnsafeBytes(of: y.bitPattern.littleEndian) { d.replaceSubrange(firstY..<(firstY + 8), with: $0) }
        try d.write(to: shp)
    }

    func testVertexOffTheGlobeIsARejectNotACrash() throws {
        let ws = try workspace("latitude")
        try plantLatitude(95.5, in: ws.appendingPathComponent("fences/PARKING.shp"))
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let rejects = try CSVTable(url: ws.appendingPathComponent("out/rejects.csv")).rows
        let reason = try XCTUnwrap(rejects.first { $0["file"] == "./fences/PARKING.shp" && $0["line"] == "1" }?["reason"])
        XCTAssertTrue(reason.hasSuffix(", 95.5, outside longitude ±180 / latitude ±90"), reason)
    }

    // 3. Symlinks are never followed on write.
    func testSymlinksAreNotFollowed() throws {
        let ws = try workspace("symlink")
        let victim = ws.appendingPathComponent("victim.txt")
        try "precious".write(to: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: ws.appendingPathComponent("out"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: ws.appendingPathComponent("out/zonal.sqlite.lock"), withDestinationURL: victim)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("zonal.sqlite.lock is a symbolic link; Zonal will not write through it"), r.stderr)
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "precious")

        // A link at a report's name is replaced, never written through.
        try FileManager.default.removeItem(at: ws.appendingPathComponent("out/zonal.sqlite.lock"))
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let report = ws.appendingPathComponent("out/fence_audit.csv")
        try FileManager.default.removeItem(at: report)
        try FileManager.default.createSymbolicLink(at: report, withDestinationURL: victim)
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "precious")
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: report.path), "the report is a file again")
    }

    // 4. Outputs always match the store.
    func testFailedRunKeepsTheLastGoodReportsAndSaysWhereItsOwnAre() throws {
        let ws = try workspace("outputs")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let out = ws.appendingPathComponent("out")
        let good = try Data(contentsOf: out.appendingPathComponent("rejects.csv"))
        let goodAudit = try Data(contentsOf: out.appendingPathComponent("fence_audit.csv"))
        // A staging folder a killed run left behind, and a file Zonal did not write.
        try FileManager.default.createDirectory(at: out.appendingPathComponent(".zonal-run-99-abcdef"), withIntermediateDirectories: true)
        try "half".write(to: out.appendingPathComponent(".zonal-run-99-abcdef/fence_audit.csv"), atomically: true, encoding: .utf8)
        try "mine".write(to: out.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: ws.appendingPathComponent("fences/PARKING.prj"))
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("removed .zonal-run-99-abcdef, left by a run that was stopped before it finished"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("rejects.csv")), good, "the last good rejects.csv stays")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("fence_audit.csv")), goodAudit)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("failed-run/summary.json").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("failed-run/rejects.csv").path))
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8), "mine")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out.path).contains { $0.hasPrefix(".zonal-run-") })

        // A file of a report's name that Zonal did not write stops the run before any work.
        let fresh = try workspace("foreign-file")
        try FileManager.default.createDirectory(at: fresh.appendingPathComponent("out"), withIntermediateDirectories: true)
        try "their own".write(to: fresh.appendingPathComponent("out/fence_audit.csv"), atomically: true, encoding: .utf8)
        let f = try runZonal(["run", "job.yaml"], cwd: fresh)
        XCTAssertEqual(f.status, 1, f.output)
        XCTAssertTrue(f.stderr.contains("holds fence_audit.csv that Zonal did not write; Zonal never overwrites such files"), f.stderr)
        XCTAssertEqual(try String(contentsOf: fresh.appendingPathComponent("out/fence_audit.csv"), encoding: .utf8), "their own")

        // out: / is refused by validate and run alike.
        var spec = JobSpec(); spec.extra = ["out: /"]
        let yaml = spec.yaml.replacingOccurrences(of: "out: ./out\n", with: "")
        try yaml.write(to: fresh.appendingPathComponent("root.yaml"), atomically: true, encoding: .utf8)
        for cmd in ["run", "validate"] {
            let x = try runZonal([cmd, "root.yaml"], cwd: fresh)
            XCTAssertEqual(x.status, 2, x.output)
            XCTAssertTrue(x.stderr.contains("at `out`: / cannot be the output folder"), x.stderr)
        }
    }

    /// Runs an SQL session on the store that stays open (stdin held) until the returned process is ended.
    func openSession(_ bin: URL, _ store: URL, _ sql: String) throws -> Process {
        let p = Process()
        p.executableURL = bin
        p.arguments = [store.path]
        let stdin = Pipe()
        p.standardInput = stdin
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        stdin.fileHandleForWriting.write(Data((sql + "\n").utf8))
        Thread.sleep(forTimeInterval: 1)
        return p
    }

    // 5b. A reader holding a read transaction on the store does not stall a
    // run (WAL); a session holding a write transaction makes the run wait
    // --wait seconds and fail saying why.
    func testOpenSessionsOnTheStore() throws {
        guard let sqlite = which("sqlite3") else { throw XCTSkip("sqlite3 not on PATH") }
        let ws = try workspace("reader")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let store = ws.appendingPathComponent("out/zonal.sqlite")
        let reader = try openSession(sqlite, store, "BEGIN; SELECT count(*) FROM parking_capacity;")
        let started = Date()
        let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "the run is not held up by the open read transaction")
        reader.terminate(); reader.waitUntilExit()

        let writer = try openSession(sqlite, store, "BEGIN IMMEDIATE;")
        defer { writer.terminate(); writer.waitUntilExit() }
        let w = try runZonal(["run", "job.yaml", "--wait", "2"], cwd: ws)
        XCTAssertEqual(w.status, 1, w.output)
        XCTAssertTrue(w.stderr.contains("another program is writing to the store"), w.stderr)
        XCTAssertTrue(w.stderr.contains("Zonal waited 5 s and gave up"), "at least 5 s, or --wait when longer:\n\(w.stderr)")
    }

    // 5. Inputs that are not regular files are refused up front.
    func testFIFOAndDevicesAreRefused() throws {
        let ws = try workspace("fifo")
        XCTAssertEqual(mkfifo(ws.appendingPathComponent("pipe.geojson").path, 0o644), 0)
        for (path, what) in [("./pipe.geojson", "a named pipe (FIFO)"), ("/dev/zero", "a device"), ("./fences", "a folder")] {
            var spec = JobSpec(); spec.districts = path
            try writeJob(spec, in: ws, named: "bad.yaml")
            for cmd in ["run", "validate"] {
                let r = try runZonal([cmd, "bad.yaml"], cwd: ws)
                XCTAssertEqual(r.status, 2, r.output)
                XCTAssertTrue(r.stderr.contains("at `inputs.districts`: '\(path)' is \(what), not a file; this input is a file"), r.stderr)
            }
        }
    }

    // 7. CSV formula injection: text from the data cannot become a formula.
    func testFormulaInjectionIsNeutralised() throws {
        let ws = try makeWorkspace("inject")
        defer { removeWorkspace(ws) }
        try "event_id,bike_id,company,lon,lat,time\ne1,b1,=cmd|' /C calc'!A0,116.4020044,39.9376807,2026-05-01 08:00:00\ne2,b2,@SUM(1),116.4020044,39.9376807,2026-05-01 08:00:00\ne3,b3,-1,116.4020044,39.9376807,2026-05-01 08:00:00\n"
            .write(to: ws.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        let yaml = "job: inject\nout: out\ninputs: {fences: fences, parking_events: events.csv}\ntasks: [infence_rate]\nformats: [csv]\n"
        try yaml.write(to: ws.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let csv = readText(ws.appendingPathComponent("out/infence_by_company.csv"))
        XCTAssertTrue(csv.contains("RLQ110101003,'=cmd|' /C calc'!A0,1,"), csv)
        XCTAssertTrue(csv.contains("RLQ110101003,'@SUM(1),1,"), csv)
        XCTAssertTrue(csv.contains("RLQ110101003,'-1,1,"), csv)
        XCTAssertTrue(csv.contains(",1,0,0.0000\r\n"), "numbers stay numbers")
    }

    // 9. Messages.
    func testMessagesNameWhereAndStayShort() throws {
        let ws = try workspace("messages")
        try "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\",, }\n]}\n".write(to: ws.appendingPathComponent("districts.geojson"), atomically: true, encoding: .utf8)
        let g = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(g.status, 1)
        XCTAssertTrue(g.stderr.matches("districts\\.geojson: is not valid JSON at line 3, column [0-9]+"), g.stderr)

        let long = "job: x\ntasks: [fence_audit]\nbad: [" + String(repeating: "y", count: 200_000) + "\n"
        try long.write(to: ws.appendingPathComponent("long.yaml"), atomically: true, encoding: .utf8)
        let y = try runZonal(["run", "long.yaml"], cwd: ws)
        XCTAssertEqual(y.status, 2)
        XCTAssertLessThan(y.stderr.utf8.count, 3000, "a YAML error does not echo a 200 kB line")

        // --wait 0.5 says 0.5.
        try FileManager.default.createDirectory(at: ws.appendingPathComponent("out"), withIntermediateDirectories: true)
        let lock = open(ws.appendingPathComponent("out/zonal.sqlite.lock").path, O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        defer { flock(lock, LOCK_UN); close(lock) }
        let w = try runZonal(["run", "job.yaml", "--wait", "0.5"], cwd: ws)
        XCTAssertEqual(w.status, 1)
        XCTAssertTrue(w.stderr.contains("waited 0.5 s"), w.stderr)
        let n = try runZonal(["run", "job.yaml", "--wait", "nan"], cwd: ws)
        XCTAssertEqual(n.status, 2, n.output)
    }

    // SIGKILL at chosen points: the store stays sound and as before or as
    // after a complete run, the outputs come from one run, the next run is fine.
    func testKilledRunsLeaveAStoreAndOutputsOfOneRun() throws {
        guard which("spatialite") != nil else { throw XCTSkip("spatialite CLI not on PATH") }
        for point in ["load", "task", "export", "before-commit", "after-commit", "publish"] {
            let ws = try workspace("kill-\(point)")
            XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
            let store = ws.appendingPathComponent("out/zonal.sqlite")
            let before = try storeTableCounts(store)
            let outputs = try reportFiles(ws)
            // Tonight's data differs: one parking area fewer.
            try plantLatitude(95.5, in: ws.appendingPathComponent("fences/PARKING.shp"))
            var env = ProcessInfo.processInfo.environment
            env["ZONAL_TEST_KILL_AT"] = point
            guard let bin = zonalBinary else { return XCTFail("no zonal binary") }
            let killed = try runProcess(bin, ["run", "job.yaml", "--quiet"], cwd: ws, environment: env)
            XCTAssertEqual(killed.status, 9, "\(point): killed by SIGKILL (\(killed.output))")
            XCTAssertEqual(try spatialite(store, "PRAGMA integrity_check"), ["ok"], point)
            let after = try storeTableCounts(store)
            let committed = ["after-commit", "publish"].contains(point)
            if committed {
                XCTAssertEqual(after["zonal_runs"], (before["zonal_runs"] ?? 0) + 1, point)
            } else {
                XCTAssertEqual(after, before, "\(point): the store is as before the killed run")
                XCTAssertEqual(try reportFiles(ws), outputs, "\(point): the reports are still the last good run's")
            }
            // The next run is fine, finishes or removes what the killed one left, and its outputs are one run's.
            let next = try runProcess(bin, ["run", "job.yaml"], cwd: ws)
            XCTAssertEqual(next.status, 0, "\(point): \(next.output)")
            XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: ws.appendingPathComponent("out").path).contains { $0.hasPrefix(".zonal-run-") }, point)
            let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: ws.appendingPathComponent("out/summary.json"))) as? [String: Any])
            let rows = (summary["steps"] as? [[String: Any]] ?? []).first { $0["step"] as? String == "parking_capacity" }?["rows"] as? Int
            let csvRows = try CSVTable(url: ws.appendingPathComponent("out/parking_capacity.csv")).rows.count
            XCTAssertEqual(rows, csvRows, "\(point): summary.json and the CSV come from the same run")
            XCTAssertEqual(try storeTableCounts(store)["parking_capacity"], csvRows, "\(point): and so does the store")
        }
    }

    /// The report files of out/ with their bytes.
    func reportFiles(_ ws: URL) throws -> [String: Data] {
        let out = ws.appendingPathComponent("out")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".csv") {
            files[name] = try Data(contentsOf: out.appendingPathComponent(name))
        }
        return files
    }
}
