import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// The store tables of the mine domain.
enum MineTables {
    static let reports = TableSchema(name: "mine_reports", columns: [
        TableColumn("file", .text), TableColumn("line", .integer), TableColumn("kind", .text), TableColumn("mine_id", .text),
        TableColumn("camera_id", .text), TableColumn("ai_type_code", .text), TableColumn("value", .text), TableColumn("live_url", .text),
        TableColumn("time", .text), TableColumn("time_ms", .integer),
    ])
    /// One row per camera with heartbeats: first and last (either value), distinct heartbeats, `alarm: 0` ones.
    static let cameras = TableSchema(name: "mine_cameras", columns: [
        TableColumn("mine_id", .text), TableColumn("camera_id", .text), TableColumn("first_heartbeat", .text), TableColumn("first_ms", .integer),
        TableColumn("last_heartbeat", .text), TableColumn("last_ms", .integer), TableColumn("heartbeats", .integer), TableColumn("offline_reports", .integer),
    ])
    /// A camera's `alarm: 1` heartbeats as runs with no gap over 10 minutes (see `OnlineRun`).
    static let runs = TableSchema(name: "mine_online_runs", columns: [
        TableColumn("mine_id", .text), TableColumn("camera_id", .text), TableColumn("first_time", .text), TableColumn("first_ms", .integer),
        TableColumn("last_time", .text), TableColumn("last_ms", .integer), TableColumn("heartbeats", .integer), TableColumn("slots", .integer),
    ])
    /// Every alarm the reports raise (报警), before handling: disposals refer to these ids.
    static let alarms = TableSchema(name: "mine_alarm_events", columns: [
        TableColumn("alarm_id", .text), TableColumn("mine_id", .text), TableColumn("camera_id", .text), TableColumn("alarm_type", .text),
        TableColumn("time", .text), TableColumn("time_ms", .integer), TableColumn("count", .text), TableColumn("reason", .text),
        TableColumn("until", .text), TableColumn("until_ms", .integer), TableColumn("line", .integer),
    ])
    static let videos = TableSchema(name: "mine_videos", columns: [
        TableColumn("file", .text), TableColumn("line", .integer), TableColumn("name", .text), TableColumn("alarm_id", .text),
        TableColumn("mine_id", .text), TableColumn("camera_id", .text), TableColumn("ai_type_code", .text), TableColumn("count", .text),
        TableColumn("time", .text), TableColumn("time_ms", .integer),
    ])
}

/// `mines`: the mines under supervision (CONTRACT §3.6), with their place
/// as a point. A mine_id listed twice is a reject; the first row stands.
struct MinesLoader: DatasetLoader {
    static let fields = [
        FieldSpec("mine_id", .digits(12)), FieldSpec("name", .text), FieldSpec("region_code", .digits(6)), FieldSpec("department", .text),
        FieldSpec("status", .oneOf(MineStatus.allCases.map(\.rawValue))),
        FieldSpec("lon", .number(min: -180, max: 180)), FieldSpec("lat", .number(min: -90, max: 90)),
        FieldSpec("person_threshold", .integer(min: 0, max: nil), required: false),
        FieldSpec("truck_threshold", .integer(min: 0, max: nil), required: false),
    ]
    static let table = TableSchema(name: "mines", columns: CSVTableLoader(fields).columns, geometry: .point)

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let loader = CSVTableLoader(Self.fields)
        var rows: [[SQLValue]] = []
        var outcome = try loader.load(path: input.url.path, shown: input.written, times: ctx.times, progress: ctx.progress) { rows += $0 }
        let lineAt = loader.position(of: "line"), idAt = loader.position(of: "mine_id")
        let lonAt = loader.position(of: "lon"), latAt = loader.position(of: "lat")
        var seen: [String: Int64] = [:]
        var kept = 0
        let (_, replaced) = try ctx.store.replaceRows(Self.table) { ins in
            for r in rows {
                let id = r[idAt].text ?? "", line = r[lineAt].int ?? 0
                if let first = seen[id] {
                    outcome.rejects.append(Reject(file: input.written, line: Int(line), field: "mine_id", reason: "mine \(id) is also on line \(first); each mine is listed once"))
                    continue
                }
                seen[id] = line
                try ins.insert(r, shape: .point(Coordinate(r[lonAt].double ?? 0, r[latAt].double ?? 0)))
                kept += 1
            }
        }
        outcome.rejects.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        return LoadResult(rows: kept, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows, rejects: outcome.rejects.count, encoding: "UTF-8")],
                          rejects: outcome.rejects)
    }
}

