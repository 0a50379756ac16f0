import Foundation
import ZonalCore
import ZonalFences
import ZonalGeo
import ZonalIO
import ZonalStore

/// `device_health` (§6.5 位置感知辅助设备监测): each Bluetooth sniffer and stud
/// with its last status, fault reports, low battery and a position check.
public struct DeviceHealthTask: ZonalTask {
    public init() {}
    public let name = "device_health"
    public let summary = "last status, fault reports (异常), low battery and position checks of Bluetooth sniffers (XT) and studs (DD), Appendix B"
    public let inputs = ["bt_sniffers"]
    public let optionalInputs = ["fences", "bt_sniffer_status", "bt_studs", "bt_stud_status"]
    public let params = [BikeParams.lowBatteryPct.spec]
    public let rules = [
        RuleNote("low_battery", "the last electricity reading is strictly below low_battery_pct"),
        RuleNote("far_from_zone", "a sniffer more than 100 m from its Zone's polygon (inside or on the boundary is 0 m)"),
    ]
    /// A sniffer further than this from its zone is misplaced (covers the zone, §6.2.3.3).
    public static let maxSnifferDistanceM = 100.0

    static let report = ReportSpec("device_health", columns: [
        ReportColumn("device_code", .text, zh: "设备编码"), ReportColumn("kind", .text, zh: "设备类型"), ReportColumn("zone_code", .text, zh: "区域编码"),
        ReportColumn("last_time", .time, zh: "最后上报时间"), ReportColumn("last_condition", .text, zh: "最后状态"), ReportColumn("last_electricity", .decimal(places: 0), zh: "最后电量(%)"),
        ReportColumn("fault_reports", .integer, zh: "异常次数"), ReportColumn("low_battery", .bool, zh: "低电量"), ReportColumn("position_check", .text, zh: "位置核查"),
        ReportColumn("distance_to_zone_m", .decimal(places: 2), zh: "距区域距离(m)"), ReportColumn("status_reports", .integer, zh: "上报次数"),
    ], geometry: .point, key: ["device_code", "kind"], problem: { cells in
        // A misplaced or unregistered device, a low battery, or a fault report.
        !["ok", "not_checked"].contains(cells[8].display) || cells[7] == .bool(true) || (cells[6] != .integer(0) && cells[6] != .empty)
    })
    public var reports: [ReportSpec] { [Self.report] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let repo = BikeRepository(store: ctx.store)
        let low = ctx.params[BikeParams.lowBatteryPct]
        let fences = ctx.has(input: "fences") ? try FenceSet.read(from: ctx.store) : FenceSet()
        // A sniffer's Zone may name a management or a no-parking zone; the first fence with the code is its polygon.
        var zoneFences: [FenceSet.Fence] = []
        var zoneAt: [String: Int] = [:]
        for f in fences.management + fences.noParking where zoneAt[f.code] == nil {
            zoneAt[f.code] = zoneFences.count
            zoneFences.append(f)
        }
        let zones = PolygonLayer(name: "zones", codes: zoneFences.map(\.code), shapes: zoneFences.map(\.shape))
        let parkingAreas = Dictionary(fences.parking.map { ($0.code, $0.shape) }, uniquingKeysWith: { a, _ in a })
        let snifferStatus = try repo.statuses(table: "bt_sniffer_status", code: "cod_xt")
        let studStatus = try repo.statuses(table: "bt_stud_status", code: "cod")
        let ws = GEOSWorkspace.current
        var rows: [ReportRow] = []
        var problems = 0

        func statusCells(_ s: BikeRepository.Status?) -> [Cell] {
            [s?.time.map { .text($0) } ?? .empty, s?.condition.map { .text($0) } ?? .empty,
             s?.electricity.map { .decimal($0, places: 0) } ?? .empty, .integer(s?.faults ?? 0),
             s?.electricity.map { .bool($0 < low) } ?? .empty]
        }

        var snifferZone: [String: String] = [:]
        for sniffer in try repo.sniffers() {
            let code = sniffer.code
            guard snifferZone[code] == nil else { continue }
            let zone = sniffer.zone
            snifferZone[code] = zone
            let p = Coordinate(sniffer.lon, sniffer.lat)
            var check = "ok"
            var distance: Cell = .empty
            if !ctx.has(input: "fences") {
                check = "not_checked"
            } else if let z = zoneAt[zone] {
                let covered = try zones.prepared(z, in: ws)?.covers(try ws.context.point(p)) ?? false
                let d = covered ? 0 : LocalDistance(latitude: p.y).distance(p, toBoundaryOf: zones.shapes[z])
                distance = .decimal(d, places: 2)
                if d > Self.maxSnifferDistanceM { check = "far_from_zone" }
            } else {
                check = "unknown_zone"
            }
            if check != "ok" && check != "not_checked" { problems += 1 }
            let s = snifferStatus[code]
            rows.append(ReportRow([.text(code), .text("sniffer"), .text(zone)] + statusCells(s)
                                  + [.text(check), distance, .integer(s?.reports ?? 0)], shape: .point(p)))
        }
        var studSeen = Set<String>()
        for (code, sniffer, area) in try repo.studs() {
            guard studSeen.insert(code).inserted else { continue }
            var issues: [String] = []
            if ctx.has(input: "fences"), parkingAreas[area] == nil { issues.append("unknown_parking_area") }
            if snifferZone[sniffer] == nil { issues.append("unknown_sniffer") }
            if !issues.isEmpty { problems += 1 }
            let s = studStatus[code]
            let at = parkingAreas[area]?.envelope.map { Coordinate(($0.minX + $0.maxX) / 2, ($0.minY + $0.maxY) / 2) }
            rows.append(ReportRow([.text(code), .text("stud"), snifferZone[sniffer].map { .text($0) } ?? .empty] + statusCells(s)
                                  + [.text(issues.isEmpty ? "ok" : issues.joined(separator: ";")), .empty, .integer(s?.reports ?? 0)],
                                  shape: at.map { .point($0) }))
        }
        // Status reports from devices that are in no device list.
        for (code, s) in snifferStatus where snifferZone[code] == nil {
            problems += 1
            rows.append(ReportRow([.text(code), .text("sniffer"), .empty] + statusCells(s) + [.text("unregistered"), .empty, .integer(s.reports)]))
        }
        for (code, s) in studStatus where !studSeen.contains(code) {
            problems += 1
            rows.append(ReportRow([.text(code), .text("stud"), .empty] + statusCells(s) + [.text("unregistered"), .empty, .integer(s.reports)]))
        }
        try ctx.write(Self.report, rows: rows)
        return TaskResult(reportRows: [Self.report.name: rows.count], message: "\(rows.count) devices, \(problems) with position problems")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] {
        try BikePresentation.devices(ctx)
    }
}
