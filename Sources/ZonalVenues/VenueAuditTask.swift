import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// The venue domain's parameters.
enum VenueParams {
    static let maxGapH = NumberParam("max_gap_h", min: 0, max: 24, default: 1,
                                     "a gap longer than this many hours between a day's first and last slot with data makes a venue's verdict `gaps`")
    static let occupancyDrift = NumberParam("occupancy_drift", min: 0, max: 1, default: 0.05,
                                            "a day whose in − out does not balance by more than max(10, this share of its entries) is flagged in venue_occupancy")
}

/// `venue_audit` (开放补助核查): what a supervisor needs to trust the counts
/// behind a venue's opening subsidy — whether each venue reported, how
/// completely, whether its code holds up against where it lies — and the
/// people inside each hour, with the days whose counts do not balance flagged.
public struct VenueAuditTask: ZonalTask {
    public init() {}
    public let name = "venue_audit"
    public let summary = "the reporting audit behind the opening subsidy: per venue days with data, coverage, longest gap, late uploads, repeats, its district against its code, and a verdict (ok, gaps, silent, invalid_code); people inside by hour"
    public let inputs = ["venues", "venue_footfall"]
    public let optionalInputs = ["districts"]
    public var params: [ParamSpec] { [VenueParams.maxGapH.spec, VenueParams.occupancyDrift.spec] }
    public let rules = [
        RuleNote("period", "every date from the earliest to the latest period_start date in venue_footfall"),
        RuleNote("longest_gap_h", "within a day, between its first and last slot with data, the longest run of slots without data x 0.25 h"),
        RuleNote("verdict", "invalid_code (code rejected, or its point lies in another district than its admin_code), else silent (no rows), else gaps (a gap over max_gap_h or a day of the period without data), else ok"),
        RuleNote("occupancy", "max(0, entries - exits since 00:00) at the end of each hour; a day is flagged when |end-of-day net| or its lowest negative net exceeds max(10, occupancy_drift x entries)"),
    ]

    static let reporting = ReportSpec("venue_reporting", columns: [
        ReportColumn("venue_code", .text, zh: "场馆编码"), ReportColumn("name", .text, zh: "场馆名称"), ReportColumn("admin_code", .text, zh: "行政区划"),
        ReportColumn("district", .text, zh: "所在区县"), ReportColumn("days_with_data", .integer, zh: "有数据天数"), ReportColumn("period_days", .integer, zh: "统计天数"),
        ReportColumn("avg_coverage", .decimal(places: 4), zh: "平均覆盖率"), ReportColumn("longest_gap_h", .decimal(places: 2), zh: "最长中断(小时)"),
        ReportColumn("late_uploads", .integer, zh: "迟报条数"), ReportColumn("duplicate_rows", .integer, zh: "重复条数"),
        ReportColumn("verdict", .text, zh: "结论"), ReportColumn("reason", .text, zh: "说明"),
    ], geometry: .point, problem: { $0[10] != .text("ok") })
    static let occupancy = ReportSpec("venue_occupancy", columns: [
        ReportColumn("venue_code", .text, zh: "场馆编码"), ReportColumn("date", .text, zh: "日期"), ReportColumn("hour", .integer, zh: "小时"),
        ReportColumn("occupancy", .integer, zh: "在馆人数"), ReportColumn("in_count", .integer, zh: "进场人数"), ReportColumn("out_count", .integer, zh: "离场人数"),
        ReportColumn("net", .integer, zh: "净进场累计"), ReportColumn("drift_flag", .bool, zh: "进出不平衡"),
    ], sortBy: ["venue_code", "date", "hour"], key: ["venue_code", "date", "hour"], problem: { $0[7] == .bool(true) })
    public var reports: [ReportSpec] { [Self.reporting, Self.occupancy] }

    /// One venue's reporting over the period.
    struct Record {
        var days = 0, slots = 0, longestGapSlots = 0, late = 0, duplicates = 0
    }

    /// The longest run of slots without data between the day's first and last slot with data.
    static func longestGap(_ has: [Bool]) -> Int {
        guard let first = has.firstIndex(of: true), let last = has.lastIndex(of: true) else { return 0 }
        var longest = 0, run = 0
        for k in first...last {
            if has[k] { run = 0 } else { run += 1; longest = max(longest, run) }
        }
        return longest
    }

