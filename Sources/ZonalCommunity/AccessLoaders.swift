import Foundation
import ZonalCore
import ZonalIO
import ZonalStore

/// The store tables of access records. Records are folded on read (see
/// `AccessTally`): counts per community and hour, per opening method, and
/// strangers' entry times — a district year stays a few hundred thousand
/// rows, and no row holds a name, an ID number, a phone or a clear plate.
enum AccessTables {
    static func hours(_ name: String) -> TableSchema {
        TableSchema(name: name, columns: [
            TableColumn("ptzcm", .text), TableColumn("date", .text), TableColumn("hour", .integer),
            TableColumn("entries", .integer), TableColumn("exits", .integer), TableColumn("failures", .integer),
            TableColumn("records", .integer), TableColumn("last_time_ms", .integer),
        ], layout: .facts(dayColumn: "last_time_ms", distributeBy: "ptzcm"))
    }
    static let personHours = hours("person_access_hours")
    static let vehicleHours = hours("vehicle_access_hours")
    static let methods = TableSchema(name: "person_access_methods", columns: [
        TableColumn("ptzcm", .text), TableColumn("kmfs", .integer), TableColumn("opens", .integer), TableColumn("failures", .integer),
    ])
    /// One row per community and stranger file number (dabh): successful entries, times as `EntryTimes`.
    static let personStrangers = TableSchema(name: "person_strangers", columns: [
        TableColumn("ptzcm", .text), TableColumn("dabh", .text), TableColumn("entries", .integer),
        TableColumn("first_entry", .text), TableColumn("last_entry", .text), TableColumn("entry_times", .blob),
    ])
    /// One row per community and stranger vehicle: the masked plate and the
    /// keyed hash of the clear one (HMAC-SHA256, key beside the store).
    static let vehicleStrangers = TableSchema(name: "vehicle_strangers", columns: [
        TableColumn("ptzcm", .text), TableColumn("plate", .text), TableColumn("plate_key", .text), TableColumn("entries", .integer),
        TableColumn("first_entry", .text), TableColumn("last_entry", .text), TableColumn("entry_times", .blob),
    ])
}

/// What both access loaders share: the communities by index, the record's
/// time by its direction, and writing the tally.
struct AccessReading: Sendable {
    let communities: [String]
    let indexOf: [String: Int32]

    init(store: Store) throws {
        self.init(communities: try CommunityRepository(store: store).communities().map(\.ptzcm))
    }

    init(communities: [String]) {
        self.communities = communities
        indexOf = Dictionary(communities.enumerated().map { ($0.element, Int32($0.offset)) }, uniquingKeysWith: { a, _ in a })
    }

    /// The record's community, or why it is rejected (no value is quoted).
    func community(_ v: SQLValue) -> Result<Int32, Problem> {
        guard let c = indexOf[v.text ?? ""] else { return .failure(Problem("ptzcm", "is not a ptzcm of communities")) }
        return .success(c)
    }

    /// The record's time: jrsj for an entry (crlx 1 进入), lksj for an exit.
    func time(entering: Bool, jrsj: SQLValue, lksj: SQLValue) -> Result<Int64, Problem> {
        if entering {
            guard let t = jrsj.int else { return .failure(Problem("jrsj", "is empty; an entry (crlx 1 进入) is timed by jrsj")) }
            return .success(t)
        }
        guard let t = lksj.int else { return .failure(Problem("lksj", "is empty; an exit (crlx 2 离开) is timed by lksj")) }
        return .success(t)
    }

    struct Problem: Error { var field: String; var reason: String; init(_ f: String, _ r: String) { field = f; reason = r } }

