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
        var rulesOf: [String: Set<String>] = [:]
        var perRule: [String: Int] = [:]
        var errors = 0, warnings = 0
        for r in rows {
            let layer = r.cells[0].display, code = r.cells[1].display, rule = r.cells[2].display, sev = r.cells[3].display
            perRule[rule, default: 0] += 1
            if sev == "error" { errors += 1 } else { warnings += 1 }
            let k = "\(layer)|\(code)"
            if worst[k] != "error" { worst[k] = sev }
            rulesOf[k, default: []].insert(rule)
        }
        let colors = ["error": "#d7301f", "warning": "#fdae61", "clean": "#1a9850"]
        let zoneColors = ["error": "#f4a3a3", "warning": "#fde2b0", "clean": "#d9efd9"]
        let noParkingColors = ["error": colors["error"]!, "warning": colors["warning"]!, "clean": "#9e9ac8"]
        func palette(_ layer: FenceLayer) -> [String: String] {
            switch layer {
            case .parking: return colors
            case .management: return zoneColors
            case .noParking: return noParkingColors
            }
        }
        // Zones first, so parking areas draw on top; each labelled with its
        // code, which shows once zoomed in far enough to read it.
        let order: [FenceLayer] = [.management, .noParking, .parking]
        // Within a layer, clean fences first, errors last: findings stay on top.
        let rank = ["clean": 0, "warning": 1, "error": 2]
        func worstOf(_ f: FenceFeature) -> String { worst["\(f.layer.rawValue)|\(f.code)"] ?? "clean" }
        var mapFeatures: [MapFeature] = []
        for layer in order {
            let inLayer = features.enumerated().filter { $0.element.layer == layer }
                .sorted { (rank[worstOf($0.element)]!, $0.offset) < (rank[worstOf($1.element)]!, $1.offset) }.map(\.element)
            for f in inLayer {
                let k = "\(layer.rawValue)|\(f.code)"
                let w = worst[k] ?? "clean"
                let finding = w == "clean" ? "no findings" : "\(w) (\(rulesOf[k, default: []].sorted().joined(separator: ", ")))"
                mapFeatures.append(MapFeature(shape: f.shape, fill: palette(layer)[w]!, title: "\(layer.rawValue) \(f.code) \(f.name ?? "") — \(finding)",
                                              label: f.code.isEmpty ? nil : f.code, ringWhenTiny: w != "clean"))
            }
        }
        let background = try repo.districts().map {
            MapFeature(shape: $0.shape, fill: "#ffffff", title: "\($0.adcode) \($0.name)", label: $0.name.isEmpty ? $0.adcode : $0.name)
        }
        // A key for every colour on the map: per layer present, its three
        // fills; then the districts, the ground outside them, and the ring.
        let layerNames: [FenceLayer: String] = [.parking: "PARKING areas 停放区", .management: "MANAGEMENT zones 入栏管理区",
                                                .noParking: "NOPARKING zones 禁停区"]
        var legend: [LegendEntry] = []
        for layer in [FenceLayer.parking, .management, .noParking] where features.contains(where: { $0.layer == layer }) {
            let p = palette(layer)
            legend += [.heading(layerNames[layer]!), LegendEntry("error", p["error"]!, stroke: "#333"),
                       LegendEntry("warning", p["warning"]!, stroke: "#333"), LegendEntry("no findings", p["clean"]!, stroke: "#333")]
        }
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
        if !clipped.isEmpty {
            legend += [.heading("Also on the map"), LegendEntry("district, with its name", "#ffffff", stroke: "#999")]
        }
        let map = SVGMap.render(mapFeatures, background: clipped, legend: legend,
                                ringKey: "ring: a fence with findings, too small to see at this zoom, in its colour",
                                groundKey: clipped.isEmpty ? "no fence" : "outside the districts loaded")
        return [
            HTMLSection(title: "Fence audit (电子围栏合规检查)", headline: [
                ("MANAGEMENT zones 入栏管理区", "\(counts[.management] ?? 0)"),
                ("PARKING areas 停放区", "\(counts[.parking] ?? 0)"),
                ("NOPARKING zones 禁停区", "\(counts[.noParking] ?? 0)"),
                ("errors", "\(errors)"), ("warnings", "\(warnings)"), ("fences with errors", "\(flagged)"),
            ], body: "<h3>Map: fences coloured by worst finding</h3>" + map
                + "<p class=\"note\">Each fence is drawn as its polygon. Parking areas are a few metres long, so those with findings that are under 3 pixels at this scale are ringed in their colour: zoom in (wheel, double-click or +) to see their shapes and codes. Hover for code, name and the rules found.</p>"
                + "<h3>Findings per rule</h3>" + BarChart.render(bars)),
        ]
    }
}