/// `mine_reports`: the request bodies of seed 004 §5.3 as JSON Lines. AI
/// reports and live addresses are kept row by row; heartbeats as each
/// camera's online runs (`mine_cameras`, `mine_online_runs`). The alarms
/// they raise are derived here, once, into `mine_alarm_events`, because
/// disposals name alarms by id and are checked against them as they load.
struct MineReportsLoader: DatasetLoader {
    private struct CameraKey: Hashable { var mine: String; var camera: String }
    private struct ReportKey: Hashable { var mine: String; var camera: String; var type: AITypeCode; var time: Int64 }

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let repo = MineRepository(store: ctx.store)
        let mines = try repo.mines()
        let byId = Dictionary(mines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let clock = ctx.times
        let decoder = MineBodyDecoder(mines: Set(byId.keys), clock: clock)
        let reader = try JSONLinesReader(path: input.url.path, displayName: input.written)
        let file = SQLValue.text(input.written)
        var rejects: [Reject] = [], alarms: [RaisedAlarm] = []
        var seenLines = Set<LineFingerprint>()
        var reportLines: [ReportKey: (line: Int, value: String?)] = [:]
        var cameraIndex: [CameraKey: Int] = [:], cameraKeys: [CameraKey] = [], heartbeats: [[Int64]] = []
        var unused: [String: (line: Int, count: Int)] = [:]
        var lines = 0, duplicates = 0, kept = 0

        let schemas = [MineTables.reports, MineTables.cameras, MineTables.runs, MineTables.alarms]
        let (_, replaced) = try ctx.store.replaceRows(schemas) { ins in
            let reports = ins[0]
            ctx.progress.start("load \(input.written)")
            while let next = try reader.next() {
                lines += 1
                ctx.progress.advance()
                let o: JSONLinesObject
                switch next {
                case .failure(let problem): rejects.append(Reject(problem)); continue
                case .success(let object): o = object
                }
                let body: MineBody
                do throws(BodyProblem) {
                    let decoded = try decoder.decode(o)
                    body = decoded.body
                    for k in decoded.unused { unused[k, default: (o.line, 0)].count += 1 }
                } catch {
                    rejects.append(Reject(file: input.written, line: o.line, field: error.field, reason: error.reason))
                    continue
                }
                switch body {
                case .heartbeat(let mine, let camera, let online, let time):
                    // Equal heartbeats collapse when the camera's are sorted; no fingerprint needed.
                    let key = CameraKey(mine: mine, camera: camera)
                    let index: Int
                    if let i = cameraIndex[key] { index = i } else {
                        index = heartbeats.count
                        cameraIndex[key] = index; cameraKeys.append(key); heartbeats.append([])
                    }
                    heartbeats[index].append(time << 1 | (online ? 1 : 0))
                case .report(let r):
                    guard seenLines.insert(o.fingerprint).inserted else { duplicates += 1; continue }
                    let key = ReportKey(mine: r.mineId, camera: r.cameraId, type: r.type, time: r.time)
                    if let first = reportLines[key] {
                        // The same report written differently (spacing, key order) is a repeat; another value is a conflict.
                        if first.value == r.countText { duplicates += 1; continue }
                        rejects.append(Reject(file: input.written, line: o.line, field: r.type.valueKey ?? "aiTypeCode",
                                              reason: "line \(first.line) already reports type \(r.type.rawValue) of camera \(r.cameraId) at \(clock.format(r.time)) with another value; one report per camera, type and second (its alarm id would be taken twice)"))
                        continue
                    }
                    reportLines[key] = (o.line, r.countText)
                    try reports.insert([file, .integer(Int64(o.line)), .text("ai"), .text(r.mineId), .text(r.cameraId), .text(r.type.rawValue),
                                        r.countText.map(SQLValue.text) ?? .null, .null, .text(clock.format(r.time)), .integer(r.time)])
                    kept += 1
                    if let mine = byId[r.mineId], let alarm = AlarmRules.alarm(r, at: mine, line: o.line, clock: clock) { alarms.append(alarm) }
                case .live(let mine, let camera, let url, let time):
                    guard seenLines.insert(o.fingerprint).inserted else { duplicates += 1; continue }
                    try reports.insert([file, .integer(Int64(o.line)), .text("live"), .text(mine), .text(camera), .null, .null, .text(url),
                                        .text(clock.format(time)), .integer(time)])
                    kept += 1
                }
            }
            ctx.progress.finish()

            // Heartbeats: each camera's runs, and its outages as offline alarms.
            let order = cameraKeys.indices.sorted { (cameraKeys[$0].mine, cameraKeys[$0].camera) < (cameraKeys[$1].mine, cameraKeys[$1].camera) }
            for i in order {
                let key = cameraKeys[i]
                let offset = MineClock.utcOffsetMs(clock, at: heartbeats[i].first.map { $0 >> 1 } ?? 0)
                guard let hb = CameraHeartbeats(packed: &heartbeats[i], utcOffsetMs: offset) else { continue }
                heartbeats[i] = []
                kept += hb.heartbeats
                duplicates += hb.duplicates
                try ins[1].insert([.text(key.mine), .text(key.camera), .text(clock.format(hb.first)), .integer(hb.first),
                                   .text(clock.format(hb.last)), .integer(hb.last), .integer(Int64(hb.heartbeats)), .integer(Int64(hb.offlineReports))])
                for run in hb.runs {
                    try ins[2].insert([.text(key.mine), .text(key.camera), .text(clock.format(run.first)), .integer(run.first),
                                       .text(clock.format(run.last)), .integer(run.last), .integer(Int64(run.heartbeats)), .integer(Int64(run.slots))])
                }
                alarms += AlarmRules.outages(hb, mineId: key.mine, cameraId: key.camera, clock: clock)
            }
            alarms.sort { $0.id < $1.id }
            for a in alarms {
                try ins[3].insert([.text(a.id), .text(a.mineId), .text(a.cameraId), .text(a.type.rawValue), .text(clock.format(a.time)), .integer(a.time),
                                   a.count.map(SQLValue.text) ?? .null, .text(a.reason), a.until.map { .text(clock.format($0)) } ?? .null,
                                   a.until.map(SQLValue.integer) ?? .null, a.line.map { .integer(Int64($0)) } ?? .null])
            }
        }
        var warnings: [Warning] = []
        if duplicates > 0 {
            warnings.append(Warning(file: input.written, reason: "\(duplicates) lines repeat an earlier body (sent twice); each counts once"))
        }
        for (key, u) in unused.sorted(by: { $0.value.line < $1.value.line }) {
            warnings.append(Warning(file: input.written, line: u.line, reason: "key '\(Quote.prefix(key))' is not part of its body in seed 004 §5.3 and is ignored (\(u.count) \(u.count == 1 ? "line" : "lines"), the first here)"))
        }
        return LoadResult(rows: kept, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: lines, rejects: rejects.count, encoding: "UTF-8")],
                          rejects: rejects, warnings: warnings,
                          notes: "\(alarms.count) alarms raised, \(cameraKeys.count) cameras with heartbeats")
    }
}

enum MineClock {
    /// The job zone's offset from UTC at `ms`, so 5-minute slots follow the local clock.
    static func utcOffsetMs(_ clock: TimeParser, at ms: Int64) -> Int64 {
        Int64(clock.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms) / 1000))) * 1000
    }
}
