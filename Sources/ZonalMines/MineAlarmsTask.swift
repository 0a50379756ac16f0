import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// The mine domain's parameters (CONTRACT §7 "General").
enum MineParams {
    static let overdueHours = NumberParam("overdue_hours", min: 0, max: 8_760, default: 24,
                                          "an alarm not disposed within this many hours of its time is overdue (督办)")
    static let asOf = TimeParam("as_of", "the moment overdue alarms and ages are measured at (default: the latest time in the data)")
}

/// `mine_alarms` (电子封条报警): alarms from the AI reports and heartbeats,
/// with their evidence and disposal, overdue at as_of; statistics per region
/// and type; camera online rates; and what the seed's §6 asks of a
/// supervisor: the open-alarm worklist, disposal types and each mine's state.
public struct MineAlarmsTask: ZonalTask {
    public init() {}
    public let name = "mine_alarms"
    public let summary = "alarms from seed 004 AI reports (production at mines that may not produce, persons/trucks over thresholds, occlusion, moved camera, empty dispatch room) and camera outages over 10 min; disposals, overdue at as_of, statistics per county/city/province, camera online rates, the open-alarm worklist and mine status"
    public let inputs = ["mines", "mine_reports"]
    public let optionalInputs = ["mine_videos", "alarm_disposals", "districts"]
    public var params: [ParamSpec] { [MineParams.overdueHours.spec, MineParams.asOf.spec] }
    public let rules = [
        RuleNote("production", "01, 02, or 03 with beltStatus 0001/0002, at a mine whose status is not 生产 or 建设, raises an alarm"),
        RuleNote("threshold", "01 with inWellNumber > person_threshold, 02 with outMineNumber > truck_threshold (strictly; empty = no threshold)"),
        RuleNote("camera", "every 04 (occlusion), 05 (moved) and 06 (dispatch room empty) raises an alarm"),
        RuleNote("offline", "a gap of more than 10 min between a camera's alarm:1 heartbeats is one offline alarm (exactly 10 min is not); time = the last heartbeat before it"),
        RuleNote("overdue", "not disposed by time + overdue_hours (at the deadline is on time) and as_of is past the deadline"),
        RuleNote("camera_online", "expected = 5-minute clock slots from the first to the last heartbeat inclusive; online = slots with an alarm:1 heartbeat"),
        RuleNote("regions", "county (region_code), city (first 4 digits + 00), province (first 2 + 0000); a city code has no county row"),
        RuleNote("durations", "disposed_at - time in minutes, 2 places half away from zero; median of an even count = mean of the middle two; p90 = nearest rank ceil(0.9 n)"),
    ]

