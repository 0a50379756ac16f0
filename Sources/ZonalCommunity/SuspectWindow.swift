import ZonalCore

/// The window of seed 001 B.8/B.9 (疑似未登记住户 / 疑似本小区车辆): the 30
/// days ending at `as_of`, as_of − 30 days < t ≤ as_of. An entry exactly 30
/// days before as_of is out (the window is 30 × 24 h long, not 30 days and a
/// moment); one exactly at as_of is in.
struct SuspectWindow: Sendable {
    static let days: Int64 = 30
    let asOf: Int64
    /// Entries needed to be listed (`resident_entries_30d`).
    let threshold: Int

    var start: Int64 { asOf - Self.days * 86_400_000 }
    func contains(_ t: Int64) -> Bool { t > start && t <= asOf }

    /// A stranger's standing at as_of.
    struct Standing: Equatable, Sendable {
        /// The first entry at or before as_of (it may be before the window).
        var firstSeen: Int64
        var entries: Int
        /// The last entry in the window.
        var lastSeen: Int64
        /// Local dates with entries in the window.
        var days: Int
    }

    /// The standing of one stranger whose entries (ascending) are `times`;
    /// nil when fewer than `threshold` fall in the window.
    func standing(_ times: [Int64], clock: TimeParser) -> Standing? {
        guard let first = times.first, first <= asOf else { return nil }
        var entries = 0, last = Int64.min
        var dates = Set<Int64>()
        for t in times where contains(t) {
            entries += 1
            last = max(last, t)
            dates.insert((t + clock.utcOffsetMs(at: t)).floorDiv(86_400_000))
        }
        guard entries >= threshold, entries > 0 else { return nil }
        return Standing(firstSeen: first, entries: entries, lastSeen: last, days: dates.count)
    }
}
