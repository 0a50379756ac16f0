import ZonalCore
import ZonalStore

/// A disposal that stands (the latest of its alarm).
struct Disposal: Equatable, Sendable {
    var alarmId: String
    var at: Int64
    var type: DisposalType
    var department: String
    var note: String
}

/// A camera's heartbeats as the store keeps them.
struct StoredCamera: Equatable, Sendable {
    var mineId: String
    var cameraId: String
    var heartbeats: CameraHeartbeats
}

/// Everything the mine tasks read from the store. All mine SQL lives here.
struct MineRepository {
    let store: Store

    func mines() throws -> [Mine] {
        guard try store.exists(MinesLoader.table.name) else { return [] }
        return try store.query("SELECT mine_id, name, region_code, department, status, lon, lat, person_threshold, truck_threshold FROM mines ORDER BY mine_id").map { r in
            Mine(id: r[0].text ?? "", name: r[1].text ?? "", regionCode: r[2].text ?? "", department: r[3].text ?? "",
                 status: MineStatus(rawValue: r[4].text ?? "") ?? .closed, lon: r[5].double ?? 0, lat: r[6].double ?? 0,
                 personThreshold: r[7].int.map(Int.init), truckThreshold: r[8].int.map(Int.init))
        }
    }

    /// Raised alarms by id → time, for checking disposals.
    func alarmTimes() throws -> [String: Int64] {
        guard try store.exists(MineTables.alarms.name) else { return [:] }
        var out: [String: Int64] = [:]
        try store.forEachRow("SELECT alarm_id, time_ms FROM mine_alarm_events") { r in out[r[0].text ?? ""] = r[1].int ?? 0 }
        return out
    }

    func alarms() throws -> [RaisedAlarm] {
        guard try store.exists(MineTables.alarms.name) else { return [] }
        return try store.query("SELECT alarm_id, mine_id, camera_id, alarm_type, time_ms, count, reason, until_ms, line FROM mine_alarm_events ORDER BY alarm_id").map { r in
            RaisedAlarm(id: r[0].text ?? "", mineId: r[1].text ?? "", cameraId: r[2].text ?? "", type: AlarmType(rawValue: r[3].text ?? "") ?? .offline,
                        time: r[4].int ?? 0, count: r[5].text, reason: r[6].text ?? "", until: r[7].int, line: r[8].int.map(Int.init))
        }
    }

    /// The disposal standing for each alarm.
    func disposals() throws -> [String: Disposal] {
        guard try store.exists(AlarmDisposalsLoader.table.name) else { return [:] }
        var out: [String: Disposal] = [:]
        try store.forEachRow("SELECT alarm_id, disposed_at_ms, disposal_type, department, note FROM alarm_disposals WHERE replaced = 0") { r in
            let id = r[0].text ?? ""
            out[id] = Disposal(alarmId: id, at: r[1].int ?? 0, type: DisposalType(rawValue: r[2].text ?? "") ?? .other,
                               department: r[3].text ?? "", note: r[4].text ?? "")
        }
        return out
    }

    /// Evidence video names by alarm id, each list in name order.
    func videos() throws -> [String: [String]] {
        guard try store.exists(MineTables.videos.name) else { return [:] }
        var out: [String: [String]] = [:]
        try store.forEachRow("SELECT alarm_id, name FROM mine_videos ORDER BY name") { r in out[r[0].text ?? "", default: []].append(r[1].text ?? "") }
        return out
    }

    /// Every camera with heartbeats, by mine and camera, with its online runs.
    func cameras() throws -> [StoredCamera] {
        guard try store.exists(MineTables.cameras.name) else { return [] }
        var runs: [String: [OnlineRun]] = [:]
        try store.forEachRow("SELECT mine_id, camera_id, first_ms, last_ms, heartbeats, slots FROM mine_online_runs ORDER BY mine_id, camera_id, first_ms") { r in
            runs[(r[0].text ?? "") + (r[1].text ?? ""), default: []].append(
                OnlineRun(first: r[2].int ?? 0, last: r[3].int ?? 0, heartbeats: Int(r[4].int ?? 0), slots: Int(r[5].int ?? 0)))
        }
        return try store.query("SELECT mine_id, camera_id, first_ms, last_ms, heartbeats, offline_reports FROM mine_cameras ORDER BY mine_id, camera_id").map { r in
            let mine = r[0].text ?? "", camera = r[1].text ?? ""
            return StoredCamera(mineId: mine, cameraId: camera, heartbeats: CameraHeartbeats(
                first: r[2].int ?? 0, last: r[3].int ?? 0, heartbeats: Int(r[4].int ?? 0), offlineReports: Int(r[5].int ?? 0), runs: runs[mine + camera] ?? []))
        }
    }

    /// Cameras that sent AI reports or live addresses, by mine.
    func reportingCameras() throws -> [String: Set<String>] {
        guard try store.exists(MineTables.reports.name) else { return [:] }
        var out: [String: Set<String>] = [:]
        try store.forEachRow("SELECT DISTINCT mine_id, camera_id FROM mine_reports") { r in out[r[0].text ?? "", default: []].insert(r[1].text ?? "") }
        return out
    }

    /// Each mine's latest live address (带标记实时播放地址).
    func liveUrls() throws -> [String: String] {
        guard try store.exists(MineTables.reports.name) else { return [:] }
        var out: [String: String] = [:]
        try store.forEachRow("SELECT mine_id, live_url FROM mine_reports WHERE kind = 'live' ORDER BY mine_id, time_ms, line") { r in out[r[0].text ?? ""] = r[1].text }
        return out
    }

    /// The latest time in reports, heartbeats, videos and disposals: the default as_of.
    func latestTime() throws -> Int64? {
        var latest: Int64? = nil
        for (table, column) in [(MineTables.reports.name, "time_ms"), (MineTables.cameras.name, "last_ms"), (MineTables.videos.name, "time_ms"),
                                (AlarmDisposalsLoader.table.name, "disposed_at_ms")] where try store.exists(table) {
            if let t = try store.query("SELECT max(\(column)) FROM \(table)").first?[0].int { latest = max(latest ?? t, t) }
        }
        return latest
    }

    /// Names of regions the job's `districts` input holds, by adcode.
    func regionNames() throws -> [String: String] {
        guard try store.exists("districts") else { return [:] }
        var out: [String: String] = [:]
        try store.forEachRow("SELECT adcode, name FROM districts") { r in out[r[0].text ?? ""] = r[1].text ?? "" }
        return out
    }
}
