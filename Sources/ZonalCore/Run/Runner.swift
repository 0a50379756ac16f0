import Foundation
import ZonalIO
import ZonalStore

/// Options `zonal run` copies from its flags.
public struct RunOptions: Sendable {
    public var jobPath: String
    public var store: String?
    public var out: String?
    public var only: [String]?
    public var quiet = false
    /// Also log where the time went (debug level).
    public var verbose = false
    public var logFormat: Log.Format = .text
    public var waitSeconds: Double = 0
    /// Where log lines go; standard error when nil.
    public var logOutput: (@Sendable (String) -> Void)?
    public init(jobPath: String) { self.jobPath = jobPath }
}

public struct RunOutcome: Sendable {
    public var exitCode: Int32
    public var summaryPath: String?
}

public let zonalVersion = "0.1.0"

/// Load → tasks → export, with one savepoint per step inside one run
/// transaction, so a failed run leaves the store as it was; the run ledger
/// entry is written last.
public final class Runner {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public func run(_ options: RunOptions) -> RunOutcome {
        let log = Log(format: options.logFormat, quiet: options.quiet, verbose: options.verbose, output: options.logOutput)
        let plan: RunPlan
        do { plan = try RunPlan(options, registry: registry) } catch {
            log.error("\(error)")
            return RunOutcome(exitCode: 2, summaryPath: nil)
        }
        return RunSession(plan: plan, registry: registry, options: options, log: log).execute()
    }

    /// Inputs to load, in job order, each after the inputs it requires.
    static func loadOrder(job: Job, registry: Registry, needed: Set<String>) -> [String] {
        var keys: [String] = []
        func visit(_ key: String) {
            guard !keys.contains(key), job.inputs[key] != nil else { return }
            for r in registry.input(named: key)?.requires ?? [] { visit(r) }
            keys.append(key)
        }
        for key in job.inputOrder where needed.contains(key) { visit(key) }
        return keys
    }

    /// A file fails when its rejects are more than max_reject_rate × its data rows and more than 5.
    static func checkRejectRate(_ r: LoadResult, job: Job) throws {
        let rate = job.params[RunParams.maxRejectRate]
        for f in r.files where f.rejects > 5 && Double(f.rejects) > rate * Double(f.dataRows) {
            let first = r.rejects.first { $0.file == f.written }
            throw RejectLimitError(file: f.written, rejects: f.rejects, rows: f.dataRows, rate: rate, first: first)
        }
    }
}

/// What a run will do: the job, its tasks (after `--only`) and the inputs to load.
struct RunPlan {
    var job: Job
    var tasks: [any ZonalTask]
    var loadKeys: [String]

    init(_ options: RunOptions, registry: Registry) throws {
        job = try JobParser.parse(file: URL(fileURLWithPath: options.jobPath).standardizedFileURL, registry: registry,
                                  storeOverride: options.store, outOverride: options.out)
        if let only = options.only {
            for t in only where !job.tasks.contains(t) {
                throw JobFileError(file: "--only", path: "", message: "'\(t)' is not a task of this job; must be one of \(job.tasks.joined(separator: ", "))")
            }
            job.allTasks = job.tasks
            job.tasks = job.tasks.filter(only.contains)
        }
        tasks = job.tasks.compactMap(registry.task(named:))
        // A full run loads every input the job names; --only loads what its tasks use.
        let needed = options.only == nil ? Set(job.inputOrder) : Set(tasks.flatMap { $0.inputs + $0.optionalInputs })
        loadKeys = Runner.loadOrder(job: job, registry: registry, needed: needed)
    }
}

/// One run, step by step: lock the store, open it, load every input, run
/// every task, export, write the ledger and commit — or roll back and
/// record the failure — then write summary.json.
final class RunSession {
    let plan: RunPlan
    let registry: Registry
    let options: RunOptions
    let log: Log
    let progress: ProgressDisplay
    let record: RunRecord
    var job: Job { plan.job }

