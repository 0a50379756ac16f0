import Foundation
import ZonalCore
import ZonalIO
import ZonalStore

/// The venues footfall rows may name: code → position, and why a rejected code was rejected.
struct VenueIndex: Sendable {
    let codes: [String]
    private let position: [Int64: Int]
    private let rejected: [String: String]

    init(codes: [String], rejected: [String: String]) {
        self.codes = codes
        self.rejected = rejected
        position = Dictionary(codes.enumerated().compactMap { i, c in Int64(c).map { ($0, i) } }, uniquingKeysWith: { a, _ in a })
    }

    func find(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count == 12 else { return nil }
        var n: Int64 = 0
        for c in b { guard c &- 48 < 10 else { return nil }; n = n * 10 + Int64(c &- 48) }
        return position[n]
    }

    func unknown(_ code: String) -> String {
        if let why = rejected[code] { return "venue \(Quote.prefix(code)) is not in venues (its row there was rejected: \(why))" }
        return "venue \(Quote.prefix(code)) is not in venues"
    }
}

/// Where each column of `venue_footfall` is (uploaded_at may be absent).
struct FootfallColumns: Sendable {
    static let required = ["venue_code", "device_id", "source", "period_start", "period_end", "in_count", "out_count"]
    let venue: Int, device: Int, source: Int, start: Int, end: Int, inCount: Int, outCount: Int
    let uploaded: Int?
    let width: Int

    init(header: [String], shown: String) throws {
        func find(_ name: String) -> Int? { header.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame } }
        var at: [Int] = []
        for name in Self.required {
            guard let i = find(name) else {
                throw InputError(file: shown, line: 1, field: name,
                                 reason: "the header has no \(name) column; expected \((Self.required + ["uploaded_at"]).joined(separator: ",")) (it has \(header.joined(separator: ",")))")
            }
            at.append(i)
        }
        (venue, device, source, start, end, inCount, outCount) = (at[0], at[1], at[2], at[3], at[4], at[5], at[6])
        uploaded = find("uploaded_at")
        width = header.count
    }
}

/// A footfall row that passed every check.
struct FootfallRow {
    var venue: Int
    var device: String
    var source: FootfallSource
    var start: Int64
    var end: Int64
    var inCount: UInt32
    var outCount: UInt32
    var uploaded: Int64?
    var line: Int
}

/// Checks one record, given as byte slices: the same code reads the fast
/// (in place) and the slow (quoted, full parse) records, so both say the same.
enum FootfallRowCheck {
    typealias Problem = (field: String?, reason: String)

