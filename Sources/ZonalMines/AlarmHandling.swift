import ZonalCore

/// An alarm with how it was handled, seen at `as_of` (报警处置).
struct HandledAlarm: Sendable {
    var alarm: RaisedAlarm
    var mine: Mine
    var disposal: Disposal?
    /// time + overdue_hours.
    var deadline: Int64
    /// Not disposed by the deadline, and the deadline has passed at as_of (待督办 when still open).
    var overdue: Bool
    /// Evidence video names matching the alarm id, in name order.
    var evidence: [String]

    var durationMs: Int64? { disposal.map { $0.at - alarm.time } }
    var isOpen: Bool { disposal == nil }
}

/// The clock of alarm handling: deadlines and overdue (CONTRACT §7 "Mines").
struct AlarmClock: Sendable {
    /// The moment the reports describe (params.as_of).
    var asOf: Int64
    /// params.overdue_hours in milliseconds.
    var allowedMs: Int64

    init(asOf: Int64, overdueHours: Double) {
        self.asOf = asOf
        allowedMs = Int64((overdueHours * 3_600_000).rounded())
    }

    func deadline(_ time: Int64) -> Int64 { time + allowedMs }

    /// Overdue when not disposed by the deadline (a disposal exactly at it is
    /// on time) and as_of is past the deadline (at the deadline it is not yet).
    func overdue(time: Int64, disposedAt: Int64?) -> Bool {
        let d = deadline(time)
        if let at = disposedAt, at <= d { return false }
        return asOf > d
    }

    func handle(_ a: RaisedAlarm, mine: Mine, disposal: Disposal?, evidence: [String]) -> HandledAlarm {
        HandledAlarm(alarm: a, mine: mine, disposal: disposal, deadline: deadline(a.time),
                     overdue: overdue(time: a.time, disposedAt: disposal?.at), evidence: evidence)
    }
}
