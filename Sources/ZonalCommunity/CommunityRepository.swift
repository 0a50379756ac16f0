import ZonalCore
import ZonalGeo
import ZonalStore

/// A community as `communities` lists it (小区, by its platform code ptzcm).
struct Community: Sendable, Equatable {
    var ptzcm: String
    var xqmc: String
    var adminCode: String
    var point: Coordinate?
}

/// A device as `community_devices` lists it (B.6.1).
struct CommunityDevice: Sendable, Equatable {
    var sbbm: String
    var sbmc: String
    var sblx: String
    var zxzt: String
    var syzt: String
    var point: Coordinate?
    var ptzcm: String
}

/// A B.7 standard address as written (every part may be empty).
struct StandardAddress: Sendable, Equatable {
    var line: Int
    var dzbm = "", xz = "", xqmc = "", ldphxlh = "", ldph = "", dyhxh = "", dyh = "", lch = "", fjhxh = "", fjh = "", djsj = ""
    /// Nil when the file has no ptzcm column or the value is empty.
    var ptzcm: String?
}

/// A stranger's successful entries into one community (times ascending, epoch ms).
struct StrangerEntries: Sendable {
    var ptzcm: String
    /// dabh for a person; the masked plate for a vehicle.
    var shown: String
    /// The keyed plate hash of a vehicle; empty for a person.
    var key: String
    var times: [Int64]
}

/// Everything the community task reads from the store. All community SQL lives here.
struct CommunityRepository {
    let store: Store

    func communities() throws -> [Community] {
        try store.select(CommunityTables.communities.name, columns: ["ptzcm", "xqmc", "admin_code"], geometry: true, orderBy: "ptzcm").map {
            var point: Coordinate?
            if case .point(let p)? = $0.shape { point = p }
            return Community(ptzcm: $0.values[0].text ?? "", xqmc: $0.values[1].text ?? "", adminCode: $0.values[2].text ?? "", point: point)
        }
    }

    func boundaries() throws -> [(ptzcm: String, xqmc: String, shape: Shape)] {
        try store.select(CommunityTables.boundaries.name, columns: ["ptzcm", "xqmc"], geometry: true, orderBy: "ptzcm").compactMap {
            guard let s = $0.shape else { return nil }
            return ($0.values[0].text ?? "", $0.values[1].text ?? "", s)
        }
    }

    func devices() throws -> [CommunityDevice] {
        try store.select("community_devices", columns: ["sbbm", "sbmc", "sblx", "zxzt", "syzt", "ptzcm"], geometry: true, orderBy: "ptzcm, sbbm").map {
            var point: Coordinate?
            if case .point(let p)? = $0.shape { point = p }
            let v = $0.values.map { $0.text ?? "" }
            return CommunityDevice(sbbm: v[0], sbmc: v[1], sblx: v[2], zxzt: v[3], syzt: v[4], point: point, ptzcm: v[5])
        }
    }

    /// Addresses in file order, and whether the file had a ptzcm column at all.
    func addresses() throws -> [StandardAddress] {
        guard try store.exists("addresses") else { return [] }
        return try store.query("SELECT line, dzbm, xz, xqmc, ldphxlh, ldph, dyhxh, dyh, lch, fjhxh, fjh, djsj, ptzcm FROM addresses ORDER BY line").map { r in
            let t = r.map { $0.text ?? "" }
            return StandardAddress(line: Int(r[0].int ?? 0), dzbm: t[1], xz: t[2], xqmc: t[3], ldphxlh: t[4], ldph: t[5], dyhxh: t[6], dyh: t[7],
                                   lch: t[8], fjhxh: t[9], fjh: t[10], djsj: t[11], ptzcm: t[12].isEmpty ? nil : t[12])
        }
    }

    /// One hour of one community's passes, as the hour tables keep it.
    struct HourPasses {
        var ptzcm: String, date: String, hour: Int64, entries: Int64, exits: Int64
        static func precedes(_ a: HourPasses, _ b: HourPasses) -> Bool { (a.ptzcm, a.date, a.hour) < (b.ptzcm, b.date, b.hour) }
    }

