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
    public var logFormat: Log.Format = .text
    public var waitSeconds: Double = 0
    public init(jobPath: String) { self.jobPath = jobPath }
}

public struct RunOutcome: Sendable {
    public var exitCode: Int32
    public var summaryPath: String?
}

public let zonalVersion = "0.1.0"

/// One step of a run, as summary.json and the run ledger record it.
struct StepRecord {
    var name: String
    var kind: String
    var status = "skipped"
    var started: Date?
    var ended: Date?
    var rows: Int?
    var message: String?
    var reports: [String: Int] = [:]

    var json: JSONValue {
        .object([
            ("step", .string(name)), ("kind", .string(kind)), ("status", .string(status)),
            ("started", .optional(started.map(Timestamp.iso))), ("ended", .optional(ended.map(Timestamp.iso))),
            ("seconds", started.flatMap { s in ended.map { .number(($0.timeIntervalSince(s) * 1000).rounded() / 1000) } } ?? .null),
            ("rows", .optional(rows)), ("message", .optional(message)),
            ("reports", kind == "task" ? .object(reports.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }) : .null),
        ])
    }
}

/// Load → tasks → export, with one savepoint per step inside one run
/// transaction, so a failed run leaves the store as it was; the run ledger
/// entry is written last.
public final class Runner {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public func run(_ options: RunOptions) -> RunOutcome {
        let log = Log(format: options.logFormat, quiet: options.quiet)
        var job: Job
        do {
            job = try JobParser.parse(file: URL(fileURLWithPath: options.jobPath).standardizedFileURL, registry: registry,
                                      storeOverride: options.store, outOverride: options.out)
        } catch {
            log.error("\(error)")
            return RunOutcome(exitCode: 2, summaryPath: nil)
        }
        if let only = options.only {
            for t in only where !job.tasks.contains(t) {
                log.error("--only: '\(t)' is not a task of this job; must be one of \(job.tasks.joined(separator: ", "))")
                return RunOutcome(exitCode: 2, summaryPath: nil)
            }
            job.tasks = job.tasks.filter(only.contains)
        }
        let tasks = job.tasks.compactMap(registry.task(named:))
        // A full run loads every input the job names; --only loads what its tasks use.
        let needed = options.only == nil ? Set(job.inputOrder) : Set(tasks.flatMap { $0.inputs + $0.optionalInputs })
        let loadKeys = Self.loadOrder(job: job, registry: registry, needed: needed)
        let progress = ProgressDisplay(enabled: !options.quiet && ProgressDisplay.terminalAttached())

        var steps = loadKeys.map { StepRecord(name: "load \($0)", kind: "load") }
            + tasks.map { StepRecord(name: $0.name, kind: "task") }
            + [StepRecord(name: "export", kind: "export")]
        var inputsJSON: [JSONValue] = []
        var warnings: [Warning] = []
        var rejectCounts: [(String, Int)] = []
        let started = Date()
        var status = "failed"
        var failure: String?
        var ended = Date()

        func summary() -> JSONValue {
            .object([
                ("job", .string(job.name)), ("zonal_version", .string(zonalVersion)), ("job_version", .int(Int64(job.version))),
                ("status", .string(status)), ("started", .string(Timestamp.iso(started))), ("ended", .string(Timestamp.iso(ended))),
                ("seconds", .number((ended.timeIntervalSince(started) * 1000).rounded() / 1000)),
                ("job_file", .string(job.file.path)), ("store", .string(job.storeURL.path)), ("out", .string(job.outURL.path)),
                ("timezone", .string(job.timezone.identifier)),
                ("tasks", .array(job.tasks.map { .string($0) })),
                ("formats", .array(job.formats.map { .string($0.rawValue) })),
                ("params", .object(job.params.values.sorted { $0.key < $1.key }.map { k, v in
                    (k, v.double.map { .number($0) } ?? .optional(v.string))
                })),
                ("rules", .object([
                    ("area", .string("geodesic on the CGCS2000 ellipsoid (a=6378137, 1/f=298.257222101), rounded half away from zero to 0.01 m2")),
                    ("capacity", .string("floor(cents / 114) with cents = round(area * 100)")),
                    ("boundary", .string("inside or on the boundary counts (covers)")),
                ])),
                ("inputs", .array(inputsJSON)),
                ("steps", .array(steps.map(\.json))),
                ("rejects", .object([("total", .int(Int64(rejectCounts.reduce(0) { $0 + $1.1 }))),
                                     ("by_file", .object(rejectCounts.map { ($0.0, .int(Int64($0.1))) }))])),
                ("warnings", .array(warnings.map { .object([("file", .string($0.file)), ("line", .optional($0.line)), ("reason", .string($0.reason))]) })),
                ("error", .optional(failure)),
            ])
        }