    init(plan: RunPlan, registry: Registry, options: RunOptions, log: Log) {
        self.plan = plan; self.registry = registry; self.options = options; self.log = log
        progress = ProgressDisplay(enabled: !options.quiet && ProgressDisplay.terminalAttached())
        record = RunRecord(job: plan.job, loads: plan.loadKeys, tasks: plan.tasks, rules: registry.rules(of: plan.job.tasks))
    }

    func execute() -> RunOutcome {
        let lock: StoreLock
        let store: Store
        let folder = OutputFolder(out: job.outURL)
        do {
            lock = try acquireLock()
            store = try Store(location: job.store, waitSeconds: max(options.waitSeconds, 5), applicationName: "zonal: job \(job.name)")
            for note in folder.recover(committed: { (try? store.runStatus($0)) == "ok" }) { log.info("\(job.outURL.path): \(note)") }
            try folder.checkNotForeign(OutputFolder.names(job: job, tasks: plan.tasks))
        } catch {
            log.error("\(error)")
            return RunOutcome(exitCode: 1, summaryPath: nil)
        }
        defer { withExtendedLifetime(lock) {} }
        let runID = (try? store.nextRunID()) ?? 1
        log.info("run \(runID) of job \(job.name): \(plan.loadKeys.count) inputs, tasks \(job.tasks.joined(separator: ", "))",
                 [("job", .string(job.name)), ("run_id", .int(runID))])
        var staging: URL?
        var committed = false
        do {
            try store.beginRun()
            var step = 0
            for key in plan.loadKeys { try load(key, step: step, store: store, runID: runID); step += 1 }
            for task in plan.tasks { try run(task, step: step, store: store); step += 1 }
            let stage = try folder.stage(runID: runID)
            staging = stage
            try export(step: step, store: store, into: stage)
            let snapshotStart = Date()
            let snapshot = try RunSnapshot.make(specs: plan.tasks.flatMap(\.reports) + [rejectsReport], csvFolder: stage)
            log.debug("reports kept for zonal diff: \(snapshot.count) bytes in \(String(format: "%.2f", Date().timeIntervalSince(snapshotStart))) s")
            try store.recordRun(id: runID, job: job.name, status: record.status, started: Timestamp.iso(record.started),
                                ended: Timestamp.iso(record.ended), summary: record.json().serialized(), reports: snapshot)
            try AtomicFile.write(Data((record.json().serialized() + "\n").utf8), to: stage.appendingPathComponent("summary.json").path)
            try folder.markComplete(stage, runID: runID)
            TestHooks.point("before-commit")
            // The store first: the files then follow a committed run (and a
            // kill between the two is finished by the next run).
            try store.commitRun()
            committed = true
            TestHooks.point("after-commit")
            try folder.publish(stage)
        } catch {
            if committed {
                // Only putting the files in place failed; the staging folder keeps them for the next run.
                log.error("the run is in the store, but its reports could not be put in \(job.outURL.path): \(error)")
                record.failure = "\(error)"
            } else {
                store.rollbackRun()
                record.failRun(error)
                if let staging { try? FileManager.default.removeItem(at: staging) }
                if store.isNew {
                    // A failed first run leaves no store at all, as before the run.
                    store.discardNewStore()
                    log.error("run failed, no store was created: \(error)")
                } else {
                    log.error("run failed, the store is unchanged: \(error)")
                    // The ledger keeps failed runs too; it is the one table a failed run adds to.
                    try? store.recordRun(id: runID, job: job.name, status: record.status, started: Timestamp.iso(record.started),
                                         ended: Timestamp.iso(record.ended), summary: record.json().serialized())
                }
            }
        }
        try? store.close()
        var summaryPath = job.outURL.appendingPathComponent("summary.json").path
        if record.status == "ok" {
            reportLeftovers()
        } else if let aside = folder.keepFailed(summary: Data((record.json().serialized() + "\n").utf8), rejects: record.rejects) {
            summaryPath = aside.appendingPathComponent("summary.json").path
            log.error("the failed run's summary.json and rejects.csv are in \(aside.path); the reports in \(job.outURL.path) are still the last good run's")
        }
        logClosingLine(summaryPath: summaryPath)
        return RunOutcome(exitCode: record.status == "ok" && !committedButUnpublished(committed, staging) ? 0 : 1, summaryPath: summaryPath)
    }

