import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Yams
import ZonalStore
import ZonalIO

/// Reads a job file into a `Job`, step by step in the order a reader of the
/// file would check it: the file, its top-level keys, version and name,
/// where output goes, the tasks and formats, the inputs, then the
/// parameters (last, because a structured parameter may refer to inputs).
public enum JobParser {
    static let topKeys = ["version", "job", "store", "out", "timezone", "inputs", "params", "tasks", "formats"]

    /// Parses and validates a job file. `registry` supplies tasks, inputs and params.
    public static func parse(file: URL, registry: Registry, storeOverride: String? = nil, outOverride: String? = nil) throws -> Job {
        let doc = try Document(file: file)
        let top = try doc.topLevel()
        let version = try doc.version(top["version"])
        let name = try doc.name(top["job"])
        let (store, outURL) = try doc.locations(top, jobName: name, storeOverride: storeOverride, outOverride: outOverride)
        let timezone = try doc.timezone(top["timezone"])
        let tasks = try doc.tasks(top["tasks"], registry: registry)
        let formats = try doc.formats(top["formats"])
        let (inputs, order) = try doc.inputs(top["inputs"], registry: registry)
        try doc.checkInputsExist(inputs, order: order, registry: registry)
        try doc.checkInputsNeeded(inputs, order: order, tasks: tasks, registry: registry)
        let params = try doc.params(top["params"], registry: registry, timezone: timezone, inputs: inputs)
        return Job(file: file, version: version, name: name, store: store, outURL: outURL, timezone: timezone,
                   inputs: inputs, inputOrder: order, params: params, tasks: tasks, allTasks: tasks, formats: formats)
    }

    /// A YAML job file being read; every error names the file and key path.
    struct Document {
        let file: URL
        let root: Node

