import ZonalCore
import ZonalIO
import ZonalStore

/// `venue_footfall` (客流统计): entries and exits per venue and hour, and
/// per venue and day the totals, the peak hour and how much of the day the
/// systems covered (CONTRACT §4, §7 "Venues").
public struct VenueFootfallTask: ZonalTask {
    public init() {}
    public let name = "venue_footfall"
    public let summary = "in/out counts per venue, date and hour (the hour of period_start, job time zone); per day totals, peak hour (earliest on ties) and coverage of the 96 15-minute slots"
    public let inputs = ["venues", "venue_footfall"]
    public let rules = [
        RuleNote("slot", "a row's counts go to the local date, hour and 15-minute slot of its period_start; all devices and sources add up"),
        RuleNote("repeats", "a row equal to an earlier one in venue, device, source, period and counts counts once (whatever its uploaded_at)"),
        RuleNote("peak_hour", "the hour with the most entries; ties go to the earliest hour"),
        RuleNote("coverage", "15-minute slots with at least one row / 96"),
        RuleNote("late", "uploaded_at more than 60 minutes after period_end"),
    ]

    static let hourly = ReportSpec("venue_footfall", columns: [
        ReportColumn("venue_code", .text, zh: "场馆编码"), ReportColumn("date", .text, zh: "日期"), ReportColumn("hour", .integer, zh: "小时"),
        ReportColumn("in_count", .integer, zh: "进场人数"), ReportColumn("out_count", .integer, zh: "离场人数"),
    ], sortBy: ["venue_code", "date", "hour"], key: ["venue_code", "date", "hour"])
    static let daily = ReportSpec("venue_summary", columns: [
        ReportColumn("venue_code", .text, zh: "场馆编码"), ReportColumn("name", .text, zh: "场馆名称"), ReportColumn("date", .text, zh: "日期"),
        ReportColumn("total_in", .integer, zh: "进场总人数"), ReportColumn("total_out", .integer, zh: "离场总人数"),
        ReportColumn("peak_hour", .integer, zh: "高峰小时"), ReportColumn("peak_in", .integer, zh: "高峰进场人数"),
        ReportColumn("coverage", .decimal(places: 4), zh: "时段覆盖率"), ReportColumn("late_uploads", .integer, zh: "迟报条数"),
        ReportColumn("sources", .text, zh: "数据来源"),
    ], sortBy: ["venue_code", "date"], key: ["venue_code", "date"])
    public var reports: [ReportSpec] { [Self.hourly, Self.daily] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let repo = VenueRepository(store: ctx.store)
        let names = Dictionary(try repo.venues().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let days = try repo.venueDays()
        var hourRows: [ReportRow] = [], dayRows: [ReportRow] = []
        hourRows.reserveCapacity(days.count * 16)
        for d in days {
            let date = Cell.text(VenueDate.text(d.day))
            var peak = 0
            for h in 0..<24 where d.hourHasData(h) {
                hourRows.append(ReportRow([.text(d.venue), date, .integer(Int64(h)), .integer(Int64(d.hourIn(h))), .integer(Int64(d.hourOut(h)))]))
                if d.hourIn(h) > d.hourIn(peak) || !d.hourHasData(peak) { peak = h }
            }
            dayRows.append(ReportRow([.text(d.venue), .text(names[d.venue] ?? ""), date, .integer(Int64(d.totalIn)), .integer(Int64(d.totalOut)),
                                      .integer(Int64(peak)), .integer(Int64(d.hourIn(peak))),
                                      DecimalFormat.ratio(Int64(d.slotsWithData), Int64(Slots.perDay)), .integer(Int64(d.lateUploads)),
                                      .text(d.sources.sorted().joined(separator: ";"))]))
        }
        try ctx.write(Self.hourly, rows: hourRows)
        try ctx.write(Self.daily, rows: dayRows)
        return TaskResult(reportRows: [Self.hourly.name: hourRows.count, Self.daily.name: dayRows.count],
                          message: "\(Set(days.map(\.venue)).count) venues, \(dayRows.count) venue-days, \(days.reduce(UInt64(0)) { $0 + $1.totalIn }) entries")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] { try VenuePresentation.footfall(ctx) }
}