    /// The tally's hours as store rows, in key order, one at a time: a
    /// district year has 1.6 million, and holding them all as values took
    /// half a gigabyte.
    func forEachHourRow(_ t: AccessTally, _ body: ([SQLValue]) throws -> Void) rethrows {
        let names = communities.map { SQLValue.text($0) }   // one string per community, shared by its rows
        var lastDay = Int64.min, date = SQLValue.null
        for (k, c) in t.hours.sorted(by: { $0.key < $1.key }) {
            let community = Int(k >> 32), localHour = k & 0xFFFF_FFFF
            let day = localHour.floorDiv(24)
            if day != lastDay {
                let (y, m, d) = TimeParser.civilDate(Int(day))
                date = .text(String(format: "%04d-%02d-%02d", y, m, d))
                lastDay = day
            }
            try body([names[community], date, .integer(localHour - day * 24),
                      .integer(c.entries), .integer(c.exits), .integer(c.failures), .integer(c.records), .integer(c.lastMs)])
        }
    }

    func hourRows(_ t: AccessTally) -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        forEachHourRow(t) { rows.append($0) }
        return rows
    }

    /// Stranger rows: entry times sorted, by community then id.
    func strangerRows(_ t: AccessTally, clock: TimeParser, vehicles: Bool) -> [[SQLValue]] {
        t.strangers.sorted { ($0.key.community, $0.key.id) < ($1.key.community, $1.key.id) }.map { k, times in
            let sorted = times.sorted()
            let first = SQLValue.text(clock.format(sorted[0], milliseconds: sorted[0] % 1000 != 0))
            let last = SQLValue.text(clock.format(sorted[sorted.count - 1], milliseconds: sorted[sorted.count - 1] % 1000 != 0))
            let head: [SQLValue] = vehicles ? [.text(communities[Int(k.community)]), .text(t.plates[k] ?? ""), .text(k.id)]
                                            : [.text(communities[Int(k.community)]), .text(k.id)]
            return head + [.integer(Int64(sorted.count)), first, last, .blob(EntryTimes.encode(sorted))]
        }
    }

    static func result(_ input: JobInput, _ outcome: CSVTableLoader.Outcome, replaced: Int, tally: AccessTally, parts: Int) -> LoadResult {
        LoadResult(rows: outcome.loaded, replacedRows: replaced,
                   files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows,
                                      rejects: outcome.rejects.count, encoding: outcome.encoding)],
                   rejects: outcome.rejects.sorted { ($0.line ?? 0) < ($1.line ?? 0) },
                   notes: "\(tally.hours.count) community-hours, \(tally.strangers.count) strangers" + (parts > 1 ? "; read in \(parts) parts in parallel" : ""))
    }
}

/// `person_access` (B.2.3 过人记录): every code checked against its table
/// (zhlx C.7, kmfs C.11, kmzt C.12, crlx C.6, sfbxq C.4); names, ID numbers,
/// phones and snapshots (xm, zjhm, lxfs, zpzp, zpqj) are dropped on read and
/// no reject quotes any value (§7.5.8, §7.13).
struct PersonAccessLoader: DatasetLoader {
    static func fields(_ c: CommunityCodes) -> [FieldSpec] {
        [FieldSpec("ryId", .text, required: false), FieldSpec("dabh", .text, required: false),
         FieldSpec("zhlx", .code(c.householdType)), FieldSpec("kmfs", .code(c.openMethod)), FieldSpec("kmzt", .code(c.openState)),
         FieldSpec("crlx", .code(c.direction)), FieldSpec("sbbm", .text, required: false),
         FieldSpec("jrsj", .time, required: false), FieldSpec("lksj", .time, required: false),
         FieldSpec("sfbxq", .code(c.isResident), required: false), FieldSpec("ptzcm", .text)]
        + ["xm", "zjhm", "lxfs", "zpzp", "zpqj"].map { FieldSpec($0, .dropped) }
    }

