import ZonalCore
import ZonalIO

/// Passes through one hour of one community's gates (persons or vehicles).
struct HourCounts: Sendable, Equatable {
    /// Successful entries (crlx 1, timed by jrsj) and exits (crlx 2, by lksj).
    var entries: Int64 = 0, exits: Int64 = 0
    /// Failed attempts, either way (kmzt 2 / txqk 0).
    var failures: Int64 = 0
    var records: Int64 = 0
    /// The latest record time in the hour (epoch ms): `as_of` defaults to the latest of all.
    var lastMs: Int64 = .min

    mutating func count(entering: Bool, succeeded: Bool, ms: Int64) {
        records += 1
        if succeeded { if entering { entries += 1 } else { exits += 1 } } else { failures += 1 }
        lastMs = max(lastMs, ms)
    }

    mutating func add(_ o: HourCounts) {
        entries += o.entries; exits += o.exits; failures += o.failures; records += o.records; lastMs = max(lastMs, o.lastMs)
    }
}

/// Who a stranger's entries belong to: a person's 档案编号 (dabh) or a
/// vehicle's keyed plate hash, within one community.
struct StrangerKey: Hashable, Sendable {
    var community: Int32
    var id: String
}

/// Access records folded as they are read — a district year is 25 million
/// records, and every report needs only these: counts per community and
/// local hour, opens and failures per community and kmfs, and the entry
/// times of strangers (sfbxq 0), the only records read one by one later.
struct AccessTally: Sendable {
    /// Key: community << 32 | local hour number (hours since 1970-01-01 on the job's clock).
    var hours: [Int64: HourCounts] = [:]
    /// Key: community << 16 | kmfs (persons only).
    var methods: [Int64: (opens: Int64, failures: Int64)] = [:]
    /// Successful entries of strangers, epoch ms, in no order until `sorted`.
    var strangers: [StrangerKey: [Int64]] = [:]
    /// A stranger vehicle's masked plate (the key is the keyed hash of the clear one).
    var plates: [StrangerKey: String] = [:]

    static func hourKey(community: Int32, localHour: Int64) -> Int64 { Int64(community) << 32 | localHour }

    /// One valid record: `entering` (crlx 1) or leaving, succeeded or failed, at `ms`.
    mutating func pass(community: Int32, ms: Int64, clock: TimeParser, entering: Bool, succeeded: Bool) {
        let local = (ms + clock.utcOffsetMs(at: ms)).floorDiv(3_600_000)
        // One hash lookup per record: updated in place.
        hours[Self.hourKey(community: community, localHour: local), default: HourCounts()].count(entering: entering, succeeded: succeeded, ms: ms)
    }

    mutating func attempt(community: Int32, method: Int, failed: Bool) {
        methods[Int64(community) << 16 | Int64(method), default: (0, 0)].opens += 1
        if failed { methods[Int64(community) << 16 | Int64(method), default: (0, 0)].failures += 1 }
    }

    mutating func strangerEntry(_ key: StrangerKey, ms: Int64, plate: String? = nil) {
        strangers[key, default: []].append(ms)
        if let plate, plates[key] == nil { plates[key] = plate }
    }

    /// Adds another part's counts (parts are merged in file order).
    mutating func merge(_ o: AccessTally) {
        for (k, c) in o.hours { hours[k, default: HourCounts()].add(c) }
        for (k, m) in o.methods {
            var x = methods[k] ?? (0, 0)
            x.opens += m.opens; x.failures += m.failures
            methods[k] = x
        }
        for (k, t) in o.strangers { strangers[k, default: []] += t }
        for (k, p) in o.plates where plates[k] == nil { plates[k] = p }
    }

    /// The latest record time, or nil without records.
    var latestMs: Int64? { hours.values.map(\.lastMs).max() }
}

extension Int64 {
    /// Division rounding toward −∞ (times before 1970 stay in the right hour).
    func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}

/// Entry times of one stranger as the store keeps them: little-endian
/// Int64 epoch milliseconds, ascending.
enum EntryTimes {
    static func encode(_ times: [Int64]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(times.count * 8)
        for t in times { withUnsafeBytes(of: t.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    static func decode(_ b: [UInt8]) -> [Int64] {
        guard b.count % 8 == 0 else { return [] }
        return stride(from: 0, to: b.count, by: 8).map { i in
            var v: UInt64 = 0
            for j in 0..<8 { v |= UInt64(b[i + j]) << (8 * UInt64(j)) }
            return Int64(bitPattern: v)
        }
    }
}
