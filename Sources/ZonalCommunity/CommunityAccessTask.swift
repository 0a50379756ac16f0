import ZonalCore
import ZonalIO
import ZonalStore

enum CommunityParams {
    static let residentEntries = NumberParam("resident_entries_30d", min: 1, max: 1_000_000, default: 10,
                                             "successful entries in the 30 days to as_of that make a stranger (sfbxq 0) a suspected resident or resident vehicle")
    static let asOf = TimeParam("as_of", "the moment the 30-day window ends (default: the latest access record)")
}

/// `community_access` (seed 001 §7, B.8, B.9): footfall of persons and
/// vehicles, how doors open and fail, strangers who come often enough to
/// be unregistered residents, device uptime, and the standard-address audit.
public struct CommunityAccessTask: ZonalTask {
    public init() {}
    public let name = "community_access"
    public let summary = "persons and vehicles in/out per community and hour; opens and failures per kmfs; suspected residents and vehicles (sfbxq 0, ≥ resident_entries_30d entries in the 30 days to as_of); devices in use and online per sblx; the B.7 address audit"
    public let inputs = ["communities", "community_devices", "person_access"]
    public let optionalInputs = ["vehicle_access", "addresses", "community_boundaries"]
    public var params: [ParamSpec] { [CommunityParams.residentEntries.spec, CommunityParams.asOf.spec] }
    public let rules = [
        RuleNote("footfall", "an entry is crlx 1 timed by jrsj, an exit crlx 2 timed by lksj; persons count when kmzt 1, vehicles when txqk 1; hours in the job's time zone; hours with no successful pass are not listed"),
        RuleNote("access_methods", "opens = every person record with the kmfs, either way; failures = kmzt 2; failure_rate = failures / opens"),
        RuleNote("window", "the 30 days ending at as_of: as_of − 30 × 24 h < jrsj ≤ as_of (an entry exactly 30 days before is out, one at as_of is in)"),
        RuleNote("suspects", "strangers (sfbxq 0) with a dabh, or vehicles by keyed plate hash, with at least resident_entries_30d successful entries in the window; first_seen = first entry at or before as_of"),
        RuleNote("device_online", "devices = syzt 10 (使用中); online = of those zxzt 1; fault (zxzt 3) is not online"),
        RuleNote("privacy", "names, ID numbers, phones and snapshots are dropped on read; plates are masked (京A***45) in the store and reports, counted by an HMAC whose key stays beside the store"),
    ]

    static let footfall = ReportSpec("community_footfall", columns: [
        ReportColumn("ptzcm", .text, zh: "注册码"), ReportColumn("date", .text, zh: "日期"), ReportColumn("hour", .integer, zh: "小时"),
        ReportColumn("persons_in", .integer, zh: "进入人次"), ReportColumn("persons_out", .integer, zh: "离开人次"),
        ReportColumn("vehicles_in", .integer, zh: "进入车次"), ReportColumn("vehicles_out", .integer, zh: "离开车次"),
    ], sortBy: ["ptzcm", "date", "hour"], key: ["ptzcm", "date", "hour"])
    static let methods = ReportSpec("access_methods", columns: [
        ReportColumn("ptzcm", .text, zh: "注册码"), ReportColumn("kmfs", .integer, zh: "开门方式"),
        ReportColumn("opens", .integer, zh: "开门次数"), ReportColumn("failures", .integer, zh: "失败次数"),
        ReportColumn("failure_rate", .decimal(places: 4), zh: "失败率"), ReportColumn("kmfs_name", .text, zh: "开门方式名称"),
    ], sortBy: ["ptzcm", "kmfs"], key: ["ptzcm", "kmfs"])
    static let residents = ReportSpec("suspected_residents", columns: [
        ReportColumn("ptzcm", .text, zh: "注册码"), ReportColumn("dabh", .text, zh: "档案编号"),
        ReportColumn("first_seen", .text, zh: "首次出现"), ReportColumn("entries_30d", .integer, zh: "30日进入次数"),
        ReportColumn("last_seen", .text, zh: "最近进入"), ReportColumn("days_30d", .integer, zh: "30日进入天数"),
    ], sortBy: ["ptzcm", "dabh"], key: ["ptzcm", "dabh"])
    static let vehicles = ReportSpec("suspected_vehicles", columns: [
        ReportColumn("ptzcm", .text, zh: "注册码"), ReportColumn("plate", .text, zh: "车牌(脱敏)"),
        ReportColumn("first_seen", .text, zh: "首次出现"), ReportColumn("entries_30d", .integer, zh: "30日进入次数"),
        ReportColumn("vehicle_id", .text, zh: "车辆标识"), ReportColumn("last_seen", .text, zh: "最近进入"),
        ReportColumn("days_30d", .integer, zh: "30日进入天数"),
    ], sortBy: ["ptzcm", "plate", "first_seen", "entries_30d", "vehicle_id"], key: ["ptzcm", "vehicle_id"])
    static let devices = ReportSpec("device_online", columns: [
        ReportColumn("ptzcm", .text, zh: "注册码"), ReportColumn("sblx", .integer, zh: "设备类型"),
        ReportColumn("devices", .integer, zh: "使用中设备数"), ReportColumn("online", .integer, zh: "在线数"),
        ReportColumn("online_rate", .decimal(places: 4), zh: "在线率"), ReportColumn("sblx_name", .text, zh: "设备类型名称"),
        ReportColumn("offline", .integer, zh: "不在线数"), ReportColumn("fault", .integer, zh: "故障数"),
        ReportColumn("not_in_use", .integer, zh: "未使用设备数"),
    ], sortBy: ["ptzcm", "sblx"], key: ["ptzcm", "sblx"], problem: { c in
        if case .decimal(let r, _) = c[4] { return r < 1 }
        return false
    })
    static let addresses = ReportSpec("address_audit", columns: [
        ReportColumn("dzbm", .text, zh: "地址编码"), ReportColumn("rule", .text, zh: "规则"), ReportColumn("message", .text, zh: "说明"),
        ReportColumn("line", .integer, zh: "行号"), ReportColumn("xqmc", .text, zh: "小区名称"), ReportColumn("ptzcm", .text, zh: "注册码"),
    ], sortBy: ["line", "rule"], key: ["line", "rule"], problem: { _ in true })   // rules of one line alphabetically

