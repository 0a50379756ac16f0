import Foundation
import ZonalIO
import ZonalStore

/// A run's reports as the ledger keeps them for `zonal diff`: each report's
/// CSV exactly as written, with the positions of its key columns, compressed.
/// Taken from the files the export just wrote, so keeping it costs a read
/// and a fast compression, not a second pass over the store.
enum RunSnapshot {
    static func make(specs: [ReportSpec], csvFolder: URL) throws -> [UInt8] {
        var header: [JSONValue] = []
        var body: [UInt8] = []
        for spec in specs {
            guard let data = FileManager.default.contents(atPath: csvFolder.appendingPathComponent("\(spec.name).csv").path) else { continue }
            header.append(.object([
                ("name", .string(spec.name)),
                ("key", .array(spec.key.compactMap { k in spec.columns.firstIndex { $0.name == k } }.map { .int(Int64($0)) })),
                ("bytes", .int(Int64(data.count))),
            ]))
            body.append(contentsOf: data)
        }
        let head = Array(JSONValue.object([("reports", .array(header))]).serialized(pretty: false).utf8)
        return try Zlib.compress(head + [0x0A] + body)
    }

    struct Report {
        var name: String
        var columns: [String]
        var key: [String]
        var rows: [[String]]
    }

    static func read(_ bytes: [UInt8]) throws -> [Report] {
        let all = try Zlib.decompress(bytes)
        guard let nl = all.firstIndex(of: 0x0A),
              let top = try JSONSerialization.jsonObject(with: Data(all[..<nl])) as? [String: Any],
              let reports = top["reports"] as? [[String: Any]] else {
            throw DiffError(description: "the run's report snapshot is not in Zonal's format")
        }
        var offset = nl + 1
        return try reports.map { r in
            let n = (r["bytes"] as? Int) ?? 0
            guard offset + n <= all.count else { throw DiffError(description: "the run's report snapshot is cut short") }
            var table = CSVText.parse(Array(all[offset..<(offset + n)]))
            offset += n
            let columns = table.isEmpty ? [] : table.removeFirst()
            let key = ((r["key"] as? [Int]) ?? []).filter { $0 < columns.count }.map { columns[$0] }
            return Report(name: r["name"] as? String ?? "", columns: columns, key: key, rows: table)
        }
    }
}