    static func check(_ field: (Int) -> UnsafeBufferPointer<UInt8>, count: Int, line: Int, columns c: FootfallColumns,
                      venues: VenueIndex, clock: TimeParser) -> Result<FootfallRow, ProblemBox> {
        func fail(_ f: String?, _ why: String) -> Result<FootfallRow, ProblemBox> { .failure(ProblemBox(field: f, reason: why)) }
        func text(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }
        guard count == c.width else {
            return fail(nil, "has \(count) fields but the header has \(c.width); check for stray commas or quotes")
        }
        guard let venue = venues.find(field(c.venue)) else { return fail("venue_code", venues.unknown(text(c.venue))) }
        let deviceBytes = field(c.device)
        guard !deviceBytes.isEmpty else { return fail("device_id", "is empty") }
        guard let source = FootfallSource.from(field(c.source)) else {
            return fail("source", "'\(Quote.prefix(text(c.source)))' must be one of \(FootfallSource.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        func time(_ i: Int, _ name: String) -> Result<Int64, ProblemBox> {
            guard let t = clock.parse(bytes: field(i)) else {
                return .failure(ProblemBox(field: name, reason: "'\(Quote.prefix(text(i)))' is not a time; use yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601 with offset"))
            }
            return .success(t)
        }
        let start: Int64, end: Int64
        switch time(c.start, "period_start") { case .success(let t): start = t; case .failure(let p): return .failure(p) }
        switch time(c.end, "period_end") { case .success(let t): end = t; case .failure(let p): return .failure(p) }
        guard end > start else {
            return fail("period_end", "\(clock.format(end, milliseconds: end % 1000 != 0)) is not after period_start \(clock.format(start, milliseconds: start % 1000 != 0))")
        }
        func people(_ i: Int, _ name: String) -> Result<UInt32, ProblemBox> {
            let b = field(i)
            var n: UInt64 = 0
            var digits = 0
            for x in b {
                guard x &- 48 < 10 else {
                    let t = text(i)
                    if let v = Int64(t), v < 0 { return .failure(ProblemBox(field: name, reason: "is \(t), below 0; counts are people")) }
                    return .failure(ProblemBox(field: name, reason: "'\(Quote.prefix(t))' is not a whole number"))
                }
                n = n * 10 + UInt64(x &- 48)
                digits += 1
                if digits > 9 { return .failure(ProblemBox(field: name, reason: "\(Quote.prefix(text(i))) is too large for a count of people")) }
            }
            guard digits > 0 else { return .failure(ProblemBox(field: name, reason: "is empty")) }
            return .success(UInt32(n))
        }
        let inCount: UInt32, outCount: UInt32
        switch people(c.inCount, "in_count") { case .success(let v): inCount = v; case .failure(let p): return .failure(p) }
        switch people(c.outCount, "out_count") { case .success(let v): outCount = v; case .failure(let p): return .failure(p) }
        var uploaded: Int64? = nil
        if let u = c.uploaded, !field(u).isEmpty {
            switch time(u, "uploaded_at") { case .success(let t): uploaded = t; case .failure(let p): return .failure(p) }
            if uploaded! < end {
                return fail("uploaded_at", "\(clock.format(uploaded!)) is before period_end \(clock.format(end)); a period is uploaded after it ends")
            }
        }
        return .success(FootfallRow(venue: venue, device: String(decoding: deviceBytes, as: UTF8.self), source: source, start: start, end: end,
                                    inCount: inCount, outCount: outCount, uploaded: uploaded, line: line))
    }
}

struct ProblemBox: Error { var field: String?; var reason: String }

/// One row's place in a device's day: when in the day it starts (ms), how
/// long it is, its counts, its line, and whether it was late or long.
struct SlotEntry: Sendable, Equatable {
    static let empty = SlotEntry(startMs: -1, periodAndFlags: 0, inCount: 0, outCount: 0, line: 0)
    static let lateFlag: Int32 = 1 << 30, longFlag: Int32 = 1 << 29, periodMask: Int32 = (1 << 29) - 1
    var startMs: Int32
    var periodAndFlags: Int32
    var inCount: UInt32
    var outCount: UInt32
    var line: Int32

    var periodMs: Int32 { periodAndFlags & Self.periodMask }
    var late: Bool { periodAndFlags & Self.lateFlag != 0 }
    var long: Bool { periodAndFlags & Self.longFlag != 0 }
    /// The same measurement: period and counts (the upload time aside).
    func sameMeasurement(_ o: SlotEntry) -> Bool { periodMs == o.periodMs && inCount == o.inCount && outCount == o.outCount }
}

/// Footfall rows gathered by device, source and local date, one entry per
/// 15-minute slot (a second period starting in the same slot goes to
/// `extras`). Repeats and conflicts are found as rows arrive.
struct FootfallDays: Sendable {
    struct Series: Hashable, Sendable { var venue: Int; var device: String; var source: FootfallSource }
    /// A second row for a device, source and period_start with other counts.
    struct Conflict: Sendable { var line: Int; var first: Int; var series: Int; var startMs: Int64 }

    var series: [Series] = []
    private var seriesOfVenue: [Int: [Int]] = [:]
    private var bucketOf: [Int64: Int] = [:]
    var bucketSeries: [Int] = [], bucketDay: [Int] = [], duplicates: [Int] = []
    var entries: [SlotEntry] = []
    var extras: [(bucket: Int, entry: SlotEntry)] = []
    var conflicts: [Conflict] = []

    func seriesIndex(_ s: Series) -> Int? { seriesOfVenue[s.venue]?.first { series[$0] == s } }

