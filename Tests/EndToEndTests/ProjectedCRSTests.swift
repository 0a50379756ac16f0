import Foundation
import XCTest

/// Fences delivered in CGCS2000 3° Gauss–Krüger (EPSG:4527, CM 117°E) are
/// transformed to EPSG:4490, reported as F007 warnings, and give the same areas.
final class ProjectedCRSTests: XCTestCase {

    func testGaussKrugerFencesGiveTheSameAreas() throws {
        guard let ogr2ogr = which("ogr2ogr") else { throw XCTSkip("ogr2ogr (gdal-bin) is not on PATH") }
        let ws = try makeWorkspace("gk")
        defer { removeWorkspace(ws) }
        let fm = FileManager.default
        let src = ws.appendingPathComponent("fences4490")
        try fm.moveItem(at: ws.appendingPathComponent("fences"), to: src)
        let dst = ws.appendingPathComponent("fences")
        try fm.createDirectory(at: dst, withIntermediateDirectories: true)
        for layer in ["MANAGEMENT", "PARKING", "NOPARKING"] {
            let r = try runProcess(ogr2ogr, ["-f", "ESRI Shapefile", "-s_srs", "EPSG:4490", "-t_srs", "EPSG:4527",
                                             "-lco", "ENCODING=CP936",
                                             dst.appendingPathComponent("\(layer).shp").path, src.appendingPathComponent("\(layer).shp").path],
                                   cwd: ws)
            XCTAssertEqual(r.status, 0, "ogr2ogr \(layer): \(r.stderr)")
            try fm.copyItem(at: src.appendingPathComponent("\(layer).xlsx"), to: dst.appendingPathComponent("\(layer).xlsx"))
        }
        try fm.removeItem(at: src)
        XCTAssertTrue(readText(dst.appendingPathComponent("PARKING.prj")).contains("Gauss"), "ogr2ogr should have written a Gauss-Krüger .prj")
        try writeJob(in: ws)

        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let out = ws.appendingPathComponent("out")

        // F007 warning per layer.
        let audit = try CSVTable(url: out.appendingPathComponent("fence_audit.csv"))
        for layer in ["MANAGEMENT", "PARKING", "NOPARKING"] {
            let rows = audit.rows.filter { $0["layer"] == layer && $0["rule"] == "F007" }
            XCTAssertEqual(rows.count, 1, "one F007 row for \(layer)")
            XCTAssertEqual(rows.first?["severity"], "warning")
            XCTAssertTrue(rows.first?["message"]?.contains("4527") ?? false, "F007 names the source CRS: \(rows.first?["message"] ?? "-")")
        }
        // Every planted defect is still found; the only other findings are F007 and the
        // bow-tie's COORDS (ogr2ogr rewrites that self-intersecting ring in reverse order).
        let planted = try CSVTable(url: datasetDir.appendingPathComponent("expected_planted.csv")).rows.map { "\($0["layer"]!),\($0["code"]!),\($0["rule"]!)" }
        let got = Set(audit.rows.map { "\($0["layer"] ?? ""),\($0["code"] ?? ""),\($0["rule"] ?? "")" })
        XCTAssertEqual(Set(planted).subtracting(got).sorted(), [], "planted defects missed after the CRS transformation")
        let extra = got.subtracting(planted).filter { !$0.hasSuffix(",F007") && $0 != "PARKING,TFQ1101010030115,F006" }
        XCTAssertEqual(extra.sorted(), [], "unexpected findings after the CRS transformation")

        // summary.json: warnings name each transformed file.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any]
        let warnings = (summary?["warnings"] as? [[String: Any]]) ?? []
        for layer in ["MANAGEMENT", "PARKING", "NOPARKING"] {
            XCTAssertTrue(warnings.contains { ($0["file"] as? String) == "./fences/\(layer).shp" }, "summary.json warnings should name ./fences/\(layer).shp: \(warnings)")
        }

        // Same parking areas (±0.01 m²), capacities, names and attributes as the EPSG:4490 run.
        let gk = try CSVTable(url: out.appendingPathComponent("parking_capacity.csv"))
        let ref = try CSVTable(url: goldenDir.appendingPathComponent("parking_capacity.csv"))
        XCTAssertEqual(gk.rows.map { $0["code"] ?? "" }, ref.rows.map { $0["code"] ?? "" }, "the same parking areas are listed")
        let refByCode = Dictionary(ref.rows.map { ($0["code"] ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        for row in gk.rows {
            let code = row["code"] ?? ""
            guard let want = refByCode[code] else { continue }
            guard let a = cents(row["area_m2"] ?? ""), let b = cents(want["area_m2"] ?? "") else {
                XCTFail("\(code): bad area \(row["area_m2"] ?? "") / \(want["area_m2"] ?? "")"); continue
            }
            XCTAssertLessThanOrEqual(abs(a - b), 1, "\(code): GK area \(row["area_m2"]!) vs EPSG:4490 area \(want["area_m2"]!)")
            for col in ["name", "management_code", "capacity", "attr_area_m2", "attr_capacity"] {
                XCTAssertEqual(row[col], want[col], "\(code).\(col)")
            }
        }
    }
}
