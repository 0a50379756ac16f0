import Foundation
import XCTest

/// The store on a PostgreSQL/PostGIS server, end to end through the CLI:
/// every sample job gives the same reports as on SpatiaLite, the tables are
/// laid out in PostGIS terms, and the failure cases of issue 14 end with a
/// clear message and an unchanged store. Needs the test server that
/// scripts/test.sh starts (scripts/pg-server.sh); without it the tests skip,
/// unless ZONAL_TEST_PG_REQUIRED is set (as the test script sets it).
final class PostGISStoreTests: XCTestCase {

    struct Server {
        let socket: String, port: String
        /// A store URL over the socket (trusted: no password needed).
        func url(schema: String, database: String = "zonal") -> String {
            "postgresql://zonal@\(socket.replacingOccurrences(of: "/", with: "%2F")):\(port)/\(database)?schema=\(schema)"
        }
        /// A store URL over TCP, where the server asks for a password.
        func tcpURL(schema: String) -> String { "postgresql://zonal@127.0.0.1:\(port)/zonal?schema=\(schema)" }
    }

    func server() throws -> Server {
        let env = ProcessInfo.processInfo.environment
        guard let socket = env["ZONAL_TEST_PG_SOCKET"], let port = env["ZONAL_TEST_PG_PORT"] else {
            if env["ZONAL_TEST_PG_REQUIRED"] != nil { XCTFail("ZONAL_TEST_PG_REQUIRED is set but the test server's env is missing") }
            throw XCTSkip("no PostgreSQL test server: run the tests through scripts/test.sh, which starts one with scripts/pg-server.sh")
        }
        return Server(socket: socket, port: port)
    }

