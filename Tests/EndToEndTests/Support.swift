import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Shared helpers for the end-to-end tests: they drive the built `zonal`
// binary with Foundation `Process` in throw-away workspaces, so nothing in the
// repository changes. Build the binary first: `swift build --product zonal`.

/// The repository root, derived from this file's path (Tests/EndToEndTests/Support.swift).
let repoRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let datasetDir = repoRoot.appendingPathComponent("Datasets/beijing")
let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// The `zonal` executable: `$ZONAL_BIN`, else next to the test bundle, else `<repo>/.build/debug/zonal`.
let zonalBinary: URL? = {
    let fm = FileManager.default
    if let env = ProcessInfo.processInfo.environment["ZONAL_BIN"], fm.isExecutableFile(atPath: env) {
        return URL(fileURLWithPath: env)
    }
    var dirs: [URL] = []
    for b in [Bundle.main] + Bundle.allBundles {
        dirs.append(b.bundleURL)
        dirs.append(b.bundleURL.deletingLastPathComponent())
        if let e = b.executableURL { dirs.append(e.deletingLastPathComponent()) }
    }
    dirs.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    dirs.append(repoRoot.appendingPathComponent(".build/debug"))
    for d in dirs {
        let c = d.appendingPathComponent("zonal")
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: c.path, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: c.path) {
            return c
        }
    }
    return nil
}()

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Both streams, for assertions that should not care where a message went.
    var output: String { stdout + stderr }
}

/// Runs a program with stdin from /dev/null and stdout/stderr into files (never a TTY,
/// so progress stays silent).
func runProcess(_ executable: URL, _ args: [String], cwd: URL, environment: [String: String]? = nil) throws -> RunResult {
    let p = Process()
    p.executableURL = executable
    p.arguments = args
    p.currentDirectoryURL = cwd
    var env = environment ?? ProcessInfo.processInfo.environment
    env["TERM"] = "dumb"
    p.environment = env
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    let outURL = tmp.appendingPathComponent("stdout"), errURL = tmp.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outH = try FileHandle(forWritingTo: outURL), errH = try FileHandle(forWritingTo: errURL)
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = outH
    p.standardError = errH
    try p.run()
    p.waitUntilExit()
    try? outH.close(); try? errH.close()
    let out = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
    let err = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
    return RunResult(status: p.terminationStatus, stdout: out, stderr: err)
}

/// Runs `zonal ARGS` in `cwd`.
func runZonal(_ args: [String], cwd: URL, environment extra: [String: String] = [:]) throws -> RunResult {
    guard let bin = zonalBinary else {
        XCTFail("the zonal binary was not found next to the test bundle nor at \(repoRoot.path)/.build/debug/zonal; run `swift build --product zonal` first")
        throw XCTSkip("zonal binary missing")
    }
    return try runProcess(bin, args, cwd: cwd, environment: extra.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(extra) { _, b in b })
}

/// Finds a program on PATH.
func which(_ name: String) -> URL? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let c = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: c.path) { return c }
    }
    return nil
}

// MARK: - Workspaces

/// The job every test starts from: the repository's Beijing job, with paths
/// relative to the workspace (store and reports in ./out).
struct JobSpec {
    var name = "beijing-fence-audit"
    var fences = "./fences"
    var districts: String? = "./districts.geojson"
    var tasks = "[fence_audit, parking_capacity]"
    var formats = "[csv, xlsx, geojson, shp, html]"
    var params: String? = nil
    /// Extra top-level YAML lines, written as is.
    var extra: [String] = []
    /// Replaces the `tasks:` key's name (to plant a typo).
    var tasksKey = "tasks"

