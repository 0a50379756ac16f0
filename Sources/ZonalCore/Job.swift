import Foundation
import Yams

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
    public var storeURL: URL
    public var outURL: URL
    public var timezone: TimeZone
    public var inputs: [String: JobInput]
    public var inputOrder: [String]
    public var params: Params
    public var tasks: [String]
    public var formats: [ExportFormat]
}

/// Task parameters with their declared types; unknown keys are rejected at parse time.
public struct Params: Sendable {
    public var values: [String: ParamValue]
    public func double(_ key: String) -> Double? { values[key]?.double }
    public func string(_ key: String) -> String? { values[key]?.string }
    public subscript(_ key: String) -> ParamValue? { values[key] }
}

public enum ParamValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    /// Structured values (e.g. `races`) kept as YAML text for the task to decode.
    case yaml(String)

    public var double: Double? { if case .number(let d) = self { return d }; return nil }
    public var string: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return "\(d)"
        case .yaml(let y): return y
        }
    }
}

/// How a parameter is typed and checked.
public struct ParamSpec: Sendable {
    public enum Kind: Sendable { case number(min: Double?, max: Double?), text, crs, time, structured }
    public var name: String
    public var kind: Kind
    public var defaultValue: ParamValue?
    public var summary: String
    public init(_ name: String, _ kind: Kind, default defaultValue: ParamValue? = nil, _ summary: String) {
        self.name = name; self.kind = kind; self.defaultValue = defaultValue; self.summary = summary
    }
}

public enum JobParser {
    static let topKeys = ["version", "job", "store", "out", "timezone", "inputs", "params", "tasks", "formats"]