/// RFC 4180 text already in memory (a snapshot's CSV): records of fields,
/// BOM dropped, CRLF or LF.
enum CSVText {
    static func parse(_ bytes: [UInt8]) -> [[String]] {
        var b = bytes[...]
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
        var rows: [[String]] = [], row: [String] = [], field: [UInt8] = []
        var quoted = false, i = b.startIndex
        func endField() { row.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        while i < b.endIndex {
            let c = b[i]
            if quoted {
                if c == 0x22 {
                    if i + 1 < b.endIndex && b[i + 1] == 0x22 { field.append(0x22); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == 0x22 { quoted = true
            } else if c == 0x2C { endField()
            } else if c == 0x0A || c == 0x0D {
                if c == 0x0D && i + 1 < b.endIndex && b[i + 1] == 0x0A { i += 1 }
                endField(); rows.append(row); row = []
            } else { field.append(c) }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
        return rows
    }
}

/// What changed between two runs of a job: per report, the rows that
/// appeared, vanished or changed (matched by the report's key columns), and
/// for a changed row each column's value before and after.
public struct RunDiff {
    public struct Change: Equatable {
        public enum Kind: String { case appeared, vanished, changed }
        public var report: String
        public var key: String
        public var kind: Kind
        /// (column, before, after); for appeared/vanished rows the whole row on one side.
        public var columns: [(name: String, before: String, after: String)]
        public static func == (a: Change, b: Change) -> Bool {
            a.report == b.report && a.key == b.key && a.kind == b.kind && a.columns.map { "\($0)" } == b.columns.map { "\($0)" }
        }
    }

    public struct ReportDiff {
        public var report: String
        public var rowsBefore: Int, rowsAfter: Int
        public var changes: [Change]
        public func count(_ k: Change.Kind) -> Int { changes.filter { $0.kind == k }.count }
    }

    public var from: Store.RunEntry
    public var to: Store.RunEntry
    public var timezone: TimeZone
    public var reports: [ReportDiff]
    /// Reports in only one of the two runs (an --only run, a task added to the job).
    public var onlyIn: [(report: String, run: Int64)]

    static func compare(_ a: RunSnapshot.Report, _ b: RunSnapshot.Report) -> ReportDiff {
        func keyed(_ r: RunSnapshot.Report) -> [(String, [String])] {
            let idx = r.key.compactMap { k in r.columns.firstIndex(of: k) }
            var seen: [String: Int] = [:]
            return r.rows.map { row in
                var k = idx.map { $0 < row.count ? row[$0] : "" }.joined(separator: " / ")
                // Rows with the same key (two findings of one rule on one feature) are matched in order.
                seen[k, default: 0] += 1
                if seen[k]! > 1 { k += " #\(seen[k]!)" }
                return (k, row)
            }
        }
        let before = keyed(a), after = keyed(b)
        let beforeMap = Dictionary(before, uniquingKeysWith: { x, _ in x })
        let afterMap = Dictionary(after, uniquingKeysWith: { x, _ in x })
        var changes: [Change] = []
        let columns = b.columns
        for (k, row) in after {
            if let old = beforeMap[k] {
                var cols: [(String, String, String)] = []
                for (i, c) in columns.enumerated() {
                    let oldIndex = a.columns.firstIndex(of: c)
                    let o = oldIndex.flatMap { $0 < old.count ? old[$0] : nil } ?? ""
                    let n = i < row.count ? row[i] : ""
                    if o != n { cols.append((c, o, n)) }
                }
                if !cols.isEmpty { changes.append(Change(report: b.name, key: k, kind: .changed, columns: cols)) }
            } else {
                changes.append(Change(report: b.name, key: k, kind: .appeared, columns: zip(columns, row).map { ($0, "", $1) }))
            }
        }
        for (k, row) in before where afterMap[k] == nil {
            changes.append(Change(report: b.name, key: k, kind: .vanished, columns: zip(a.columns, row).map { ($0, $1, "") }))
        }
        return ReportDiff(report: b.name, rowsBefore: a.rows.count, rowsAfter: b.rows.count, changes: changes)
    }
}

/// A `zonal diff` that cannot be made: no such run, no snapshot kept.
public struct DiffError: Error, CustomStringConvertible {
    public let description: String
}

/// `zonal diff`: compares two runs of a job from the store's ledger.
public struct DiffCommand {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public struct Options {
        public var jobPath: String
        public var store: String?
        public var from: Int64?
        public var to: Int64?
        public var reports: [String]?
        public var csv: String?
        public var limit = 20
        public init(jobPath: String) { self.jobPath = jobPath }
    }

    /// Prints the comparison; 0 done (differences or not), 1 runs missing, 2 bad job file.
    public func run(_ o: Options, print out: (String) -> Void = { print($0) }) -> Int32 {
        let log = Log(format: .text, quiet: false)
        let job: Job
        do { job = try JobParser.parse(file: URL(fileURLWithPath: o.jobPath).standardizedFileURL, registry: registry, storeOverride: o.store) } catch {
            log.error("\(error)")
            return 2
        }
        do {
            if case .file(let path) = job.store, !FileManager.default.fileExists(atPath: path) {
                throw DiffError(description: "the store \(path) does not exist; run the job first")
            }
            let store = try Store(location: job.store)
            defer { try? store.close() }
            let diff = try compare(job: job, store: store, o)
            out(Self.text(diff, limit: o.limit))
            if let csv = o.csv { try Self.writeCSV(diff, to: csv) }
            return 0
        } catch {
            log.error("\(error)")
            return 1
        }
    }

    func compare(job: Job, store: Store, _ o: Options) throws -> RunDiff {
        let runs = try store.runs(job: job.name)
        let kept = runs.filter { $0.status == "ok" && $0.hasSnapshot }
        func find(_ id: Int64) throws -> Store.RunEntry {
            guard let r = runs.first(where: { $0.id == id }) else {
                throw DiffError(description: "job \(job.name) has no run \(id) in \(job.store.description); its runs: \(runs.prefix(10).map { "\($0.id)" }.joined(separator: ", "))")
            }
            guard r.hasSnapshot else { throw DiffError(description: "run \(id) of job \(job.name) \(r.status == "ok" ? "is older than the last 30 runs the ledger keeps reports for" : "failed, so it has no reports")") }
            return r
        }
        let to = try o.to.map(find) ?? kept.first
        guard let to else { throw DiffError(description: "job \(job.name) has no successful run in \(job.store.description) yet") }
        let from = try o.from.map(find) ?? kept.first { $0.id < to.id }
        guard let from else { throw DiffError(description: "job \(job.name) has only one successful run (\(to.id)) in \(job.store.description); there is nothing to compare it with") }
        let a = try RunSnapshot.read(try store.reportSnapshot(run: from.id) ?? [])
        let b = try RunSnapshot.read(try store.reportSnapshot(run: to.id) ?? [])
        let wanted = o.reports.map(Set.init)
        var reports: [RunDiff.ReportDiff] = []
        var onlyIn: [(String, Int64)] = []
        for r in b where wanted?.contains(r.name) ?? true {
            if let old = a.first(where: { $0.name == r.name }) { reports.append(RunDiff.compare(old, r)) } else { onlyIn.append((r.name, to.id)) }
        }
        for r in a where (wanted?.contains(r.name) ?? true) && !b.contains(where: { $0.name == r.name }) { onlyIn.append((r.name, from.id)) }
        return RunDiff(from: from, to: to, timezone: job.timezone, reports: reports, onlyIn: onlyIn)
    }

    static func text(_ d: RunDiff, limit: Int) -> String {
        func local(_ iso: String) -> String {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.date(from: iso).map { Timestamp.report($0, d.timezone) } ?? iso
        }
        var s = "job \(d.to.job): run \(d.from.id) (ended \(local(d.from.ended))) → run \(d.to.id) (ended \(local(d.to.ended)))\n"
        for r in d.reports {
            let a = r.count(.appeared), v = r.count(.vanished), c = r.count(.changed)
            s += "\n\(r.report): " + (r.changes.isEmpty ? "no change" : "\(a) appeared, \(v) vanished, \(c) changed") + " (\(r.rowsBefore) rows → \(r.rowsAfter))\n"
            for ch in r.changes.prefix(limit) {
                switch ch.kind {
                case .changed: s += "  changed \(ch.key): " + ch.columns.map { "\($0.name) \($0.before) → \($0.after)" }.joined(separator: "; ") + "\n"
                case .appeared: s += "  appeared \(ch.key)\n"
                case .vanished: s += "  vanished \(ch.key)\n"
                }
            }
            if r.changes.count > limit { s += "  … and \(r.changes.count - limit) more (all of them with --csv FILE)\n" }
        }
        for (name, run) in d.onlyIn { s += "\n\(name): only in run \(run)\n" }
        return s
    }

    /// One row per changed value: report, key, change, column, before, after.
    static func writeCSV(_ d: RunDiff, to path: String) throws {
        var rows: [[Cell]] = []
        for r in d.reports {
            for ch in r.changes {
                for c in ch.columns where ch.kind == .changed || !(c.before.isEmpty && c.after.isEmpty) {
                    rows.append([.text(r.report), .text(ch.key), .text(ch.kind.rawValue), .text(c.name), .text(c.before), .text(c.after)])
                }
            }
        }
        try CSVWriter.write(path: path, header: ["report", "key", "change", "column", "before", "after"], rows: rows)
    }
}