    var yaml: String {
        var s = """
        # Beijing electronic-fence audit, end-to-end test copy of Jobs/beijing-fence-audit.yaml
        version: 1
        job: \(name)
        out: ./out
        store: ./out/zonal.sqlite
        timezone: Asia/Shanghai
        inputs:
          fences: \(fences)

        """
        if let d = districts { s += "  districts: \(d)\n" }
        s += "\(tasksKey): \(tasks)\n"
        s += "formats: \(formats)\n"
        if let p = params { s += "params: \(p)\n" }
        for e in extra { s += e + "\n" }
        return s
    }
}

/// A fresh temp folder holding a copy of Datasets/beijing/fences and districts.geojson.
func makeWorkspace(_ label: String = "ws") throws -> URL {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("zonal-e2e-\(label)-\(UUID().uuidString)")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    try fm.copyItem(at: datasetDir.appendingPathComponent("fences"), to: dir.appendingPathComponent("fences"))
    try fm.copyItem(at: datasetDir.appendingPathComponent("districts.geojson"), to: dir.appendingPathComponent("districts.geojson"))
    return dir
}

@discardableResult
func writeJob(_ spec: JobSpec = JobSpec(), in dir: URL, named file: String = "job.yaml") throws -> URL {
    let url = dir.appendingPathComponent(file)
    try spec.yaml.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// Where the seeded template lives for this test process (removed at exit).
let seedTemplateDir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-seed-\(getpid())")

/// A workspace where the good job has already run once (so the store has
/// content). The first call runs the job; later calls copy that folder.
final class SeededWorkspace: @unchecked Sendable {
    static let shared = SeededWorkspace()
    private let lock = NSLock()
    private var template: URL?
    private var failure: String?

    func make(_ label: String) throws -> URL {
        lock.lock(); defer { lock.unlock() }
        if template == nil && failure == nil {
            let dir = seedTemplateDir
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: datasetDir.appendingPathComponent("fences"), to: dir.appendingPathComponent("fences"))
            try FileManager.default.copyItem(at: datasetDir.appendingPathComponent("districts.geojson"), to: dir.appendingPathComponent("districts.geojson"))
            atexit { removeWorkspace(seedTemplateDir) }
            try writeJob(in: dir)
            let r = try runZonal(["run", "job.yaml"], cwd: dir)
            if r.status == 0 { template = dir } else { failure = "seeding run failed (exit \(r.status)): \(r.stderr)" }
        }
        guard let t = template else {
            XCTFail(failure ?? "no seeded workspace")
            throw XCTSkip("seeding failed")
        }
        let dst = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-\(label)-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: t, to: dst)
        return dst
    }
}

func removeWorkspace(_ dir: URL) {
    if ProcessInfo.processInfo.environment["ZONAL_E2E_KEEP"] == nil {
        try? FileManager.default.removeItem(at: dir)
    }
}

/// Every file below `dir`, as relative paths, sorted.
func listTree(_ dir: URL) -> [String] {
    let base = dir.standardizedFileURL.resolvingSymlinksInPath().path
    var out: [String] = []
    if let e = FileManager.default.enumerator(atPath: base) {
        while let p = e.nextObject() as? String { out.append(p) }
    }
    return out.sorted()
}

// MARK: - Store

/// Runs `spatialite STORE SQL` and returns its stdout lines.
func spatialite(_ store: URL, _ sql: String) throws -> [String] {
    guard let bin = which("spatialite") else { throw XCTSkip("the spatialite CLI (spatialite-bin) is not on PATH") }
    let r = try runProcess(bin, [store.path, sql], cwd: store.deletingLastPathComponent())
    guard r.status == 0 else {
        XCTFail("spatialite failed (\(r.status)) on \(sql): \(r.stderr)")
        return []
    }
    return r.stdout.split(whereSeparator: \.isNewline).map(String.init)
}

