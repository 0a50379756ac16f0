import Foundation
import XCTest

/// What a planner, an analyst and a supervisor see (issue "what users see"):
/// warnings in every log mode, reject counts per file, --only's leftovers,
/// layers named in the job, default formats, assume_crs in the run record,
/// and `zonal diff` between two runs. Each through the CLI.
final class UserFacingTests: XCTestCase {
    /// A small bike day beside the fences: 6 locks (2 rejected; three in zone
    /// RLQ110101003, where sniffer XT0001 stands) and 2 sniffers, one of them
    /// in a zone that is not a fence (a task warning).
    func bikeWorkspace(_ label: String, locks: [String]? = nil) throws -> URL {
        let ws = try makeWorkspace(label)
        let rows = locks ?? [
            "e1,b1,美团,116.4020044,39.9376807,2026-05-01 08:00:00",
            "e2,b2,美团,116.4020044,39.9376807,2026-05-01 08:01:00",
            "e3,b3,哈啰,abc,39.92,2026-05-01 08:02:00",
            "e4,b4,哈啰,116.4020044,39.9376807,2026-05-01 08:03:00",
            "e5,b5,青桔,116.42,95.00,2026-05-01 08:04:00",
            "e6,b6,青桔,116.43,39.94,2026-05-01 08:05:00",
        ]
        try ("event_id,bike_id,company,lon,lat,time\n" + rows.joined(separator: "\n") + "\n")
            .write(to: ws.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        try "Cod,Lon,Lat,Zone\nXT0001,116.4020044,39.9376807,RLQ110101003\nXT0002,116.41,39.92,RLQ110101099\n"
            .write(to: ws.appendingPathComponent("sniffers.csv"), atomically: true, encoding: .utf8)
        try "Cod_XT,Time,Bikenumber\nXT0001,20260501080000,3\nXT0002,20260501080000,4\n"
            .write(to: ws.appendingPathComponent("counts.csv"), atomically: true, encoding: .utf8)
        var spec = JobSpec(name: "bike-day", districts: nil, tasks: "[infence_rate, zone_occupancy]", formats: "[csv]")
        spec.params = "{max_reject_rate: 0.5}"
        spec.extra = ["  parking_events: ./events.csv", "  bt_sniffers: ./sniffers.csv", "  bike_counts: ./counts.csv"]
        try writeJob(spec, in: ws)
        // `extra` lines go after formats; inputs must be under `inputs:`, so move them there.
        var yaml = try String(contentsOf: ws.appendingPathComponent("job.yaml"), encoding: .utf8)
        for line in spec.extra { yaml = yaml.replacingOccurrences(of: line + "\n", with: "") }
        yaml = yaml.replacingOccurrences(of: "  fences: ./fences\n", with: "  fences: ./fences\n" + spec.extra.joined(separator: "\n") + "\n")
        try yaml.write(to: ws.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        return ws
    }

    let rejectLine = "./events.csv: 2 of 6 rows rejected (listed in rejects.csv); the first: line 4 field lon: 'abc' is not a number"
    let zoneWarning = "./sniffers.csv: Zone RLQ110101099 is not a MANAGEMENT or NOPARKING code in the fences; its counts are left out of zone_occupancy"

    /// Warnings and reject counts reach the log in every mode; --quiet drops
    /// only the info lines; the run ends with one line that says it all.
    func testWarningsSurfaceWithAndWithoutQuiet() throws {
        let ws = try bikeWorkspace("logs")
        defer { removeWorkspace(ws) }
        let loud = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(loud.status, 0, loud.output)
        XCTAssertTrue(loud.stderr.contains("warning: " + rejectLine), loud.stderr)
        XCTAssertTrue(loud.stderr.contains("warning: " + zoneWarning), loud.stderr)
        XCTAssertTrue(loud.stderr.contains("loaded parking_events: 4 rows"), loud.stderr)
        XCTAssertFalse(loud.stderr.contains("reading thread"), "internal timings are debug-level:\n\(loud.stderr)")
        let last = try XCTUnwrap(loud.stderr.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(last.hasPrefix("job bike-day: ok; "), last)
        XCTAssertTrue(last.contains("rows loaded, 2 rejected, 1 warning, "), last)
        XCTAssertTrue(last.contains(" s; reports in "), last)

        let quiet = try runZonal(["run", "job.yaml", "--quiet"], cwd: ws)
        XCTAssertEqual(quiet.status, 0, quiet.output)
        XCTAssertEqual(quiet.stderr.split(separator: "\n").map(String.init), ["warning: " + rejectLine, "warning: " + zoneWarning],
                       "--quiet keeps warnings and errors, nothing else")

        let json = try runZonal(["run", "job.yaml", "--quiet", "--log-format", "json"], cwd: ws)
        let objects = try json.stderr.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.map { $0["level"] as? String }, ["warning", "warning"])
        XCTAssertEqual(objects[0]["rejects"] as? Int, 2)
        XCTAssertEqual(objects[0]["file"] as? String, "./events.csv")
        XCTAssertEqual(objects[1]["message"] as? String, zoneWarning)

        let verbose = try runZonal(["run", "job.yaml", "--verbose"], cwd: ws)
        XCTAssertTrue(verbose.stderr.contains("debug: load parking_events: reading thread: parse and check"), verbose.stderr)
    }

    /// validate and a failing run count rejects per file, not only the first.
    func testRejectCountsPerFile() throws {
        let ws = try bikeWorkspace("rejects")
        defer { removeWorkspace(ws) }
        let v = try runZonal(["validate", "job.yaml"], cwd: ws)
        XCTAssertEqual(v.status, 0, v.output)
        XCTAssertTrue(v.stderr.contains("parking_events: 4 rows loadable, 2 rejects"), v.stderr)
        XCTAssertTrue(v.stderr.contains("warning: " + rejectLine), v.stderr)

        let yaml = try String(contentsOf: ws.appendingPathComponent("job.yaml"), encoding: .utf8).replacingOccurrences(of: "max_reject_rate: 0.5", with: "max_reject_rate: 0.1")
        try yaml.write(to: ws.appendingPathComponent("strict.yaml"), atomically: true, encoding: .utf8)
        // 2 rejects of 6 are more than 10 % but not more than 5 rows: the run still passes (CONTRACT §7).
        XCTAssertEqual(try runZonal(["run", "strict.yaml", "--quiet"], cwd: ws).status, 0)
        var locks = (1...20).map { "e\($0),b\($0),美团,116.40,39.91,2026-05-01 08:00:00" }
        locks += (21...27).map { "e\($0),b\($0),美团,x,39.91,2026-05-01 08:00:00" }
        let bad = try bikeWorkspace("rejects-fail", locks: locks)
        defer { removeWorkspace(bad) }
        let yaml2 = try String(contentsOf: bad.appendingPathComponent("job.yaml"), encoding: .utf8).replacingOccurrences(of: "max_reject_rate: 0.5", with: "max_reject_rate: 0.1")
        try yaml2.write(to: bad.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml"], cwd: bad)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("warning: ./events.csv: 7 of 27 rows rejected (listed in rejects.csv); the first: line 22 field lon: 'x' is not a number"), r.stderr)
        XCTAssertTrue(r.stderr.contains("./events.csv: 7 of 27 rows were rejected, more than max_reject_rate 0.1 allows"), r.stderr)
        XCTAssertTrue(r.stderr.split(separator: "\n").last?.hasPrefix("error: job bike-day: failed; ") == true, r.stderr)
    }

    /// --only says which reports in the folder are an earlier run's.
    func testOnlyNamesLeftovers() throws {
        let ws = try bikeWorkspace("only")
        defer { removeWorkspace(ws) }
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let r = try runZonal(["run", "job.yaml", "--only", "zone_occupancy"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stderr.contains("warning: --only: infence_rate.csv, infence_by_company.csv, noparking_events.csv in "), r.stderr)
        XCTAssertTrue(r.stderr.contains("are from an earlier run (tasks not run now: infence_rate)"), r.stderr)
    }

    /// Layers named as the planner named them; the same reports as the folder.
    func testMappedLayerNames() throws {
        let ws = try makeWorkspace("mapped")
        defer { removeWorkspace(ws) }
        let fm = FileManager.default
        try fm.createDirectory(at: ws.appendingPathComponent("mine"), withIntermediateDirectories: true)
        for (layer, mine) in [("MANAGEMENT", "zones"), ("PARKING", "bays"), ("NOPARKING", "forbidden")] {
            for ext in ["shp", "shx", "dbf", "prj", "cpg", "xlsx"] {
                let src = ws.appendingPathComponent("fences/\(layer).\(ext)")
                if fm.fileExists(atPath: src.path) { try fm.copyItem(at: src, to: ws.appendingPathComponent("mine/\(mine).\(ext)")) }
            }
        }
        XCTAssertEqual(try runZonal(["run", try writeJob(in: ws).lastPathComponent, "--quiet"], cwd: ws).status, 0)
        let folderCSV = try Data(contentsOf: ws.appendingPathComponent("out/parking_capacity.csv"))
        var spec = JobSpec(); spec.fences = "{management: mine/zones.shp, parking: mine/bays.shp, noparking: mine/forbidden.shp}"
        try writeJob(spec, in: ws, named: "mapped.yaml")
        let r = try runZonal(["run", "mapped.yaml", "--out", "out2"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(try Data(contentsOf: ws.appendingPathComponent("out2/parking_capacity.csv")), folderCSV, "the same areas whatever the files are called")
        let audit = try String(contentsOf: ws.appendingPathComponent("out2/fence_audit.csv"), encoding: .utf8)
        XCTAssertTrue(audit.contains("mine/bays.xlsx"), "findings name the files as the job wrote them")

        // A folder without the three names says what it has and how to map it.
        spec.fences = "./mine"
        try writeJob(spec, in: ws, named: "folder.yaml")
        let f = try runZonal(["run", "folder.yaml"], cwd: ws)
        XCTAssertEqual(f.status, 1, f.output)
        XCTAssertTrue(f.stderr.contains("./mine: holds none of MANAGEMENT.shp, PARKING.shp, NOPARKING.shp; it has bays.shp, forbidden.shp, zones.shp. Name each layer's file in the job: fences: {management: bays.shp, parking: …, noparking: …}"), f.stderr)
        // A part name that is not a layer is a job-file error.
        spec.fences = "{managment: mine/zones.shp}"
        try writeJob(spec, in: ws, named: "typo.yaml")
        let t = try runZonal(["run", "typo.yaml"], cwd: ws)
        XCTAssertEqual(t.status, 2, t.output)
        XCTAssertTrue(t.stderr.contains("at `inputs.fences.managment`: unknown part 'managment'; must be one of management, parking, noparking"), t.stderr)
    }

    /// Without `formats`: CSV, XLSX and HTML. With assume_crs, the run record says so.
    func testDefaultFormatsAndAssumedCRS() throws {
        let ws = try makeWorkspace("defaults")
        defer { removeWorkspace(ws) }
        try FileManager.default.removeItem(at: ws.appendingPathComponent("fences/PARKING.prj"))
        let yaml = JobSpec().yaml.replacingOccurrences(of: "formats: [csv, xlsx, geojson, shp, html]\n", with: "") + "params: {assume_crs: 4490}\n"
        try yaml.write(to: ws.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: ws.appendingPathComponent("out").path))
        XCTAssertTrue(files.isSuperset(of: ["fence_audit.csv", "beijing-fence-audit.xlsx", "report.html"]), "\(files)")
        XCTAssertFalse(files.contains("fence_audit.geojson"), "GeoJSON only when asked")
        let summary = try String(contentsOf: ws.appendingPathComponent("out/summary.json"), encoding: .utf8)
        XCTAssertTrue(summary.contains("\"crs\": \"EPSG:4490 China Geodetic Coordinate System 2000 (assumed: no .prj, params.assume_crs)\""), summary)
        XCTAssertTrue(summary.contains("\"assume_crs\": \"EPSG:4490\""), summary)
    }

    /// Two nightly runs, then what changed between them.
    func testDiffOfTwoRuns() throws {
        let ws = try bikeWorkspace("diff")
        defer { removeWorkspace(ws) }
        let none = try runZonal(["diff", "job.yaml"], cwd: ws)
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("does not exist; run the job first"), none.stderr)
        XCTAssertEqual(try runZonal(["run", "job.yaml", "--quiet"], cwd: ws).status, 0)
        let one = try runZonal(["diff", "job.yaml"], cwd: ws)
        XCTAssertEqual(one.status, 1)
        XCTAssertTrue(one.stderr.contains("has only one successful run (1)"), one.stderr)
        // Tonight: e1 moved out of every zone, e3's longitude fixed, one more lock.
        let csv = try String(contentsOf: ws.appendingPathComponent("events.csv"), encoding: .utf8)
            .replacingOccurrences(of: "e1,b1,美团,116.4020044,39.9376807", with: "e1,b1,美团,117.4020044,39.9376807")
            .replacingOccurrences(of: "e3,b3,哈啰,abc,39.92", with: "e3,b3,哈啰,116.41,39.92")
            + "e7,b7,滴滴,116.4020044,39.9376807,2026-05-01 09:00:00\n"
        try csv.write(to: ws.appendingPathComponent("events.csv"), atomically: true, encoding: .utf8)
        let second = try runZonal(["run", "job.yaml", "--quiet"], cwd: ws)
        XCTAssertEqual(second.status, 0, second.output)
        let d = try runZonal(["diff", "job.yaml", "--csv", "changes.csv"], cwd: ws)
        XCTAssertEqual(d.status, 0, d.output)
        XCTAssertTrue(d.stdout.hasPrefix("job bike-day: run 1 (ended "), d.stdout)
        XCTAssertTrue(d.stdout.contains("rejects: 0 appeared, 1 vanished, 0 changed (2 rows → 1)\n  vanished ./events.csv / 4 / lon\n"), d.stdout)
        XCTAssertTrue(d.stdout.contains("zone_occupancy: no change (1 rows → 1)"), d.stdout)
        let changes = try CSVTable(url: ws.appendingPathComponent("changes.csv"))
        XCTAssertEqual(changes.header.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }, ["report", "key", "change", "column", "before", "after"])
        XCTAssertTrue(changes.rawRows.contains { $0.count > 2 && $0[0] == "infence_by_company" && $0[1] == "RLQ110101003 / 滴滴" && $0[2] == "appeared" },
                      "a company seen for the first time appears")
        XCTAssertTrue(d.stdout.contains("infence_by_company: 2 appeared, 0 vanished, 2 changed (4 rows → 6)\n"), d.stdout)
        XCTAssertTrue(d.stdout.contains("  changed RLQ110101003 / 美团: events_in_zone 2 → 1\n"), "e1 left the zone:\n\(d.stdout)")
        XCTAssertTrue(d.stdout.contains("infence_rate: no change (2 rows → 2)"), "one lock left the zone, one came: the zone's figures are the same")
        let explicit = try runZonal(["diff", "job.yaml", "--from", "1", "--to", "2", "--report", "rejects"], cwd: ws)
        let sections = explicit.stdout.trimmingCharacters(in: .newlines).components(separatedBy: "\n\n")
        XCTAssertEqual(sections.count, 2, explicit.stdout)
        XCTAssertTrue(sections[1].hasPrefix("rejects: 0 appeared, 1 vanished"), explicit.stdout)
    }
}
