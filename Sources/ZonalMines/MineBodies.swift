import ZonalCore
import ZonalIO

/// Why a body or a video name is not one Zonal can use: the key at fault
/// (nil when the line is not a body at all) and a reason a supervisor can act on.
struct BodyProblem: Error, Equatable {
    var field: String?
    var reason: String
}

/// An AI report (§5.3 tables 5-10 … 5-14): what one camera's analysis saw.
struct AIReport: Equatable, Sendable {
    var mineId: String
    var cameraId: String
    var type: AITypeCode
    /// The count (01/02, `0005` → 5) or the belt's state (03); nil for 04–06.
    var count: Int?
    var belt: BeltStatus?
    var time: Int64

    /// The alarm id it would raise: mineId + cameraId + aiTypeCode + yyyyMMddHHmmss.
    func alarmId(_ clock: TimeParser) -> String { AlarmId.make(mineId, cameraId, type.rawValue, time, clock) }

    /// The `count` cell: the number for 01/02, the belt code for 03.
    var countText: String? { count.map(String.init) ?? belt?.rawValue }
}

/// One request body of `mine_reports`, by the keys it carries.
enum MineBody: Equatable, Sendable {
    case report(AIReport)
    /// 摄像头在线、离线检测 (table 5-8): `alarm` 1 online, 0 offline; every 5 minutes.
    case heartbeat(mineId: String, cameraId: String, online: Bool, time: Int64)
    /// 带标记实时播放地址 (table 5-7).
    case live(mineId: String, cameraId: String, url: String, time: Int64)
}

enum AlarmId {
    /// mineId(12) + cameraId(2) + code(2) + yyyyMMddHHmmss(14) in the job's clock.
    static func make(_ mine: String, _ camera: String, _ code: String, _ ms: Int64, _ clock: TimeParser) -> String {
        mine + camera + code + compact(ms, clock)
    }

    /// `2026-05-01 08:05:00` → `20260501080500`.
    static func compact(_ ms: Int64, _ clock: TimeParser) -> String {
        String(clock.format(ms).utf8.filter { $0 >= 48 && $0 <= 57 }.map { Character(UnicodeScalar($0)) })
    }
}

/// Checks the fields the bodies and the video names share (table 5-25).
enum MineFieldCheck {
    static func isDigits(_ s: Substring.UTF8View, _ n: Int) -> Bool { s.count == n && s.allSatisfy { $0 >= 48 && $0 <= 57 } }
    static func isDigits(_ s: String, _ n: Int) -> Bool { isDigits(Substring(s).utf8, n) }

    static func mineId(_ v: String, known: Set<String>) throws(BodyProblem) -> String {
        guard isDigits(v, 12) else { throw BodyProblem(field: "mineId", reason: "'\(Quote.prefix(v))' is not a mine code: 12 digits (table 5-25)") }
        guard known.contains(v) else { throw BodyProblem(field: "mineId", reason: "mine \(v) is not in mines") }
        return v
    }

    static func cameraId(_ v: String) throws(BodyProblem) -> String {
        guard CameraPlace(cameraId: v) != nil else {
            throw BodyProblem(field: "cameraId", reason: "'\(Quote.prefix(v))' is not a camera code: 2 digits, 1x main shaft, 2x auxiliary shaft, 3x truck entrance, 4x dispatch room (table 5-25)")
        }
        return v
    }

    static func aiType(_ v: String) throws(BodyProblem) -> AITypeCode {
        guard let t = AITypeCode(rawValue: v) else {
            throw BodyProblem(field: "aiTypeCode", reason: "'\(Quote.prefix(v))' is not an analysis type: 01 persons, 02 trucks, 03 belt, 04 occlusion, 05 moved, 06 dispatch room empty (table 5-25)")
        }
        return t
    }

