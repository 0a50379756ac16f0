import Foundation
import ZonalIO
import ZonalStore

/// How a report column is typed and shown.
public enum ColumnKind: Sendable, Equatable {
    case text
    case integer
    /// A decimal shown with a fixed number of places (areas 2, rates 4).
    case decimal(places: Int)
    case bool

    var storeType: ColumnType {
        switch self {
        case .text: return .text
        case .integer, .bool: return .integer
        case .decimal: return .real
        }
    }
}

public struct ReportColumn: Sendable, Equatable {
    public var name: String
    public var kind: ColumnKind
    public init(_ name: String, _ kind: ColumnKind) { self.name = name; self.kind = kind }
}

/// A report a task writes: its columns (the contract's first, in order), whether
/// it has a geometry, and how many leading columns form its sort key.
public struct ReportSpec: Sendable {
    public var name: String
    public var columns: [ReportColumn]
    public var geometry: GeometryKind?
    public var sortKeyCount: Int
    public init(_ name: String, columns: [ReportColumn], geometry: GeometryKind? = nil, sortKeyCount: Int) {
        self.name = name; self.columns = columns; self.geometry = geometry; self.sortKeyCount = sortKeyCount
    }

    var tableSchema: TableSchema {
        TableSchema(name: name, columns: columns.map { TableColumn($0.name, $0.kind.storeType) }, geometry: geometry)
    }
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
    func run(_ context: TaskContext) throws -> TaskResult
    /// Headline figures and figures for report.html, read from the store.
    func present(_ context: PresentContext) throws -> [HTMLSection]
}

extension ZonalTask {
    public var optionalInputs: [String] { [] }
    public var params: [ParamSpec] { [] }
    public func present(_ context: PresentContext) throws -> [HTMLSection] { [] }
}

/// An input kind: the job key, what it is, and the loader that brings it into the store.
public struct InputKind: Sendable {
    public var key: String
    public var summary: String
    public var loader: any DatasetLoader
    /// Inputs that must be loaded first (events are joined to fences as they load).
    public var requires: [String]
    public init(key: String, summary: String, loader: any DatasetLoader, requires: [String] = []) {
        self.key = key; self.summary = summary; self.loader = loader; self.requires = requires
    }
}

/// Loads one input into the store inside the runner's savepoint. Readers
/// produce rows and rejects; the loader replaces the dataset's previous rows.
public protocol DatasetLoader: Sendable {
    func load(_ input: JobInput, _ context: LoadContext) throws -> LoadResult
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

public struct Registry: Sendable {
    public let modules: [DomainModule]

    /// Parameters every job may set, whatever its tasks.
    public static let generalParams: [ParamSpec] = [
        ParamSpec("max_reject_rate", .number(min: 0, max: 1), default: .number(0.01),
                  "the share of a file's rows that may be rejected before the run fails"),
        ParamSpec("assume_crs", .crs, "CRS for Shapefiles without a .prj, e.g. EPSG:4490"),
    ]

    public init(modules: [DomainModule]) { self.modules = modules }

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
}
