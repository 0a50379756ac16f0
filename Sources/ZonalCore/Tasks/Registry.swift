import Foundation
import ZonalIO
import ZonalStore

extension ColumnKind {
    var storeType: ColumnType {
        switch self {
        case .text, .time: return .text
        case .integer, .bool: return .integer
        case .decimal: return .real
        }
    }
}

/// A report column: its name (the contract's), how it is typed, and its
/// Chinese title for `params.headers: zh` (CSV and XLSX headers).
public struct ReportColumn: Sendable, Equatable {
    public var name: String
    public var kind: ColumnKind
    public var zh: String
    public init(_ name: String, _ kind: ColumnKind, zh: String = "") { self.name = name; self.kind = kind; self.zh = zh.isEmpty ? name : zh }
}

/// A report a task writes: its columns (the contract's first, in order),
/// whether it has a geometry, and the columns rows sort by. Rows sort by the
/// `sortBy` columns, then by every other column left to right, so the order
/// never depends on the input's; by default that is all columns in order.
public struct ReportSpec: Sendable {
    public var name: String
    public var columns: [ReportColumn]
    public var geometry: GeometryKind?
    public var sortBy: [String]
    /// Rows a supervisor must act on (an error, a zone below the bar, a
    /// device out of place): report.html lists them first and marks them.
    public var problem: (@Sendable ([Cell]) -> Bool)?
    /// The columns that identify a row from one run to the next (`zonal
    /// diff`): a zone's code, a device's code and kind. Default: the first column.
    public var key: [String]
    /// Whether the store's table gets a spatial index (see `TableSchema.spatialIndex`).
    public var spatialIndex: Bool
    public init(_ name: String, columns: [ReportColumn], geometry: GeometryKind? = nil, spatialIndex: Bool = true, sortBy: [String] = [],
                key: [String] = [], problem: (@Sendable ([Cell]) -> Bool)? = nil) {
        self.spatialIndex = spatialIndex
        precondition(sortBy.allSatisfy { k in columns.contains { $0.name == k } }, "\(name): sortBy names an unknown column")
        precondition(key.allSatisfy { k in columns.contains { $0.name == k } }, "\(name): key names an unknown column")
        self.name = name; self.columns = columns; self.geometry = geometry; self.sortBy = sortBy
        self.key = key.isEmpty ? [columns[0].name] : key
        self.problem = problem
    }

    /// The position of a column, for `problem` predicates that read cells by name.
    public func index(of column: String) -> Int {
        guard let i = columns.firstIndex(where: { $0.name == column }) else { preconditionFailure("\(name) has no column \(column)") }
        return i
    }

    /// Column positions in sort order: the sort keys, then the rest.
    var sortOrder: [Int] {
        let keys = sortBy.compactMap { k in columns.firstIndex { $0.name == k } }
        return keys + columns.indices.filter { !keys.contains($0) }
    }

    var tableSchema: TableSchema {
        TableSchema(name: name, columns: columns.map { TableColumn($0.name, $0.kind.storeType) }, geometry: geometry, spatialIndex: spatialIndex)
    }
}

/// A rule a task applies, stated as summary.json's `rules` block records it,
/// so the run record says how the numbers were made.
public struct RuleNote: Sendable, Equatable {
    public var name: String
    public var text: String
    public init(_ name: String, _ text: String) { self.name = name; self.text = text }

    /// Point in polygon, shared by every domain that places points (PolygonLayer).
    public static let boundary = RuleNote("boundary", "inside or on the boundary counts (covers)")
}

/// What a task needs and makes. Each domain target declares its tasks; the
/// registry is the one list `zonal tasks`, the job parser and the docs read.
public protocol ZonalTask: Sendable {
    var name: String { get }
    var summary: String { get }
    /// Inputs the task cannot run without.
    var inputs: [String] { get }
    /// Inputs it uses when the job names them.
    var optionalInputs: [String] { get }
    var params: [ParamSpec] { get }
    var reports: [ReportSpec] { get }
    /// The rules behind its numbers, for summary.json.
    var rules: [RuleNote] { get }
    func run(_ context: TaskContext) throws -> TaskResult
    /// Headline figures and figures for report.html, read from the store.
    func present(_ context: PresentContext) throws -> [HTMLSection]
}

extension ZonalTask {
    public var optionalInputs: [String] { [] }
    public var params: [ParamSpec] { [] }
    public var rules: [RuleNote] { [] }
    public func present(_ context: PresentContext) throws -> [HTMLSection] { [] }
}

