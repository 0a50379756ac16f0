import Foundation
import ZonalCore
import ZonalFences
import ZonalGeo
import ZonalIO
import ZonalStore

/// `infence_rate` (入栏率, seed 002 §7.2): of the bike locks inside each
/// MANAGEMENT zone, the share inside a PARKING area — per zone, per zone and
/// company, with `*` totals — and the locks inside NOPARKING zones.
public struct InfenceRateTask: ZonalTask {
    public init() {}
    public let name = "infence_rate"
    public let summary = "share of bike locks in each management zone that are inside a parking area (入栏率, bar 0.90), per zone and company; locks in no-parking zones"
    public let inputs = ["fences", "parking_events"]
    public let params = [BikeParams.toleranceM.spec]
    public let rules = [RuleNote.boundary,
                        RuleNote("tolerance", "with tolerance_m > 0 a lock within that many metres of a parking area counts as in it (local tangent plane on the CGCS2000 ellipsoid)"),
                        RuleNote("infence_rate", "events_in_parking / events_in_zone, rounded half away from zero on the exact fraction; bar 0.90 (seed 002 §7.2)")]
    /// The spec's bar (§7.2): 入栏率应大于90%.
    public static let bar = 0.90

    static let rateReport = ReportSpec("infence_rate", columns: [
        ReportColumn("management_code", .text, zh: "入栏管理区编码"), ReportColumn("events_in_zone", .integer, zh: "管理区内停车数"), ReportColumn("events_in_parking", .integer, zh: "停放区内停车数"),
        ReportColumn("infence_rate", .decimal(places: 4), zh: "入栏率"), ReportColumn("name", .text, zh: "名称"), ReportColumn("below_bar", .bool, zh: "低于90%"),
    ], geometry: .multiPolygon, problem: { $0[5] == .bool(true) })
    static let companyReport = ReportSpec("infence_by_company", columns: [
        ReportColumn("management_code", .text, zh: "入栏管理区编码"), ReportColumn("company", .text, zh: "企业"), ReportColumn("events_in_zone", .integer, zh: "管理区内停车数"),
        ReportColumn("events_in_parking", .integer, zh: "停放区内停车数"), ReportColumn("infence_rate", .decimal(places: 4), zh: "入栏率"),
    ], key: ["management_code", "company"], problem: { cells in
        if case .decimal(let rate, _) = cells[4] { return rate < InfenceRateTask.bar }
        return false
    })
    static let noParkingReport = ReportSpec("noparking_events", columns: [
        ReportColumn("noparking_code", .text, zh: "禁停区编码"), ReportColumn("company", .text, zh: "企业"), ReportColumn("events", .integer, zh: "停车数"), ReportColumn("name", .text, zh: "名称"),
    ], key: ["noparking_code", "company"])
    public var reports: [ReportSpec] { [Self.rateReport, Self.companyReport, Self.noParkingReport] }

    static func rate(_ inZone: Int64, _ inParking: Int64) -> Cell { DecimalFormat.ratio(inParking, inZone) }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let fences = try FenceSet.read(from: ctx.store)
        let zoneShape = Dictionary(fences.management.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let repo = BikeRepository(store: ctx.store)

        // Per zone, with the total.
        var rows: [ReportRow] = []
        var total = (zone: Int64(0), parking: Int64(0))
        for c in try repo.zoneCounts(byCompany: false) {
            let n = c.events, p = c.inParking
            total.zone += n; total.parking += p
            let rate = Double(p) / Double(max(n, 1))
            rows.append(ReportRow([.text(c.zone), .integer(n), .integer(p), Self.rate(n, p),
                                   zoneShape[c.zone]?.name.map { .text($0) } ?? .empty, .bool(rate < Self.bar)],
                                  shape: zoneShape[c.zone]?.shape))
        }
        if total.zone > 0 {
            rows.append(ReportRow([.text("*"), .integer(total.zone), .integer(total.parking), Self.rate(total.zone, total.parking),
                                   .empty, .bool(Double(total.parking) / Double(total.zone) < Self.bar)]))
        }
        try ctx.write(Self.rateReport, rows: rows)

        // Per zone and company; `*` rows sum each company's zone rows.
        var byCompany: [ReportRow] = []
        var companyTotals: [String: (Int64, Int64)] = [:]
        for c in try repo.zoneCounts(byCompany: true) {
            let company = c.company ?? "", n = c.events, p = c.inParking
            companyTotals[company, default: (0, 0)].0 += n
            companyTotals[company, default: (0, 0)].1 += p
            byCompany.append(ReportRow([.text(c.zone), .text(company), .integer(n), .integer(p), Self.rate(n, p)]))
        }
        for (company, (n, p)) in companyTotals {
            byCompany.append(ReportRow([.text("*"), .text(company), .integer(n), .integer(p), Self.rate(n, p)]))
        }
        try ctx.write(Self.companyReport, rows: byCompany)

        let npNames = Dictionary(fences.noParking.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let np = try repo.noParkingCounts().map { c in
            ReportRow([.text(c.code), .text(c.company), .integer(c.events), (npNames[c.code] ?? nil).map { .text($0) } ?? .empty])
        }
        try ctx.write(Self.noParkingReport, rows: np)
        let overall = total.zone > 0 ? DecimalFormat.fixed(Double(total.parking) / Double(total.zone), places: 4) : "n/a"
        return TaskResult(reportRows: [Self.rateReport.name: rows.count, Self.companyReport.name: byCompany.count, Self.noParkingReport.name: np.count],
                          message: "in-fence rate \(overall) over \(total.zone) locks in zones")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] {
        try BikePresentation.infence(ctx)
    }
}