    public var reports: [ReportSpec] { [Self.footfall, Self.methods, Self.residents, Self.vehicles, Self.devices, Self.addresses] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let codes = try CommunityCodes.load()
        let clock = ctx.job.times
        let repo = CommunityRepository(store: ctx.store)
        let communities = try repo.communities()

        // community_footfall: every hour with a successful pass, in report order from the store.
        var footfall: [ReportRow] = []
        try repo.footfall { ptzcm, date, hour, n in
            footfall.append(ReportRow([.text(ptzcm), .text(date), .integer(hour), .integer(n[0]), .integer(n[1]), .integer(n[2]), .integer(n[3])]))
        }

        let methodRows = try repo.methods().map { m in
            ReportRow([.text(m.ptzcm), .integer(m.kmfs), .integer(m.opens), .integer(m.failures),
                       DecimalFormat.ratio(m.failures, m.opens), .text(codes.openMethod.name(of: String(m.kmfs)) ?? "")])
        }

        // The window ends at as_of: the job's, or the latest record loaded.
        let latest = try repo.latestRecord()
        let window = SuspectWindow(asOf: ctx.params[CommunityParams.asOf] ?? latest ?? 0,
                                   threshold: Int(ctx.params[CommunityParams.residentEntries]))
        func time(_ ms: Int64) -> Cell { .text(clock.format(ms, milliseconds: ms % 1000 != 0)) }
        let residentRows: [ReportRow] = try repo.strangers(vehicles: false).compactMap { s in
            guard let st = window.standing(s.times, clock: clock) else { return nil }
            return ReportRow([.text(s.ptzcm), .text(s.shown), time(st.firstSeen), .integer(Int64(st.entries)), time(st.lastSeen), .integer(Int64(st.days))])
        }
        let vehicleRows: [ReportRow] = try repo.strangers(vehicles: true).compactMap { s in
            guard let st = window.standing(s.times, clock: clock) else { return nil }
            return ReportRow([.text(s.ptzcm), .text(s.shown), time(st.firstSeen), .integer(Int64(st.entries)),
                              .text(String(s.key.prefix(12))), time(st.lastSeen), .integer(Int64(st.days))])
        }

        let deviceRows = DeviceUptime.rows(try repo.devices(), codes: codes)
        let findings = AddressAudit(communities: communities).findings(try repo.addresses())
        let addressRows = findings.map { f in
            ReportRow([.text(f.address.dzbm), .text(f.rule.rawValue), .text(f.message), .integer(Int64(f.address.line)),
                       .text(f.address.xqmc), .text(f.ptzcm)])
        }

        for (spec, rows) in [(Self.footfall, footfall), (Self.methods, methodRows), (Self.residents, residentRows),
                             (Self.vehicles, vehicleRows), (Self.devices, deviceRows), (Self.addresses, addressRows)] {
            _ = try ctx.write(spec, rows: rows)
        }
        if ctx.params[CommunityParams.asOf] == nil, let latest {
            ctx.warnings.append(Warning(file: "params.as_of", reason: "not set; the 30-day window ends at the latest access record, \(clock.format(latest, milliseconds: false))"))
        }
        let passes = try repo.personPasses()
        return TaskResult(reportRows: [Self.footfall.name: footfall.count, Self.methods.name: methodRows.count,
                                       Self.residents.name: residentRows.count, Self.vehicles.name: vehicleRows.count,
                                       Self.devices.name: deviceRows.count, Self.addresses.name: addressRows.count],
                          message: "\(communities.count) communities, \(passes) person passes, \(residentRows.count) suspected residents, \(vehicleRows.count) suspected vehicles, \(addressRows.count) address findings")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] { try CommunityPresentation.sections(ctx) }
}

/// device_online: devices in use (syzt 10) per community and type, and how many are online.
enum DeviceUptime {
    static func rows(_ devices: [CommunityDevice], codes: CommunityCodes) -> [ReportRow] {
        struct Tally { var inUse = 0, online = 0, offline = 0, fault = 0, notInUse = 0 }
        var by: [String: Tally] = [:]
        for d in devices {
            let k = d.ptzcm + "\u{1F}" + d.sblx
            var t = by[k] ?? Tally()
            if d.syzt == CommunityCodes.inUse {
                t.inUse += 1
                switch d.zxzt {
                case CommunityCodes.online: t.online += 1
                case CommunityCodes.offline: t.offline += 1
                default: t.fault += 1
                }
            } else {
                t.notInUse += 1
            }
            by[k] = t
        }
        return by.map { k, t in
            let parts = k.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            return ReportRow([.text(parts[0]), .integer(Int64(parts[1]) ?? 0), .integer(Int64(t.inUse)), .integer(Int64(t.online)),
                              DecimalFormat.ratio(Int64(t.online), Int64(t.inUse)), .text(codes.deviceType.name(of: parts[1]) ?? ""),
                              .integer(Int64(t.offline)), .integer(Int64(t.fault)), .integer(Int64(t.notInUse))])
        }
    }
}