    func committedButUnpublished(_ committed: Bool, _ staging: URL?) -> Bool {
        committed && staging.map { FileManager.default.fileExists(atPath: $0.path) } == true
    }

    /// The run's last line, whatever happened: job, status, rows, rejects,
    /// warnings, seconds and where the reports are.
    func logClosingLine(summaryPath: String) {
        let loaded = record.steps.filter { $0.kind == "load" }.compactMap(\.rows).reduce(0, +)
        let reportRows = record.steps.filter { $0.kind == "task" }.compactMap(\.rows).reduce(0, +)
        let rejects = record.rejectCounts.reduce(0) { $0 + $1.rejects }
        let seconds = String(format: "%.2f", record.ended.timeIntervalSince(record.started))
        let text = "job \(job.name): \(record.status); \(loaded) rows loaded, \(rejects) rejected, \(record.warnings.count) warning\(record.warnings.count == 1 ? "" : "s"), \(reportRows) report rows; \(seconds) s"
            + (record.status == "ok" ? "; reports in \(job.outURL.path)" : "; summary in \(summaryPath)")
        let fields: [(String, JSONValue)] = [("job", .string(job.name)), ("status", .string(record.status)), ("rows", .int(Int64(loaded))),
                                             ("rejects", .int(Int64(rejects))), ("warnings", .int(Int64(record.warnings.count))),
                                             ("report_rows", .int(Int64(reportRows))), ("seconds", .number(Double(seconds) ?? 0))]
        if record.status == "ok" { log.info(text, fields) } else { log.error(text, fields) }
    }

    /// With --only, the reports of the job's other tasks stay as an earlier
    /// run wrote them; say which, so nobody takes them for today's.
    func reportLeftovers() {
        guard options.only != nil else { return }
        let ran = Set(plan.tasks.map(\.name))
        var left: [String] = []
        for name in job.allTasks where !ran.contains(name) {
            for r in registry.task(named: name)?.reports ?? [] {
                for ext in ["csv", "geojson", "shp"] where FileManager.default.fileExists(atPath: job.outURL.appendingPathComponent("\(r.name).\(ext)").path) {
                    left.append("\(r.name).\(ext)")
                }
            }
        }
        if !left.isEmpty {
            log.warning("--only: \(left.joined(separator: ", ")) in \(job.outURL.path) are from an earlier run (tasks not run now: \(job.allTasks.filter { !ran.contains($0) }.joined(separator: ", ")))")
        }
    }