/// Row counts of every table of the store (SQLite internals and SpatiaLite's
/// virtual helper tables excluded). `zonal_runs` is included; callers drop it.
func storeTableCounts(_ store: URL) throws -> [String: Int] {
    let virtualHelpers: Set<String> = ["SpatialIndex", "KNN", "KNN2", "ElementaryGeometries"]
    let names = try spatialite(store, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .filter { !virtualHelpers.contains($0) }
    guard !names.isEmpty else { return [:] }
    let sql = names.map { "SELECT '\($0)', count(*) FROM \"\($0)\"" }.joined(separator: " UNION ALL ")
    var counts: [String: Int] = [:]
    for line in try spatialite(store, sql) {
        let parts = line.split(separator: "|", omittingEmptySubsequences: false)
        if parts.count == 2, let n = Int(parts[1]) { counts[String(parts[0])] = n }
    }
    return counts
}

/// `counts` without the run ledger.
func withoutLedger(_ counts: [String: Int]) -> [String: Int] {
    var c = counts
    c.removeValue(forKey: "zonal_runs")
    return c
}

// MARK: - CSV

/// Parses RFC 4180 CSV (a leading UTF-8 BOM is dropped; CRLF or LF).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var inQuotes = false
    var chars = Array(text.unicodeScalars)
    if chars.first == "\u{FEFF}" { chars.removeFirst() }
    var i = 0
    var sawAny = false
    while i < chars.count {
        let c = chars[i]
        if inQuotes {
            if c == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
            } else { field.unicodeScalars.append(c) }
        } else if c == "\"" {
            inQuotes = true; sawAny = true
        } else if c == "," {
            row.append(field); field = ""; sawAny = true
        } else if c == "\r" || c == "\n" {
            if c == "\r" && i + 1 < chars.count && chars[i + 1] == "\n" { i += 1 }
            row.append(field); rows.append(row); row = []; field = ""; sawAny = false
        } else {
            field.unicodeScalars.append(c); sawAny = true
        }
        i += 1
    }
    if sawAny || !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

/// A CSV file as header + rows of name → value.
struct CSVTable {
    var header: [String]
    var rows: [[String: String]]
    var rawRows: [[String]]

    init(url: URL) throws {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let all = parseCSV(text)
        header = all.first ?? []
        rawRows = Array(all.dropFirst())
        let h = header
        rows = rawRows.map { r in
            var d: [String: String] = [:]
            for (i, name) in h.enumerated() where i < r.count { d[name] = r[i] }
            return d
        }
    }
}

/// "31.35" → 3135; nil unless the text is digits with exactly two decimals.
func cents(_ s: String) -> Int? {
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[1].count == 2, let whole = Int(parts[0]), let frac = Int(parts[1]), whole >= 0 else { return nil }
    return whole * 100 + frac
}

func fileStartsWithBOM(_ url: URL) -> Bool {
    guard let d = try? Data(contentsOf: url) else { return false }
    return d.starts(with: [0xEF, 0xBB, 0xBF])
}

func readText(_ url: URL) -> String {
    String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
}

/// Runs a job that fails and checks the store rows are untouched. Returns the result.
func assertStoreUnchanged(_ before: [String: Int]?, _ store: URL, ledgerMayGrow: Bool = true,
                          file: StaticString = #filePath, line: UInt = #line) throws {
    guard let before else { return }
    let after = try storeTableCounts(store)
    XCTAssertEqual(withoutLedger(after), withoutLedger(before), "a failed run must leave every table's row count as it was", file: file, line: line)
    if let b = before["zonal_runs"], let a = after["zonal_runs"] {
        if ledgerMayGrow { XCTAssertTrue(a == b || a == b + 1, "zonal_runs went from \(b) to \(a)", file: file, line: line) }
        else { XCTAssertEqual(a, b, "a job-file error must not touch the run ledger", file: file, line: line) }
    }
}

/// Store counts, or nil (with a note) when the spatialite CLI is missing.
func countsIfPossible(_ store: URL) throws -> [String: Int]? {
    guard which("spatialite") != nil else {
        print("note: spatialite CLI not on PATH; store row counts are not checked")
        return nil
    }
    return try storeTableCounts(store)
}