    /// The file's records checked and folded on every core, in place when
    /// `inPlace` (the tests turn it off to hold both paths to one result).
    static func fold(path: String, shown: String, codes: CommunityCodes, reading: AccessReading, clock: TimeParser,
                     progress: ProgressDisplay?, inPlace: Bool = true) throws -> (tally: AccessTally, outcome: CSVTableLoader.Outcome, parts: Int) {
        let loader = CSVTableLoader(fields(codes), encoding: .detect, quotesValues: false)
        func at(_ c: String) -> Int { loader.position(of: c) }
        let ryAt = at("ryid"), dabhAt = at("dabh"), kmfsAt = at("kmfs"), kmztAt = at("kmzt"), crlxAt = at("crlx")
        let jrAt = at("jrsj_ms"), lkAt = at("lksj_ms"), localAt = at("sfbxq"), communityAt = at("ptzcm")
        struct Part { var tally = AccessTally(); let fast: AccessFastPath.Person }
        var bytes: CSVTableLoader.PartFastPath<Part>?
        if inPlace { bytes = { (part: inout Part, rec: CSVReader.RawRecord) -> Bool in let f = part.fast; return f.fold(&part.tally, rec) } }
        let (parts, outcome) = try loader.loadParts(path: path, shown: shown, times: clock, progress: progress,
                                                    makePart: { Part(fast: .init(header: $0, codes: codes, reading: reading, clock: clock)) },
                                                    fast: bytes) { part, v, _ in
            let community: Int32
            switch reading.community(v[communityAt]) { case .success(let c): community = c; case .failure(let p): return (p.field, p.reason) }
            let dabh = v[dabhAt].text ?? ""
            if dabh.isEmpty && (v[ryAt].text ?? "").isEmpty {
                return ("dabh", "is empty and so is ryId; a record names a registered person (ryId) or a stranger's file (dabh)")
            }
            let entering = v[crlxAt].text == CommunityCodes.entering
            let ms: Int64
            switch reading.time(entering: entering, jrsj: v[jrAt], lksj: v[lkAt]) { case .success(let t): ms = t; case .failure(let p): return (p.field, p.reason) }
            let succeeded = v[kmztAt].text == CommunityCodes.opened
            part.tally.pass(community: community, ms: ms, clock: clock, entering: entering, succeeded: succeeded)
            part.tally.attempt(community: community, method: Int(v[kmfsAt].text ?? "") ?? -1, failed: !succeeded)
            if succeeded, entering, !dabh.isEmpty, v[localAt].text == CommunityCodes.notResident {
                part.tally.strangerEntry(StrangerKey(community: community, id: dabh), ms: ms)
            }
            return nil
        }
        var tally = AccessTally()
        for p in parts { tally.merge(p.tally) }
        return (tally, outcome, parts.count)
    }

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let reading = try AccessReading(store: ctx.store)
        let clock = ctx.times
        let (tally, outcome, parts) = try Self.fold(path: input.url.path, shown: input.written, codes: try CommunityCodes.load(),
                                                    reading: reading, clock: clock, progress: ctx.progress)
        let (_, replaced) = try ctx.store.replaceRows([AccessTables.personHours, AccessTables.methods, AccessTables.personStrangers]) { ins in
            try reading.forEachHourRow(tally) { try ins[0].insert($0) }
            for (k, m) in tally.methods.sorted(by: { $0.key < $1.key }) {
                try ins[1].insert([.text(reading.communities[Int(k >> 16)]), .integer(k & 0xFFFF), .integer(m.opens), .integer(m.failures)])
            }
            for r in reading.strangerRows(tally, clock: clock, vehicles: false) { try ins[2].insert(r) }
        }
        return AccessReading.result(input, outcome, replaced: replaced, tally: tally, parts: parts)
    }
}

/// `vehicle_access` (B.5.3 过车记录): tclx C.5, crlx C.6, sfbxq C.4, clpp C.1,
/// cllx C.2, txqk 1/0; the plate is masked on read (`京A***45`) and, for
/// strangers' vehicles, counted by a keyed hash of the clear plate — the
/// clear plate is never stored; owners' names, ID numbers and phones are dropped.
struct VehicleAccessLoader: DatasetLoader {
    static func fields(_ c: CommunityCodes) -> [FieldSpec] {
        [FieldSpec("cphm", .masked(.plate), column: "plate"), FieldSpec("tclx", .code(c.parkingType), required: false),
         FieldSpec("crlx", .code(c.direction)), FieldSpec("sbbm", .text),
         FieldSpec("jrsj", .time, required: false), FieldSpec("lksj", .time, required: false),
         FieldSpec("txqk", .oneOf(["1", "0"])), FieldSpec("sfbxq", .code(c.isResident), required: false), FieldSpec("ptzcm", .text),
         FieldSpec("clpp", .code(c.vehicleBrand), required: false), FieldSpec("cllx", .code(c.vehicleType), required: false)]
        + ["czxm", "czsfzhm", "czlxfs", "zpzp"].map { FieldSpec($0, .dropped) }
    }

