import ZonalCore
import ZonalIO

/// Durations of disposed alarms summarised as the seed's §6 statistics ask
/// (最长/平均/最短 处置时长), plus median and 90th percentile, in minutes.
struct DurationSummary: Equatable, Sendable {
    var avg: Cell, min: Cell, max: Cell, median: Cell, p90: Cell

    /// Empty cells when there are no durations. Median: the middle one, or
    /// the mean of the middle two; p90: nearest rank, the ⌈0.9·n⌉-th smallest.
    init(_ durations: [Int64]) {
        guard !durations.isEmpty else { avg = .empty; min = .empty; max = .empty; median = .empty; p90 = .empty; return }
        let s = durations.sorted(), n = s.count
        avg = DecimalFormat.minutes(totalMilliseconds: s.reduce(0, +), count: n)
        min = DecimalFormat.minutes(milliseconds: s[0])
        max = DecimalFormat.minutes(milliseconds: s[n - 1])
        median = n % 2 == 1 ? DecimalFormat.minutes(milliseconds: s[n / 2])
            : DecimalFormat.minutes(totalMilliseconds: s[n / 2 - 1] + s[n / 2], count: 2)
        p90 = DecimalFormat.minutes(milliseconds: s[Self.nearestRank(0.9, n) - 1])
    }

    /// ⌈p·n⌉ in exact arithmetic (p given to the thousandth), at least 1.
    static func nearestRank(_ p: Double, _ n: Int) -> Int {
        let thousandths = Int((p * 1000).rounded())
        return Swift.max(1, (thousandths * n + 999) / 1000)
    }
}

/// Alarm counts and durations per region and alarm type (alarm_stats) and
/// disposals per region and type (disposal_types), every region at the
/// three levels of `RegionCode.rollUp`.
struct AlarmStatistics {
    struct Group {
        var alarms = 0, disposed = 0, overdue = 0
        var durations: [Int64] = []
    }

    /// region → alarm type (`*` for all) → group.
    private(set) var byType: [RegionCode: [String: Group]] = [:]
    /// region → disposal type → alarms.
    private(set) var byDisposal: [RegionCode: [DisposalType: Int]] = [:]

    init(_ alarms: [HandledAlarm]) {
        for h in alarms {
            for region in RegionCode.rollUp(h.mine.regionCode) {
                for key in ["*", h.alarm.type.rawValue] {
                    var g = byType[region, default: [:]][key, default: Group()]
                    g.alarms += 1
                    if h.overdue { g.overdue += 1 }
                    if let d = h.durationMs { g.disposed += 1; g.durations.append(d) }
                    byType[region, default: [:]][key] = g
                }
                if let d = h.disposal { byDisposal[region, default: [:]][d.type, default: 0] += 1 }
            }
        }
    }

    var statsRows: [(region: RegionCode, type: String, group: Group)] {
        byType.flatMap { region, types in types.map { (region, $0.key, $0.value) } }
    }

    var disposalRows: [(region: RegionCode, type: DisposalType, alarms: Int, disposed: Int)] {
        byDisposal.flatMap { region, types in
            let total = types.values.reduce(0, +)
            return types.map { (region, $0.key, $0.value, total) }
        }
    }
}
