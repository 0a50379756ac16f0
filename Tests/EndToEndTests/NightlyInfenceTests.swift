import Foundation
import XCTest
import XLSXTestSupport

/// End to end: Jobs/beijing-nightly-infence.yaml on the Beijing bike day (Datasets/beijing,
/// made by make_bike_day.py), against the reference reports in Datasets/beijing/expected/,
/// which the generator computed independently with shapely/pyproj (CONTRACT §3.2, §4
/// infence_rate / zone_occupancy / device_health, §7 "General" and "In-fence").
final class NightlyInfenceTests: XCTestCase {

    /// The nightly job runs once per test process (about 7 s in a debug build); tests that
    /// only read its outputs share it.
    final class MainRun: @unchecked Sendable {
        static let shared = MainRun()
        private let lock = NSLock()
        private var result: (dir: URL, run: RunResult)?
        private var failure: Error?

        func get() throws -> (dir: URL, run: RunResult) {
            lock.lock(); defer { lock.unlock() }
            if let result { return result }
            if let failure { throw failure }
            do {
                let dir = try makeBikeWorkspace("nightly")
                try BikeJobSpec().write(in: dir)
                let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: dir)
                result = (dir, r)
                atexit { if let d = MainRun.shared.result?.dir { removeWorkspace(d) } }
                return (dir, r)
            } catch { failure = error; throw error }
        }
    }

    func mainRun() throws -> URL {
        let (dir, r) = try MainRun.shared.get()
        XCTAssertEqual(r.status, 0, "the nightly job must succeed: \(r.output)")
        return dir.appendingPathComponent("out")
    }

    // MARK: a. the nightly job

    func testNightlyReportsMatchReference() throws {
        let out = try mainRun()
        try assertSameRows(out.appendingPathComponent("infence_rate.csv"), bikeExpectedDir.appendingPathComponent("infence_rate.csv"))
        try assertSameRows(out.appendingPathComponent("infence_by_company.csv"), bikeExpectedDir.appendingPathComponent("infence_by_company.csv"))
        try assertSameRows(out.appendingPathComponent("noparking_events.csv"), bikeExpectedDir.appendingPathComponent("noparking_events.csv"))
        let occ = bikeExpectedDir.appendingPathComponent("zone_occupancy.csv")
        if FileManager.default.fileExists(atPath: occ.path) {
            try assertSameRows(out.appendingPathComponent("zone_occupancy.csv"), occ)
        } else {
            print("note: expected/zone_occupancy.csv absent; zone_occupancy not compared")
        }
        // Contract columns first, in order (§4).
        XCTAssertEqual(Array(try CSVTable(url: out.appendingPathComponent("infence_rate.csv")).header.prefix(4)),
                       ["management_code", "events_in_zone", "events_in_parking", "infence_rate"])
        XCTAssertEqual(Array(try CSVTable(url: out.appendingPathComponent("zone_occupancy.csv")).header.prefix(6)),
                       ["zone_code", "time", "bikes", "capacity", "utilization", "over_capacity"])
        XCTAssertTrue(fileStartsWithBOM(out.appendingPathComponent("infence_rate.csv")))
    }

    /// The store keeps events compactly (ids for company and fences, epoch
    /// milliseconds); the spatial view shows each as the file gave it, with
    /// the fences the generator's own shapely join put it in
    /// (expected/planted_events.csv: vertices, edges, outside) and a point
    /// geometry QGIS can list.
    func testEventsViewShowsEachEventAsGivenWithItsFences() throws {
        let (dir, r) = try MainRun.shared.get()
        XCTAssertEqual(r.status, 0, r.output)
        let store = dir.appendingPathComponent("out/zonal.sqlite")
        let planted = try CSVTable(url: datasetDir.appendingPathComponent("expected/planted_events.csv")).rows
        XCTAssertGreaterThan(planted.count, 5)
        // One query for all of them: each scan of the view reads every lock.
        let ids = planted.compactMap { $0["event_id"] }.map { "'\($0)'" }.joined(separator: ", ")
        let rows = try spatialite(store, "SELECT event_id, line, lon, lat, ifnull(management_code, ''), in_parking FROM parking_events_view WHERE event_id IN (\(ids))")
        var byID: [String: String] = [:]
        for r in rows { let f = r.split(separator: "|", maxSplits: 1); byID[String(f[0])] = String(f[1]) }
        for p in planted {
            let id = try XCTUnwrap(p["event_id"])
            let want = "\(p["line"]!)|\(Double(p["lon"]!)!)|\(Double(p["lat"]!)!)|\(p["management_code"]!)|\(p["in_parking_tol0"] == "true" ? 1 : 0)"
            XCTAssertEqual(byID[id], want, "\(id) (\(p["case"]!))")
        }
        // Every kept event, field by field as the CSV wrote it (the first 2,000 lines).
        guard let sh = which("sh") else { throw XCTSkip("sh not on PATH") }
        let head = try runProcess(sh, ["-c", "gzip -dc parking_events.csv.gz | head -n 2001"], cwd: dir)
        let rejected = Set(try csvRows(dir.appendingPathComponent("out/rejects.csv"), columns: ["file", "line"])
            .filter { $0[0].hasSuffix("parking_events.csv.gz") }.map { $0[1] })
        let csv = parseCSV(head.stdout)
        // The time as the reports print it: the file's three forms (here all Beijing time) as yyyy-MM-dd HH:mm:ss[.SSS].
        func shown(_ t: String) -> String {
            let u = Array(t.utf8)
            if u.count == 14 { let d = t.map(String.init); return "\(d[0...3].joined())-\(d[4...5].joined())-\(d[6...7].joined()) \(d[8...9].joined()):\(d[10...11].joined()):\(d[12...13].joined())" }
            if t.hasSuffix("+08:00") { return String(t.dropLast(6)).replacingOccurrences(of: "T", with: " ") }
            if t.hasSuffix(".000") { return String(t.dropLast(4)) }
            return t
        }
        var want: [String] = []
        for (i, row) in csv.enumerated().dropFirst() where !rejected.contains(String(i + 1)) {
            want.append([row[0], row[1], row[2], "\(Double(row[3])!)", "\(Double(row[4])!)", shown(row[5])].joined(separator: "|"))
        }
        let got = try spatialite(store, "SELECT event_id, bike_id, company, lon, lat, time FROM parking_events_view WHERE line <= 2001 ORDER BY line")
        XCTAssertEqual(got.count, want.count)
        for (g, w) in zip(got, want) where g != w { XCTFail("view \(g), file \(w)"); break }
        XCTAssertEqual(try spatialite(store, "SELECT count(*) FROM parking_events_view"), try spatialite(store, "SELECT count(*) FROM parking_events"))
        // Integers are declared BIGINT, so GDAL (QGIS, ogr2ogr) reads epoch milliseconds as 64-bit.
        XCTAssertEqual(try spatialite(store, "SELECT type FROM pragma_table_info('parking_events') WHERE name IN ('time_ms', 'line') ORDER BY name"), ["BIGINT", "BIGINT"])
        // Registered as a spatial view of points in EPSG:4490.
        XCTAssertEqual(try spatialite(store, "SELECT v.view_rowid, g.geometry_type, g.srid FROM views_geometry_columns v JOIN geometry_columns g ON g.f_table_name = v.f_table_name AND g.f_geometry_column = v.f_geometry_column WHERE v.view_name = 'parking_events_view'"), ["fid|1|4490"])
        XCTAssertEqual(try spatialite(store, "SELECT ST_X(geom) = lon AND ST_Y(geom) = lat AND ST_SRID(geom) = 4490 FROM parking_events_view WHERE line = 2"), ["1"])
    }

    func testNightlyRejects() throws {
        let out = try mainRun()
        // The generator's planted bad rows: (file, line, field); field empty for a wrong field count.
        var want: [[String]] = []
        for f in ["rejects_parking_events.csv", "rejects_devices.csv"] {
            want += try csvRows(bikeExpectedDir.appendingPathComponent(f), columns: ["file", "line", "field"])
        }
        want.sort { ($0[0], Int($0[1]) ?? 0) < ($1[0], Int($1[1]) ?? 0) }
        let got = try csvRows(out.appendingPathComponent("rejects.csv"), columns: ["file", "line", "field", "reason"])
        XCTAssertEqual(got.map { Array($0.prefix(3)) }, want, "rejects.csv must list exactly the planted bad lines, sorted by file then line")
        for r in got { XCTAssertFalse(r[3].isEmpty, "every reject has a reason: \(r)") }
    }

    func testNightlySummaryAndHTML() throws {
        let out = try mainRun()
        let data = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(json["status"] as? String, "ok")
        func strings(_ v: Any) -> [String] {
            if let s = v as? String { return [s] }
            if let d = v as? [String: Any] { return d.values.flatMap(strings) }
            if let a = v as? [Any] { return a.flatMap(strings) }
            return []
        }
        XCTAssertTrue(strings(json).contains("inside or on the boundary counts (covers)"),
                      "summary.json must state the boundary rule")
        let html = readText(out.appendingPathComponent("report.html"))
        XCTAssertTrue(html.contains("0.90"), "report.html must show the spec's bar 0.90")
        XCTAssertTrue(html.contains("<svg"), "report.html must draw the fences as SVG")
    }

    /// The workbook a supervisor opens: the summary first, times as dates,
    /// booleans as booleans, numbers as numbers.
    func testNightlyWorkbookIsTyped() throws {
        let out = try mainRun()
        let book = try XLSXInspector(path: out.appendingPathComponent("beijing-nightly-infence.xlsx").path)
        XCTAssertEqual(book.sheetNames, ["Summary", "infence_rate", "infence_by_company", "noparking_events", "zone_occupancy",
                                         "device_health", "rejects"])
        XCTAssertTrue(try book.isSelected("Summary"))
        let csv = try CSVTable(url: out.appendingPathComponent("zone_occupancy.csv"))
        let times = try book.column("time", in: "zone_occupancy")
        XCTAssertEqual(times.count, csv.rows.count)
        XCTAssertEqual(times.map { $0?.dateText }, csv.rows.map { $0["time"] }, "every time is the CSV's, as an Excel date")
        let over = try book.column("over_capacity", in: "zone_occupancy")
        XCTAssertEqual(Set(over.map { $0?.kind }), [.boolean])
        XCTAssertEqual(over.map { $0?.value == "1" ? "true" : "false" }, csv.rows.map { $0["over_capacity"] })
        XCTAssertEqual(Set(try book.column("bikes", in: "zone_occupancy").map { $0?.kind }), [.number])
        XCTAssertEqual(Set(try book.column("utilization", in: "zone_occupancy").compactMap { $0?.format }), ["0.0000"])
    }

    /// `params.headers: zh`: Chinese column headers in the CSVs and the workbook,
    /// a 摘要 sheet first, 是/否 for booleans; sheet names stay the report names.
    func testChineseHeaders() throws {
        let dir = try makeBikeWorkspace("nightly-zh")
        defer { removeWorkspace(dir) }
        var spec = BikeJobSpec()
        spec.params = "{tolerance_m: 0, low_battery_pct: 20, headers: zh}"
        try spec.write(in: dir)
        let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.output)
        let out = dir.appendingPathComponent("out")

        let header = readText(out.appendingPathComponent("zone_occupancy.csv")).split(whereSeparator: \.isNewline).first.map(String.init)
        XCTAssertEqual(header, "\u{FEFF}区域编码,时间,车辆数,可容纳车辆,利用率,超量,嗅探设备数")
        XCTAssertEqual(try CSVTable(url: out.appendingPathComponent("rejects.csv")).header, ["文件", "行", "字段", "原因"])

        let book = try XLSXInspector(path: out.appendingPathComponent("beijing-nightly-infence.xlsx").path)
        XCTAssertEqual(book.sheetNames, ["摘要", "infence_rate", "infence_by_company", "noparking_events", "zone_occupancy",
                                         "device_health", "rejects"])
        XCTAssertEqual(try book.path(ofSheet: "摘要"), "xl/worksheets/sheet1.xml")
        XCTAssertTrue(try book.isSelected("摘要"))
        let summary = try book.cells("摘要")
        XCTAssertEqual(["A1", "A2", "B2", "A3"].map { summary[$0]?.value }, ["摘要", "项目", "值", "任务"])
        let warningsRow = try XCTUnwrap((3...60).first { summary["A\($0)"]?.value == "警告" }, "the summary counts warnings")
        XCTAssertEqual(summary["B\(warningsRow)"]?.kind, .number)

        let csv = try CSVTable(url: out.appendingPathComponent("zone_occupancy.csv"))
        let times = try book.column("时间", in: "zone_occupancy")
        XCTAssertEqual(Set(times.map { $0?.kind }), [.date])
        XCTAssertEqual(times.map { $0?.dateText }, csv.rows.map { $0["时间"] })
        let over = try book.column("超量", in: "zone_occupancy")
        XCTAssertEqual(Set(over.map { $0?.kind }), [.text])
        XCTAssertEqual(over.map { $0?.value }, csv.rows.map { $0["超量"] == "true" ? "是" : "否" })
        XCTAssertTrue(over.contains { $0?.value == "是" }, "the day has zones over capacity")
    }

    /// A text longer than Excel allows (a reject echoing a 40,000-character
    /// field) is cut in the workbook, kept whole in the CSV, and the run warns.
    func testOverlongTextIsCutWithAWarning() throws {
        let dir = try makeBikeWorkspace("nightly-cut")
        defer { removeWorkspace(dir) }
        guard let sh = which("sh"), which("gzip") != nil else { throw XCTSkip("sh/gzip not on PATH") }
        let cut = try runProcess(sh, ["-c", "gzip -dc parking_events.csv.gz | head -n 300 > small_events.csv"], cwd: dir)
        XCTAssertEqual(cut.status, 0, cut.stderr)
        let events = dir.appendingPathComponent("small_events.csv")
        var lines = readText(events).components(separatedBy: "\n")
        // A company name of 40,000 characters reaches infence_by_company (reject
        // reasons quote only a short prefix of a bad value, so they stay short).
        let company = try XCTUnwrap(lines[0].components(separatedBy: ",").firstIndex(of: "company"))
        let longName = String(repeating: "长", count: 40_000)
        var fields = lines[5].components(separatedBy: ",")
        fields[company] = longName
        lines[5] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(to: events, atomically: true, encoding: .utf8)
        var spec = BikeJobSpec()
        spec.inputs = [("fences", "fences"), ("parking_events", "small_events.csv")]
        spec.tasks = "[infence_rate]"
        spec.formats = "[csv, xlsx]"
        try spec.write(in: dir)
        let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.output)
        // Two cells: the company's row and its `*` total row.
        let warning = "2 text cells longer than Excel's 32767 characters were cut and end with \"…[cut]\"; the CSV reports have them in full"
        XCTAssertTrue(r.stderr.contains("beijing-nightly-infence.xlsx: ") && r.stderr.contains(warning), r.stderr.suffix(500).description)
        let summary = readText(dir.appendingPathComponent("out/summary.json"))
        XCTAssertTrue(summary.contains(warning.replacingOccurrences(of: "\"", with: "\\\"")), "summary.json lists the warning")

        let out = dir.appendingPathComponent("out")
        let companies = try CSVTable(url: out.appendingPathComponent("infence_by_company.csv")).rows.compactMap { $0["company"] }
        XCTAssertTrue(companies.contains(longName), "the CSV keeps the whole text")
        let book = try XLSXInspector(path: out.appendingPathComponent("beijing-nightly-infence.xlsx").path)
        let cells = try book.column("company", in: "infence_by_company").compactMap { $0 }.filter { $0.value.hasPrefix("长长长") }
        XCTAssertFalse(cells.isEmpty)
        for cell in cells {
            XCTAssertEqual(cell.value.utf16.count, 32_767)
            XCTAssertEqual(cell.value, String(longName.prefix(32_761)) + "…[cut]")
        }
    }

    // MARK: b. tolerance

    func testToleranceTwoMetres() throws {
        let dir = try makeBikeWorkspace("nightly-tol2")
        defer { removeWorkspace(dir) }
        var spec = BikeJobSpec()
        spec.params = "{tolerance_m: 2}"
        try spec.write(in: dir)
        let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.output)
        try assertSameRows(dir.appendingPathComponent("out/infence_rate.csv"), bikeExpectedDir.appendingPathComponent("infence_rate_tol2.csv"))
    }

    // MARK: c. device health

    struct StatusRow { var line: Int; var time: String; var condition: String; var electricity: Double }

    /// Last status (latest Time, later line on a tie) and 异常 count per device, computed here
    /// from the Appendix B CSV; rows that break the format (planted rejects) are skipped.
    func statuses(_ file: String, codeColumn: String) throws -> [String: (last: StatusRow, faults: Int)] {
        let t = try CSVTable(url: datasetDir.appendingPathComponent(file))
        var out: [String: (last: StatusRow, faults: Int)] = [:]
        for (i, r) in t.rows.enumerated() {
            guard let code = r[codeColumn], let cond = r["Condition"], let e = r["Electricity"], let time = r["Time"],
                  cond == "正常" || cond == "异常", time.count == 14, time.allSatisfy(\.isNumber),
                  let el = Double(e.hasSuffix("%") ? String(e.dropLast()) : e), (0...100).contains(el) else { continue }
            let row = StatusRow(line: i + 2, time: time, condition: cond, electricity: el)
            var cur = out[code] ?? (row, 0)
            if (row.time, row.line) >= (cur.last.time, cur.last.line) { cur.last = row }
            if cond == "异常" { cur.faults += 1 }
            out[code] = cur
        }
        return out
    }

    func testDeviceHealth() throws {
        let out = try mainRun()
        let report = try CSVTable(url: out.appendingPathComponent("device_health.csv"))
        XCTAssertEqual(Array(report.header.prefix(9)), ["device_code", "kind", "zone_code", "last_time", "last_condition",
                                                        "last_electricity", "fault_reports", "low_battery", "position_check"])
        var byCode: [String: [String: String]] = [:]
        for r in report.rows { byCode[r["device_code"] ?? ""] = r }

        let sniffers = try CSVTable(url: datasetDir.appendingPathComponent("bt_sniffers.csv")).rows.compactMap { $0["Cod"] }
        let studs = try CSVTable(url: datasetDir.appendingPathComponent("bt_studs.csv")).rows.compactMap { $0["Cod_DD"] }
        XCTAssertEqual(Set(byCode.keys), Set(sniffers + studs), "one row per listed sniffer and stud")
        XCTAssertEqual(report.rows.count, byCode.count, "no device listed twice")

        // Planted position cases (expected/device_planted.csv, make_bike_day.py).
        var planted: [String: String] = [:]
        var farDistance: [String: Double] = [:]
        for r in try CSVTable(url: bikeExpectedDir.appendingPathComponent("device_planted.csv")).rows {
            let code = r["device_code"] ?? "", c = r["case"] ?? ""
            switch c {
            case "far_from_zone": planted[code] = "far_from_zone"; farDistance[code] = Double(r["detail"] ?? "")
            case "unknown_zone": planted[code] = "unknown_zone"
            case "unknown_parking": planted[code] = "unknown_parking_area"
            case "unknown_sniffer": planted[code] = "unknown_sniffer"
            default: break
            }
        }
        XCTAssertEqual(planted, ["XT0005": "far_from_zone", "XT0024": "far_from_zone", "XT0058": "unknown_zone",
                                 "DD000096": "unknown_parking_area", "DD000322": "unknown_parking_area",
                                 "DD000195": "unknown_sniffer", "DD000207": "unknown_sniffer"], "the generator's planted device cases")
        for code in sniffers + studs {
            XCTAssertEqual(byCode[code]?["position_check"], planted[code] ?? "ok", "\(code) position_check")
            XCTAssertEqual(byCode[code]?["kind"], code.hasPrefix("XT") ? "sniffer" : "stud", code)
        }
        for (code, d) in farDistance {
            // The generator prints the geodesic distance to 0.1 m; Zonal's extra column to 0.01 m.
            if let s = byCode[code]?["distance_to_zone_m"], let v = Double(s) {
                XCTAssertEqual(v, d, accuracy: 0.06, "\(code) distance to its zone")
            }
        }

        // Last status, fault reports and low battery, from the status files.
        let status = try statuses("bt_sniffer_status.csv", codeColumn: "Cod_XT")
            .merging(try statuses("bt_stud_status.csv", codeColumn: "Cod")) { a, _ in a }
        XCTAssertGreaterThan(status.count, 300)
        var lowCount = 0
        for code in sniffers + studs {
            guard let row = byCode[code] else { continue }
            guard let s = status[code] else {
                XCTAssertEqual(row["fault_reports"], "0", code)
                XCTAssertEqual(row["low_battery"], "", "\(code) has no battery reading")
                continue
            }
            let t = Array(s.last.time)
            let shown = "\(String(t[0..<4]))-\(String(t[4..<6]))-\(String(t[6..<8])) \(String(t[8..<10])):\(String(t[10..<12])):\(String(t[12..<14]))"
            XCTAssertEqual(row["last_time"], shown, "\(code) last_time")
            XCTAssertEqual(row["last_condition"], s.last.condition, "\(code) last_condition")
            XCTAssertEqual(Double(row["last_electricity"] ?? ""), s.last.electricity, "\(code) last_electricity")
            XCTAssertEqual(row["fault_reports"], String(s.faults), "\(code) fault_reports = 异常 rows")
            let low = s.last.electricity < 20
            if low { lowCount += 1 }
            XCTAssertEqual(row["low_battery"], low ? "true" : "false", "\(code): last Electricity \(s.last.electricity) vs 20")
        }
        // make_bike_day.py plants 4 low sniffers (XT0003, XT0012, XT0031, XT0042) and 6 studs drawn at 12–20 %.
        for code in ["XT0003", "XT0012", "XT0031", "XT0042"] { XCTAssertEqual(byCode[code]?["low_battery"], "true", code) }
        XCTAssertGreaterThanOrEqual(lowCount, 4)
        // make_bike_day.py: XT0018 reports 异常 from 14:00 on, so its last report is 异常.
        XCTAssertEqual(byCode["XT0018"]?["last_condition"], "异常")
    }

    // MARK: d. a device file over max_reject_rate

    func testBadDeviceFileFailsAndKeepsStore() throws {
        _ = try mainRun()
        let src = try MainRun.shared.get().dir
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-nightly-bad-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: src, to: dir)
        defer { removeWorkspace(dir) }
        // 12 data rows, 10 bad (10 > 0.01 × 12 and > 5): the run fails (§7 General).
        var text = "Cod_XT,Condition,Electricity,Time\nXT0001,正常,80,20261120080000\nXT0002,异常,70%,20261120080000\n"
        for i in 0..<10 { text += "XT00\(10 + i),坏了,50,20261120090000\n" }
        try text.write(to: dir.appendingPathComponent("bad_status.csv"), atomically: true, encoding: .utf8)
        var spec = BikeJobSpec()
        spec.inputs = [("fences", "fences"), ("bt_sniffers", "bt_sniffers.csv"), ("bt_sniffer_status", "bad_status.csv")]
        spec.tasks = "[device_health]"
        spec.params = "{low_battery_pct: 20}"
        try spec.write(in: dir, named: "bad.yaml")
        let store = dir.appendingPathComponent("out/zonal.sqlite")
        let before = try countsIfPossible(store)
        if let b = before { XCTAssertGreaterThan(b["bt_sniffer_status"] ?? 0, 700, "the good run loaded the status file") }
        let healthBefore = try Data(contentsOf: dir.appendingPathComponent("out/device_health.csv"))
        let r = try runZonal(["run", "bad.yaml", "--quiet"], cwd: dir)
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.output.contains("bad_status.csv"), "the message names the file: \(r.output)")
        XCTAssertTrue(r.output.contains("max_reject_rate"), "the message names max_reject_rate: \(r.output)")
        // The rejects that broke the limit are in the failed run's rejects.csv, each with line, field and reason.
        let failed = try CSVTable(url: dir.appendingPathComponent("out/failed-run/rejects.csv")).rows.filter { ($0["file"] ?? "").hasSuffix("bad_status.csv") }
        XCTAssertEqual(failed.map { $0["line"] ?? "" }, (4...13).map(String.init))
        XCTAssertEqual(Set(failed.map { $0["field"] ?? "" }), ["Condition"])
        try assertStoreUnchanged(before, store)
        if let b = before, let a = try countsIfPossible(store) {
            XCTAssertEqual(a["bt_sniffer_status"], b["bt_sniffer_status"])
        }
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("out/device_health.csv")), healthBefore,
                       "a failed run does not overwrite the previous report")
    }

    // MARK: e. --only and --log-format json

    func testOnlyAndJSONLog() throws {
        let dir = try makeBikeWorkspace("nightly-only")
        defer { removeWorkspace(dir) }
        // A small lock file keeps this quick: the first 1500 lines of the day.
        guard let sh = which("sh"), which("gzip") != nil else { throw XCTSkip("sh/gzip not on PATH") }
        let cut = try runProcess(sh, ["-c", "gzip -dc parking_events.csv.gz | head -n 1500 > small_events.csv"], cwd: dir)
        XCTAssertEqual(cut.status, 0, cut.stderr)
        var spec = BikeJobSpec()
        spec.inputs = spec.inputs.map { $0.key == "parking_events" ? ($0.key, "small_events.csv") : $0 }
        try spec.write(in: dir)
        let r = try runZonal(["run", "job.yaml", "--only", "infence_rate", "--log-format", "json"], cwd: dir)
        XCTAssertEqual(r.status, 0, r.output)
        let out = dir.appendingPathComponent("out")
        let fm = FileManager.default
        for f in ["infence_rate.csv", "infence_by_company.csv", "noparking_events.csv", "summary.json"] {
            XCTAssertTrue(fm.fileExists(atPath: out.appendingPathComponent(f).path), "\(f) written")
        }
        for f in ["zone_occupancy.csv", "device_health.csv"] {
            XCTAssertFalse(fm.fileExists(atPath: out.appendingPathComponent(f).path), "\(f) must not be written with --only infence_rate")
        }
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        let steps = try XCTUnwrap(summary["steps"] as? [[String: Any]])
        let taskSteps = steps.filter { ($0["kind"] as? String) == "task" }.compactMap { $0["step"] as? String }
        XCTAssertEqual(taskSteps, ["infence_rate"], "only infence_rate runs")

        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        XCTAssertFalse(lines.isEmpty, "--log-format json logs to stderr")
        for l in lines {
            let obj = try? JSONSerialization.jsonObject(with: Data(l.utf8))
            XCTAssertNotNil(obj as? [String: Any], "every stderr line is one JSON object: \(l)")
        }
        XCTAssertFalse(r.stderr.contains("zone_occupancy") || r.stderr.contains("device_health"), "no other task is logged: \(r.stderr)")
    }
}