        // Lock, then open the store.
        let lock: StoreLock
        do {
            try FileManager.default.createDirectory(at: job.storeURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            let holder = "job \(job.name) (pid \(getpid()), started \(Timestamp.report(started, job.timezone)))"
            switch try StoreLock.acquire(storePath: job.storeURL.path, holder: holder, waitSeconds: options.waitSeconds) {
            case .acquired(let l): lock = l
            case .busy(let who):
                log.error("the store \(job.storeURL.path) is in use by \(who); waited \(Int(options.waitSeconds)) s (use --wait SECONDS to wait longer)")
                return RunOutcome(exitCode: 1, summaryPath: nil)
            }
        } catch {
            log.error("\(error)")
            return RunOutcome(exitCode: 1, summaryPath: nil)
        }
        defer { withExtendedLifetime(lock) {} }

        let store: Store
        do { store = try Store(path: job.storeURL.path) } catch {
            log.error("\(error)")
            return RunOutcome(exitCode: 1, summaryPath: nil)
        }
        let runID: Int64 = (try? store.db.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM zonal_runs").int ?? 1) ?? 1
        log.info("run \(runID) of job \(job.name): \(loadKeys.count) inputs, tasks \(job.tasks.joined(separator: ", "))",
                 [("job", .string(job.name)), ("run_id", .int(runID))])

        var i = 0
        do {
            try store.beginRun()
            // Loads
            for key in loadKeys {
                guard let input = job.inputs[key], let kind = registry.input(named: key) else { continue }
                steps[i].started = Date()
                let ctx = LoadContext(store: store, job: job, progress: progress, log: log)
                let result: LoadResult
                do {
                    result = try store.step("load_\(key)") {
                        let r = try kind.loader.load(input, ctx)
                        try recordLoad(key: key, input: input, result: r, runID: Int(runID), store: store)
                        try checkRejectRate(r, job: job)
                        return r
                    }
                } catch {
                    steps[i].ended = Date(); steps[i].status = "failed"; steps[i].message = "\(error)"
                    throw error
                }
                steps[i].ended = Date(); steps[i].status = "ok"; steps[i].rows = result.rows
                steps[i].message = "\(result.rows) rows" + (result.replacedRows > 0 ? ", replaced \(result.replacedRows) rows of the previous load" : "")
                    + (result.rejects.isEmpty ? "" : ", \(result.rejects.count) rejects")
                    + (result.notes.map { "; \($0)" } ?? "")
                warnings += result.warnings
                for w in result.warnings { log.warning("\(w.file)\(w.line.map { " line \($0)" } ?? ""): \(w.reason)") }
                for f in result.files { rejectCounts.append((f.written, f.rejects)) }
                inputsJSON.append(.object([
                    ("key", .string(key)), ("path", .string(input.written)),
                    ("files", .array(result.files.map { f in
                        .object([("path", .string(f.written)), ("sha256", .optional(SHA256.file(f.url.path))),
                                 ("rows", .int(Int64(f.dataRows))), ("rejects", .int(Int64(f.rejects))),
                                 ("encoding", .optional(f.encoding)), ("crs", .optional(f.crs))])
                    })),
                ]))
                log.info("loaded \(key): \(steps[i].message ?? "")")
                i += 1
            }
            // Tasks
            for task in tasks {
                steps[i].started = Date()
                let ctx = TaskContext(store: store, job: job, progress: progress, log: log, task: task)
                do {
                    let r = try store.step("task_\(task.name)") { try task.run(ctx) }
                    steps[i].reports = r.reportRows
                    steps[i].rows = r.reportRows.values.reduce(0, +)
                    steps[i].message = r.message
                } catch {
                    steps[i].ended = Date(); steps[i].status = "failed"; steps[i].message = "\(error)"
                    throw TaskFailure(task: task.name, underlying: error)
                }
                steps[i].ended = Date(); steps[i].status = "ok"
                warnings += ctx.warnings
                log.info("task \(task.name): " + steps[i].reports.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) rows" }.joined(separator: ", "))
                i += 1
            }
            // Export (reads the uncommitted store, so a failed export rolls back too)
            steps[i].started = Date()
            status = "ok"
            do {
                let files = try Exporter.export(job: job, tasks: tasks, store: store, summary: { ended = Date(); return summary() }, progress: progress)
                steps[i].rows = files.count
                steps[i].message = "\(files.count) files in \(job.outURL.path)"
            } catch {
                status = "failed"
                steps[i].ended = Date(); steps[i].status = "failed"; steps[i].message = "\(error)"
                throw error
            }
            steps[i].ended = Date(); steps[i].status = "ok"
            ended = Date()
            try store.db.run("INSERT INTO zonal_runs (run_id, job, status, started, ended, summary) VALUES (?, ?, ?, ?, ?, ?)",
                             [.integer(runID), .text(job.name), .text(status), .text(Timestamp.iso(started)),
                              .text(Timestamp.iso(ended)), .text(summary().serialized())])
            try store.commitRun()
        } catch {
            store.rollbackRun()
            status = "failed"
            failure = "\(error)"
            for k in steps.indices where steps[k].status == "skipped" {
                steps[k].message = "skipped: \(steps.first { $0.status == "failed" }?.name ?? "an earlier step") failed"
            }
            ended = Date()
            log.error("run failed, the store is unchanged: \(error)")
            // The ledger keeps failed runs too; it is the one table a failed run adds to.
            try? store.db.run("INSERT INTO zonal_runs (run_id, job, status, started, ended, summary) VALUES (?, ?, ?, ?, ?, ?)",
                              [.integer(runID), .text(job.name), .text(status), .text(Timestamp.iso(started)),
                               .text(Timestamp.iso(ended)), .text(summary().serialized())])
        }
        try? store.close()
        let summaryPath = job.outURL.appendingPathComponent("summary.json").path
        try? FileManager.default.createDirectory(at: job.outURL, withIntermediateDirectories: true)
        try? AtomicFile.write(Data((summary().serialized() + "\n").utf8), to: summaryPath)
        if status == "ok" {
            log.info("done in \(String(format: "%.2f", ended.timeIntervalSince(started))) s; reports in \(job.outURL.path)")
        }
        return RunOutcome(exitCode: status == "ok" ? 0 : 1, summaryPath: summaryPath)
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

    func recordLoad(key: String, input: JobInput, result: LoadResult, runID: Int, store: Store) throws {
        try store.db.run("DELETE FROM rejects WHERE dataset = ?", [.text(key)])
        try store.db.run("DELETE FROM zonal_warnings WHERE dataset = ?", [.text(key)])
        let rej = try store.db.prepare("INSERT INTO rejects (dataset, file, line, field, reason) VALUES (?, ?, ?, ?, ?)")
        for r in result.rejects {
            try rej.execute([.text(key), .text(r.file), r.line.map { .integer(Int64($0)) } ?? .null, r.field.map { .text($0) } ?? .null, .text(r.reason)])
        }
        let warn = try store.db.prepare("INSERT INTO zonal_warnings (dataset, file, line, reason) VALUES (?, ?, ?, ?)")
        for w in result.warnings {
            try warn.execute([.text(key), .text(w.file), w.line.map { .integer(Int64($0)) } ?? .null, .text(w.reason)])
        }
        try store.db.run("""
            INSERT OR REPLACE INTO zonal_datasets (dataset, path, kind, sha256, rows, rejects, encoding, crs, replaced_rows, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(key), .text(input.written), .text(key), .null, .integer(Int64(result.rows)), .integer(Int64(result.rejects.count)),
                  result.files.compactMap(\.encoding).first.map { .text($0) } ?? .null,
                  result.files.compactMap(\.crs).first.map { .text($0) } ?? .null,
                  .integer(Int64(result.replacedRows)), .integer(Int64(runID))])
    }

    /// A file fails when its rejects are more than max_reject_rate × its data rows and more than 5.
    func checkRejectRate(_ r: LoadResult, job: Job) throws {
        let rate = job.params.double("max_reject_rate") ?? 0.01
        for f in r.files where f.rejects > 5 && Double(f.rejects) > rate * Double(f.dataRows) {
            let first = r.rejects.first { $0.file == f.written }
            throw RejectLimitError(file: f.written, rejects: f.rejects, rows: f.dataRows, rate: rate, first: first)
        }
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

public struct TaskFailure: Error, CustomStringConvertible {
    public var task: String
    public var underlying: any Error
    public var description: String { "task \(task): \(underlying)" }
}