    /// Runs SQL on the test server with psql and returns its rows (fields split on |).
    @discardableResult
    func psql(_ s: Server, _ sql: String, database: String = "zonal", environment: [String: String] = [:]) throws -> [[String]] {
        guard let bin = which("psql") else { throw XCTSkip("psql is not installed") }
        let r = try runProcess(bin, ["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", s.socket, "-p", s.port, "-U", "zonal", "-d", database, "-c", sql],
                               cwd: FileManager.default.temporaryDirectory,
                               environment: ProcessInfo.processInfo.environment.merging(environment) { _, b in b })
        guard r.status == 0 else { throw NSError(domain: "psql", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return r.stdout.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    /// A schema name of this test's own, dropped when the test ends.
    func schema(_ s: Server, _ label: String) -> String {
        let name = "e2e_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        addTeardownBlock { [self] in _ = try? psql(s, "DROP SCHEMA IF EXISTS \(name) CASCADE") }
        return name
    }

    /// Row counts of every table in a schema (partitions counted in their parent).
    func counts(_ s: Server, _ schema: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let tables = try psql(s, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = '\(schema)' AND c.relkind IN ('r','p') AND NOT c.relispartition ORDER BY 1
            """).map { $0[0] }
        for t in tables { out[t] = Int(try psql(s, "SELECT count(*) FROM \(schema).\(t)")[0][0]) ?? -1 }
        return out
    }

    /// Report files of two runs must be the same bytes; report.html only
    /// differs in the run's start and end times, which are masked.
    func assertSameReports(_ a: URL, _ b: URL, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: a.path).filter {
            !["summary.json", "report.html", "failed-run"].contains($0) && !$0.hasSuffix(".xlsx") && !$0.hasPrefix(".")
        }.sorted()
        XCTAssertGreaterThan(names.count, 2, "\(label): no reports in \(a.path)", file: file, line: line)
        XCTAssertEqual(names, try FileManager.default.contentsOfDirectory(atPath: b.path).filter { names.contains($0) }.sorted(), label, file: file, line: line)
        for n in names {
            let x = try Data(contentsOf: a.appendingPathComponent(n)), y = try Data(contentsOf: b.appendingPathComponent(n))
            XCTAssertTrue(x == y, "\(label): \(n) differs between the SpatiaLite and the PostGIS store", file: file, line: line)
        }
        let times = try NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
        func masked(_ url: URL) -> String {
            let t = readText(url.appendingPathComponent("report.html"))
            return times.stringByReplacingMatches(in: t, range: NSRange(t.startIndex..., in: t), withTemplate: "T")
        }
        XCTAssertTrue(masked(a) == masked(b), "\(label): report.html differs beyond the run's times", file: file, line: line)
    }

    static let samples: [(job: String, dataset: String)] = [
        ("beijing-fence-audit", "beijing"), ("beijing-nightly-infence", "beijing"), ("race-day", "races"),
        ("shanxi-mine-alarms", "shanxi"), ("tianjin-community", "tianjin"), ("venue-footfall", "venues"),
    ]

    static let views = [
        "race-day": "SELECT file, line, reader, time, card, time_ms, card_no FROM race_read_log ORDER BY file, line",
        "beijing-nightly-infence": "SELECT line, event_id, bike_id, company, time, time_ms, management_code, parking_code, noparking_code, in_parking FROM parking_events_view ORDER BY line",
    ]

    /// Issue 14's bar: every sample job from the README gives the same
    /// reports, byte for byte, on both stores.
    func testEverySampleJobGivesTheSameReportsOnBothStores() throws {
        let s = try server()
        for sample in Self.samples {
            let ws = try sampleWorkspace(dataset: sample.dataset, job: sample.job, "pg-same")
            let lite = try runZonal(["run", "job.yaml", "--store", "lite.sqlite", "--out", "out-lite"], cwd: ws)
            XCTAssertEqual(lite.status, 0, "\(sample.job) on SpatiaLite:\n\(lite.stderr)")
            let name = schema(s, String(sample.job.prefix(12)).replacingOccurrences(of: "-", with: "_"))
            // Plates are hashed with a key kept beside the store; both stores get the same key.
            let liteKey = ws.appendingPathComponent("lite.sqlite.plates.key")
            if FileManager.default.fileExists(atPath: liteKey.path) {
                try FileManager.default.copyItem(at: liteKey, to: ws.appendingPathComponent("zonal-\(name).plates.key"))
            }
            let pg = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out-pg"], cwd: ws)
            XCTAssertEqual(pg.status, 0, "\(sample.job) on PostGIS:\n\(pg.stderr)")
            guard lite.status == 0, pg.status == 0 else { continue }
            try assertSameReports(ws.appendingPathComponent("out-lite"), ws.appendingPathComponent("out-pg"), sample.job)
            XCTAssertEqual(try psql(s, "SELECT run_id, status FROM \(name).zonal_runs"), [["1", "ok"]], sample.job)
            // The views formatted per dialect (times, card numbers) show the same rows on both stores.
            if let query = Self.views[sample.job] {
                let lite = try spatialite(ws.appendingPathComponent("lite.sqlite"), query)
                let server = try psql(s, "SET search_path TO \(name), public; " + query).map { $0.joined(separator: "|") }
                XCTAssertGreaterThan(lite.count, 1000, sample.job)
                XCTAssertEqual(server.count, lite.count, "\(sample.job): view rows")
                for (a, b) in zip(lite, server) where a != b { XCTFail("\(sample.job): SpatiaLite \(a), PostGIS \(b)"); break }
            }
            // And the PostGIS store's reports against the goldens and independent references the SpatiaLite tests use.
            let out = ws.appendingPathComponent("out-pg")
            switch sample.job {
            case "beijing-fence-audit":
                // The goldens were made in a workspace whose fences are ./fences; messages name the files.
                for report in ["fence_audit", "parking_capacity", "rejects"] {
                    let got = readText(out.appendingPathComponent("\(report).csv")).replacingOccurrences(of: "beijing/fences/", with: "./fences/")
                    XCTAssertTrue(got == readText(goldenDir.appendingPathComponent("\(report).csv")), "\(report).csv on PostGIS differs from Tests/EndToEndTests/Golden")
                }
            case "shanxi-mine-alarms": try assertMatchesReference(out, dataset: "shanxi", reports: MineAlarmsTests.reports)
            case "venue-footfall": try assertMatchesReference(out, dataset: "venues", reports: VenueFootfallTests.reports)
            case "tianjin-community":
                try assertMatchesReference(out, dataset: "tianjin", reports: CommunityAccessTests.reports, keyed: ("vehicle_id", "^[0-9a-f]{12}$"))
            default: break
            }
            // The loaders that read big files in parts on every core write through the same store.
            if ["shanxi-mine-alarms", "venue-footfall", "tianjin-community"].contains(sample.job) {
                let parts = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out-pg-parts"], cwd: ws,
                                         environment: ["ZONAL_TEST_PART_BYTES": "1"])
                XCTAssertEqual(parts.status, 0, "\(sample.job) in parts on PostGIS:\n\(parts.stderr)")
                XCTAssertTrue(readText(ws.appendingPathComponent("out-pg-parts/summary.json")).contains("in parallel"), sample.job)
                try assertSameReports(ws.appendingPathComponent("out-lite"), ws.appendingPathComponent("out-pg-parts"), sample.job + " in parts")
            }
        }
    }

    /// A second run on the same schema replaces the loads: the same reports, the same rows, two runs in the ledger.
    func testRerunReplacesRowsAndGivesTheSameReports() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-nightly-infence", "pg-rerun")
        let name = schema(s, "rerun")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out1"], cwd: ws).status, 0)
        let first = try counts(s, name)
        let second = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out2"], cwd: ws)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertFalse(second.stderr.contains("NOTICE"), "the server's notices must not reach stderr:\n\(second.stderr)")
        var c = try counts(s, name)
        XCTAssertEqual(c.removeValue(forKey: "zonal_runs"), 2)
        var f = first
        f["zonal_runs"] = nil
        XCTAssertEqual(c, f, "a re-run must replace rows, not add to them")
        try assertSameReports(ws.appendingPathComponent("out1"), ws.appendingPathComponent("out2"), "re-run")
    }

    /// Geometry columns typed with SRID 4490 and GiST indexes; lock events
    /// partitioned by day; the Citus layout recorded; the events view a
    /// Point layer; no event without a zone key.
    func testTablesAreLaidOutInPostGISTerms() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-nightly-infence", "pg-layout")
        let name = schema(s, "layout")
        let r = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.stderr)
        let geometry = try psql(s, "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = '\(name)' AND f_table_name IN ('fence_features', 'parking_events_view') ORDER BY 1")
        XCTAssertEqual(geometry, [["fence_features", "MULTIPOLYGON", "4490"], ["parking_events_view", "POINT", "4490"]])
        let gist = try psql(s, "SELECT count(*) FROM pg_indexes WHERE schemaname = '\(name)' AND tablename = 'fence_features' AND indexdef LIKE '%USING gist (geom)%'")
        XCTAssertEqual(gist, [["1"]], "fence_features needs a GiST index")
        // Every event sits in the partition of its China Standard Time day, and none in the default one.
        let events = Int(try psql(s, "SELECT count(*) FROM \(name).parking_events")[0][0]) ?? 0
        XCTAssertGreaterThan(events, 1000)
        let misplaced = try psql(s, """
            SELECT count(*) FROM \(name).parking_events e
            WHERE e.tableoid::regclass::text <> '\(name).parking_events_d' || to_char(to_timestamp(e.time_ms / 1000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
            """)
        XCTAssertEqual(misplaced, [["0"]], "every lock must be in its day's partition")
        XCTAssertEqual(try psql(s, "SELECT count(*) FROM \(name).parking_events_default"), [["0"]])
        // Each day's partition gets its fid index once its rows are in.
        let unindexed = try psql(s, """
            SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = '\(name)' AND i.inhparent = '\(name).parking_events'::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_indexes x WHERE x.schemaname = n.nspname AND x.tablename = c.relname AND x.indexdef LIKE '%(fid)')
            """)
        XCTAssertEqual(unindexed, [["0"]], "every partition of parking_events needs its fid index")
        XCTAssertEqual(try psql(s, "SELECT partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '\(name)' AND c.relname = 'parking_events'"), [["r"]])
        XCTAssertEqual(try psql(s, "SELECT count(*) FROM \(name).parking_events WHERE management_id IS NULL"), [["0"]],
                       "the distribution column is never NULL (0: in no zone)")
        let layout = try psql(s, "SELECT table_name, layout, coalesce(partition_column, ''), coalesce(distribution_column, ''), citus FROM \(name).zonal_layout WHERE table_name IN ('parking_events', 'fence_features') ORDER BY 1")
        XCTAssertEqual(layout, [["fence_features", "reference", "", "", "SELECT create_reference_table('fence_features');"],
                                ["parking_events", "distributed", "time_ms", "management_id", "SELECT create_distributed_table('parking_events', 'management_id');"]])
        XCTAssertEqual(try psql(s, "SELECT obj_description('\(name).parking_events'::regclass, 'pg_class')"),
                       [["Zonal: a fact table partitioned by China Standard Time day on time_ms; under Citus: SELECT create_distributed_table('parking_events', 'management_id');"]])
        XCTAssertEqual(try psql(s, "SELECT col_description('\(name).parking_events'::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = '\(name).parking_events'::regclass AND attname = 'management_id'))"),
                       [["Zonal: the distribution column under Citus (never NULL)"]])
        XCTAssertEqual(try psql(s, "SELECT obj_description('\(name).fence_features'::regclass, 'pg_class')"),
                       [["Zonal: a reference table (small, joined with everything); under Citus: SELECT create_reference_table('fence_features');"]])
        // The view reads back as the loaded events.
        XCTAssertEqual(try psql(s, "SELECT count(*) FROM \(name).parking_events_view"), [["\(events)"]])
        if let ogrinfo = which("ogrinfo") {
            let info = try runProcess(ogrinfo, ["-ro", "-so", "PG:host=\(s.socket) port=\(s.port) dbname=zonal user=zonal schemas=\(name)", "fence_features"],
                                      cwd: ws)
            XCTAssertEqual(info.status, 0, info.stderr)
            XCTAssertTrue(info.stdout.contains("Multi Polygon"), info.stdout)
            XCTAssertTrue(info.stdout.contains("4490"), "ogrinfo must see EPSG:4490:\n\(info.stdout)")
            let view = try runProcess(ogrinfo, ["-ro", "-so", "PG:host=\(s.socket) port=\(s.port) dbname=zonal user=zonal schemas=\(name)", "parking_events_view"],
                                      cwd: ws)
            XCTAssertTrue(view.stdout.contains("Geometry: Point") && view.stdout.contains("Feature Count: \(events)"), view.stdout + view.stderr)
        }
    }

    // MARK: failure cases

    func testServerDownAtStartExitsOneWithAClearMessage() throws {
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-down")
        // Port 9 (discard) on loopback: nothing listens there.
        let r = try runZonal(["run", "job.yaml", "--store", "postgresql://zonal@127.0.0.1:9/zonal?schema=x"], cwd: ws)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no PostgreSQL server answered"), r.stderr)
        XCTAssertTrue(r.stderr.contains("postgresql://zonal@127.0.0.1:9/zonal"), "the message names the server: \(r.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.appendingPathComponent("out/fence_audit.csv").path))
    }

    /// The connection is cut by the server while a load's COPY is under way:
    /// the run fails, the store keeps its state from before, and the next run succeeds.
    func testConnectionLostMidLoadRollsBackAndTheNextRunSucceeds() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-nightly-infence", "pg-cut")
        let name = schema(s, "cut")
        // A first run cut in its first load leaves no schema at all.
        let cutFirst = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws,
                                    environment: ["ZONAL_TEST_PG_CUT_AT": "copy"])
        XCTAssertEqual(cutFirst.status, 1)
        XCTAssertTrue(cutFirst.stderr.contains("was lost"), cutFirst.stderr)
        XCTAssertEqual(try psql(s, "SELECT count(*) FROM pg_namespace WHERE nspname = '\(name)'"), [["0"]], "a failed first run leaves no schema")

        XCTAssertEqual(try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws).status, 0)
        let before = try counts(s, name)
        let cut = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws,
                               environment: ["ZONAL_TEST_PG_CUT_AT": "copy"])
        XCTAssertEqual(cut.status, 1)
        XCTAssertTrue(cut.stderr.contains("the connection to") && cut.stderr.contains("was lost"), cut.stderr)
        XCTAssertEqual(try counts(s, name), before, "the cut run's transaction must roll back whole")
        let next = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out-next"], cwd: ws)
        XCTAssertEqual(next.status, 0, next.stderr)
        try assertSameReports(ws.appendingPathComponent("out"), ws.appendingPathComponent("out-next"), "after the cut")
    }

    func testWrongPasswordIsRefusedAndTheRightOneWorks() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-password")
        let name = schema(s, "password")
        let noPassFile = ["PGPASSFILE": ws.appendingPathComponent("no-such-pgpass").path]
        let wrong = try runZonal(["run", "job.yaml", "--store", s.tcpURL(schema: name)], cwd: ws,
                                 environment: noPassFile.merging(["PGPASSWORD": "not-the-password"]) { _, b in b })
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("refused the password") && wrong.stderr.contains("PGPASSWORD"), wrong.stderr)
        XCTAssertFalse(wrong.output.contains("not-the-password"), "the password must never be printed")
        let right = try runZonal(["run", "job.yaml", "--store", s.tcpURL(schema: name)], cwd: ws,
                                 environment: noPassFile.merging(["PGPASSWORD": "zonal-test"]) { _, b in b })
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertFalse(right.output.contains("zonal-test"))
    }

    func testPasswordInTheStoreURLIsRefused() throws {
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-url-password")
        let r = try runZonal(["run", "job.yaml", "--store", "postgresql://zonal:hunter2@127.0.0.1:5432/zonal"], cwd: ws)
        XCTAssertEqual(r.status, 2, "a bad store URL is a job error")
        XCTAssertTrue(r.stderr.contains("carries a password") && r.stderr.contains("~/.pgpass"), r.stderr)
        XCTAssertFalse(r.output.contains("hunter2"), "the password must not be echoed: \(r.output)")
    }

    func testMissingPostGISExtensionSaysHowToCreateIt() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-no-postgis")
        let r = try runZonal(["run", "job.yaml", "--store", s.url(schema: "zonal", database: "zonal_plain")], cwd: ws)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("has no PostGIS extension") && r.stderr.contains("CREATE EXTENSION postgis;"), r.stderr)
        XCTAssertEqual(try psql(s, "SELECT count(*) FROM pg_namespace WHERE nspname = 'zonal'", database: "zonal_plain"), [["0"]],
                       "nothing is created in a database without PostGIS")
        // `zonal validate` connects and checks the same, from `store:` in the job file.
        let job = ws.appendingPathComponent("job.yaml")
        try (readText(job) + "store: \(s.url(schema: "zonal", database: "zonal_plain"))\n").write(to: job, atomically: true, encoding: .utf8)
        let validate = try runZonal(["validate", "job.yaml"], cwd: ws)
        XCTAssertEqual(validate.status, 1)
        XCTAssertTrue(validate.stderr.contains("CREATE EXTENSION postgis;"), validate.stderr)
    }

    func testSchemaMadeByAnotherProgramIsRefusedAndLeftAlone() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-foreign")
        let name = schema(s, "foreign")
        try psql(s, "CREATE SCHEMA \(name); CREATE TABLE \(name).customers (id int, name text); INSERT INTO \(name).customers VALUES (1, 'a')")
        let r = try runZonal(["run", "job.yaml", "--store", s.url(schema: name)], cwd: ws)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("holds tables Zonal did not create (customers)") && r.stderr.contains("?schema="), r.stderr)
        XCTAssertEqual(try counts(s, name), ["customers": 1], "the foreign schema must be left as it was")

        // An empty schema an administrator made for Zonal is used.
        let empty = schema(s, "granted")
        try psql(s, "CREATE SCHEMA \(empty)")
        let ok = try runZonal(["run", "job.yaml", "--store", s.url(schema: empty), "--out", "out-empty"], cwd: ws)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// Bad input on a server store: the run fails naming file and
    /// max_reject_rate, each reject names line, field and reason, and every
    /// table but the ledger is as before. 12 data rows, 10 with a Condition
    /// that is neither 正常 nor 异常: 10 > 0.01 × 12, so the run must fail.
    func testBadInputFailsTheRunAndLeavesTheServerStoreAsItWas() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-nightly-infence", "pg-bad")
        let name = schema(s, "bad")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws).status, 0)
        let before = try counts(s, name)
        XCTAssertGreaterThan(before["bt_sniffer_status"] ?? 0, 700)
        var text = "Cod_XT,Condition,Electricity,Time\nXT0001,正常,80,20261120080000\nXT0002,异常,70%,20261120080000\n"
        for i in 0..<10 { text += "XT00\(10 + i),坏了,50,20261120090000\n" }
        try text.write(to: ws.appendingPathComponent("beijing/bt_sniffer_status.csv"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.output.contains("bt_sniffer_status.csv") && r.output.contains("10 of 12 rows") && r.output.contains("max_reject_rate"), r.output)
        let rejects = try CSVTable(url: ws.appendingPathComponent("out/failed-run/rejects.csv")).rows.filter { ($0["file"] ?? "").hasSuffix("bt_sniffer_status.csv") }
        XCTAssertEqual(rejects.map { $0["line"] ?? "" }, (4...13).map(String.init), "lines 4–13 of the file")
        XCTAssertEqual(Set(rejects.map { $0["field"] ?? "" }), ["Condition"])
        XCTAssertTrue(rejects.allSatisfy { ($0["reason"] ?? "").contains("坏了") }, "\(rejects.first ?? [:])")
        var after = try counts(s, name), was = before
        after["zonal_runs"] = nil; was["zonal_runs"] = nil
        XCTAssertEqual(after, was, "a failed run leaves every table but the ledger as it was")
        XCTAssertEqual(try psql(s, "SELECT status FROM \(name).zonal_runs ORDER BY run_id"), [["ok"], ["failed"]])
    }

    /// A user who may not create schemas is told what to ask the administrator for.
    func testUserWithoutRightsIsToldWhatToAskFor() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-rights")
        let name = schema(s, "rights")
        try psql(s, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zonal_reader') THEN CREATE ROLE zonal_reader LOGIN; END IF; END $$")
        let url = s.url(schema: name).replacingOccurrences(of: "postgresql://zonal@", with: "postgresql://zonal_reader@")
        let r = try runZonal(["run", "job.yaml", "--store", url], cwd: ws)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("the server refused user zonal_reader") && r.stderr.contains("CREATE SCHEMA \(name) AUTHORIZATION zonal_reader;"), r.stderr)
        // With that schema, the same user runs the job.
        try psql(s, "CREATE SCHEMA \(name) AUTHORIZATION zonal_reader")
        let ok = try runZonal(["run", "job.yaml", "--store", url, "--out", "out-granted"], cwd: ws)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    /// An analyst's open transaction holds a lock on a store table: the run
    /// gives up after --wait (at least 5 s) with a message that says so, and
    /// changes nothing.
    func testAnOpenTransactionOnAStoreTableStopsTheRunWithAClearMessage() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-busy")
        let name = schema(s, "busy")
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws).status, 0)
        let before = try counts(s, name)
        guard let bin = which("psql") else { throw XCTSkip("psql is not installed") }
        let holder = Process()
        holder.executableURL = bin
        holder.arguments = ["-X", "-q", "-h", s.socket, "-p", s.port, "-U", "zonal", "-d", "zonal", "-c",
                            "BEGIN; LOCK TABLE \(name).fence_features IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT;"]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        let deadline = Date().addingTimeInterval(10)
        while try psql(s, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'fence_features' AND l.mode = 'AccessExclusiveLock' AND l.granted")[0][0] == "0"
                && Date() < deadline { usleep(100_000) }
        let started = Date()
        let r = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--out", "out"], cwd: ws)
        XCTAssertEqual(r.status, 1)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 5, "a statement waits at least 5 s")
        XCTAssertTrue(r.stderr.contains("another session holds a lock on a table of the store") && r.stderr.contains("waited 5 s"), r.stderr)
        // End the holder's transaction on the server (psql's end alone leaves its backend asleep).
        try psql(s, "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'fence_features' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_backend_pid()")
        var after = try counts(s, name), was = before
        after["zonal_runs"] = nil; was["zonal_runs"] = nil
        XCTAssertEqual(after, was, "the run that gave up changed nothing but the ledger")
        XCTAssertEqual(try psql(s, "SELECT run_id, status FROM \(name).zonal_runs ORDER BY run_id"), [["1", "ok"], ["2", "failed"]],
                       "the ledger records the failed run, as on SpatiaLite")
    }

    /// Two runs on one schema: the second waits --wait seconds for the
    /// advisory lock, then fails naming the holder.
    func testSecondRunWaitsForTheAdvisoryLockAndNamesTheHolder() throws {
        let s = try server()
        let ws = try sampleWorkspace(dataset: "beijing", job: "beijing-fence-audit", "pg-lock")
        let name = schema(s, "lock")
        guard let bin = which("psql") else { throw XCTSkip("psql is not installed") }
        let holder = Process()
        holder.executableURL = bin
        holder.arguments = ["-X", "-q", "-h", s.socket, "-p", s.port, "-U", "zonal", "-d", "zonal", "-c",
                            "SELECT pg_advisory_lock(1515146828, hashtext('\(name)')); SELECT pg_sleep(30);"]
        holder.environment = ProcessInfo.processInfo.environment.merging(["PGAPPNAME": "zonal job nightly (pid 4242)"]) { _, b in b }
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        let deadline = Date().addingTimeInterval(10)
        while try psql(s, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")[0][0] == "0" && Date() < deadline { usleep(100_000) }
        let started = Date()
        let r = try runZonal(["run", "job.yaml", "--store", s.url(schema: name), "--wait", "1"], cwd: ws)
        XCTAssertEqual(r.status, 1)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1, "the run must wait --wait seconds")
        XCTAssertTrue(r.stderr.contains("in use by job nightly (pid 4242)") && r.stderr.contains("waited 1 s"), r.stderr)
        XCTAssertEqual(try psql(s, "SELECT count(*) FROM pg_namespace WHERE nspname = '\(name)'"), [["0"]], "the waiting run wrote nothing")
    }
}