    /// Hours with at least one successful pass, in (ptzcm, date, hour) order.
    /// The loaders write them in that order, so they are read by fid (the rowid on SQLite) and
    /// only sorted if they are not (a GROUP BY over both tables took 4.6 s
    /// of a district year's 9 s task). Rows of one community share its
    /// code's string.
    func passes(_ table: TableSchema) throws -> [HourPasses] {
        guard try store.exists(table.name) else { return [] }
        var out: [HourPasses] = []
        var ptzcm = "", date = ""
        try store.forEachRow("SELECT ptzcm, date, hour, entries, exits FROM \(table.name) WHERE entries + exits > 0 ORDER BY fid") { r in
            let p = r[0].text ?? "", d = r[1].text ?? ""
            if p != ptzcm { ptzcm = p }
            if d != date { date = d }
            out.append(HourPasses(ptzcm: ptzcm, date: date, hour: r[2].int ?? 0, entries: r[3].int ?? 0, exits: r[4].int ?? 0))
        }
        if !zip(out, out.dropFirst()).allSatisfy({ HourPasses.precedes($0, $1) }) { out.sort(by: HourPasses.precedes) }
        return out
    }

    /// community_footfall's rows: persons' and vehicles' hours merged, in report order.
    func footfall(_ row: (_ ptzcm: String, _ date: String, _ hour: Int64, _ counts: [Int64]) -> Void) throws {
        let persons = try passes(AccessTables.personHours), vehicles = try passes(AccessTables.vehicleHours)
        var i = 0, j = 0
        while i < persons.count || j < vehicles.count {
            if j == vehicles.count || (i < persons.count && HourPasses.precedes(persons[i], vehicles[j])) {
                let p = persons[i]; i += 1
                row(p.ptzcm, p.date, p.hour, [p.entries, p.exits, 0, 0])
            } else if i == persons.count || HourPasses.precedes(vehicles[j], persons[i]) {
                let v = vehicles[j]; j += 1
                row(v.ptzcm, v.date, v.hour, [0, 0, v.entries, v.exits])
            } else {
                let p = persons[i], v = vehicles[j]; i += 1; j += 1
                row(p.ptzcm, p.date, p.hour, [p.entries, p.exits, v.entries, v.exits])
            }
        }
    }

    /// The latest record time loaded (epoch ms), persons and vehicles, either way, success or not.
    func latestRecord() throws -> Int64? {
        var latest: Int64?
        for t in [AccessTables.personHours.name, AccessTables.vehicleHours.name] where try store.exists(t) {
            if let v = try store.query("SELECT MAX(last_time_ms) FROM \(t)").first?.first?.int { latest = max(latest ?? v, v) }
        }
        return latest
    }

    /// Person passes of the whole period (the headline of report.html).
    func personPasses() throws -> Int64 {
        guard try store.exists(AccessTables.personHours.name) else { return 0 }
        return try store.query("SELECT COALESCE(SUM(entries + exits), 0) FROM person_access_hours").first?.first?.int ?? 0
    }

    func methods() throws -> [(ptzcm: String, kmfs: Int64, opens: Int64, failures: Int64)] {
        guard try store.exists(AccessTables.methods.name) else { return [] }
        return try store.query("SELECT ptzcm, kmfs, opens, failures FROM person_access_methods ORDER BY ptzcm, kmfs").map {
            ($0[0].text ?? "", $0[1].int ?? 0, $0[2].int ?? 0, $0[3].int ?? 0)
        }
    }

    func strangers(vehicles: Bool) throws -> [StrangerEntries] {
        let table = vehicles ? AccessTables.vehicleStrangers.name : AccessTables.personStrangers.name
        guard try store.exists(table) else { return [] }
        let sql = vehicles ? "SELECT ptzcm, plate, plate_key, entry_times FROM vehicle_strangers"
                           : "SELECT ptzcm, dabh, '', entry_times FROM person_strangers"
        var out: [StrangerEntries] = []
        try store.forEachRow(sql) { r in
            guard case .blob(let b) = r[3] else { return }
            out.append(StrangerEntries(ptzcm: r[0].text ?? "", shown: r[1].text ?? "", key: r[2].text ?? "", times: EntryTimes.decode(b)))
        }
        return out
    }
}
