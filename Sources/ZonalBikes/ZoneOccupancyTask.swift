import Foundation
import ZonalCore
import ZonalFences
import ZonalIO
import ZonalStore

/// `zone_occupancy` (§6.5.1 超量预警): bikes counted by each zone's sniffers
/// at each report time against the zone's capacity. A MANAGEMENT zone holds
/// the capacities of the parking areas inside it; a NOPARKING zone holds none,
/// so any bike there is over capacity.
public struct ZoneOccupancyTask: ZonalTask {
    public init() {}
    public let name = "zone_occupancy"
    public let summary = "bikes counted per zone and time (Appendix B.6 via each sniffer's Zone) against the zone's parking capacity; over-capacity flags"
    public let inputs = ["fences", "bt_sniffers", "bike_counts"]
    public let rules = [
        RuleNote("capacity", "a MANAGEMENT zone holds the capacities of the PARKING areas it covers, floor(cents / 114) each; a NOPARKING zone holds 0"),
        RuleNote("utilization", "bikes / capacity, rounded half away from zero on the exact fraction; over capacity when bikes > capacity"),
    ]

    static let report = ReportSpec("zone_occupancy", columns: [
        ReportColumn("zone_code", .text, zh: "区域编码"), ReportColumn("time", .time, zh: "时间"), ReportColumn("bikes", .integer, zh: "车辆数"), ReportColumn("capacity", .integer, zh: "可容纳车辆"),
        ReportColumn("utilization", .decimal(places: 4), zh: "利用率"), ReportColumn("over_capacity", .bool, zh: "超量"), ReportColumn("sniffers", .integer, zh: "嗅探设备数"),
    // No spatial index: the rows repeat each zone's polygon at every report
    // time (56,000 rows, 400 shapes on the city day), and building an R-tree
    // that large cost more than the rest of the task.
    ], geometry: .multiPolygon, spatialIndex: false, key: ["zone_code", "time"], problem: { $0[5] == .bool(true) })
    public var reports: [ReportSpec] { [Self.report] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let fences = try FenceSet.read(from: ctx.store)
        var capacity: [String: Int64] = [:]
        for z in fences.management { capacity[z.code] = 0 }
        for c in try fences.parkingCapacities() { if let z = c.zone { capacity[z, default: 0] += c.capacity } }
        for z in fences.noParking { capacity[z.code] = 0 }
        var shapes: [String: ZonalGeoShape] = [:]
        for f in fences.management + fences.noParking where shapes[f.code] == nil { shapes[f.code] = f.shape }

        var rows: [ReportRow] = []
        var unknown = Set<String>()
        var over = 0
        for r in try BikeRepository(store: ctx.store).occupancy() {
            guard let cap = capacity[r.zone] else { unknown.insert(r.zone); continue }
            let isOver = r.bikes > cap
            if isOver { over += 1 }
            rows.append(ReportRow([.text(r.zone), .text(r.time), .integer(r.bikes), .integer(cap),
                                   DecimalFormat.ratio(r.bikes, cap), .bool(isOver), .integer(r.sniffers)],
                                  shape: shapes[r.zone]))
        }
        for z in unknown.sorted() {
            ctx.warnings.append(Warning(file: ctx.job.inputs["bt_sniffers"]?.written ?? "bt_sniffers",
                                        reason: "Zone \(z) is not a MANAGEMENT or NOPARKING code in the fences; its counts are left out of zone_occupancy"))
        }
        try ctx.write(Self.report, rows: rows)
        return TaskResult(reportRows: [Self.report.name: rows.count], message: "\(over) zone-times over capacity")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] {
        try BikePresentation.occupancy(ctx)
    }
}
