import Foundation
import ZonalCore
import ZonalIO

/// Access records read in place, as bytes: what a district year's 25
/// million rows cost without a String per field. Each check here accepts
/// only what the field specs accept exactly so (a value with spaces around
/// it, a quote, a code with a sign or a leading zero goes to the checked
/// path instead, which also words any reject), and folds the record exactly
/// as the checked path's `visit` does.
struct AccessFastPath: Sendable {
    /// A code table's codes that are plain numbers 0–999, by value.
    struct Codes: Sendable {
        var valid = [Bool](repeating: false, count: 1000)
        init(_ t: CodeTable) { for c in t.codes { if let v = Self.plain(Array(c.utf8)[...]) { valid[v] = true } } }

        /// "0", "12", "99": 1–3 digits, no leading zero. Nil for anything else.
        static func plain<C: Collection>(_ b: C) -> Int? where C.Element == UInt8 {
            guard !b.isEmpty, b.count <= 3, b.count == 1 || b.first != 48 else { return nil }
            var v = 0
            for d in b { guard d >= 48 && d <= 57 else { return nil }; v = v * 10 + Int(d - 48) }
            return v
        }

        func code(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let v = Self.plain(b), valid[v] else { return nil }
            return v
        }
    }

    let width: Int
    let column: [String: Int]
    let reading: AccessReading
    let clock: TimeParser
    let codeBytes: [[UInt8]]
    let slots: [(UInt64, Int32)]

    init(header: [String], reading: AccessReading, clock: TimeParser) {
        codeBytes = reading.communities.map { Array($0.utf8) }
        slots = Self.table(codeBytes)
        width = header.count
        var c: [String: Int] = [:]
        for (i, h) in header.enumerated() where c[h.lowercased()] == nil { c[h.lowercased()] = i }
        column = c
        self.reading = reading
        self.clock = clock
    }

    /// The field's bytes, empty when the file has no such column; nil when
    /// it has spaces around it (the checked path trims them).
    @inline(__always)
    static func field(_ rec: CSVReader.RawRecord, _ i: Int?) -> UnsafeBufferPointer<UInt8>? {
        guard let i else { return UnsafeBufferPointer(start: nil, count: 0) }
        let b = rec[i]
        if let f = b.first, let l = b.last, f <= 0x20 || l <= 0x20 { return nil }
        return b
    }

    /// An optional time: .some(nil) when empty, nil when not a time.
    @inline(__always)
    func time(_ b: UnsafeBufferPointer<UInt8>) -> Int64?? {
        if b.isEmpty { return .some(nil) }
        guard let t = clock.parse(bytes: b) else { return nil }
        return .some(t)
    }

