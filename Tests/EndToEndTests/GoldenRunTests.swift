import Foundation
import XCTest

/// The Beijing sample end to end: reports checked against the independent
/// generator's expectations, the contract's columns and the committed goldens;
/// re-runs; and the store as other SpatiaLite tools see it.
final class GoldenRunTests: XCTestCase {

    /// Codes of planted F004/F011/F012/F016 rows, whose computed and attribute values differ by design.
    static func plantedCodes(_ rules: Set<String>) throws -> Set<String> {
        let t = try CSVTable(url: datasetDir.appendingPathComponent("expected_planted.csv"))
        return Set(t.rows.filter { rules.contains($0["rule"] ?? "") }.compactMap { $0["code"] })
    }

    func testGoldenBeijingRun() throws {
        let ws = try makeWorkspace("golden")
        defer { removeWorkspace(ws) }
        try writeJob(in: ws)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, "zonal run failed:\n\(r.stderr)")
        let out = ws.appendingPathComponent("out")

        // --- CSV basics: BOM and the contract's leading columns.
        let contractColumns: [String: [String]] = [
            "fence_audit": ["layer", "code", "rule", "severity", "message", "lon", "lat"],
            "parking_capacity": ["code", "name", "management_code", "area_m2", "capacity", "attr_area_m2", "attr_capacity"],
            "rejects": ["file", "line", "field", "reason"],
        ]
        for (report, cols) in contractColumns.sorted(by: { $0.key < $1.key }) {
            let url = out.appendingPathComponent("\(report).csv")
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "\(report).csv is missing")
            XCTAssertTrue(fileStartsWithBOM(url), "\(report).csv must start with the UTF-8 BOM")
            let header = try CSVTable(url: url).header
            XCTAssertEqual(Array(header.prefix(cols.count)), cols, "\(report).csv header must start with the contract's columns")
        }

        // --- fence_audit: (layer, code, rule) set equals the generator's planted defects.
        let audit = try CSVTable(url: out.appendingPathComponent("fence_audit.csv"))
        struct Triple: Hashable, Comparable, CustomStringConvertible {
            var layer, code, rule: String
            static func < (a: Triple, b: Triple) -> Bool { (a.layer, a.code, a.rule) < (b.layer, b.code, b.rule) }
            var description: String { "\(layer),\(code),\(rule)" }
        }
        let got = Set(audit.rows.map { Triple(layer: $0["layer"] ?? "", code: $0["code"] ?? "", rule: $0["rule"] ?? "") })
        let expectedTable = try CSVTable(url: datasetDir.appendingPathComponent("expected_planted.csv"))
        let expected = Set(expectedTable.rows.map { Triple(layer: $0["layer"] ?? "", code: $0["code"] ?? "", rule: $0["rule"] ?? "") })
        XCTAssertEqual(expected.count, 18, "expected_planted.csv should hold 18 planted defects")
        XCTAssertEqual(got.subtracting(expected).sorted(), [], "fence_audit reports findings that were not planted")
        XCTAssertEqual(expected.subtracting(got).sorted(), [], "fence_audit misses planted findings")
        // Severities: F007, F014, F015 are warnings, the rest errors.
        for row in audit.rows {
            let rule = row["rule"] ?? ""
            XCTAssertEqual(row["severity"], ["F007", "F014", "F015"].contains(rule) ? "warning" : "error", "severity of \(rule) \(row["code"] ?? "")")
            XCTAssertFalse((row["message"] ?? "").isEmpty, "fence_audit row \(rule) \(row["code"] ?? "") has no message")
        }
        // F009 names both codes; F015 names the other feature.
        let f009 = audit.rows.first { $0["rule"] == "F009" }
        XCTAssertTrue(f009?["message"]?.contains("TFQ1101020010001") ?? false, "F009 must name the parking code: \(f009?["message"] ?? "-")")
        let f015 = audit.rows.first { $0["rule"] == "F015" }
        XCTAssertTrue(f015?["message"]?.contains("TFQ1101010040113") ?? false, "F015 must name the other feature: \(f015?["message"] ?? "-")")
        // Rows sorted by the first columns.
        let keys = audit.rows.map { [$0["layer"] ?? "", $0["code"] ?? "", $0["rule"] ?? ""] }
        XCTAssertEqual(keys, keys.sorted { $0.lexicographicallyPrecedes($1) }, "fence_audit rows must be sorted by layer, code, rule")

        // --- parking_capacity against the xlsx attributes (pyproj geodesic areas) and the capacity rule.
        let park = try CSVTable(url: out.appendingPathComponent("parking_capacity.csv"))
        let special = try Self.plantedCodes(["F004", "F011", "F012", "F016"])
        XCTAssertEqual(park.rows.count, 304, "every PARKING feature with a valid polygon (305 minus the bow-tie) is listed")
        XCTAssertFalse(park.rows.contains { $0["code"] == "TFQ1101010030115" }, "the invalid bow-tie TFQ1101010030115 must not be in parking_capacity")
        var checked = 0
        for row in park.rows {
            let code = row["code"] ?? ""
            guard let a = cents(row["area_m2"] ?? ""), let cap = Int(row["capacity"] ?? "") else {
                XCTFail("\(code): area_m2 '\(row["area_m2"] ?? "")' must have 2 decimals and capacity '\(row["capacity"] ?? "")' must be a whole number")
                continue
            }
            XCTAssertEqual(cap, a / 114, "\(code): capacity must be ⌊cents/114⌋ of area \(row["area_m2"] ?? "")")
            XCTAssertFalse((row["name"] ?? "").isEmpty, "\(code) has no name")
            if special.contains(code) { continue }
            XCTAssertEqual(row["area_m2"], row["attr_area_m2"], "\(code): computed area vs the independently computed 面积")
            XCTAssertEqual(row["capacity"], row["attr_capacity"], "\(code): computed capacity vs 可容纳车辆")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 300)
        func row(_ code: String) -> [String: String]? { park.rows.first { $0["code"] == code } }
        XCTAssertNotEqual(row("TFQ1101010110051")?["area_m2"], row("TFQ1101010110051")?["attr_area_m2"], "F011 row: the attribute is planted 5 % off")
        XCTAssertNotEqual(row("TFQ1101010110052")?["capacity"], row("TFQ1101010110052")?["attr_capacity"], "F012 row: the attribute is planted 3 off")
        XCTAssertEqual(row("TFQ1101010100078")?["attr_area_m2"], "", "a feature without an attribute row has empty attr_area_m2")
        XCTAssertEqual(row("TFQ1101010010003")?["name"], "东城区东华门街道东安门大街5号停放区", "GBK names (DBF language driver 0x4D) must decode")
        let codes = park.rows.map { $0["code"] ?? "" }
        XCTAssertEqual(codes, codes.sorted(), "parking_capacity rows must be sorted by code")

        // --- rejects: none for the clean sample.
        XCTAssertEqual(try CSVTable(url: out.appendingPathComponent("rejects.csv")).rows.count, 0)

        // --- summary.json
        let summaryData = try Data(contentsOf: out.appendingPathComponent("summary.json"))
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: summaryData, options: [.fragmentsAllowed]) as? [String: Any])
        for key in ["job", "status", "started", "ended", "inputs", "steps", "rejects", "warnings", "error"] {
            XCTAssertTrue(summary.keys.contains(key), "summary.json lacks the key \(key)")
        }
        XCTAssertEqual(summary["job"] as? String, "beijing-fence-audit")
        XCTAssertEqual(summary["status"] as? String, "ok")
        XCTAssertTrue(summary["error"] is NSNull, "error must be null after a good run")
        let inputs = try XCTUnwrap(summary["inputs"] as? [[String: Any]])
        XCTAssertFalse(inputs.isEmpty)
        var hashes: [String] = []
        func collectHashes(_ any: Any) {
            if let d = any as? [String: Any] {
                for (k, v) in d { if k == "sha256", let s = v as? String { hashes.append(s) } else { collectHashes(v) } }
            } else if let a = any as? [Any] { a.forEach(collectHashes) }
        }
        collectHashes(inputs)
        XCTAssertGreaterThanOrEqual(hashes.count, 2, "every input must carry its SHA-256")
        for h in hashes { XCTAssertTrue(h.matches("^[0-9a-f]{64}$"), "sha256 '\(h)' must be 64 hex characters") }
        if let sha = which("sha256sum") {
            let r = try runProcess(sha, ["districts.geojson"], cwd: ws)
            let want = String(r.stdout.prefix(64))
            XCTAssertTrue(hashes.contains(want), "summary.json must hold the SHA-256 of districts.geojson (\(want))")
        }
        let steps = try XCTUnwrap(summary["steps"] as? [[String: Any]])
        XCTAssertFalse(steps.isEmpty)
        for s in steps { XCTAssertEqual(s["status"] as? String, "ok", "step \(s)") }

        // --- report.html: self-contained.
        let html = readText(out.appendingPathComponent("report.html"))
        XCTAssertTrue(html.contains("<svg"), "report.html must draw the fences as SVG")
        // One inline script (sorting, filtering, zoom); nothing loaded from elsewhere.
        XCTAssertEqual(html.lowercased().components(separatedBy: "<script").count - 1, 1, "report.html has exactly one script, inline")
        XCTAssertFalse(html.lowercased().contains("<script src") || html.contains(" src="), "report.html must not load scripts or images")
        XCTAssertTrue(html.contains("No warnings; no rejected rows."), "the sample has no warnings and no rejects, and report.html says so at the top")
        XCTAssertTrue(html.contains(">东城区</text>"), "the districts under the fence map are named")
        let urls = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        XCTAssertFalse(urls.contains("http://") || urls.contains("https://"), "report.html must not reference anything online")

        // --- xlsx is a zip workbook.
        let xlsx = try Data(contentsOf: out.appendingPathComponent("beijing-fence-audit.xlsx"))
        XCTAssertTrue(xlsx.starts(with: [0x50, 0x4B]), "the .xlsx must be a zip (PK)")
        XCTAssertNotNil(xlsx.range(of: Data("xl/workbook.xml".utf8)), "the .xlsx must hold xl/workbook.xml")

        // --- GeoJSON keeps every row of the CSV; a finding without a place
        // (F007 for a layer, F016 for a table row) has a null geometry.
        for (name, rows) in [("fence_audit", audit.rows), ("parking_capacity", park.rows)] {
            let data = try Data(contentsOf: out.appendingPathComponent("\(name).geojson"))
            let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name).geojson must be a JSON object")
            XCTAssertEqual(obj["type"] as? String, "FeatureCollection")
            let features = try XCTUnwrap(obj["features"] as? [[String: Any]])
            XCTAssertEqual(features.count, rows.count, "\(name).geojson has one feature per CSV row")
            let nullGeometries = features.filter { $0["geometry"] is NSNull }.count
            XCTAssertEqual(nullGeometries, rows.filter { ($0["lon"] ?? "x").isEmpty }.count, "\(name): rows without lon/lat have geometry null")
        }
        XCTAssertGreaterThan(audit.rows.filter { ($0["lon"] ?? "").isEmpty }.count, 0, "the sample has findings without a place (F016)")

        // --- Shapefile export: .prj (EPSG:4490) and .cpg UTF-8 next to each .shp.
        for name in ["fence_audit", "parking_capacity"] {
            for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name).\(ext)").path), "\(name).\(ext) is missing")
            }
            XCTAssertEqual(readText(out.appendingPathComponent("\(name).cpg")).trimmingCharacters(in: .whitespacesAndNewlines).uppercased(), "UTF-8")
            XCTAssertTrue(readText(out.appendingPathComponent("\(name).prj")).contains("2000"), "\(name).prj must describe CGCS2000")
        }

        // --- Byte-for-byte against the committed goldens (verified against the checks above).
        for report in ["fence_audit", "parking_capacity", "rejects"] {
            let golden = goldenDir.appendingPathComponent("\(report).csv")
            let actual = out.appendingPathComponent("\(report).csv")
            guard let g = try? Data(contentsOf: golden) else { XCTFail("missing golden \(golden.path)"); continue }
            let a = try Data(contentsOf: actual)
            if g != a {
                let keep = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-golden-diff-\(report).csv")
                try? a.write(to: keep)
                XCTFail("\(report).csv differs from Tests/EndToEndTests/Golden/\(report).csv; actual kept at \(keep.path) (diff it)")
            }
        }
    }

    func testRerunIsDeterministicAndKeepsRowCounts() throws {
        let ws = try makeWorkspace("rerun")
        defer { removeWorkspace(ws) }
        try writeJob(in: ws)
        let out = ws.appendingPathComponent("out")
        let store = out.appendingPathComponent("zonal.sqlite")
        let reports = ["fence_audit", "parking_capacity", "rejects"]

        let r1 = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let first = try reports.map { try Data(contentsOf: out.appendingPathComponent("\($0).csv")) }
        let counts1 = try countsIfPossible(store)

        let r2 = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        for (i, name) in reports.enumerated() {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("\(name).csv")), first[i], "\(name).csv must be byte-identical on a re-run")
        }
        if let c1 = counts1 {
            let c2 = try storeTableCounts(store)
            XCTAssertEqual(withoutLedger(c2), withoutLedger(c1), "a re-run must leave every table with the same rows")
            XCTAssertEqual(c2["zonal_runs"], (c1["zonal_runs"] ?? -10) + 1, "the run ledger grows by one per run")
            XCTAssertEqual(c2["fence_features"], 367)
            XCTAssertEqual(c2["parking_capacity"], 304)
        }
    }

    /// Layer files are found in any case (`parking.shp`, `NOPARKING.SHX`, `noparking.DBF`).
    func testLayerFileNamesInAnyCase() throws {
        let ws = try makeWorkspace("anycase")
        defer { removeWorkspace(ws) }
        let fences = ws.appendingPathComponent("fences")
        let fm = FileManager.default
        for ext in ["shp", "shx", "dbf", "prj", "xlsx"] {
            try fm.moveItem(at: fences.appendingPathComponent("PARKING.\(ext)"), to: fences.appendingPathComponent("parking.\(ext)"))
        }
        try fm.moveItem(at: fences.appendingPathComponent("NOPARKING.shx"), to: fences.appendingPathComponent("NOPARKING.SHX"))
        try fm.moveItem(at: fences.appendingPathComponent("NOPARKING.dbf"), to: fences.appendingPathComponent("noparking.DBF"))
        var spec = JobSpec(); spec.formats = "[csv]"
        try writeJob(spec, in: ws)
        let r = try runZonal(["run", "job.yaml", "--quiet"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(try Data(contentsOf: ws.appendingPathComponent("out/parking_capacity.csv")),
                       try Data(contentsOf: goldenDir.appendingPathComponent("parking_capacity.csv")))
        let audit = try CSVTable(url: ws.appendingPathComponent("out/fence_audit.csv"))
        let golden = try CSVTable(url: goldenDir.appendingPathComponent("fence_audit.csv"))
        XCTAssertEqual(audit.rawRows.map { Array($0.prefix(4)) }, golden.rawRows.map { Array($0.prefix(4)) })
    }

    func testStoreOpensInSpatiaLite() throws {
        guard which("spatialite") != nil else { throw XCTSkip("the spatialite CLI is not on PATH") }
        let ws = try SeededWorkspace.shared.make("interop")
        defer { removeWorkspace(ws) }
        let store = ws.appendingPathComponent("out/zonal.sqlite")

        let cols = try spatialite(store, "SELECT f_table_name, srid, spatial_index_enabled FROM geometry_columns ORDER BY f_table_name")
        var srids: [String: (String, String)] = [:]
        for line in cols {
            let p = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if p.count == 3 { srids[p[0].lowercased()] = (p[1], p[2]) }
        }
        for table in ["districts", "fence_audit", "fence_features", "parking_capacity"] {
            XCTAssertEqual(srids[table]?.0, "4490", "\(table) must be a geometry column with SRID 4490; geometry_columns: \(cols)")
            XCTAssertEqual(srids[table]?.1, "1", "\(table) must have a spatial index")
        }
        let csvRows = try CSVTable(url: ws.appendingPathComponent("out/parking_capacity.csv")).rows.count
        let valid = try spatialite(store, "SELECT count(*) FROM parking_capacity WHERE ST_IsValid(geom)")
        XCTAssertEqual(valid, ["\(csvRows)"], "every parking_capacity geometry must be valid for SpatiaLite")
        let srid = try spatialite(store, "SELECT DISTINCT ST_SRID(geom) FROM fence_features")
        XCTAssertEqual(srid, ["4490"])
    }
}