extension String {
    /// True when the text matches the regular expression.
    func matches(_ pattern: String) -> Bool {
        range(of: pattern, options: .regularExpression) != nil
    }
}

// MARK: - Bike workspaces (Jobs/beijing-nightly-infence.yaml)

/// The Beijing bike-day inputs of Jobs/beijing-nightly-infence.yaml, in job order (key, file).
let bikeInputs: [(key: String, file: String)] = [
    ("parking_events", "parking_events.csv.gz"), ("bt_sniffers", "bt_sniffers.csv"),
    ("bt_sniffer_status", "bt_sniffer_status.csv"), ("bt_studs", "bt_studs.csv"),
    ("bt_stud_status", "bt_stud_status.csv"), ("monitored_bikes", "monitored_bikes.csv"),
    ("bike_counts", "bike_counts.csv"),
]

let bikeExpectedDir = datasetDir.appendingPathComponent("expected")

/// Jobs/beijing-nightly-infence.yaml adapted to a workspace: inputs are written as bare
/// file names (so `rejects.file` equals the `file` column of Datasets/beijing/expected/rejects_*.csv),
/// store and reports in ./out.
struct BikeJobSpec {
    var name = "beijing-nightly-infence"
    /// (key, path as written in the job); fences first.
    var inputs: [(key: String, path: String)] = [("fences", "fences")] + bikeInputs.map { ($0.key, $0.file) }
    var params = "{tolerance_m: 0, low_battery_pct: 20}"
    var tasks = "[infence_rate, zone_occupancy, device_health]"
    var formats = "[csv, xlsx, geojson, html]"

    var yaml: String {
        var s = """
        # end-to-end test copy of Jobs/beijing-nightly-infence.yaml
        version: 1
        job: \(name)
        out: ./out
        store: ./out/zonal.sqlite
        timezone: Asia/Shanghai
        inputs:

        """
        for i in inputs { s += "  \(i.key): \(i.path)\n" }
        s += "params: \(params)\n"
        s += "tasks: \(tasks)\n"
        s += "formats: \(formats)\n"
        return s
    }

