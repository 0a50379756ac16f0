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
    public let params = [
        ParamSpec("low_battery_pct", .number(min: 0, max: 100), default: .number(20), "a device whose last battery reading is below this is low"),
    ]
    /// A sniffer further than this from its zone is misplaced (covers the zone, §6.2.3.3).
    public static let maxSnifferDistanceM = 100.0

    static let report = ReportSpec("device_health", columns: [
        ReportColumn("device_code", .text), ReportColumn("kind", .text), ReportColumn("zone_code", .text),
        ReportColumn("last_time", .text), ReportColumn("last_condition", .text), ReportColumn("last_electricity", .decimal(places: 0)),
        ReportColumn("fault_reports", .integer), ReportColumn("low_battery", .bool), ReportColumn("position_check", .text),
        ReportColumn("distance_to_zone_m", .decimal(places: 2)), ReportColumn("status_reports", .integer),
    ], geometry: .point, sortKeyCount: 1)
    public var reports: [ReportSpec] { [Self.report] }

    struct Status { var time: String?; var condition: String?; var electricity: Double?; var faults: Int64; var reports: Int64 }

    /// Each device's last report (by time; the later line wins a tie), its
    /// fault count and report count, in one pass over the status table.
    static func statuses(_ db: Database, table: String, code: String) throws -> [String: Status] {
        guard try db.tableExists(table) else { return [:] }
        let st = try db.prepare("SELECT \(code), time, time_ms, condition, electricity FROM \(table) ORDER BY line")
        var out: [String: Status] = [:]
        var lastMs: [String: Int64] = [:]
        while try st.step() {
            let device = st.column(0).text ?? "", ms = st.column(2).int ?? Int64.min
            let condition = st.column(3).text
            var s = out[device] ?? Status(time: nil, condition: nil, electricity: nil, faults: 0, reports: 0)
            s.reports += 1
            if condition == "异常" { s.faults += 1 }
            if ms >= lastMs[device, default: Int64.min] {
                lastMs[device] = ms
                s.time = st.column(1).text; s.condition = condition; s.electricity = st.column(4).double
            }
            out[device] = s
        }
        return out
    }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let db = ctx.store.db
        let low = ctx.job.params.double("low_battery_pct") ?? 20
        let fences = ctx.has(input: "fences") ? try FenceSet.read(from: ctx.store) : FenceSet()
        let zones = Dictionary((fences.management + fences.noParking).map { ($0.code, $0.shape) }, uniquingKeysWith: { a, _ in a })
        let parkingAreas = Dictionary(fences.parking.map { ($0.code, $0.shape) }, uniquingKeysWith: { a, _ in a })
        let snifferStatus = try Self.statuses(db, table: "bt_sniffer_status", code: "cod_xt")
        let studStatus = try Self.statuses(db, table: "bt_stud_status", code: "cod")
        let geos = GEOSContext()
        var rows: [ReportRow] = []
        var problems = 0

        func statusCells(_ s: Status?) -> [Cell] {
            [s?.time.map { .text($0) } ?? .empty, s?.condition.map { .text($0) } ?? .empty,
             s?.electricity.map { .decimal($0, places: 0) } ?? .empty, .integer(s?.faults ?? 0),
             s?.electricity.map { .bool($0 < low) } ?? .empty]
        }

        var prepared: [String: PreparedGeometry?] = [:]
        var snifferZone: [String: String] = [:]
        for r in try db.rows("SELECT cod, lon, lat, zone FROM bt_sniffers ORDER BY line") {
            let code = r[0].text ?? ""
            guard snifferZone[code] == nil else { continue }
            let zone = r[3].text ?? ""
            snifferZone[code] = zone
            let p = Coordinate(r[1].double ?? 0, r[2].double ?? 0)
            var check = "ok"
            var distance: Cell = .empty
            if !ctx.has(input: "fences") {
                check = "not_checked"
            } else if let shape = zones[zone] {
                if prepared[zone] == nil { prepared[zone] = try? geos.geometry(shape).prepared() }
                let covered = (try? prepared[zone]??.coversXY(p.x, p.y)) ?? false
                let (kx, ky) = PointAssigner.metresPerDegree(latitude: p.y)
                let d = covered ? 0 : PointAssigner.distance(p, to: shape, kx: kx, ky: ky)
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
        if try db.tableExists("bt_studs") {
            for r in try db.rows("SELECT cod_dd, cod_xt, cod_tfq FROM bt_studs ORDER BY line") {
                let code = r[0].text ?? "", sniffer = r[1].text ?? "", area = r[2].text ?? ""
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
