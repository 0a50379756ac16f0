import Foundation
import ZonalIO

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

/// What a run did, for summary.json and the store's run ledger: complete
/// whatever happened (dbt's run_results.json is the model): every key is
/// present, null when empty, and steps after a failure are `skipped` with
/// the cause.
final class RunRecord {
    let job: Job
    let rules: [RuleNote]
    let started = Date()
    var ended = Date()
    var status = "failed"
    var failure: String?
    var steps: [StepRecord]
    var inputs: [JSONValue] = []
    var warnings: [Warning] = []
    var rejectCounts: [(file: String, rejects: Int)] = []
    /// Every reject of the run, for a failed run's rejects.csv (the store's were rolled back).
    var rejects: [Reject] = []

    init(job: Job, loads: [String], tasks: [any ZonalTask], rules: [RuleNote]) {
        self.job = job
        self.rules = rules
        steps = loads.map { StepRecord(name: "load \($0)", kind: "load") }
            + tasks.map { StepRecord(name: $0.name, kind: "task") }
            + [StepRecord(name: "export", kind: "export")]
    }

    func begin(_ i: Int) { steps[i].started = Date() }

    func finish(_ i: Int, rows: Int?, message: String?) {
        steps[i].ended = Date(); steps[i].status = "ok"; steps[i].rows = rows; steps[i].message = message
    }

    func fail(_ i: Int, _ error: any Error) {
        steps[i].ended = Date(); steps[i].status = "failed"; steps[i].message = "\(error)"
    }

    /// Marks the run failed and every step that did not run as skipped because of the failed one.
    func failRun(_ error: any Error) {
        status = "failed"
        failure = "\(error)"
        let cause = steps.first { $0.status == "failed" }?.name ?? "an earlier step"
        for k in steps.indices where steps[k].status == "skipped" { steps[k].message = "skipped: \(cause) failed" }
        ended = Date()
    }

    /// What report.html and the XLSX Summary sheet open with.
    var facts: RunFacts {
        RunFacts(job: job.name, jobFile: job.file.lastPathComponent, status: status,
                 started: Timestamp.report(started, job.timezone), ended: Timestamp.report(Date(), job.timezone),
                 timezone: job.timezone.identifier, warnings: warnings, rejectsByFile: rejectCounts)
    }

    func json() -> JSONValue {
        .object([
            ("job", .string(job.name)), ("zonal_version", .string(zonalVersion)), ("job_version", .int(Int64(job.version))),
            ("status", .string(status)), ("started", .string(Timestamp.iso(started))), ("ended", .string(Timestamp.iso(ended))),
            ("seconds", .number((ended.timeIntervalSince(started) * 1000).rounded() / 1000)),
            ("job_file", .string(job.file.path)), ("store", .string(job.store.description)), ("out", .string(job.outURL.path)),
            ("timezone", .string(job.timezone.identifier)),
            ("tasks", .array(job.tasks.map { .string($0) })),
            ("formats", .array(job.formats.map { .string($0.rawValue) })),
            ("params", .object(job.params.values.sorted { $0.key < $1.key }.map { k, v in
                if case .number(let d) = v { return (k, .number(d)) }
                return (k, .string(v.shown))
            })),
            ("rules", .object(rules.map { ($0.name, .string($0.text)) })),
            ("inputs", .array(inputs)),
            ("steps", .array(steps.map(\.json))),
            ("rejects", .object([("total", .int(Int64(rejectCounts.reduce(0) { $0 + $1.rejects }))),
                                 ("by_file", .object(rejectCounts.map { ($0.file, .int(Int64($0.rejects))) }))])),
            ("warnings", .array(warnings.map { .object([("file", .string($0.file)), ("line", .optional($0.line)), ("reason", .string($0.reason))]) })),
            ("error", .optional(failure)),
        ])
    }
}