    func acquireLock() throws -> StoreLock {
        if case .file(let path) = job.store {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        let holder = "job \(job.name) (pid \(getpid()), started \(Timestamp.report(record.started, job.timezone)))"
        switch try StoreLock.acquire(location: job.store, holder: holder, waitSeconds: options.waitSeconds) {
        case .acquired(let l): return l
        case .busy(let who):
            throw StoreBusy(store: job.store.description, holder: "\(who)", waited: options.waitSeconds)
        }
    }

    /// Loads one input in its own savepoint and records what it read.
    func load(_ key: String, step i: Int, store: Store, runID: Int64) throws {
        guard let input = job.inputs[key], let kind = registry.input(named: key) else { return }
        record.begin(i)
        let ctx = LoadContext(store: store, job: job, progress: progress, log: log)
        let result: LoadResult
        let hashes: [String: String]
        // What the loader read, kept for the failed run's rejects.csv when the reject limit stops the run.
        var read: LoadResult?
        do {
            // The input's files are hashed on another thread while the loader reads them.
            let early = BackgroundHashes([input.url] + input.parts.map(\.url))
            (result, hashes) = try store.step("load_\(key)") {
                let r = try kind.loader.load(input, ctx)
                TestHooks.point("load")
                let hashes = Dictionary(r.files.map { ($0.written, early.hash($0.url) ?? SHA256.file($0.url.path) ?? "") }, uniquingKeysWith: { a, _ in a })
                try store.recordLoad(DatasetRecord(dataset: key, path: input.written, sha256: Self.datasetHash(r.files, hashes),
                                                   rows: r.rows, rejects: r.rejects.count,
                                                   encoding: r.files.compactMap(\.encoding).first, crs: r.files.compactMap(\.crs).first,
                                                   replacedRows: r.replacedRows, runID: runID),
                                     rejects: r.rejects.map { RejectRecord(file: $0.file, line: $0.line, field: $0.field, reason: $0.reason) },
                                     warnings: r.warnings.map { WarningRecord(file: $0.file, line: $0.line, reason: $0.reason) })
                // Counted per file before the limit is checked, so a failing run says how many.
                log.rejects(of: r)
                read = r
                try Runner.checkRejectRate(r, job: job)
                return (r, hashes)
            }
        } catch {
            // The rejects that broke the limit are the ones a supervisor must see in failed-run/rejects.csv.
            if let read {
                record.rejects += read.rejects
                for f in read.files { record.rejectCounts.append((f.written, f.rejects)) }
            }
            record.fail(i, error)
            throw error
        }
        let message = "\(result.rows) rows" + (result.replacedRows > 0 ? ", replaced \(result.replacedRows) rows of the previous load" : "")
            + (result.rejects.isEmpty ? "" : ", \(result.rejects.count) rejects")
            + (result.notes.map { "; \($0)" } ?? "")
        record.finish(i, rows: result.rows, message: message)
        record.warnings += result.warnings
        for w in result.warnings { logWarning(w) }
        for f in result.files { record.rejectCounts.append((f.written, f.rejects)) }
        record.rejects += result.rejects
        record.inputs.append(.object([
            ("key", .string(key)), ("path", .string(input.written)),
            ("files", .array(result.files.map { f in
                .object([("path", .string(f.written)), ("sha256", .optional(hashes[f.written].flatMap { $0.isEmpty ? nil : $0 })),
                         ("rows", .int(Int64(f.dataRows))), ("rejects", .int(Int64(f.rejects))),
                         ("encoding", .optional(f.encoding)), ("crs", .optional(f.crs))])
            })),
        ]))
        log.info("loaded \(key): \(result.rows) rows" + (result.replacedRows > 0 ? ", replaced \(result.replacedRows) rows of the previous load" : ""))
        if let notes = result.notes { log.debug("load \(key): \(notes)") }
    }

    func logWarning(_ w: Warning) { log.warning(w) }

    /// One file's SHA-256; for a dataset of several files (a fence folder),
    /// the SHA-256 of their `sha256sum` lines (`<hash>  <path>`), sorted by path.
    static func datasetHash(_ files: [LoadedFile], _ hashes: [String: String]) -> String? {
        if files.count == 1 { return hashes[files[0].written].flatMap { $0.isEmpty ? nil : $0 } }
        guard !files.isEmpty else { return nil }
        var h = SHA256()
        for f in files.sorted(by: { $0.written < $1.written }) { h.update(Array("\(hashes[f.written] ?? "")  \(f.written)\n".utf8)) }
        return h.finalize()
    }

    /// Runs one task in its own savepoint.
    func run(_ task: any ZonalTask, step i: Int, store: Store) throws {
        record.begin(i)
        let ctx = TaskContext(store: store, job: job, progress: progress, log: log, task: task)
        do {
            let r = try store.step("task_\(task.name)") { () throws -> TaskResult in
                let r = try task.run(ctx)
                TestHooks.point("task")
                return r
            }
            record.steps[i].reports = r.reportRows
            record.finish(i, rows: r.reportRows.values.reduce(0, +), message: r.message)
        } catch {
            record.fail(i, error)
            throw TaskFailure(task: task.name, underlying: error)
        }
        record.warnings += ctx.warnings
        for w in ctx.warnings { logWarning(w) }
        log.info("task \(task.name): " + record.steps[i].reports.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) rows" }.joined(separator: ", "))
    }

    /// Writes the reports into the staging folder. It reads the uncommitted
    /// store, so a failed export rolls back too.
    func export(step i: Int, store: Store, into folder: URL) throws {
        record.begin(i)
        record.status = "ok"
        do {
            let files = try Exporter.export(job: job, folder: folder, tasks: plan.tasks, store: store, facts: record.facts,
                                            summary: { self.record.ended = Date(); return self.record.json() }, progress: progress,
                                            warn: { self.record.warnings.append($0); self.logWarning($0) })
            record.finish(i, rows: files.count, message: "\(files.count) files in \(job.outURL.path)")
        } catch {
            record.status = "failed"
            record.fail(i, error)
            throw error
        }
        record.ended = Date()
    }

}

/// Points where a test may stop the process dead (SIGKILL), to check what a
/// killed run leaves: set ZONAL_TEST_KILL_AT to the point's name. Nothing
/// happens otherwise.
public enum TestHooks {
    public static let killAt = ProcessInfo.processInfo.environment["ZONAL_TEST_KILL_AT"]
    /// Files at least this big are read in parts on several cores
    /// (`ZONAL_TEST_PART_BYTES`): lets tests take the parallel path with small files.
    public static let partMinimumBytes: Int64 = ProcessInfo.processInfo.environment["ZONAL_TEST_PART_BYTES"].flatMap { Int64($0) } ?? (16 << 20)
    public static func point(_ name: String) {
        if killAt == name { kill(getpid(), SIGKILL) }
    }
}

public struct RejectLimitError: Error, CustomStringConvertible {
    var file: String, rejects: Int, rows: Int, rate: Double, first: Reject?
    public var description: String {
        var s = "\(file): \(rejects) of \(rows) rows were rejected, more than max_reject_rate \(rate) allows"
        if let f = first { s += "; the first: line \(f.line.map(String.init) ?? "?") field \(f.field ?? "-"): \(f.reason)" }
        return s + ". Fix the file, or raise params.max_reject_rate if these rows may be dropped."
    }
}

/// Another run holds the store's lock.
struct StoreBusy: Error, CustomStringConvertible {
    var store: String, holder: String, waited: Double
    var description: String {
        "the store \(store) is in use by \(holder); waited \(DecimalFormat.trimmed(waited)) s (use --wait SECONDS to wait longer)"
    }
}

public struct TaskFailure: Error, CustomStringConvertible {
    public var task: String
    public var underlying: any Error
    public var description: String { "task \(task): \(underlying)" }
}

extension Log {
    func warning(_ w: Warning) {
        warning("\(w.file)\(w.line.map { " line \($0)" } ?? ""): \(w.reason)", [("file", .string(w.file)), ("line", .optional(w.line))])
    }