    /// A count of 4 digits (`0005`), as the seed sends it; `numeric` allows a plain JSON integer too.
    static func count(_ v: String, key: String, numeric: Bool) throws(BodyProblem) -> Int {
        if isDigits(v, 4) || (numeric && !v.isEmpty && v.utf8.count <= 4 && v.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }) { return Int(v)! }
        throw BodyProblem(field: key, reason: "'\(Quote.prefix(v))' is not a count: 4 digits, 0001 for one (table 5-25)")
    }

    static func belt(_ v: String, key: String = "beltStatus") throws(BodyProblem) -> BeltStatus {
        guard let b = BeltStatus(rawValue: v) else {
            throw BodyProblem(field: key, reason: "'\(Quote.prefix(v))' is not a belt state: 0001 running with coal, 0002 running empty, 0003 stopped with coal (table 5-25)")
        }
        return b
    }
}

/// Reads request bodies (JSON Lines objects) into `MineBody` values, checking
/// every field against table 5-25 and `mines`.
struct MineBodyDecoder {
    let mines: Set<String>
    let clock: TimeParser

    /// The keys each kind of body carries; any other key is reported once and ignored.
    static let reportKeys: Set<String> = ["mineId", "cameraId", "aiTypeCode", "inWellNumber", "outMineNumber", "beltStatus", "time"]
    static let heartbeatKeys: Set<String> = ["mineId", "cameraId", "alarm", "time"]
    static let liveKeys: Set<String> = ["mineId", "cameraId", "liveUrl", "time"]

    /// The body, and the keys it carries that its kind does not use.
    func decode(_ o: JSONLinesObject) throws(BodyProblem) -> (body: MineBody, unused: [String]) {
        let keys: Set<String>
        let isReport = o["aiTypeCode"] != nil, isHeartbeat = o["alarm"] != nil, isLive = o["liveUrl"] != nil
        if isReport { keys = Self.reportKeys } else if isHeartbeat { keys = Self.heartbeatKeys } else if isLive { keys = Self.liveKeys } else {
            throw BodyProblem(field: nil, reason: "not an AI report (aiTypeCode), a heartbeat (alarm) or a live address (liveUrl) of seed 004 §5.3")
        }
        if isReport && isHeartbeat { throw BodyProblem(field: "alarm", reason: "an AI report (aiTypeCode) cannot also be a heartbeat (alarm)") }
        func text(_ key: String) throws(BodyProblem) -> String {
            guard let v = o[key] else { throw BodyProblem(field: key, reason: "missing; this body needs \(key)") }
            guard let t = v.text else { throw BodyProblem(field: key, reason: "is null") }
            return t
        }
        /// Codes are checked as text: a JSON number keeps its digits as written,
        /// so `"cameraId": 10` passes and `"aiTypeCode": 1` fails its check.
        func code(_ key: String) throws(BodyProblem) -> String { try text(key) }
        let mine = try MineFieldCheck.mineId(try code("mineId"), known: mines)
        let camera = try MineFieldCheck.cameraId(try code("cameraId"))
        let when = try text("time")
        guard let time = clock.parse(when) else {
            throw BodyProblem(field: "time", reason: "'\(Quote.prefix(when))' is not a time: yyyy-MM-dd HH:mm:ss of a real day")
        }
        let unused = o.fields.map(\.key).filter { !keys.contains($0) }
        if isReport {
            let type = try MineFieldCheck.aiType(try code("aiTypeCode"))
            var report = AIReport(mineId: mine, cameraId: camera, type: type, count: nil, belt: nil, time: time)
            for other in AITypeCode.allCases.compactMap(\.valueKey) where other != type.valueKey && o[other] != nil {
                throw BodyProblem(field: other, reason: "a \(type.rawValue) report carries \(type.valueKey ?? "no value"), not \(other)")
            }
            switch type {
            case .persons, .trucks:
                let key = type.valueKey!
                let isNumber: Bool
                if case .number = o[key] { isNumber = true } else { isNumber = false }
                report.count = try MineFieldCheck.count(try text(key), key: key, numeric: isNumber)
            case .belt:
                report.belt = try MineFieldCheck.belt(try code("beltStatus"))
            case .occlusion, .moved, .dispatchRoomEmpty:
                break
            }
            return (.report(report), unused)
        }
        if isHeartbeat {
            let a = try text("alarm")
            guard a == "0" || a == "1" else {
                throw BodyProblem(field: "alarm", reason: "'\(Quote.prefix(a))' is not a camera state: 1 online, 0 offline (table 5-8)")
            }
            return (.heartbeat(mineId: mine, cameraId: camera, online: a == "1", time: time), unused)
        }
        let url = try text("liveUrl")
        guard !url.isEmpty else { throw BodyProblem(field: "liveUrl", reason: "is empty") }
        return (.live(mineId: mine, cameraId: camera, url: url, time: time), unused)
    }
}

