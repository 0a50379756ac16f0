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
    public let rules = [FenceRules.area, FenceRules.capacity, RuleNote.boundary]

    static let report = ReportSpec("parking_capacity", columns: [
        ReportColumn("code", .text, zh: "编码"), ReportColumn("name", .text, zh: "名称"), ReportColumn("management_code", .text, zh: "入栏管理区编码"),
        ReportColumn("area_m2", .decimal(places: 2), zh: "面积(m²)"), ReportColumn("capacity", .integer, zh: "可容纳车辆"),
        ReportColumn("attr_area_m2", .decimal(places: 2), zh: "属性表面积(m²)"), ReportColumn("attr_capacity", .integer, zh: "属性表可容纳车辆"),
        ReportColumn("feature", .integer, zh: "要素序号"),
    ], geometry: .multiPolygon, problem: { cells in
        // In no management zone, or the attribute table's capacity differs.
        cells[2] == .empty || (cells[6] != .empty && cells[6] != cells[4])
    })
    public var reports: [ReportSpec] { [Self.report] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let repo = FenceRepository(store: ctx.store)
        let features = try repo.features()
        let attrs = Dictionary(grouping: try repo.attributes().filter { $0.layer == .parking }, by: \.code)
        func fences(_ layer: FenceLayer) -> [FenceSet.Fence] {
            features.filter { $0.layer == layer }.map { .init(code: $0.code, name: $0.name, shape: $0.shape) }
        }
        let set = FenceSet(management: fences(.management), parking: fences(.parking))
        ctx.progress.start("parking_capacity", total: set.parking.count)
        let parkingFeatures = features.filter { $0.layer == .parking }
        var rows: [ReportRow] = []
        for c in try set.parkingCapacities() {
            let f = parkingFeatures[c.index]
            let a = attrs[f.code]?.first
            // The table's own figures as numbers when they are numbers; a 1e19 or
            // "n/a" shows empty here, and fence_audit (F011, F012) quotes it.
            let attrArea: Cell = a?.values["area"].flatMap(PlainNumber.parse).map { .decimal($0, places: 2) } ?? .empty
            let attrCap: Cell = a?.values["capacity"].flatMap { Int64($0) ?? PlainNumber.parse($0).flatMap { Int64(exactly: $0) } }.map { .integer($0) } ?? .empty
            let cells: [Cell] = [
                .text(f.code), f.name.map { .text($0) } ?? a?.values["name"].map { .text($0) } ?? .empty,
                c.zone.map { .text($0) } ?? .empty, .decimal(Double(c.cents) / 100, places: 2),
                .integer(c.capacity), attrArea, attrCap, .integer(Int64(f.record)),
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