    mutating func seriesIndexAdding(_ s: Series) -> Int {
        if let i = seriesIndex(s) { return i }
        series.append(s)
        seriesOfVenue[s.venue, default: []].append(series.count - 1)
        return series.count - 1
    }

    func bucketIndex(series: Int, day: Int) -> Int? { bucketOf[Int64(series) << 24 | Int64(day)] }

    mutating func bucketIndexAdding(series: Int, day: Int) -> Int {
        let key = Int64(series) << 24 | Int64(day)
        if let b = bucketOf[key] { return b }
        let b = bucketSeries.count
        bucketOf[key] = b
        bucketSeries.append(series); bucketDay.append(day); duplicates.append(0)
        entries.append(contentsOf: repeatElement(SlotEntry.empty, count: Slots.perDay))
        return b
    }

    /// Adds a checked row.
    mutating func add(_ r: FootfallRow, clock: TimeParser) {
        let s = seriesIndexAdding(Series(venue: r.venue, device: r.device, source: r.source))
        let local = r.start + clock.utcOffsetMs(at: r.start)
        let day = Int(local >= 0 ? local / Slots.dayMs : (local - Slots.dayMs + 1) / Slots.dayMs)
        let inDay = local - Int64(day) * Slots.dayMs
        var flags: Int32 = 0
        if let u = r.uploaded, u - r.end > Slots.lateAfterMs { flags |= SlotEntry.lateFlag }
        if r.end - r.start > Slots.longestPeriodMs { flags |= SlotEntry.longFlag }
        let entry = SlotEntry(startMs: Int32(inDay), periodAndFlags: Int32(min(r.end - r.start, Int64(SlotEntry.periodMask))) | flags,
                              inCount: r.inCount, outCount: r.outCount, line: Int32(r.line))
        place(entry, bucket: bucketIndexAdding(series: s, day: day), series: s, day: day)
    }

    /// Puts an entry in its slot: a repeat is counted, a conflict recorded.
    mutating func place(_ entry: SlotEntry, bucket b: Int, series s: Int, day: Int) {
        let i = b * Slots.perDay + Int(entry.startMs) / Int(Slots.slotMs)
        let held = entries[i]
        if held.startMs < 0 { entries[i] = entry; return }
        if held.startMs == entry.startMs {
            if held.sameMeasurement(entry) { duplicates[b] += 1 } else {
                conflicts.append(Conflict(line: Int(entry.line), first: Int(held.line), series: s, startMs: Int64(day) * Slots.dayMs + Int64(entry.startMs)))
            }
            return
        }
        if let k = extras.firstIndex(where: { $0.bucket == b && $0.entry.startMs == entry.startMs }) {
            if extras[k].entry.sameMeasurement(entry) { duplicates[b] += 1 } else {
                conflicts.append(Conflict(line: Int(entry.line), first: Int(extras[k].entry.line), series: s,
                                          startMs: Int64(day) * Slots.dayMs + Int64(entry.startMs)))
            }
            return
        }
        extras.append((b, entry))
    }

    /// Merges a later part of the file into this one (its lines offset by the
    /// lines before it), as if its rows had been added here in order.
    mutating func merge(_ other: FootfallDays, lineOffset: Int) {
        let seriesMap = other.series.map { seriesIndexAdding($0) }
        func shifted(_ e: SlotEntry) -> SlotEntry { var e = e; e.line += Int32(lineOffset); return e }
        for ob in other.bucketSeries.indices {
            let s = seriesMap[other.bucketSeries[ob]], day = other.bucketDay[ob]
            let b = bucketIndexAdding(series: s, day: day)
            duplicates[b] += other.duplicates[ob]
            for slot in 0..<Slots.perDay {
                let e = other.entries[ob * Slots.perDay + slot]
                if e.startMs >= 0 { place(shifted(e), bucket: b, series: s, day: day) }
            }
        }
        for x in other.extras {
            let s = seriesMap[other.bucketSeries[x.bucket]], day = other.bucketDay[x.bucket]
            place(shifted(x.entry), bucket: bucketIndexAdding(series: s, day: day), series: s, day: day)
        }
        for c in other.conflicts {
            conflicts.append(Conflict(line: c.line + lineOffset, first: c.first + lineOffset, series: seriesMap[c.series], startMs: c.startMs))
        }
    }
}

/// One part of venue_footfall read on one core.
struct FootfallPart: Sendable {
    var days = FootfallDays()
    var rejects: [Reject] = []
    var records = 0
    var lines = 0