    /// Parses and validates a job file. `registry` supplies tasks, inputs and params.
    public static func parse(file: URL, registry: Registry, storeOverride: String? = nil, outOverride: String? = nil) throws -> Job {
        let shown = file.path
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw JobFileError(file: shown, path: "", message: "the job file does not exist or cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JobFileError(file: shown, path: "", message: "is not UTF-8 text")
        }
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: text) else { throw JobFileError(file: shown, path: "", message: "is empty") }
            node = n
        } catch let e as JobFileError { throw e } catch {
            throw JobFileError(file: shown, path: "", message: "is not valid YAML: \(error)")
        }
        func fail(_ path: String, _ message: String) -> JobFileError { JobFileError(file: shown, path: path, message: message) }
        guard let top = node.mapping else { throw fail("", "the job file must be a mapping of keys (version, job, inputs, tasks, …)") }

        var seen: [String: Node] = [:]
        for (k, v) in top {
            guard let key = k.string else { throw fail("", "keys must be text") }
            guard topKeys.contains(key) else { throw fail(key, "unknown key '\(key)'; must be one of \(topKeys.joined(separator: ", "))") }
            seen[key] = v
        }
        // version
        var version = Job.currentVersion
        if let v = seen["version"] {
            guard let i = v.int else { throw fail("version", "must be a whole number") }
            guard i == Job.currentVersion else { throw fail("version", "job schema version \(i) is not supported; this zonal reads version \(Job.currentVersion)") }
            version = i
        }
        // job
        guard let jobNode = seen["job"] else { throw fail("job", "is required: a name like beijing-dongcheng-nightly") }
        guard let name = jobNode.string, !name.isEmpty,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw fail("job", "'\(jobNode.string ?? "")' must use only a-z, 0-9 and '-'")
        }
        let base = file.deletingLastPathComponent()
        func resolve(_ p: String) -> URL {
            p.hasPrefix("/") ? URL(fileURLWithPath: p) : base.appendingPathComponent(p).standardizedFileURL
        }
        func resolveCLI(_ p: String) -> URL {
            p.hasPrefix("/") ? URL(fileURLWithPath: p)
                : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(p).standardizedFileURL
        }
        let outURL: URL
        if let o = outOverride { outURL = resolveCLI(o) } else if let o = seen["out"] {
            guard let s = o.string, !s.isEmpty else { throw fail("out", "must be a folder path") }
            outURL = resolve(s)
        } else { outURL = resolve("../Outputs/\(name)") }
        let storeURL: URL
        if let s = storeOverride { storeURL = resolveCLI(s) } else if let s = seen["store"] {
            guard let p = s.string, !p.isEmpty else { throw fail("store", "must be a file path") }
            storeURL = resolve(p)
        } else { storeURL = outURL.appendingPathComponent("zonal.sqlite") }

        var tz = TimeZone(identifier: "Asia/Shanghai")!
        if let t = seen["timezone"] {
            guard let s = t.string, let z = TimeZone(identifier: s) else {
                throw fail("timezone", "'\(t.string ?? "")' is not a time zone name; use an IANA name such as Asia/Shanghai")
            }
            tz = z
        }

        // tasks
        guard let tasksNode = seen["tasks"] else { throw fail("tasks", "is required: a list such as [fence_audit, parking_capacity]") }
        guard let taskSeq = tasksNode.sequence, !taskSeq.isEmpty else { throw fail("tasks", "must be a non-empty list of task names") }
        var tasks: [String] = []
        for (i, t) in taskSeq.enumerated() {
            guard let s = t.string, registry.task(named: s) != nil else {
                throw fail("tasks[\(i)]", "'\(t.string ?? "?")' is not a task; must be one of \(registry.taskNames.joined(separator: ", "))")
            }
            if !tasks.contains(s) { tasks.append(s) }
        }

        // formats
        var formats: [ExportFormat] = [.csv]
        if let f = seen["formats"] {
            guard let seq = f.sequence else { throw fail("formats", "must be a list such as [csv, xlsx, html]") }
            for (i, item) in seq.enumerated() {
                guard let s = item.string, let fmt = ExportFormat(rawValue: s) else {
                    throw fail("formats[\(i)]", "'\(item.string ?? "?")' is not a format; must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !formats.contains(fmt) { formats.append(fmt) }
            }
        }

        // inputs
        var inputs: [String: JobInput] = [:]
        var order: [String] = []
        if let inNode = seen["inputs"] {
            guard let map = inNode.mapping else { throw fail("inputs", "must map input names to paths") }
            for (k, v) in map {
                guard let key = k.string else { throw fail("inputs", "input names must be text") }
                guard registry.input(named: key) != nil else {
                    throw fail("inputs.\(key)", "unknown input '\(key)'; must be one of \(registry.inputNames.joined(separator: ", "))")
                }
                if let p = v.string, !p.isEmpty {
                    inputs[key] = JobInput(key: key, written: p, url: resolve(p), parts: [])
                } else if let sub = v.mapping {
                    var parts: [(String, String, URL)] = []
                    for (sk, sv) in sub {
                        guard let sname = sk.string, let sp = sv.string else { throw fail("inputs.\(key)", "must map names to paths") }
                        parts.append((sname, sp, resolve(sp)))
                    }
                    inputs[key] = JobInput(key: key, written: parts.map(\.1).joined(separator: ", "), url: parts.first?.2 ?? base, parts: parts)
                } else {
                    throw fail("inputs.\(key)", "must be a path relative to the job file")
                }
                order.append(key)
            }
        }
        for key in order {
            guard let input = inputs[key] else { continue }
            let urls = input.parts.isEmpty ? [(key, input.written, input.url)] : input.parts.map { ("\(key).\($0.name)", $0.written, $0.url) }
            for (path, written, url) in urls where !FileManager.default.fileExists(atPath: url.path) {
                throw fail("inputs.\(path.split(separator: ".").dropFirst().isEmpty ? key : path)", "the path '\(written)' does not exist (looked for \(url.path))")
            }
        }
        for key in order {
            for needed in registry.input(named: key)?.requires ?? [] where inputs[needed] == nil {
                throw fail("inputs.\(key)", "needs the input '\(needed)' as well, which the job does not name")
            }
        }
        for t in tasks {
            guard let task = registry.task(named: t) else { continue }
            for needed in task.inputs where inputs[needed] == nil {
                throw fail("inputs", "task \(t) needs the input '\(needed)', which the job does not name")
            }
        }

        // params
        var values: [String: ParamValue] = [:]
        let specs = registry.paramSpecs
        if let p = seen["params"] {
            guard let map = p.mapping else { throw fail("params", "must map parameter names to values") }
            for (k, v) in map {
                guard let key = k.string, let spec = specs[key] else {
                    throw fail("params.\(k.string ?? "?")", "unknown parameter '\(k.string ?? "?")'; must be one of \(specs.keys.sorted().joined(separator: ", "))")
                }
                values[key] = try parseParam(v, spec: spec, fail: { fail("params.\(key)", $0) })
            }
        }
        for (k, spec) in specs where values[k] == nil {
            if let d = spec.defaultValue { values[k] = d }
        }
        return Job(file: file, version: version, name: name, storeURL: storeURL, outURL: outURL, timezone: tz,
                   inputs: inputs, inputOrder: order, params: Params(values: values), tasks: tasks, formats: formats)
    }

    static func parseParam(_ node: Node, spec: ParamSpec, fail: (String) -> JobFileError) throws -> ParamValue {
        switch spec.kind {
        case .number(let lo, let hi):
            guard let d = node.float ?? node.int.map(Double.init) else { throw fail("must be a number") }
            if let lo, d < lo { throw fail("\(d) is below the smallest allowed value \(lo)") }
            if let hi, d > hi { throw fail("\(d) is above the largest allowed value \(hi)") }
            return .number(d)
        case .text, .time:
            guard let s = node.string else { throw fail("must be text") }
            return .string(s)
        case .crs:
            guard let s = node.string ?? node.int.map({ "EPSG:\($0)" }) else { throw fail("must be a CRS such as EPSG:4490") }
            let norm = s.uppercased().hasPrefix("EPSG:") ? s.uppercased() : (Int(s) != nil ? "EPSG:\(s)" : s)
            guard norm.hasPrefix("EPSG:"), Int(norm.dropFirst(5)) != nil else { throw fail("'\(s)' must be an EPSG code such as EPSG:4490") }
            return .string(norm)
        case .structured:
            return .yaml((try? Yams.serialize(node: node)) ?? "")
        }
    }
}
