import ArgumentParser
import Foundation
import ZonalCore
import ZonalDomains

/// The registry of every domain (Sources/ZonalDomains/Domains.swift).
let registry: Registry = {
    do { return try Registry(modules: Domains.modules) } catch {
        FileHandle.standardError.write(Data("zonal: \(error)\n".utf8))
        exit(70)
    }
}()

struct Zonal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zonal",
        abstract: "Zonal: GIS and analytics batch jobs for city and sector supervisors.",
        discussion: "Exit status: 0 success (warnings allowed); 1 the run failed (the store keeps its state from before the run); 2 bad command line or job file.",
        version: zonalVersion,
        subcommands: [Run.self, Validate.self, Inspect.self, Tasks.self, Diff.self])
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a job: load inputs, run tasks, write reports.")
    @Argument(help: "The job file (YAML).") var job: String
    @Option(help: "Store path (default: the job's `store`, else <out>/zonal.sqlite).") var store: String?
    @Option(help: "Output folder (default: the job's `out`).") var out: String?
    @Option(help: "Run only these tasks of the job, comma-separated.") var only: String?
    @Flag(help: "No progress and no info messages; warnings and errors still go to stderr.") var quiet = false
    @Flag(help: "Also log where the time went in each step.") var verbose = false
    @Option(help: "Log format on stderr: text or json.") var logFormat: String = "text"
    @Option(help: "Seconds to wait for another run holding the store (default 0).") var wait: Double = 0

    func validate() throws {
        guard Log.Format(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format '\(logFormat)' must be one of text, json")
        }
        guard wait.isFinite, wait >= 0, wait <= 86_400 else {
            throw ValidationError("--wait \(wait) must be a number of seconds from 0 to 86400")
        }
    }

    func run() throws {
        var o = RunOptions(jobPath: job)
        o.store = store
        o.out = out
        o.only = only?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        o.quiet = quiet
        o.verbose = verbose
        o.logFormat = Log.Format(rawValue: logFormat) ?? .text
        o.waitSeconds = wait
        let outcome = Runner(registry: registry).run(o)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the job file and every input; runs nothing, writes nothing.")
    @Argument(help: "The job file (YAML).") var job: String

    func run() throws {
        let code = Validator(registry: registry).validate(jobPath: job)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe a Shapefile, CSV, XLSX, GeoJSON, JSON Lines file or RFID reader log: CRS, encoding, fields, rows, extent, bad lines.")
    @Argument(help: "The file to inspect.") var path: String

    func run() throws {
        do { print(try Inspector.describe(path: path), terminator: "") } catch {
            FileHandle.standardError.write("error: \(error)\n".data(using: .utf8)!)
            throw ExitCode(1)
        }
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two runs of a job: rows of each report that appeared, vanished or changed.",
        discussion: "By default the job's last two successful runs; the store's ledger keeps each job's last 30 runs' reports.")
    @Argument(help: "The job file (YAML).") var job: String
    @Option(help: "The earlier run id (default: the successful run before --to).") var from: Int64?
    @Option(help: "The later run id (default: the last successful run).") var to: Int64?
    @Option(help: "Store path (default: the job's store).") var store: String?
    @Option(help: "Only these reports, comma-separated.") var report: String?
    @Option(help: "Also write every change to this CSV file.") var csv: String?
    @Option(help: "Changes listed per report (default 20).") var limit: Int = 20

    func run() throws {
        var o = DiffCommand.Options(jobPath: job)
        o.from = from; o.to = to; o.store = store; o.csv = csv; o.limit = limit
        o.reports = report?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let code = DiffCommand(registry: registry).run(o)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Tasks: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List tasks, their inputs, parameters and reports.")
    func run() throws { print(TaskCatalog.text(registry), terminator: "") }
}

/// swift-argument-parser exits 64 (EX_USAGE) on a bad flag; the contract says 2.
do {
    var command = try Zonal.parseAsRoot()
    try command.run()
} catch {
    let code = Zonal.exitCode(for: error)
    if code == .validationFailure {
        FileHandle.standardError.write(Data((Zonal.fullMessage(for: error) + "\n").utf8))
        exit(2)
    }
    Zonal.exit(withError: error)
}
