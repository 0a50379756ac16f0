import Foundation
import ZonalIO
import ZonalStore

/// A row that broke its format: not loaded, listed in the `rejects` report.
public struct Reject: Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var reason: String
    public init(file: String, line: Int?, field: String?, reason: String) {
        self.file = file; self.line = line; self.field = field; self.reason = reason
    }
    public init(_ e: InputError) { self.init(file: e.file, line: e.line, field: e.field, reason: e.reason) }
}

/// Something worth knowing that loses no data (a transformed CRS, a long period).
public struct Warning: Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var reason: String
    public init(file: String, line: Int? = nil, reason: String) { self.file = file; self.line = line; self.reason = reason }
}

/// One file read by a loader, for checksums, reject rates and summary.json.
public struct LoadedFile: Sendable {
    public var written: String
    public var url: URL
    public var dataRows: Int
    public var rejects: Int
    public var encoding: String?
    public var crs: String?
    public init(written: String, url: URL, dataRows: Int, rejects: Int, encoding: String? = nil, crs: String? = nil) {
        self.written = written; self.url = url; self.dataRows = dataRows; self.rejects = rejects
        self.encoding = encoding; self.crs = crs
    }
}

public struct LoadResult: Sendable {
    public var rows: Int
    public var replacedRows: Int
    public var files: [LoadedFile]
    public var rejects: [Reject]
    public var warnings: [Warning]
    /// Extra detail for the step's message (e.g. where a long load spent its time).
    public var notes: String?
    public init(rows: Int, replacedRows: Int, files: [LoadedFile], rejects: [Reject] = [], warnings: [Warning] = [], notes: String? = nil) {
        self.rows = rows; self.replacedRows = replacedRows; self.files = files; self.rejects = rejects; self.warnings = warnings
        self.notes = notes
    }
}

public final class LoadContext {
    public let store: Store
    public let job: Job
    public let progress: ProgressDisplay
    public let log: Log
    /// Parses times in the job's zone.
    public let times: TimeParser
    public var params: Params { job.params }
    init(store: Store, job: Job, progress: ProgressDisplay, log: Log) {
        self.store = store; self.job = job; self.progress = progress; self.log = log
        times = job.times
    }
}

public final class TaskContext {
    public let store: Store
    public let job: Job
    public let progress: ProgressDisplay
    public let log: Log
    public let task: any ZonalTask
    public var warnings: [Warning] = []
    init(store: Store, job: Job, progress: ProgressDisplay, log: Log, task: any ZonalTask) {
        self.store = store; self.job = job; self.progress = progress; self.log = log; self.task = task
    }

    public var params: Params { job.params }

    /// Whether the job named this input (and so it was loaded).
    public func has(input key: String) -> Bool { job.inputs[key] != nil }

    /// Replaces a report's rows in the store, sorted by its key columns.
    @discardableResult
    public func write(_ report: ReportSpec, rows: [ReportRow]) throws -> Int {
        try ReportTable.replace(report, rows: rows, in: store)
        return rows.count
    }
}

public struct TaskResult: Sendable {
    public var reportRows: [String: Int]
    public var message: String?
    public init(reportRows: [String: Int], message: String? = nil) { self.reportRows = reportRows; self.message = message }
}

/// A report row: cells in the spec's column order, plus a geometry when the report has one.
public struct ReportRow: Sendable {
    public var cells: [Cell]
    public var shape: ZonalGeoShape?
    public init(_ cells: [Cell], shape: ZonalGeoShape? = nil) { self.cells = cells; self.shape = shape }
}