    /// The community of a ptzcm, by its bytes: no String per record (a
    /// 32-character code is a heap allocation) and no Dictionary: FNV-1a of
    /// the bytes probes an open-addressed table, and the bytes decide.
    func community(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !b.isEmpty else { return nil }
        let h = Self.fnv(b)
        var slot = Int(truncatingIfNeeded: h) & (slots.count - 1)
        return slots.withUnsafeBufferPointer { table in
            while true {
                let (hash, index) = table[slot]
                if index < 0 { return nil }
                if hash == h {
                    let code = codeBytes[Int(index)]
                    if code.count == b.count, code.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }) { return index }
                }
                slot = (slot + 1) & (table.count - 1)
            }
        }
    }

    static func fnv(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for x in b { h = (h ^ UInt64(x)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// (hash, community) slots, a power of two at least 4× the communities; index −1 is empty.
    static func table(_ codes: [[UInt8]]) -> [(UInt64, Int32)] {
        var size = 16
        while size < codes.count * 4 { size *= 2 }
        var t = [(UInt64, Int32)](repeating: (0, -1), count: size)
        for (i, c) in codes.enumerated() where !c.isEmpty {
            let h = c.withUnsafeBufferPointer { fnv($0) }
            var slot = Int(truncatingIfNeeded: h) & (size - 1)
            while t[slot].1 >= 0 { slot = (slot + 1) & (size - 1) }
            t[slot] = (h, Int32(i))
        }
        return t
    }

    /// The field as text; nil when it is not UTF-8 (the checked path says so).
    static func text(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        for x in b where x >= 0x80 { return String(validating: b, as: UTF8.self) }
        return String(decoding: b, as: UTF8.self)
    }

    /// Persons: the same checks as `PersonAccessLoader.fields` and its visit.
    final class Person: Sendable {
        let base: AccessFastPath
        let household: Codes, method: Codes, state: Codes, direction: Codes, resident: Codes
        let ry: Int?, dabh: Int?, zhlx: Int?, kmfs: Int?, kmzt: Int?, crlx: Int?, jrsj: Int?, lksj: Int?, sfbxq: Int?, ptzcm: Int?

        init(header: [String], codes: CommunityCodes, reading: AccessReading, clock: TimeParser) {
            base = AccessFastPath(header: header, reading: reading, clock: clock)
            household = Codes(codes.householdType); method = Codes(codes.openMethod); state = Codes(codes.openState)
            direction = Codes(codes.direction); resident = Codes(codes.isResident)
            let c = base.column
            ry = c["ryid"]; dabh = c["dabh"]; zhlx = c["zhlx"]; kmfs = c["kmfs"]; kmzt = c["kmzt"]; crlx = c["crlx"]
            jrsj = c["jrsj"]; lksj = c["lksj"]; sfbxq = c["sfbxq"]; ptzcm = c["ptzcm"]
        }

        func fold(_ tally: inout AccessTally, _ rec: CSVReader.RawRecord) -> Bool {
            guard rec.count == base.width, zhlx != nil, kmfs != nil, kmzt != nil, crlx != nil, ptzcm != nil else { return false }
            typealias F = AccessFastPath
            guard let ryB = F.field(rec, ry), let dabhB = F.field(rec, dabh), let zhlxB = F.field(rec, zhlx), let kmfsB = F.field(rec, kmfs),
                  let kmztB = F.field(rec, kmzt), let crlxB = F.field(rec, crlx), let jrB = F.field(rec, jrsj), let lkB = F.field(rec, lksj),
                  let localB = F.field(rec, sfbxq), let communityB = F.field(rec, ptzcm) else { return false }
            guard household.code(zhlxB) != nil, let m = method.code(kmfsB), let st = state.code(kmztB), let dir = direction.code(crlxB),
                  let jr = base.time(jrB), let lk = base.time(lkB), let community = base.community(communityB) else { return false }
            var local: Int?
            if !localB.isEmpty { guard let v = resident.code(localB) else { return false }; local = v }
            guard !(dabhB.isEmpty && ryB.isEmpty) else { return false }
            let entering = dir == 1
            guard let ms = entering ? jr : lk else { return false }
            let succeeded = st == 1
            let stranger = succeeded && entering && !dabhB.isEmpty && local == 0
            var id = ""
            if stranger { guard let d = F.text(dabhB) else { return false }; id = d }
            tally.pass(community: community, ms: ms, clock: base.clock, entering: entering, succeeded: succeeded)
            tally.attempt(community: community, method: m, failed: !succeeded)
            if stranger { tally.strangerEntry(StrangerKey(community: community, id: id), ms: ms) }
            return true
        }
    }

    /// Vehicles: the same checks as `VehicleAccessLoader.fields` and its visit.
    final class Vehicle: Sendable {
        let base: AccessFastPath
        let hash: KeyedHash
        let parking: Codes, direction: Codes, resident: Codes, brand: Codes, kind: Codes
        let cphm: Int?, tclx: Int?, crlx: Int?, sbbm: Int?, jrsj: Int?, lksj: Int?, txqk: Int?, sfbxq: Int?, ptzcm: Int?, clpp: Int?, cllx: Int?

        init(header: [String], codes: CommunityCodes, reading: AccessReading, clock: TimeParser, hash: KeyedHash) {
            base = AccessFastPath(header: header, reading: reading, clock: clock)
            self.hash = hash
            parking = Codes(codes.parkingType); direction = Codes(codes.direction); resident = Codes(codes.isResident)
            brand = Codes(codes.vehicleBrand); kind = Codes(codes.vehicleType)
            let c = base.column
            cphm = c["cphm"]; tclx = c["tclx"]; crlx = c["crlx"]; sbbm = c["sbbm"]; jrsj = c["jrsj"]; lksj = c["lksj"]
            txqk = c["txqk"]; sfbxq = c["sfbxq"]; ptzcm = c["ptzcm"]; clpp = c["clpp"]; cllx = c["cllx"]
        }

        /// A plate `Masking.plate` accepts, judged on its bytes: 5–10
        /// characters, each printable ASCII other than space and `*`, or a
        /// CJK ideograph (三-byte UTF-8 E4–E9) — every plate of the
        /// mainland. Anything else (combining marks, other scripts) goes to
        /// the checked path, which counts characters as `Masking` does.
        static func plainPlate(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
            var i = 0, chars = 0
            while i < b.count {
                let x = b[i]
                if x < 0x80 {
                    guard x > 0x20, x != 0x2A, x != 0x7F else { return false }
                    i += 1
                } else {
                    guard x >= 0xE4, x <= 0xE9, i + 2 < b.count, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80 else { return false }
                    i += 3
                }
                chars += 1
            }
            return chars >= 5 && chars <= 10
        }

        func fold(_ tally: inout AccessTally, _ rec: CSVReader.RawRecord) -> Bool {
            guard rec.count == base.width, cphm != nil, crlx != nil, sbbm != nil, txqk != nil, ptzcm != nil else { return false }
            typealias F = AccessFastPath
            guard let plateB = F.field(rec, cphm), let tclxB = F.field(rec, tclx), let crlxB = F.field(rec, crlx), let sbbmB = F.field(rec, sbbm),
                  let jrB = F.field(rec, jrsj), let lkB = F.field(rec, lksj), let passB = F.field(rec, txqk), let localB = F.field(rec, sfbxq),
                  let communityB = F.field(rec, ptzcm), let brandB = F.field(rec, clpp), let kindB = F.field(rec, cllx) else { return false }
            guard !sbbmB.isEmpty, let dir = direction.code(crlxB), passB.count == 1, passB[0] == 48 || passB[0] == 49,
                  let jr = base.time(jrB), let lk = base.time(lkB), let community = base.community(communityB) else { return false }
            if !tclxB.isEmpty { guard parking.code(tclxB) != nil else { return false } }
            if !brandB.isEmpty { guard brand.code(brandB) != nil else { return false } }
            if !kindB.isEmpty { guard kind.code(kindB) != nil else { return false } }
            var local: Int?
            if !localB.isEmpty { guard let v = resident.code(localB) else { return false }; local = v }
            guard Self.plainPlate(plateB) else { return false }
            let entering = dir == 1
            guard let ms = entering ? jr : lk else { return false }
            let succeeded = passB[0] == 49
            let stranger = succeeded && entering && local == 0
            var key = "", masked = ""
            if stranger {
                let plate = String(decoding: plateB, as: UTF8.self)
                guard let m = Masking.plate.mask(plate) else { return false }
                key = hash.hex(plate); masked = m
            }
            tally.pass(community: community, ms: ms, clock: base.clock, entering: entering, succeeded: succeeded)
            if stranger { tally.strangerEntry(StrangerKey(community: community, id: key), ms: ms, plate: masked) }
            return true
        }
    }
}
