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
    ], layout: .facts(dayColumn: "time_ms", distributeBy: "mine_id"))
    /// One row per camera with heartbeats: first and last (either value), distinct heartbeats, `alarm: 0` ones.
    static let cameras = TableSchema(name: "mine_cameras", columns: [
        TableColumn("mine_id", .text), TableColumn("camera_id", .text), TableColumn("first_heartbeat", .text), TableColumn("first_ms", .integer),
        TableColumn("last_heartbeat", .text), TableColumn("last_ms", .integer), TableColumn("heartbeats", .integer), TableColumn("offline_reports", .integer),
    ])
    /// A camera's `alarm: 1` heartbeats as runs with no gap over 10 minutes (see `OnlineRun`).
    static let runs = TableSchema(name: "mine_online_runs", columns: [
        TableColumn("mine_id", .text), TableColumn("camera_id", .text), TableColumn("first_time", .text), TableColumn("first_ms", .integer),
        TableColumn("last_time", .text), TableColumn("last_ms", .integer), TableColumn("heartbeats", .integer), TableColumn("slots", .integer),
    ], layout: .facts(dayColumn: "first_ms", distributeBy: "mine_id"))
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
///
/// A province day is millions of heartbeats, so a plain file is read in one
/// part per core (`LineReader.parts`), and a heartbeat of the usual shape is
/// read in place without allocating (`HeartbeatScanner`); every other line
/// goes through the full parser and `MineBodyDecoder`. What depends on line
/// order (repeats, conflicting reports, the rows) is settled afterwards, part
/// by part in file order, so the outcome is the same as one reader's.
struct MineReportsLoader: DatasetLoader {
    private struct ReportKey: Hashable { var mine: String; var camera: String; var type: AITypeCode; var time: Int64 }

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let repo = MineRepository(store: ctx.store)
        let mines = try repo.mines()
        let byId = Dictionary(mines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let clock = ctx.times
        let cameras = CameraIndex(mines: mines)
        let decoder = MineBodyDecoder(mines: Set(byId.keys), clock: clock)
        let path = input.url.path, shown = input.written, progress = ctx.progress
        let ranges: [Range<Int64>?] = LineReader.parts(path: path, count: ProcessInfo.processInfo.activeProcessorCount,
                                                             minimumBytes: TestHooks.partMinimumBytes) ?? [nil]
        progress.start("load \(shown)")
        let parts = try Parallel.slices(ranges.count, minimumPerSlice: 1) { slice in
            try slice.map { k in try ReportsPart.read(path: path, shown: shown, range: ranges[k], cameras: cameras, decoder: decoder, clock: clock, progress: progress) }
        }
        progress.finish()

        // Settle the parts in file order.
        let file = SQLValue.text(input.written)
        var rejects: [Reject] = [], alarms: [RaisedAlarm] = []
        var seenLines = Set<LineFingerprint>()
        var reportLines: [ReportKey: (line: Int, value: String?)] = [:]
        var heartbeats = [[Int64]](repeating: [], count: cameras.count)
        var unused: [String: (line: Int, count: Int)] = [:]
        var lines = 0, duplicates = 0, kept = 0, offset = 0

        let schemas = [MineTables.reports, MineTables.cameras, MineTables.runs, MineTables.alarms]
        let (_, replaced) = try ctx.store.replaceRows(schemas) { ins in
            let reports = ins[0]
            for part in parts {
                lines += part.lines
                for (slot, beats) in part.heartbeats.enumerated() where !beats.isEmpty { heartbeats[slot] += beats }
                for item in part.items {
                    switch item {
                    case .reject(var r):
                        r.line = r.line.map { $0 + offset }
                        rejects.append(r)
                    case .body(let localLine, let fingerprint, let body, let unusedKeys):
                        let line = localLine + offset
                        for k in unusedKeys { unused[k, default: (line, 0)].count += 1 }
                        switch body {
                        case .heartbeat(let mine, let camera, let online, let time):
                            // Equal heartbeats collapse when the camera's are sorted; no fingerprint needed.
                            if let slot = cameras.slot(mineId: mine, cameraId: camera) { heartbeats[slot].append(time << 1 | (online ? 1 : 0)) }
                        case .report(let r):
                            guard seenLines.insert(fingerprint).inserted else { duplicates += 1; continue }
                            let key = ReportKey(mine: r.mineId, camera: r.cameraId, type: r.type, time: r.time)
                            if let first = reportLines[key] {
                                // The same report written differently (spacing, key order) is a repeat; another value is a conflict.
                                if first.value == r.countText { duplicates += 1; continue }
                                rejects.append(Reject(file: input.written, line: line, field: r.type.valueKey ?? "aiTypeCode",
                                                      reason: "line \(first.line) already reports type \(r.type.rawValue) of camera \(r.cameraId) at \(clock.format(r.time)) with another value; one report per camera, type and second (its alarm id would be taken twice)"))
                                continue
                            }
                            reportLines[key] = (line, r.countText)
                            try reports.insert([file, .integer(Int64(line)), .text("ai"), .text(r.mineId), .text(r.cameraId), .text(r.type.rawValue),
                                                r.countText.map(SQLValue.text) ?? .null, .null, .text(clock.format(r.time)), .integer(r.time)])
                            kept += 1
                            if let mine = byId[r.mineId], let alarm = AlarmRules.alarm(r, at: mine, line: line, clock: clock) { alarms.append(alarm) }
                        case .live(let mine, let camera, let url, let time):
                            guard seenLines.insert(fingerprint).inserted else { duplicates += 1; continue }
                            try reports.insert([file, .integer(Int64(line)), .text("live"), .text(mine), .text(camera), .null, .null, .text(url),
                                                .text(clock.format(time)), .integer(time)])
                            kept += 1
                        }
                    }
                }
                offset += part.lineEnds
            }

            // Heartbeats: each camera's runs, and its outages as offline alarms; cameras in id order.
            for slot in 0..<cameras.count where !heartbeats[slot].isEmpty {
                let (mine, camera) = cameras.ids(slot)
                let offset = clock.utcOffsetMs(at: heartbeats[slot][0] >> 1)
                guard let hb = CameraHeartbeats(packed: &heartbeats[slot], utcOffsetMs: offset) else { continue }
                heartbeats[slot] = []
                kept += hb.heartbeats
                duplicates += hb.duplicates
                try ins[1].insert([.text(mine), .text(camera), .text(clock.format(hb.first)), .integer(hb.first),
                                   .text(clock.format(hb.last)), .integer(hb.last), .integer(Int64(hb.heartbeats)), .integer(Int64(hb.offlineReports))])
                for run in hb.runs {
                    try ins[2].insert([.text(mine), .text(camera), .text(clock.format(run.first)), .integer(run.first),
                                       .text(clock.format(run.last)), .integer(run.last), .integer(Int64(run.heartbeats)), .integer(Int64(run.slots))])
                }
                alarms += AlarmRules.outages(hb, mineId: mine, cameraId: camera, clock: clock)
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
                          notes: "\(alarms.count) alarms raised" + (parts.count > 1 ? "; read in \(parts.count) parts in parallel" : ""))
    }
}

/// Mines and cameras as small integers, so a heartbeat's camera is found
/// without hashing strings: slot = mine's position × 100 + camera code.
struct CameraIndex: Sendable {
    private let mineIds: [String]
    private let position: [Int64: Int]
    init(mines: [Mine]) {
        mineIds = mines.map(\.id)
        position = Dictionary(mines.enumerated().map { (Int64($0.element.id)!, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }
    var count: Int { mineIds.count * 100 }

    func slot(mine: Int64, camera: Int) -> Int? { position[mine].map { $0 * 100 + camera } }
    func slot(mineId: String, cameraId: String) -> Int? {
        guard let m = Int64(mineId), let c = Int(cameraId) else { return nil }
        return slot(mine: m, camera: c)
    }
    /// The mine and camera codes of a slot.
    func ids(_ slot: Int) -> (String, String) {
        let c = slot % 100
        return (mineIds[slot / 100], c < 10 ? "0\(c)" : "\(c)")
    }
}

/// One part of mine_reports read on one core: heartbeats by camera slot, and
/// every other line (bodies and rejects) in order, with part-local line numbers.
struct ReportsPart: Sendable {
    enum Item: Sendable {
        case reject(Reject)
        case body(line: Int, fingerprint: LineFingerprint, body: MineBody, unused: [String])
    }
    var heartbeats: [[Int64]]
    var items: [Item] = []
    /// Non-blank lines read, and line ends (to number the next part's lines).
    var lines = 0
    var lineEnds = 0

    static func read(path: String, shown: String, range: Range<Int64>?, cameras: CameraIndex, decoder: MineBodyDecoder,
                     clock: TimeParser, progress: ProgressDisplay) throws -> ReportsPart {
        let reader = try range.map { try JSONLinesReader(path: path, displayName: shown, range: $0) } ?? JSONLinesReader(path: path, displayName: shown)
        var part = ReportsPart(heartbeats: [[Int64]](repeating: [], count: cameras.count))
        let scanner = HeartbeatScanner(reader: reader, cameras: cameras, clock: clock)
        var pending = 0
        var beats = part.heartbeats
        part.heartbeats = []
        while let next = try reader.nextRaw({ o in
            guard let beat = scanner.read(o) else { return false }
            beats[beat.slot].append(beat.packed)
            return true
        }) {
            part.lines += 1
            pending += 1
            if pending == 8192 { progress.advance(by: pending); pending = 0 }
            switch next {
            case .visited:
                break
            case .parsed(.failure(let problem)):
                part.items.append(.reject(Reject(problem)))
            case .parsed(.success(let o)):
                do throws(BodyProblem) {
                    let decoded = try decoder.decode(o)
                    part.items.append(.body(line: o.line, fingerprint: o.fingerprint, body: decoded.body, unused: decoded.unused))
                } catch {
                    part.items.append(.reject(Reject(file: shown, line: o.line, field: error.field, reason: error.reason)))
                }
            }
        }
        progress.advance(by: pending)
        part.heartbeats = beats
        part.lineEnds = reader.lineEndsRead
        return part
    }
}

/// Reads the usual heartbeat, `{"mineId":"…","cameraId":"10","alarm":1,"time":"…"}`
/// in any key order, straight from the line's bytes. Anything else — another
/// body, an extra key, a value that fails a check — is declined, and the full
/// decoder reads the line (and says what is wrong with it).
struct HeartbeatScanner {
    let mineKey: Int, cameraKey: Int, alarmKey: Int, timeKey: Int
    let cameras: CameraIndex
    let clock: TimeParser

    init(reader: JSONLinesReader, cameras: CameraIndex, clock: TimeParser) {
        mineKey = reader.keyID("mineId"); cameraKey = reader.keyID("cameraId")
        alarmKey = reader.keyID("alarm"); timeKey = reader.keyID("time")
        self.cameras = cameras; self.clock = clock
    }

    func read(_ o: RawFlatObject) -> (slot: Int, packed: Int64)? {
        guard o.count == 4 else { return nil }
        var mine: Int64 = -1, camera = -1, online = -1, time: Int64? = nil
        for i in 0..<4 {
            let v = o.value(at: i), k = o.key(at: i)
            if k == mineKey {
                guard v.kind == .string || v.kind == .number, v.bytes.count == 12 else { return nil }
                var m: Int64 = 0
                for b in v.bytes { guard b &- 48 < 10 else { return nil }; m = m * 10 + Int64(b &- 48) }
                mine = m
            } else if k == cameraKey {
                guard v.bytes.count == 2, v.kind == .string || v.kind == .number else { return nil }
                let a = Int(v.bytes[0]) - 48, b = Int(v.bytes[1]) - 48
                guard a >= 1 && a <= 4, b >= 0 && b <= 9 else { return nil }
                camera = a * 10 + b
            } else if k == alarmKey {
                guard let d = v.digit, d <= 1 else { return nil }
                online = d
            } else if k == timeKey {
                guard v.kind == .string else { return nil }
                time = clock.parse(bytes: v.bytes)
            } else {
                return nil
            }
        }
        guard mine >= 0, camera >= 0, online >= 0, let time, let slot = cameras.slot(mine: mine, camera: camera) else { return nil }
        return (slot, time << 1 | Int64(online))
    }
}