/// An evidence video (证据视频) as its name describes it (seed 004 §5.2):
/// mineId(12) cameraId(2) aiTypeCode(2) [count or belt state (4), for 01–03]
/// yyyyMMddHHmmss(14) `.MP4`, e.g. `1404210078662001000520210104224515.MP4`.
struct EvidenceVideo: Equatable, Sendable {
    var name: String
    var report: AIReport

    /// Decodes a file name (the last path component). The extension's case
    /// is not checked: `.mp4` from a Windows share is the same video.
    static func decode(_ name: String, mines: Set<String>, clock: TimeParser) throws(BodyProblem) -> EvidenceVideo {
        let field = "name"
        func bad(_ why: String) -> BodyProblem { BodyProblem(field: field, reason: "'\(Quote.prefix(name))' \(why)") }
        guard name.utf8.count > 4, name.suffix(4).uppercased() == ".MP4" else {
            throw bad("is not an evidence video: the name must end in .MP4")
        }
        let stem = Substring(name.dropLast(4))
        guard stem.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw bad("must be digits before .MP4 (mineId, cameraId, aiTypeCode, count, time; table 5-25)") }
        let u = Array(stem.utf8)
        guard u.count >= 16 else { throw bad("is \(u.count) digits; 30 (04–06) or 34 (01–03) are needed") }
        func part(_ from: Int, _ n: Int) -> String { String(decoding: u[from..<(from + n)], as: UTF8.self) }
        let type: AITypeCode
        do throws(BodyProblem) { type = try MineFieldCheck.aiType(part(14, 2)) } catch { throw bad("has analysis type \(part(14, 2)), not 01–06") }
        let expected = type.valueKey == nil ? 30 : 34
        guard u.count == expected else {
            throw bad("is \(u.count) digits; a type \(type.rawValue) video has \(expected) (mineId 12, cameraId 2, aiTypeCode 2, \(type.valueKey == nil ? "" : "count 4, ")time 14)")
        }
        let mine = part(0, 12), camera: String
        guard mines.contains(mine) else { throw bad("is of mine \(mine), which is not in mines") }
        do throws(BodyProblem) { camera = try MineFieldCheck.cameraId(part(12, 2)) } catch { throw bad("has \(error.reason)") }
        var report = AIReport(mineId: mine, cameraId: camera, type: type, count: nil, belt: nil, time: 0)
        switch type {
        case .persons, .trucks: report.count = Int(part(16, 4))!
        case .belt:
            do throws(BodyProblem) { report.belt = try MineFieldCheck.belt(part(16, 4)) } catch { throw bad("has \(error.reason)") }
        default: break
        }
        let t = part(expected - 14, 14)
        let iso = "\(t.prefix(4))-\(t.dropFirst(4).prefix(2))-\(t.dropFirst(6).prefix(2)) \(t.dropFirst(8).prefix(2)):\(t.dropFirst(10).prefix(2)):\(t.suffix(2))"
        guard let ms = clock.parse(iso) else { throw bad("has time \(t), which is no real time (yyyyMMddHHmmss)") }
        report.time = ms
        return EvidenceVideo(name: name, report: report)
    }
}