    /// Where the plate keys' secret lives: beside the store, never in it.
    static func keyFile(_ job: Job) -> SecretKeyFile { SecretKeyFile(job: job, purpose: "plates") }

    /// The file's records checked and folded on every core, in place when `inPlace`.
    static func fold(path: String, shown: String, codes: CommunityCodes, reading: AccessReading, clock: TimeParser, hash: KeyedHash,
                     progress: ProgressDisplay?, inPlace: Bool = true) throws -> (tally: AccessTally, outcome: CSVTableLoader.Outcome, parts: Int) {
        let loader = CSVTableLoader(fields(codes), encoding: .detect, quotesValues: false)
        func at(_ c: String) -> Int { loader.position(of: c) }
        let plateAt = at("plate"), crlxAt = at("crlx"), jrAt = at("jrsj_ms"), lkAt = at("lksj_ms"), passAt = at("txqk")
        let localAt = at("sfbxq"), communityAt = at("ptzcm")
        var bytes: CSVTableLoader.PartFastPath<VehiclePart>?
        if inPlace { bytes = { (part: inout VehiclePart, rec: CSVReader.RawRecord) -> Bool in let f = part.fast; return f.fold(&part.tally, rec) } }
        // The clear plate is read from the row as written, hashed, and forgotten.
        let (parts, outcome) = try loader.loadParts(path: path, shown: shown, times: clock, progress: progress,
                                                    makePart: { header in
            VehiclePart(plateColumn: header.firstIndex { $0.caseInsensitiveCompare("cphm") == .orderedSame } ?? 0,
                        fast: .init(header: header, codes: codes, reading: reading, clock: clock, hash: hash))
        }, fast: bytes) { part, v, row in
            let community: Int32
            switch reading.community(v[communityAt]) { case .success(let c): community = c; case .failure(let p): return (p.field, p.reason) }
            let entering = v[crlxAt].text == CommunityCodes.entering
            let ms: Int64
            switch reading.time(entering: entering, jrsj: v[jrAt], lksj: v[lkAt]) { case .success(let t): ms = t; case .failure(let p): return (p.field, p.reason) }
            let succeeded = v[passAt].text == "1"
            part.tally.pass(community: community, ms: ms, clock: clock, entering: entering, succeeded: succeeded)
            if succeeded, entering, v[localAt].text == CommunityCodes.notResident {
                let key = hash.hex(row.values[part.plateColumn].trimmedSpace)
                part.tally.strangerEntry(StrangerKey(community: community, id: key), ms: ms, plate: v[plateAt].text)
            }
            return nil
        }
        var tally = AccessTally()
        for p in parts { tally.merge(p.tally) }
        return (tally, outcome, parts.count)
    }

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let reading = try AccessReading(store: ctx.store)
        let clock = ctx.times
        let hash = KeyedHash(key: try Self.keyFile(ctx.job).key())
        let (tally, outcome, parts) = try Self.fold(path: input.url.path, shown: input.written, codes: try CommunityCodes.load(),
                                                    reading: reading, clock: clock, hash: hash, progress: ctx.progress)
        let (_, replaced) = try ctx.store.replaceRows([AccessTables.vehicleHours, AccessTables.vehicleStrangers]) { ins in
            try reading.forEachHourRow(tally) { try ins[0].insert($0) }
            for r in reading.strangerRows(tally, clock: clock, vehicles: true) { try ins[1].insert(r) }
        }
        return AccessReading.result(input, outcome, replaced: replaced, tally: tally, parts: parts)
    }
}

/// One part of vehicle_access read on one core.
struct VehiclePart: Sendable {
    var tally = AccessTally()
    /// Where the clear plate is in a row, for its keyed hash.
    let plateColumn: Int
    let fast: AccessFastPath.Vehicle
}
