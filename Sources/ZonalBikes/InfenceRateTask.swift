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
    public let params = [
        ParamSpec("tolerance_m", .number(min: 0, max: 100), default: .number(0),
                  "a lock within this many metres of a parking area counts as in it (shortest distance on the ellipsoid)"),
    ]
    /// The spec's bar (§7.2): 入栏率应大于90%.
    public static let bar = 0.90

    static let rateReport = ReportSpec("infence_rate", columns: [
        ReportColumn("management_code", .text), ReportColumn("events_in_zone", .integer), ReportColumn("events_in_parking", .integer),
        ReportColumn("infence_rate", .decimal(places: 4)), ReportColumn("name", .text), ReportColumn("below_bar", .bool),
    ], geometry: .multiPolygon, sortKeyCount: 1)
    static let companyReport = ReportSpec("infence_by_company", columns: [
        ReportColumn("management_code", .text), ReportColumn("company", .text), ReportColumn("events_in_zone", .integer),
        ReportColumn("events_in_parking", .integer), ReportColumn("infence_rate", .decimal(places: 4)),
    ], sortKeyCount: 2)
    static let noParkingReport = ReportSpec("noparking_events", columns: [
        ReportColumn("noparking_code", .text), ReportColumn("company", .text), ReportColumn("events", .integer), ReportColumn("name", .text),
    ], sortKeyCount: 2)
    public var reports: [ReportSpec] { [Self.rateReport, Self.companyReport, Self.noParkingReport] }

    static func rate(_ inZone: Int64, _ inParking: Int64) -> Cell { Ratio.cell(inParking, inZone) }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let fences = try FenceSet.read(from: ctx.store)
        let zoneShape = Dictionary(fences.management.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let db = ctx.store.db
        let t = EventLoader.countsSchema.name

        // Per zone, with the total.
        var rows: [ReportRow] = []
        var total = (zone: Int64(0), parking: Int64(0))
        for r in try db.rows("SELECT management_code, sum(events), sum(in_parking) FROM \(t) WHERE management_code IS NOT NULL GROUP BY management_code") {
            let code = r[0].text ?? "", n = r[1].int ?? 0, p = r[2].int ?? 0
            total.zone += n; total.parking += p
            let rate = Double(p) / Double(max(n, 1))
            rows.append(ReportRow([.text(code), .integer(n), .integer(p), Self.rate(n, p),
                                   zoneShape[code]?.name.map { .text($0) } ?? .empty, .bool(rate < Self.bar)],
                                  shape: zoneShape[code]?.shape))
        }
        if total.zone > 0 {
            rows.append(ReportRow([.text("*"), .integer(total.zone), .integer(total.parking), Self.rate(total.zone, total.parking),
                                   .empty, .bool(Double(total.parking) / Double(total.zone) < Self.bar)]))
        }
        try ctx.write(Self.rateReport, rows: rows)

        // Per zone and company; `*` rows sum each company's zone rows.
        var byCompany: [ReportRow] = []
        var companyTotals: [String: (Int64, Int64)] = [:]
        for r in try db.rows("SELECT management_code, company, sum(events), sum(in_parking) FROM \(t) WHERE management_code IS NOT NULL GROUP BY management_code, company") {
            let company = r[1].text ?? "", n = r[2].int ?? 0, p = r[3].int ?? 0
            companyTotals[company, default: (0, 0)].0 += n
            companyTotals[company, default: (0, 0)].1 += p
            byCompany.append(ReportRow([.text(r[0].text ?? ""), .text(company), .integer(n), .integer(p), Self.rate(n, p)]))
        }
        for (company, (n, p)) in companyTotals {
            byCompany.append(ReportRow([.text("*"), .text(company), .integer(n), .integer(p), Self.rate(n, p)]))
        }
        try ctx.write(Self.companyReport, rows: byCompany)

        let npNames = Dictionary(fences.noParking.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let np = try db.rows("SELECT noparking_code, company, sum(events) FROM \(t) WHERE noparking_code IS NOT NULL GROUP BY noparking_code, company").map { r in
            ReportRow([.text(r[0].text ?? ""), .text(r[1].text ?? ""), .integer(r[2].int ?? 0),
                       (npNames[r[0].text ?? ""] ?? nil).map { .text($0) } ?? .empty])
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