/// An input kind: the job key, what it is, and the loader that brings it into the store.
public struct InputKind: Sendable {
    /// Whether the job may give the input as a mapping of named paths
    /// (`fences: {management: zones.shp, …}`, `race_reads: {finish: …}`).
    public enum Parts: Sendable, Equatable {
        case none
        /// Only these names; each at most once.
        case named([String])
        /// Any names the job chooses (reader names).
        case any
    }
    public var key: String
    public var summary: String
    public var loader: any DatasetLoader
    /// Inputs that must be loaded first (events are joined to fences as they load).
    public var requires: [String]
    public var parts: Parts
    /// What the path (or each part's path) must be, checked when the job is read.
    public enum PathKind: Sendable { case file, folder, fileOrFolder }
    public var path: PathKind
    public init(key: String, summary: String, loader: any DatasetLoader, requires: [String] = [], parts: Parts = .none,
                path: PathKind = .file) {
        self.key = key; self.summary = summary; self.loader = loader; self.requires = requires; self.parts = parts; self.path = path
    }
}

/// Loads one input into the store inside the runner's savepoint. Readers
/// produce rows and rejects; the loader replaces the dataset's previous rows.
public protocol DatasetLoader: Sendable {
    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult
}

/// One domain's contribution: its inputs and tasks.
public struct DomainModule: Sendable {
    public var name: String
    public var inputs: [InputKind]
    public var tasks: [any ZonalTask]
    public init(name: String, inputs: [InputKind], tasks: [any ZonalTask]) {
        self.name = name; self.inputs = inputs; self.tasks = tasks
    }
}

/// Two domains that declare the same name differently: a mistake in the
/// code, found when the program starts rather than in a user's run.
public struct RegistryError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { "internal error in the task registry: \(message)" }
}

/// Parameters every job may set, whatever its tasks.
public enum RunParams {
    public static let maxRejectRate = NumberParam("max_reject_rate", min: 0, max: 1, default: 0.01,
                                                  "the share of a file's rows that may be rejected before the run fails")
    public static let assumeCRS = TextParam("assume_crs", crs: true, "CRS for Shapefiles without a .prj, e.g. EPSG:4490")
    public static let headers = ChoiceParam("headers", ["en", "zh"], default: "en",
                                            "column headers of the CSV and XLSX reports: en (the contract's names) or zh (中文列名)")
}

public struct Registry: Sendable {
    public let modules: [DomainModule]

    public static let generalParams: [ParamSpec] = [RunParams.maxRejectRate.spec, RunParams.assumeCRS.spec, RunParams.headers.spec]

    /// Inputs every domain may use, whatever its tasks: district boundaries.
    public static let commonModule = DomainModule(name: "common", inputs: [Districts.input], tasks: [])

    /// Refuses duplicate task or input names, and a parameter declared twice
    /// with a different type or default. The common inputs come first.
    public init(modules: [DomainModule]) throws {
        let modules = [Self.commonModule] + modules
        self.modules = modules
        var tasks: [String: String] = [:], inputs: [String: String] = [:]
        for m in modules {
            for t in m.tasks {
                if let other = tasks[t.name] { throw RegistryError(message: "task \(t.name) is declared by both \(other) and \(m.name)") }
                tasks[t.name] = m.name
            }
            for i in m.inputs {
                if let other = inputs[i.key] { throw RegistryError(message: "input \(i.key) is declared by both \(other) and \(m.name)") }
                inputs[i.key] = m.name
            }
        }
        var declared: [String: (by: String, signature: String)] = [:]
        for p in Self.generalParams { declared[p.name] = ("every job", p.signature) }
        for t in modules.flatMap(\.tasks) {
            for p in t.params {
                if let d = declared[p.name], d.signature != p.signature {
                    throw RegistryError(message: "parameter \(p.name) is \(d.signature) for \(d.by) but \(p.signature) for task \(t.name); declare it once and share it")
                }
                declared[p.name] = declared[p.name] ?? ("task \(t.name)", p.signature)
            }
        }
    }

    public var tasks: [any ZonalTask] { modules.flatMap(\.tasks) }
    public var taskNames: [String] { tasks.map(\.name) }
    public func task(named n: String) -> (any ZonalTask)? { tasks.first { $0.name == n } }
    public var inputKinds: [InputKind] { modules.flatMap(\.inputs) }
    public var inputNames: [String] { inputKinds.map(\.key) }
    public func input(named n: String) -> InputKind? { inputKinds.first { $0.key == n } }

    public var paramSpecs: [String: ParamSpec] {
        var out: [String: ParamSpec] = [:]
        for p in Self.generalParams + tasks.flatMap(\.params) where out[p.name] == nil { out[p.name] = p }
        return out
    }

    /// The rules of the given tasks, each once, in task order.
    public func rules(of taskNames: [String]) -> [RuleNote] {
        var out: [RuleNote] = []
        for t in taskNames.compactMap(task(named:)) { for r in t.rules where !out.contains(where: { $0.name == r.name }) { out.append(r) } }
        return out
    }
}
