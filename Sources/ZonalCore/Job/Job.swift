import Foundation
import ZonalStore

/// A problem in the job file: the key path (`tasks[2]`, `params.tolerance_m`)
/// and what is wrong with it. Always exit status 2.
public struct JobFileError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var path: String
    public var message: String
    public init(file: String, path: String, message: String) { self.file = file; self.path = path; self.message = message }
    public var description: String { path.isEmpty ? "\(file): \(message)" : "\(file): at `\(path)`: \(message)" }
}

/// Report file formats a job can ask for; CSV is always written.
public enum ExportFormat: String, CaseIterable, Sendable {
    case csv, xlsx, geojson, shp, html
}

/// An input named in the job: the path as written (for messages and rejects)
/// and resolved against the job file's folder.
public struct JobInput: Sendable {
    public var key: String
    public var written: String
    public var url: URL
    /// Named sub-inputs (e.g. `race_reads: {finish: …, start: …}`), empty otherwise.
    public var parts: [(name: String, written: String, url: URL)]
}

/// A parsed, validated job file with every path resolved.
public struct Job: Sendable {
    public static let currentVersion = 1
    public var file: URL
    public var version: Int
    public var name: String
    /// Where the store is: a SpatiaLite file, or a schema on a PostgreSQL/PostGIS server.
    public var store: StoreLocation
    public var outURL: URL
    public var timezone: TimeZone
    public var inputs: [String: JobInput]
    public var inputOrder: [String]
    public var params: Params
    public var tasks: [String]
    /// Every task the job file lists (`tasks` is narrowed by `--only`).
    public var allTasks: [String]
    public var formats: [ExportFormat]

    /// Parses times in the job's zone, as every loader and parameter does.
    public var times: TimeParser { TimeParser(timeZone: timezone) }
}