    /// One line per file with rejects: how many of how many rows, and the
    /// first, so a nightly log says what was dropped without opening rejects.csv.
    func rejects(of result: LoadResult) {
        for f in result.files where f.rejects > 0 {
            let first = result.rejects.first { $0.file == f.written }
            warning("\(f.written): \(f.rejects) of \(f.dataRows) rows rejected (listed in rejects.csv)"
                    + (first.map { "; the first: line \($0.line.map(String.init) ?? "-") field \($0.field ?? "-"): \($0.reason)" } ?? ""),
                    [("file", .string(f.written)), ("rejects", .int(Int64(f.rejects))), ("rows", .int(Int64(f.dataRows)))])
        }
    }
}

/// SHA-256 of regular files, computed on a background thread from the
/// moment it is made; `hash` waits for it.
final class BackgroundHashes: @unchecked Sendable {
    private let group = DispatchGroup()
    private var hashes: [URL: String] = [:]

    init(_ urls: [URL]) {
        let files = urls.filter { u in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: u.path, isDirectory: &isDir) && !isDir.boolValue
        }
        guard !files.isEmpty else { return }
        DispatchQueue.global().async(group: group) {
            var out: [URL: String] = [:]
            for u in files { out[u] = SHA256.file(u.path) }
            self.hashes = out
        }
    }

    /// The file's hash when it was one of the files given, else nil.
    func hash(_ url: URL) -> String? {
        group.wait()
        return hashes[url]
    }
}