        init(file: URL) throws {
            self.file = file
            let shown = file.path
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw JobFileError(file: shown, path: "", message: "the job file does not exist or cannot be read")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw JobFileError(file: shown, path: "", message: "is not UTF-8 text")
            }
            do {
                guard let n = try Yams.compose(yaml: text) else { throw JobFileError(file: shown, path: "", message: "is empty") }
                root = n
            } catch let e as JobFileError { throw e } catch {
                // Yams quotes the offending line; a 5 MB line must not become a 5 MB message.
                let text = "\(error)".split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.count > 160 ? String($0.prefix(160)) + "…" : String($0) }.prefix(8).joined(separator: "\n")
                throw JobFileError(file: shown, path: "", message: "is not valid YAML: \(text)")
            }
        }

        func fail(_ path: String, _ message: String) -> JobFileError { JobFileError(file: file.path, path: path, message: message) }
        var base: URL { file.deletingLastPathComponent() }

        func topLevel() throws -> [String: Node] {
            guard let top = root.mapping else { throw fail("", "the job file must be a mapping of keys (version, job, inputs, tasks, …)") }
            var seen: [String: Node] = [:]
            for (k, v) in top {
                guard let key = k.string else { throw fail("", "keys must be text") }
                guard topKeys.contains(key) else { throw fail(key, "unknown key '\(key)'; must be one of \(topKeys.joined(separator: ", "))") }
                seen[key] = v
            }
            return seen
        }

        func version(_ node: Node?) throws -> Int {
            guard let v = node else { return Job.currentVersion }
            guard let i = v.int else { throw fail("version", "must be a whole number") }
            guard i == Job.currentVersion else { throw fail("version", "job schema version \(i) is not supported; this zonal reads version \(Job.currentVersion)") }
            return i
        }

        func name(_ node: Node?) throws -> String {
            guard let jobNode = node else { throw fail("job", "is required: a name like beijing-dongcheng-nightly") }
            guard let name = jobNode.string, !name.isEmpty,
                  name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                throw fail("job", "'\(jobNode.string ?? "")' must use only a-z, 0-9 and '-'")
            }
            return name
        }

        /// Paths in the job are relative to the job file; on the command line, to the working folder.
        func resolve(_ p: String) -> URL {
            p.hasPrefix("/") ? URL(fileURLWithPath: p) : base.appendingPathComponent(p).standardizedFileURL
        }

        func resolveCLI(_ p: String) -> URL {
            p.hasPrefix("/") ? URL(fileURLWithPath: p)
                : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(p).standardizedFileURL
        }

        func locations(_ top: [String: Node], jobName: String, storeOverride: String?, outOverride: String?) throws -> (store: StoreLocation, out: URL) {
            let outURL: URL
            if let o = outOverride { outURL = resolveCLI(o) } else if let o = top["out"] {
                guard let s = o.string, !s.isEmpty else { throw fail("out", "must be a folder path") }
                outURL = resolve(s)
            } else { outURL = resolve("../Outputs/\(jobName)") }
            let store: StoreLocation
            func server(_ url: String, _ field: String) throws -> StoreLocation {
                do { return .postgres(try PostgresTarget(url: url)) } catch let e as PostgresTarget.Invalid { throw fail(field, e.description) }
            }
            if let s = storeOverride {
                store = StoreLocation.isServerURL(s) ? try server(s, "--store") : .file(resolveCLI(s).path)
            } else if let s = top["store"] {
                guard let p = s.string, !p.isEmpty else { throw fail("store", "must be a file path or a postgresql:// URL") }
                store = StoreLocation.isServerURL(p) ? try server(p, "store") : .file(resolve(p).path)
            } else { store = .file(outURL.appendingPathComponent("zonal.sqlite").path) }
            do { try OutputFolder.checkOwnable(outURL) } catch let e as OutputError {
                throw fail(outOverride != nil ? "--out" : "out", "\(e.file) \(e.reason)")
            }
            return (store, outURL)
        }

        func timezone(_ node: Node?) throws -> TimeZone {
            guard let t = node else { return TimeZone(identifier: "Asia/Shanghai")! }
            guard let s = t.string, let z = TimeZone(identifier: s) else {
                throw fail("timezone", "'\(t.string ?? "")' is not a time zone name; use an IANA name such as Asia/Shanghai")
            }
            return z
        }

        func tasks(_ node: Node?, registry: Registry) throws -> [String] {
            guard let tasksNode = node else { throw fail("tasks", "is required: a list such as [fence_audit, parking_capacity]") }
            guard let taskSeq = tasksNode.sequence, !taskSeq.isEmpty else { throw fail("tasks", "must be a non-empty list of task names") }
            var tasks: [String] = []
            for (i, t) in taskSeq.enumerated() {
                guard let s = t.string, registry.task(named: s) != nil else {
                    throw fail("tasks[\(i)]", "'\(t.string ?? "?")' is not a task; must be one of \(registry.taskNames.joined(separator: ", "))")
                }
                if !tasks.contains(s) { tasks.append(s) }
            }
            return tasks
        }

        func formats(_ node: Node?) throws -> [ExportFormat] {
            // Without `formats`, what a supervisor opens: the CSVs, the workbook and the page.
            guard let f = node else { return [.csv, .xlsx, .html] }
            var formats: [ExportFormat] = [.csv]
            guard let seq = f.sequence else { throw fail("formats", "must be a list such as [csv, xlsx, html]") }
            for (i, item) in seq.enumerated() {
                guard let s = item.string, let fmt = ExportFormat(rawValue: s) else {
                    throw fail("formats[\(i)]", "'\(item.string ?? "?")' is not a format; must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !formats.contains(fmt) { formats.append(fmt) }
            }
            return formats
        }

        func inputs(_ node: Node?, registry: Registry) throws -> ([String: JobInput], [String]) {
            var inputs: [String: JobInput] = [:]
            var order: [String] = []
            guard let inNode = node else { return (inputs, order) }
            guard let map = inNode.mapping else { throw fail("inputs", "must map input names to paths") }
            for (k, v) in map {
                guard let key = k.string else { throw fail("inputs", "input names must be text") }
                guard registry.input(named: key) != nil else {
                    throw fail("inputs.\(key)", "unknown input '\(key)'; must be one of \(registry.inputNames.joined(separator: ", "))")
                }
                if let p = v.string, !p.isEmpty {
                    inputs[key] = JobInput(key: key, written: p, url: resolve(p), parts: [])
                } else if let sub = v.mapping {
                    let rule = registry.input(named: key)?.parts ?? .none
                    guard rule != .none else { throw fail("inputs.\(key)", "must be a path relative to the job file, not a mapping") }
                    var parts: [(String, String, URL)] = []
                    for (sk, sv) in sub {
                        guard let sname = sk.string, let sp = sv.string, !sp.isEmpty else { throw fail("inputs.\(key)", "must map names to paths") }
                        if case .named(let allowed) = rule, !allowed.contains(sname) {
                            throw fail("inputs.\(key).\(sname)", "unknown part '\(sname)'; must be one of \(allowed.joined(separator: ", "))")
                        }
                        parts.append((sname, sp, resolve(sp)))
                    }
                    guard !parts.isEmpty else { throw fail("inputs.\(key)", "names no paths") }
                    inputs[key] = JobInput(key: key, written: parts.map(\.1).joined(separator: ", "), url: parts.first?.2 ?? base, parts: parts)
                } else {
                    throw fail("inputs.\(key)", "must be a path relative to the job file")
                }
                order.append(key)
            }
            return (inputs, order)
        }

        /// Every input path exists and is what its input reads: a regular
        /// file (never a named pipe or a device, which would hang or flood a
        /// reader) or a folder.
        func checkInputsExist(_ inputs: [String: JobInput], order: [String], registry: Registry) throws {
            for key in order {
                guard let input = inputs[key] else { continue }
                let paths = input.parts.isEmpty ? [(key, input.written, input.url)] : input.parts.map { ("\(key).\($0.name)", $0.written, $0.url) }
                // A folder input given as named parts is a set of files (fences: {management: a.shp, …}).
                let want = input.parts.isEmpty ? (registry.input(named: key)?.path ?? .file) : .file
                for (path, written, url) in paths {
                    var st = stat()
                    guard stat(url.path, &st) == 0 else {
                        throw fail("inputs.\(path)", "the path '\(written)' does not exist (looked for \(url.path))")
                    }
                    let kind = st.st_mode & S_IFMT
                    switch (want, kind) {
                    case (.file, S_IFREG), (.folder, S_IFDIR), (.fileOrFolder, S_IFREG), (.fileOrFolder, S_IFDIR): continue
                    case (.folder, _):
                        throw fail("inputs.\(path)", "'\(written)' is \(kind == S_IFREG ? "a file" : InputFile.describe(kind)); this input is a folder")
                    default:
                        throw fail("inputs.\(path)", "'\(written)' is \(InputFile.describe(kind)), not a file; this input is a file")
                    }
                }
            }
        }

        func checkInputsNeeded(_ inputs: [String: JobInput], order: [String], tasks: [String], registry: Registry) throws {
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
        }

        func params(_ node: Node?, registry: Registry, timezone: TimeZone, inputs: [String: JobInput]) throws -> Params {
            var values: [String: ParamValue] = [:]
            let specs = registry.paramSpecs
            let context = ParamContext(file: file.path, times: TimeParser(timeZone: timezone),
                                       inputParts: inputs.mapValues { $0.parts.map(\.name) })
            if let p = node {
                guard let map = p.mapping else { throw fail("params", "must map parameter names to values") }
                for (k, v) in map {
                    guard let key = k.string, let spec = specs[key] else {
                        throw fail("params.\(k.string ?? "?")", "unknown parameter '\(k.string ?? "?")'; must be one of \(specs.keys.sorted().joined(separator: ", "))")
                    }
                    values[key] = try JobParser.value(v, spec: spec, node: ParamNode(node: v, path: "params.\(key)", context: context))
                }
            }
            for (k, spec) in specs where values[k] == nil {
                if let d = spec.defaultValue { values[k] = d }
            }
            return Params(values: values)
        }
    }

    static func value(_ node: Node, spec: ParamSpec, node param: ParamNode) throws -> ParamValue {
        switch spec.kind {
        case .number(let lo, let hi):
            return .number(try number(node, min: lo, max: hi, fail: param.fail))
        case .text:
            guard let s = node.string, node.mapping == nil, node.sequence == nil else { throw param.fail("must be text") }
            return .string(s)
        case .choice(let words):
            return .string(try param.oneOf(words))
        case .time:
            let s = try param.string()
            guard let ms = param.context.times.parse(s) else { throw param.fail(timeMessage(s)) }
            return .time(ms, text: s)
        case .crs:
            guard let s = node.string ?? node.int.map({ "EPSG:\($0)" }) else { throw param.fail("must be a CRS such as EPSG:4490") }
            let norm = s.uppercased().hasPrefix("EPSG:") ? s.uppercased() : (Int(s) != nil ? "EPSG:\(s)" : s)
            guard norm.hasPrefix("EPSG:"), Int(norm.dropFirst(5)) != nil else { throw param.fail("'\(s)' must be an EPSG code such as EPSG:4490") }
            return .string(norm)
        case .structured(_, let decode):
            let text = ((try? Yams.serialize(node: node)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return .structured(try decode(param), text: text)
        }
    }

    /// A finite number within bounds. YAML's `.nan` and `.inf` are refused:
    /// a NaN limit would silently switch its check off.
    static func number(_ node: Node, min lo: Double?, max hi: Double?, fail: (String) -> JobFileError) throws -> Double {
        guard node.mapping == nil, node.sequence == nil, let d = node.float ?? node.int.map(Double.init) else { throw fail("must be a number") }
        guard d.isFinite else { throw fail("must be a finite number, not \(node.string ?? "\(d)")") }
        if let lo, d < lo { throw fail("\(DecimalFormat.trimmed(d)) is below the smallest allowed value \(DecimalFormat.trimmed(lo))") }
        if let hi, d > hi { throw fail("\(DecimalFormat.trimmed(d)) is above the largest allowed value \(DecimalFormat.trimmed(hi))") }
        return d
    }

    static func timeMessage(_ s: String) -> String {
        "'\(s.prefix(40))' is not a time; use yyyy-MM-dd HH:mm:ss[.SSS], yyyyMMddHHmmss or ISO 8601 with offset"
    }
}