    @discardableResult
    func write(in dir: URL, named file: String = "job.yaml") throws -> URL {
        let url = dir.appendingPathComponent(file)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// A fresh temp folder with copies of Datasets/beijing/fences and the bike-day files.
func makeBikeWorkspace(_ label: String) throws -> URL {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("zonal-e2e-\(label)-\(UUID().uuidString)")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    try fm.copyItem(at: datasetDir.appendingPathComponent("fences"), to: dir.appendingPathComponent("fences"))
    for f in bikeInputs {
        try fm.copyItem(at: datasetDir.appendingPathComponent(f.file), to: dir.appendingPathComponent(f.file))
    }
    return dir
}

/// Rows of a CSV restricted to `columns` (by header name), in file order. Fails when a column is missing.
func csvRows(_ url: URL, columns: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
    let t = try CSVTable(url: url)
    for c in columns where !t.header.contains(c) {
        XCTFail("\(url.lastPathComponent) has no column \(c) (header: \(t.header))", file: file, line: line)
    }
    return t.rows.map { r in columns.map { r[$0] ?? "<missing>" } }
}

/// Asserts that `actual` has the rows of `expected` on the expected file's columns (all of
/// them: the contract's columns), in the same order; extra columns of `actual` are ignored.
func assertSameRows(_ actual: URL, _ expected: URL, file: StaticString = #filePath, line: UInt = #line) throws {
    let columns = try CSVTable(url: expected).header
    let want = try csvRows(expected, columns: columns, file: file, line: line)
    let got = try csvRows(actual, columns: columns, file: file, line: line)
    XCTAssertEqual(got.count, want.count, "\(actual.lastPathComponent): row count", file: file, line: line)
    let gotSet = Set(got.map { $0.joined(separator: ",") }), wantSet = Set(want.map { $0.joined(separator: ",") })
    let missing = want.map { $0.joined(separator: ",") }.filter { !gotSet.contains($0) }
    let extra = got.map { $0.joined(separator: ",") }.filter { !wantSet.contains($0) }
    XCTAssertTrue(missing.isEmpty && extra.isEmpty,
                  "\(actual.lastPathComponent) vs \(expected.lastPathComponent) on \(columns): missing \(missing.prefix(10)), unexpected \(extra.prefix(10))",
                  file: file, line: line)
    if missing.isEmpty && extra.isEmpty {
        XCTAssertEqual(got, want, "\(actual.lastPathComponent): same rows but in a different order", file: file, line: line)
    }
}

extension XCTestCase {
    /// An empty temporary folder, removed when the test ends (kept with ZONAL_E2E_KEEP).
    func domainWorkspace(_ domain: String, _ label: String) throws -> URL {
        let ws = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-e2e-\(domain)-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: ws, withIntermediateDirectories: true)
        addTeardownBlock { removeWorkspace(ws) }
        return ws
    }

    /// A workspace holding a copy of Datasets/<dataset> as <dataset>/ and
    /// Jobs/<job>.yaml as job.yaml, its paths pointing into the copy and its
    /// output to out/.
    func sampleWorkspace(dataset: String, job: String, _ label: String) throws -> URL {
        let ws = try domainWorkspace(dataset, label)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Datasets/\(dataset)"), to: ws.appendingPathComponent(dataset))
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Jobs/\(job).yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../Datasets/\(dataset)/", with: "\(dataset)/").replacingOccurrences(of: "out: ../Outputs/\(job)", with: "out: out")
        try text.write(to: ws.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        return ws
    }
}

extension XCTestCase {
    /// A run's reports equal Datasets/<dataset>/expected/<report>.csv (an
    /// independent implementation's), row for row, and its rejects are the
    /// planted ones (file, line, field). `keyed` names a column Zonal fills
    /// with a per-store random value (a keyed hash): it must match `pattern`,
    /// and rows are compared as a set without it.
    func assertMatchesReference(_ out: URL, dataset: String, reports: [String], keyed: (column: String, pattern: String)? = nil,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = repoRoot.appendingPathComponent("Datasets/\(dataset)/expected")
        for report in reports {
            let got = try CSVTable(url: out.appendingPathComponent("\(report).csv"))
            let want = try CSVTable(url: expected.appendingPathComponent("\(report).csv"))
            XCTAssertEqual(got.header.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }, want.header, report, file: file, line: line)
            var g = got.rawRows, w = want.rawRows
            if let keyed, let k = want.header.firstIndex(of: keyed.column) {
                for r in g { XCTAssertNotNil(r[k].range(of: keyed.pattern, options: .regularExpression), "\(keyed.column) \(r[k])", file: file, line: line) }
                g = g.map { var r = $0; r[k] = ""; return r }.sorted { $0.lexicographicallyPrecedes($1) }
                w = w.map { var r = $0; r[k] = ""; return r }.sorted { $0.lexicographicallyPrecedes($1) }
            }
            XCTAssertEqual(g.count, w.count, report, file: file, line: line)
            for (i, (a, b)) in zip(g, w).enumerated() where a != b {
                XCTFail("\(report) row \(i + 2): got \(a), want \(b)", file: file, line: line); break
            }
        }
        let rejects = Set(try CSVTable(url: out.appendingPathComponent("rejects.csv")).rawRows.map {
            "\($0[0].replacingOccurrences(of: "\(dataset)/", with: "../Datasets/\(dataset)/"))|\($0[1])|\($0[2])"
        })
        let planted = Set(try CSVTable(url: expected.appendingPathComponent("rejects_planted.csv")).rawRows.map { "\($0[0])|\($0[1])|\($0[2])" })
        XCTAssertEqual(rejects, planted, file: file, line: line)
    }
}
