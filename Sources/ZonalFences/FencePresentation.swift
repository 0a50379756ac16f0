import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// report.html for the fence audit: headline figures, a map of the fences
/// coloured by worst finding, and findings per rule.
enum FencePresentation {
    static func audit(_ ctx: PresentContext) throws -> [HTMLSection] {
        let rows = try ReportTable.read(FenceAuditTask.report, from: ctx.store)
        let repo = FenceRepository(store: ctx.store)
        let features = try repo.features()
        var worst: [String: String] = [:]   // layer|code → error/warning
        var perRule: [String: Int] = [:]
        var errors = 0, warnings = 0
        for r in rows {
            let layer = r.cells[0].display, code = r.cells[1].display, rule = r.cells[2].display, sev = r.cells[3].display
            perRule[rule, default: 0] += 1
            if sev == "error" { errors += 1 } else { warnings += 1 }
            let k = "\(layer)|\(code)"
            if worst[k] != "error" { worst[k] = sev }
        }
        let colors = ["error": "#d7301f", "warning": "#fdae61", "clean": "#1a9850"]
        let zoneColors = ["error": "#f4a3a3", "warning": "#fde2b0", "clean": "#d9efd9"]
        // Zones first, so parking areas draw on top.
        let order: [FenceLayer] = [.management, .noParking, .parking]
        var mapFeatures: [MapFeature] = []
        for layer in order {
            for f in features where f.layer == layer {
                let w = worst["\(layer.rawValue)|\(f.code)"] ?? "clean"
                let fill = layer == .parking ? colors[w]! : (layer == .noParking ? (w == "clean" ? "#9e9ac8" : colors[w]!) : zoneColors[w]!)
                mapFeatures.append(MapFeature(shape: f.shape, fill: fill, title: "\(layer.rawValue) \(f.code) \(f.name ?? "") — \(w)"))
            }
        }
        let background = try repo.districts().map { MapFeature(shape: $0.shape, fill: "#ffffff", title: "\($0.adcode) \($0.name)") }
        let legend = [LegendEntry("error", colors["error"]!), LegendEntry("warning", colors["warning"]!),
                      LegendEntry("clean parking area", colors["clean"]!), LegendEntry("clean management zone", zoneColors["clean"]!),
                      LegendEntry("clean no-parking zone", "#9e9ac8")]
        let ruleNames: [String: String] = [
            "F001": "code format", "F002": "duplicate code", "F003": "not one area", "F004": "invalid geometry",
            "F005": "< 4 vertices", "F006": "COORDS", "F007": "CRS not CGCS2000", "F008": "zone < 30 m",
            "F009": "no-parking overlaps parking", "F010": "management zone", "F011": "area attribute",
            "F012": "capacity attribute", "F013": "enumeration", "F014": "name pattern", "F015": "overlap in layer",
            "F016": "attribute row", "F017": "district",
        ]
        let bars = perRule.keys.sorted().map { r in
            (label: "\(r) \(ruleNames[r] ?? "")", value: Double(perRule[r]!), color: Finding.warningRules.contains(r) ? "#fdae61" : "#d7301f")
        }
        var counts: [FenceLayer: Int] = [:]
        for f in features { counts[f.layer, default: 0] += 1 }
        let flagged = worst.filter { $0.value == "error" && !$0.key.hasSuffix("|") }.count
        // Zoom the map to the fences, with districts drawn underneath but not setting the extent.
        var fenceEnv: Envelope?
        for f in features { if let e = f.shape.envelope { fenceEnv = fenceEnv?.union(e) ?? e } }
        let clipped = background.filter { b in
            guard let e = b.shape.envelope, let fe = fenceEnv else { return false }
            return e.minX <= fe.maxX && fe.minX <= e.maxX && e.minY <= fe.maxY && fe.minY <= e.maxY
        }
        return [
            HTMLSection(title: "Fence audit (电子围栏合规检查)", headline: [
                ("MANAGEMENT zones 入栏管理区", "\(counts[.management] ?? 0)"),
                ("PARKING areas 停放区", "\(counts[.parking] ?? 0)"),
                ("NOPARKING zones 禁停区", "\(counts[.noParking] ?? 0)"),
                ("errors", "\(errors)"), ("warnings", "\(warnings)"), ("fences with errors", "\(flagged)"),
            ], body: "<h3>Map: fences coloured by worst finding</h3>" + SVGMap.render(mapFeatures, background: clipped, legend: legend)
                + "<p class=\"note\">Parking areas are a few metres long; at this scale each is drawn as at least a 3-pixel square. Hover for code and finding.</p>"
                + "<h3>Findings per rule</h3>" + BarChart.render(bars)),
        ]
    }
}