    static func read(path: String, shown: String, range: Range<Int64>?, header: [String], columns: FootfallColumns,
                     venues: VenueIndex, clock: TimeParser, progress: ProgressDisplay) throws -> FootfallPart {
        let reader = try CSVReader(path: path, displayName: shown, range: range, header: range.map { $0.lowerBound == 0 ? nil : header } ?? nil)
        var part = FootfallPart()
        var days = FootfallDays()
        var pending = 0
        while let step = try reader.nextRaw({ rec in
            guard case .success(let row) = FootfallRowCheck.check({ rec[$0] }, count: rec.count, line: rec.line, columns: columns, venues: venues, clock: clock)
            else { return false }
            days.add(row, clock: clock)
            return true
        }) {
            part.records += 1
            pending += 1
            if pending == 16_384 { progress.advance(by: pending); pending = 0 }
            guard case .parsed(let row) = step else { continue }
            // Quoted, or failed a check in place: the same checks over the parsed fields say why.
            var bytes: [UInt8] = [], bounds: [Int] = []
            for v in row.values { bounds.append(bytes.count); bytes += Array(v.utf8); bounds.append(bytes.count) }
            let result = bytes.withUnsafeBufferPointer { b in
                FootfallRowCheck.check({ UnsafeBufferPointer(rebasing: b[bounds[2 * $0]..<bounds[2 * $0 + 1]]) }, count: row.values.count,
                                       line: row.line, columns: columns, venues: venues, clock: clock)
            }
            switch result {
            case .success(let r): days.add(r, clock: clock)
            case .failure(let p): part.rejects.append(Reject(file: shown, line: row.line, field: p.field, reason: p.reason))
            }
        }
        progress.advance(by: pending)
        part.days = days
        part.lines = reader.linesRead
        return part
    }
}

/// `venue_footfall`: the counts of seed 000's footfall systems (CONTRACT
/// §3.3), gathered per venue, device, source and local date into 15-minute
/// slots (`venue_footfall_days`): what every report of the domain needs, at
/// a hundredth of the rows. A province month (11.5 million rows) is read in
/// one part per core; each row is checked in place unless it is quoted.
struct FootfallLoader: DatasetLoader {
    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let repo = VenueRepository(store: ctx.store)
        let venues = VenueIndex(codes: try repo.venueCodes(), rejected: try repo.codeProblems())
        let path = input.url.path, shown = input.written, clock = ctx.times, progress = ctx.progress
        let header = try CSVReader(path: path, displayName: shown).header
        let columns = try FootfallColumns(header: header, shown: shown)
        let ranges: [Range<Int64>?] = CSVReader.parts(path: path, count: ProcessInfo.processInfo.activeProcessorCount,
                                                      minimumBytes: TestHooks.partMinimumBytes) ?? [nil]
        progress.start("load \(shown)")
        let parts = try Parallel.slices(ranges.count, minimumPerSlice: 1) { slice in
            try slice.map { k in try FootfallPart.read(path: path, shown: shown, range: ranges[k], header: header, columns: columns,
                                                       venues: venues, clock: clock, progress: progress) }
        }
        progress.finish()

        var days = parts[0].days
        var rejects = parts[0].rejects
        var offset = parts[0].lines
        for p in parts.dropFirst() {
            days.merge(p.days, lineOffset: offset)
            rejects += p.rejects.map { var r = $0; r.line = r.line.map { $0 + offset }; return r }
            offset += p.lines
        }
        for c in days.conflicts {
            let s = days.series[c.series]
            rejects.append(Reject(file: shown, line: c.line, field: "in_count",
                                  reason: "line \(c.first) already reports device \(Quote.prefix(s.device)) (\(s.source.rawValue)) for the period starting \(clock.format(c.startMs - clock.utcOffsetMs(at: c.startMs))) with other counts or another period_end"))
        }
        rejects.sort { ($0.line ?? 0) < ($1.line ?? 0) }