    /// Occupancy rows of a day, and whether its counts drift past the bound.
    static func occupancy(_ d: VenueDay, driftShare: Double) -> (rows: [(hour: Int, occupancy: Int64, inCount: Int64, outCount: Int64, net: Int64)], flagged: Bool, drift: Int64) {
        let hours = (0..<24).filter { d.hourHasData($0) }
        guard let first = hours.first, let last = hours.last else { return ([], false, 0) }
        var net: Int64 = 0, lowest: Int64 = 0
        var rows: [(Int, Int64, Int64, Int64, Int64)] = []
        for h in 0...last {
            net += Int64(d.hourIn(h)) - Int64(d.hourOut(h))
            lowest = min(lowest, net)
            if h >= first { rows.append((h, max(0, net), Int64(d.hourIn(h)), Int64(d.hourOut(h)), net)) }
        }
        let drift = max(abs(net), -lowest)
        // ⌈share × entries⌉ in integers (share to the millionth): 0.05 × 200 is 10, not 10.000000000000002 → 11.
        let perMillion = Int64((driftShare * 1_000_000).rounded())
        let bound = max(10, (perMillion * Int64(d.totalIn) + 999_999) / 1_000_000)
        return (rows, drift > bound, drift)
    }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let repo = VenueRepository(store: ctx.store)
        let venues = try repo.venues()
        let days = try repo.venueDays()
        let maxGapSlots = ctx.params[VenueParams.maxGapH] * 4   // hours → slots
        let driftShare = ctx.params[VenueParams.occupancyDrift]
        let districts = try Districts.read(from: ctx.store)
        let dayNumbers = days.map(\.day)
        let periodDays = dayNumbers.isEmpty ? 0 : dayNumbers.max()! - dayNumbers.min()! + 1

        var records: [String: Record] = [:]
        var occupancyRows: [ReportRow] = []
        var flaggedDays = 0
        for d in days {
            var r = records[d.venue, default: Record()]
            r.days += 1
            r.slots += d.slotsWithData
            r.longestGapSlots = max(r.longestGapSlots, Self.longestGap(d.hasData))
            r.late += d.lateUploads
            r.duplicates += d.duplicates
            records[d.venue] = r
            let o = Self.occupancy(d, driftShare: driftShare)
            if o.flagged { flaggedDays += 1 }
            let date = Cell.text(VenueDate.text(d.day))
            for row in o.rows {
                occupancyRows.append(ReportRow([.text(d.venue), date, .integer(Int64(row.hour)), .integer(row.occupancy), .integer(row.inCount),
                                                .integer(row.outCount), .integer(row.net), .bool(o.flagged)]))
            }
        }

        var reportingRows: [ReportRow] = []
        var verdicts: [String: Int] = [:]
        let problems = try repo.codeProblemRows()
        let all = venues.map { (venue: $0, codeProblem: String?.none) } + problems.map { ($0.venue, Optional($0.reason)) }
        for (v, codeProblem) in all {
            let point = Coordinate(v.lon, v.lat)
            let district = districts.all.isEmpty ? nil : try districts.containing(point)
            let r = codeProblem == nil ? records[v.code] : nil
            var verdict = "ok", reasons: [String] = []
            if let codeProblem {
                verdict = "invalid_code"
                reasons.append(codeProblem)
            } else if let district, district.adcode != v.adminCode {
                verdict = "invalid_code"
                reasons.append("code says \(v.adminCode), lies in \(district.adcode) \(district.name)")
            } else if !districts.all.isEmpty && district == nil {
                reasons.append("point lies in no district (not judged)")
            }
            if codeProblem == nil {
                if let r {
                    let missing = periodDays - r.days
                    let tooLong = Double(r.longestGapSlots) > maxGapSlots
                    if missing > 0 || tooLong {
                        if verdict == "ok" { verdict = "gaps" }
                        if missing > 0 { reasons.append("no data on \(missing) of \(periodDays) days") }
                        if tooLong { reasons.append("longest gap \(DecimalFormat.fixed(Double(r.longestGapSlots) / 4, places: 2)) h") }
                    }
                } else {
                    if verdict == "ok" { verdict = "silent" }
                    reasons.append("no footfall rows")
                }
            }
            verdicts[verdict, default: 0] += 1
            reportingRows.append(ReportRow([
                .text(v.code), .text(v.name), v.adminCode.isEmpty ? .empty : .text(v.adminCode), district.map { .text($0.adcode) } ?? .empty,
                .integer(Int64(r?.days ?? 0)), .integer(Int64(periodDays)),
                r.map { DecimalFormat.ratio(Int64($0.slots), Int64($0.days * Slots.perDay)) } ?? .empty,
                r.map { .decimal(Double($0.longestGapSlots) / 4, places: 2) } ?? .empty,
                .integer(Int64(r?.late ?? 0)), .integer(Int64(r?.duplicates ?? 0)), .text(verdict),
                reasons.isEmpty ? .empty : .text(reasons.joined(separator: "; ")),
            ], shape: .point(point)))
        }
        if flaggedDays > 0 {
            ctx.warnings.append(Warning(file: "venue_footfall", reason: "\(flaggedDays) venue-days have entries and exits that do not balance (see drift_flag in venue_occupancy); their occupancy is not to be trusted"))
        }
        try ctx.write(Self.reporting, rows: reportingRows)
        try ctx.write(Self.occupancy, rows: occupancyRows)
        return TaskResult(reportRows: [Self.reporting.name: reportingRows.count, Self.occupancy.name: occupancyRows.count],
                          message: ["ok", "gaps", "silent", "invalid_code"].map { "\(verdicts[$0] ?? 0) \($0)" }.joined(separator: ", ") + " over \(periodDays) days")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] { try VenuePresentation.audit(ctx) }
}
