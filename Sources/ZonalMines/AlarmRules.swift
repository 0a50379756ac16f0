import ZonalCore
import ZonalIO

/// A mine as `mines` lists it (煤矿基本信息).
struct Mine: Equatable, Sendable {
    var id: String
    var name: String
    var regionCode: String
    var department: String
    var status: MineStatus
    var lon: Double
    var lat: Double
    /// 入井人数 / 出矿车数 thresholds set by the county (seed §6 默认参数设置); nil: none.
    var personThreshold: Int?
    var truckThreshold: Int?
}

/// An alarm as the reports raise it, before anyone handles it.
struct RaisedAlarm: Equatable, Sendable {
    var id: String
    var mineId: String
    var cameraId: String
    var type: AlarmType
    /// Epoch ms: the report's time, or for an outage the last online heartbeat before it.
    var time: Int64
    /// The count (01/02) or belt code (03), as report columns show it.
    var count: String?
    /// Every rule the report matched, for the supervisor.
    var reason: String
    /// An outage's end: the first online heartbeat after it.
    var until: Int64?
    /// The body's line in mine_reports (nil for an outage).
    var line: Int?
}

/// The rules that raise alarms (CONTRACT §4 and §7 "Mines").
enum AlarmRules {
    /// The reasons an AI report raises an alarm at its mine; empty when it raises none.
    /// 1. production (01, 02, or 03 with the belt running) at a mine that may not produce;
    /// 2. 01 above person_threshold, 02 above truck_threshold (strictly; no threshold, no alarm);
    /// 3. every 04, 05 and 06.
    static func reasons(_ r: AIReport, at mine: Mine) -> [String] {
        var why: [String] = []
        let producing: Bool
        switch r.type {
        case .persons, .trucks: producing = true
        case .belt: producing = r.belt?.running ?? false
        case .occlusion, .moved, .dispatchRoomEmpty: producing = false
        }
        if producing && !mine.status.mayProduce {
            let what: String
            switch r.type {
            case .persons: what = "\(r.count ?? 0) persons entering the shaft"
            case .trucks: what = "\(r.count ?? 0) trucks leaving"
            default: what = r.belt == .runningWithCoal ? "belt running with coal" : "belt running empty"
            }
            why.append("\(what) at a mine that is \(mine.status.rawValue)")
        }
        if r.type == .persons, let limit = mine.personThreshold, let n = r.count, n > limit {
            why.append("\(n) persons > threshold \(limit)")
        }
        if r.type == .trucks, let limit = mine.truckThreshold, let n = r.count, n > limit {
            why.append("\(n) trucks > threshold \(limit)")
        }
        switch r.type {
        case .occlusion: why.append("camera occluded")
        case .moved: why.append("camera moved")
        case .dispatchRoomEmpty: why.append("dispatch room empty for 3 minutes")
        default: break
        }
        return why
    }

    /// The alarm a report raises, or nil.
    static func alarm(_ r: AIReport, at mine: Mine, line: Int?, clock: TimeParser) -> RaisedAlarm? {
        let why = reasons(r, at: mine)
        guard !why.isEmpty else { return nil }
        return RaisedAlarm(id: r.alarmId(clock), mineId: r.mineId, cameraId: r.cameraId, type: r.type.alarmType, time: r.time,
                           count: r.countText, reason: why.joined(separator: "; "), until: nil, line: line)
    }

    /// One `offline` alarm per outage of a camera.
    static func outages(_ hb: CameraHeartbeats, mineId: String, cameraId: String, clock: TimeParser) -> [RaisedAlarm] {
        hb.outages.map { gap in
            RaisedAlarm(id: AlarmId.make(mineId, cameraId, AlarmType.offline.idCode, gap.from, clock), mineId: mineId, cameraId: cameraId,
                        type: .offline, time: gap.from, count: nil,
                        reason: "no online heartbeat for \(DecimalFormat.minutes(milliseconds: gap.to - gap.from).display) min",
                        until: gap.to, line: nil)
        }
    }
}