        // One stored row per device, source and date.
        var longRows = 0, firstLong = Int.max, stored = 0
        let order = days.bucketSeries.indices.sorted { a, b in
            let sa = days.series[days.bucketSeries[a]], sb = days.series[days.bucketSeries[b]]
            return (venues.codes[sa.venue], days.bucketDay[a], sa.device, sa.source.rawValue) < (venues.codes[sb.venue], days.bucketDay[b], sb.device, sb.source.rawValue)
        }
        var extrasOf: [Int: [SlotEntry]] = [:]
        for x in days.extras { extrasOf[x.bucket, default: []].append(x.entry) }
        let (_, replaced) = try ctx.store.replaceRows(VenueTables.days) { ins in
            var blob = [UInt8](repeating: 0, count: Slots.perDay * 8)
            for b in order {
                let s = days.series[days.bucketSeries[b]]
                var slotIn = [UInt64](repeating: 0, count: Slots.perDay), slotOut = slotIn, has = [Bool](repeating: false, count: Slots.perDay)
                var rows = 0, late = 0, long = 0
                let here = (0..<Slots.perDay).map { days.entries[b * Slots.perDay + $0] }.filter { $0.startMs >= 0 } + (extrasOf[b] ?? [])
                for e in here {
                    let slot = Int(e.startMs) / Int(Slots.slotMs)
                    slotIn[slot] += UInt64(e.inCount); slotOut[slot] += UInt64(e.outCount); has[slot] = true
                    rows += 1
                    if e.late { late += 1 }
                    if e.long { long += 1; firstLong = min(firstLong, Int(e.line)) }
                }
                longRows += long
                var totalIn: UInt64 = 0, totalOut: UInt64 = 0
                for k in 0..<Slots.perDay {
                    let (i, o) = has[k] ? (UInt32(clamping: slotIn[k]), UInt32(clamping: slotOut[k])) : (UInt32.max, UInt32.max)
                    withUnsafeBytes(of: i.littleEndian) { for (j, x) in $0.enumerated() { blob[k * 8 + j] = x } }
                    withUnsafeBytes(of: o.littleEndian) { for (j, x) in $0.enumerated() { blob[k * 8 + 4 + j] = x } }
                    totalIn += slotIn[k]; totalOut += slotOut[k]
                }
                try ins.insert([.text(venues.codes[s.venue]), .text(VenueDate.text(days.bucketDay[b])), .text(s.device), .text(s.source.rawValue),
                                .integer(Int64(rows)), .integer(Int64(totalIn)), .integer(Int64(totalOut)), .integer(Int64(has.filter { $0 }.count)),
                                .integer(Int64(late)), .integer(Int64(days.duplicates[b])), .integer(Int64(long)), .blob(blob)])
                stored += rows
            }
        }
        var warnings: [Warning] = []
        if longRows > 0 {
            warnings.append(Warning(file: shown, line: firstLong, reason: "\(longRows) \(longRows == 1 ? "row covers" : "rows cover") more than 15 minutes (seed 000 collects at most every 15 minutes; the first here); their counts go to the slot of period_start"))
        }
        let repeats = days.duplicates.reduce(0, +)
        if repeats > 0 {
            warnings.append(Warning(file: shown, reason: "\(repeats) \(repeats == 1 ? "row repeats" : "rows repeat") an earlier row (the same device, source, period and counts); each counts once"))
        }
        let records = parts.reduce(0) { $0 + $1.records }
        return LoadResult(rows: stored, replacedRows: replaced,
                          files: [LoadedFile(written: shown, url: input.url, dataRows: records, rejects: rejects.count, encoding: "UTF-8")],
                          rejects: rejects, warnings: warnings,
                          notes: "\(days.bucketSeries.count) device-days" + (parts.count > 1 ? "; read in \(parts.count) parts in parallel" : ""))
    }
}

/// Local dates as day numbers (days since 1970-01-01 on the job's clock).
enum VenueDate {
    static func text(_ day: Int) -> String {
        let (y, m, d) = TimeParser.civilDate(day)
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(pad(m))-\(pad(d))"
    }
}