    static let alarms = ReportSpec("mine_alarms", columns: [
        ReportColumn("alarm_id", .text, zh: "报警编号"), ReportColumn("mine_id", .text, zh: "煤矿编码"), ReportColumn("camera_id", .text, zh: "摄像头编码"),
        ReportColumn("ai_type_code", .text, zh: "分析类型编码"), ReportColumn("alarm_type", .text, zh: "报警类型"), ReportColumn("time", .time, zh: "报警时间"),
        ReportColumn("count", .text, zh: "人数/车数/状态"), ReportColumn("disposal_type", .text, zh: "处置类型"), ReportColumn("disposed_at", .time, zh: "处置时间"),
        ReportColumn("duration_min", .decimal(places: 2), zh: "处置时长(分钟)"), ReportColumn("overdue", .bool, zh: "超期"),
        ReportColumn("mine_name", .text, zh: "煤矿名称"), ReportColumn("region_code", .text, zh: "行政区划"), ReportColumn("department", .text, zh: "主管部门"),
        ReportColumn("reason", .text, zh: "报警原因"), ReportColumn("until", .time, zh: "恢复在线"), ReportColumn("deadline", .time, zh: "处置期限"),
        ReportColumn("evidence", .text, zh: "证据视频"), ReportColumn("disposal_department", .text, zh: "处置单位"), ReportColumn("disposal_note", .text, zh: "处置说明"),
    ], geometry: .point, problem: { $0[10] == .bool(true) && $0[7] == .empty })
    static let stats = ReportSpec("alarm_stats", columns: [
        ReportColumn("region_code", .text, zh: "行政区划"), ReportColumn("alarm_type", .text, zh: "报警类型"), ReportColumn("alarms", .integer, zh: "报警数"),
        ReportColumn("disposed", .integer, zh: "处置数"), ReportColumn("disposal_rate", .decimal(places: 4), zh: "处置率"),
        ReportColumn("avg_duration_min", .decimal(places: 2), zh: "平均处置时长(分钟)"), ReportColumn("min_duration_min", .decimal(places: 2), zh: "最短处置时长(分钟)"),
        ReportColumn("max_duration_min", .decimal(places: 2), zh: "最长处置时长(分钟)"), ReportColumn("overdue", .integer, zh: "超期数"),
        ReportColumn("level", .text, zh: "级别"), ReportColumn("region_name", .text, zh: "区划名称"), ReportColumn("open", .integer, zh: "未处置"),
        ReportColumn("median_duration_min", .decimal(places: 2), zh: "处置时长中位数(分钟)"), ReportColumn("p90_duration_min", .decimal(places: 2), zh: "处置时长90分位(分钟)"),
    ], sortBy: ["region_code", "alarm_type"], key: ["region_code", "alarm_type"])
    static let cameras = ReportSpec("camera_online", columns: [
        ReportColumn("mine_id", .text, zh: "煤矿编码"), ReportColumn("camera_id", .text, zh: "摄像头编码"), ReportColumn("expected", .integer, zh: "应在线时段"),
        ReportColumn("online", .integer, zh: "在线时段"), ReportColumn("online_rate", .decimal(places: 4), zh: "在线率"),
        ReportColumn("position", .text, zh: "安装位置"), ReportColumn("first_heartbeat", .time, zh: "首次心跳"), ReportColumn("last_heartbeat", .time, zh: "最后心跳"),
        ReportColumn("outages", .integer, zh: "离线次数"), ReportColumn("offline_min", .decimal(places: 2), zh: "离线时长(分钟)"),
        ReportColumn("offline_reports", .integer, zh: "离线上报次数"),
    ], sortBy: ["mine_id", "camera_id"], key: ["mine_id", "camera_id"], problem: { ($0[8].display != "0") })
    static let worklist = ReportSpec("alarm_worklist", columns: [
        ReportColumn("time", .time, zh: "报警时间"), ReportColumn("alarm_id", .text, zh: "报警编号"), ReportColumn("alarm_type", .text, zh: "报警类型"),
        ReportColumn("mine_id", .text, zh: "煤矿编码"), ReportColumn("mine_name", .text, zh: "煤矿名称"), ReportColumn("region_code", .text, zh: "行政区划"),
        ReportColumn("region_name", .text, zh: "区划名称"), ReportColumn("department", .text, zh: "主管部门"), ReportColumn("age_h", .decimal(places: 2), zh: "已过(小时)"),
        ReportColumn("deadline", .time, zh: "处置期限"), ReportColumn("overdue", .bool, zh: "待督办"), ReportColumn("reason", .text, zh: "报警原因"),
        ReportColumn("evidence", .text, zh: "证据视频"),
    ], sortBy: ["time", "alarm_id"], key: ["alarm_id"], problem: { $0[10] == .bool(true) })
    static let disposalTypes = ReportSpec("disposal_types", columns: [
        ReportColumn("region_code", .text, zh: "行政区划"), ReportColumn("disposal_type", .text, zh: "处置类型"), ReportColumn("alarms", .integer, zh: "报警数"),
        ReportColumn("share", .decimal(places: 4), zh: "占比"), ReportColumn("level", .text, zh: "级别"), ReportColumn("region_name", .text, zh: "区划名称"),
    ], sortBy: ["region_code", "disposal_type"], key: ["region_code", "disposal_type"])
    static let mineStatus = ReportSpec("mine_status", columns: [
        ReportColumn("mine_id", .text, zh: "煤矿编码"), ReportColumn("name", .text, zh: "煤矿名称"), ReportColumn("region_code", .text, zh: "行政区划"),
        ReportColumn("department", .text, zh: "主管部门"), ReportColumn("status", .text, zh: "矿井状态"), ReportColumn("cameras", .integer, zh: "摄像头数"),
        ReportColumn("cameras_online_now", .integer, zh: "当前在线摄像头"), ReportColumn("online_rate", .decimal(places: 4), zh: "在线率"),
        ReportColumn("open_alarms", .integer, zh: "待处置报警"), ReportColumn("overdue_open", .integer, zh: "待督办报警"),
        ReportColumn("last_heartbeat", .time, zh: "最后心跳"), ReportColumn("online_now", .bool, zh: "当前在线"), ReportColumn("live_url", .text, zh: "实时视频地址"),
    ], geometry: .point, problem: { $0[9].display != "0" || $0[11] == .bool(false) })
    public var reports: [ReportSpec] { [Self.alarms, Self.stats, Self.cameras, Self.worklist, Self.disposalTypes, Self.mineStatus] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let repo = MineRepository(store: ctx.store)
        let clock = ctx.job.times
        let mines = try repo.mines()
        let mineById = Dictionary(mines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let raised = try repo.alarms(), disposals = try repo.disposals(), videos = try repo.videos()
        let cameras = try repo.cameras(), names = try repo.regionNames()
        let latest = try repo.latestTime()
        let asOf = ctx.params[MineParams.asOf] ?? latest ?? 0
        let handling = AlarmClock(asOf: asOf, overdueHours: ctx.params[MineParams.overdueHours])
        let handled = raised.compactMap { a in
            mineById[a.mineId].map { handling.handle(a, mine: $0, disposal: disposals[a.id], evidence: videos[a.id] ?? []) }
        }
        func t(_ ms: Int64?) -> Cell { ms.map { .text(clock.format($0)) } ?? .empty }
        func s(_ v: String?) -> Cell { v.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }
        func point(_ m: Mine) -> Shape { .point(Coordinate(m.lon, m.lat)) }

        // mine_alarms
        let alarmRows = handled.map { h -> ReportRow in
            let a = h.alarm
            return ReportRow([.text(a.id), .text(a.mineId), .text(a.cameraId), a.type == .offline ? .empty : .text(a.type.idCode), .text(a.type.rawValue),
                              t(a.time), s(a.count), s(h.disposal?.type.rawValue), t(h.disposal?.at),
                              h.durationMs.map(DecimalFormat.minutes(milliseconds:)) ?? .empty, .bool(h.overdue),
                              .text(h.mine.name), .text(h.mine.regionCode), .text(h.mine.department), .text(a.reason), t(a.until), t(h.deadline),
                              s(h.evidence.joined(separator: "; ")), s(h.disposal?.department), s(h.disposal?.note)], shape: point(h.mine))
        }

        // alarm_stats and disposal_types
        let statistics = AlarmStatistics(handled)
        let statsRows = statistics.statsRows.map { r -> ReportRow in
            let d = DurationSummary(r.group.durations)
            return ReportRow([.text(r.region.code), .text(r.type), .integer(Int64(r.group.alarms)), .integer(Int64(r.group.disposed)),
                              DecimalFormat.ratio(Int64(r.group.disposed), Int64(r.group.alarms)), d.avg, d.min, d.max, .integer(Int64(r.group.overdue)),
                              .text(r.region.level.rawValue), s(names[r.region.code]), .integer(Int64(r.group.alarms - r.group.disposed)), d.median, d.p90])
        }
        let disposalRows = statistics.disposalRows.map { r in
            ReportRow([.text(r.region.code), .text(r.type.rawValue), .integer(Int64(r.alarms)), DecimalFormat.ratio(Int64(r.alarms), Int64(r.disposed)),
                       .text(r.region.level.rawValue), s(names[r.region.code])])
        }

        // camera_online
        var cameraRows: [ReportRow] = []
        var mineSlots: [String: (online: Int, expected: Int)] = [:]
        var onlineNow: [String: Int] = [:], lastHeartbeat: [String: Int64] = [:]
        let outagesByCamera = Dictionary(grouping: handled.filter { $0.alarm.type == .offline }) { $0.alarm.mineId + $0.alarm.cameraId }
        for c in cameras {
            let hb = c.heartbeats
            let expected = hb.expectedSlots(utcOffsetMs: clock.utcOffsetMs(at: hb.first)), online = hb.onlineSlots
            let outages = outagesByCamera[c.mineId + c.cameraId] ?? []
            let offlineMs = outages.reduce(Int64(0)) { $0 + (($1.alarm.until ?? $1.alarm.time) - $1.alarm.time) }
            cameraRows.append(ReportRow([.text(c.mineId), .text(c.cameraId), .integer(Int64(expected)), .integer(Int64(online)),
                                         DecimalFormat.ratio(Int64(online), Int64(expected)), s(CameraPlace(cameraId: c.cameraId)?.name),
                                         t(hb.first), t(hb.last), .integer(Int64(outages.count)), DecimalFormat.minutes(milliseconds: offlineMs),
                                         .integer(Int64(hb.offlineReports))]))
            mineSlots[c.mineId, default: (0, 0)].online += online
            mineSlots[c.mineId, default: (0, 0)].expected += expected
            lastHeartbeat[c.mineId] = max(lastHeartbeat[c.mineId] ?? hb.last, hb.last)
            if hb.isOnline(at: asOf) { onlineNow[c.mineId, default: 0] += 1 }
        }

        // alarm_worklist
        let worklistRows = handled.filter(\.isOpen).map { h -> ReportRow in
            ReportRow([t(h.alarm.time), .text(h.alarm.id), .text(h.alarm.type.rawValue), .text(h.mine.id), .text(h.mine.name), .text(h.mine.regionCode),
                       s(names[h.mine.regionCode]), .text(h.mine.department), DecimalFormat.hours(milliseconds: asOf - h.alarm.time), t(h.deadline),
                       .bool(h.overdue), .text(h.alarm.reason), s(h.evidence.joined(separator: "; "))])
        }

        // mine_status
        let reporting = try repo.reportingCameras(), live = try repo.liveUrls()
        let heartbeatCameras = Dictionary(grouping: cameras, by: \.mineId).mapValues { Set($0.map(\.cameraId)) }
        let openByMine = Dictionary(grouping: handled.filter(\.isOpen), by: \.mine.id)
        let statusRows = mines.map { m -> ReportRow in
            let camerasSeen = (reporting[m.id] ?? []).union(heartbeatCameras[m.id] ?? [])
            let open = openByMine[m.id] ?? []
            let slots = mineSlots[m.id]
            let now = onlineNow[m.id] ?? 0
            return ReportRow([.text(m.id), .text(m.name), .text(m.regionCode), .text(m.department), .text(m.status.rawValue),
                              .integer(Int64(camerasSeen.count)), .integer(Int64(now)),
                              slots.map { DecimalFormat.ratio(Int64($0.online), Int64($0.expected)) } ?? .empty,
                              .integer(Int64(open.count)), .integer(Int64(open.filter(\.overdue).count)), t(lastHeartbeat[m.id]),
                              .bool(now > 0), s(live[m.id])], shape: point(m))
        }

        // What the supervisor should know that is not a row.
        let silent = reporting.flatMap { mine, cams in cams.subtracting(heartbeatCameras[mine] ?? []).map { (mine, $0) } }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        if !silent.isEmpty {
            ctx.warnings.append(Warning(file: "mine_reports", reason: "\(silent.count) cameras sent AI reports but no heartbeat, so they have no camera_online row: "
                                        + silent.prefix(10).map { "\($0.0) camera \($0.1)" }.joined(separator: ", ") + (silent.count > 10 ? ", …" : "")))
        }
        let unmatched = Set(videos.keys).subtracting(raised.map(\.id))
        if !unmatched.isEmpty {
            ctx.warnings.append(Warning(file: "mine_videos", reason: "\(videos.filter { unmatched.contains($0.key) }.values.reduce(0) { $0 + $1.count }) evidence videos match no alarm (their report raised none, or it is not in mine_reports)"))
        }
        if let latest, latest > asOf {
            let later = handled.filter { $0.alarm.time > asOf }.count + disposals.values.filter { $0.at > asOf }.count
            ctx.warnings.append(Warning(file: "params.as_of", reason: "as_of \(clock.format(asOf)) is before the latest time in the data (\(clock.format(latest))); \(later) alarms and disposals after it are reported as given, ages and overdue are measured at as_of"))
        }

        try ctx.write(Self.alarms, rows: alarmRows)
        try ctx.write(Self.stats, rows: statsRows)
        try ctx.write(Self.cameras, rows: cameraRows)
        try ctx.write(Self.worklist, rows: worklistRows)
        try ctx.write(Self.disposalTypes, rows: disposalRows)
        try ctx.write(Self.mineStatus, rows: statusRows)
        let open = handled.filter(\.isOpen).count, overdueOpen = handled.filter { $0.isOpen && $0.overdue }.count
        return TaskResult(reportRows: [Self.alarms.name: alarmRows.count, Self.stats.name: statsRows.count, Self.cameras.name: cameraRows.count,
                                       Self.worklist.name: worklistRows.count, Self.disposalTypes.name: disposalRows.count, Self.mineStatus.name: statusRows.count],
                          message: "\(handled.count) alarms at \(Set(handled.map(\.mine.id)).count) mines, \(open) open (\(overdueOpen) overdue) as of \(clock.format(asOf))")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] {
        try MinePresentation.sections(ctx)
    }
}
