import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// `parking_capacity`: geodesic area and 可容纳车辆 of every PARKING area with a
/// valid polygon, beside the attribute table's own figures.
public struct ParkingCapacityTask: ZonalTask {
    public init() {}
    public let name = "parking_capacity"
    public let summary = "geodesic area (CGCS2000 ellipsoid) and capacity ⌊area / 1.14 m²⌋ of every PARKING area, with its MANAGEMENT zone"
    public let inputs = ["fences"]

    static let report = ReportSpec("parking_capacity", columns: [
        ReportColumn("code", .text), ReportColumn("name", .text), ReportColumn("management_code", .text),
        ReportColumn("area_m2", .decimal(places: 2)), ReportColumn("capacity", .integer),
        ReportColumn("attr_area_m2", .decimal(places: 2)), ReportColumn("attr_capacity", .integer),
        ReportColumn("feature", .integer),
    ], geometry: .multiPolygon, sortKeyCount: 1)
    public var reports: [ReportSpec] { [Self.report] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let repo = FenceRepository(store: ctx.store)
        let features = try repo.features()
        let attrs = Dictionary(grouping: try repo.attributes().filter { $0.layer == .parking }, by: \.code)
        let geos = GEOSContext()
        let geod = Geodesic.cgcs2000
        let zones = features.filter { $0.layer == .management }
        let zoneIndex = SpatialIndex(zones.map { $0.shape.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0) })
        let zoneGeoms = zones.map { try? geos.geometry($0.shape).prepared() }
        var rows: [ReportRow] = []
        let parking = features.filter { $0.layer == .parking }
        ctx.progress.start("parking_capacity", total: parking.count)
        for f in parking {
            ctx.progress.advance()
            guard let g = try? geos.geometry(f.shape), (try? g.isValid()) == true, let env = f.shape.envelope else { continue }
            var zone: String?
            zoneIndex.query(env) { j in
                if zone == nil, let z = zoneGeoms[j], (try? z.covers(g)) == true { zone = zones[j].code }
            }
            let area = geod.area(f.shape.polygons)
            let cents = ParkingCapacity.cents(ofArea: area)
            let a = attrs[f.code]?.first
            let attrArea: Cell = a?.values["area"].flatMap(Double.init).map { .decimal($0, places: 2) } ?? .empty
            let attrCap: Cell = a?.values["capacity"].flatMap { Int64($0) ?? Double($0).map { Int64($0) } }.map { .integer($0) } ?? .empty
            let cells: [Cell] = [
                .text(f.code), f.name.map { .text($0) } ?? a?.values["name"].map { .text($0) } ?? .empty,
                zone.map { .text($0) } ?? .empty, .decimal(Double(cents) / 100, places: 2),
                .integer(ParkingCapacity.capacity(cents: cents)), attrArea, attrCap, .integer(Int64(f.record)),
            ]
            rows.append(ReportRow(cells, shape: f.shape))
        }
        ctx.progress.finish()
        try ctx.write(Self.report, rows: rows)
        let total = rows.reduce(Int64(0)) { if case .integer(let c) = $1.cells[4] { return $0 + c }; return $0 }
        return TaskResult(reportRows: [Self.report.name: rows.count], message: "\(rows.count) parking areas, capacity \(total) bikes")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] {
        let rows = try ReportTable.read(Self.report, from: ctx.store)
        var area = 0.0, cap: Int64 = 0, inZone = 0
        for r in rows {
            if case .decimal(let a, _) = r.cells[3] { area += a }
            if case .integer(let c) = r.cells[4] { cap += c }
            if case .text = r.cells[2] { inZone += 1 }
        }
        return [HTMLSection(title: "Parking capacity (停放区可容纳车辆)", headline: [
            ("parking areas with a valid polygon", "\(rows.count)"),
            ("in a management zone", "\(inZone)"),
            ("total area m²", fmt2(area)),
            ("total capacity (bikes)", "\(cap)"),
        ], body: "<p class=\"note\">Area is geodesic on the CGCS2000 ellipsoid; capacity = ⌊area / 1.14 m²⌋ (one bike 1.9 m × 0.6 m, seed 002 §5.4.2).</p>")]
    }
}

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

/// The fence domain's registration point: its inputs and tasks.
public enum FencesModule {
    public static let module = DomainModule(
        name: "fences",
        inputs: [
            InputKind(key: "fences", summary: "folder with MANAGEMENT / PARKING / NOPARKING Shapefiles and optional Appendix A .xlsx/.csv tables", loader: FenceLoader()),
            InputKind(key: "districts", summary: "GB/T 2260 district polygons (GeoJSON or Shapefile) with adcode and name", loader: DistrictLoader()),
        ],
        tasks: [FenceAuditTask(), ParkingCapacityTask()])
}
