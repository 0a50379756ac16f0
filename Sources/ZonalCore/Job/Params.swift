import Foundation
import Yams
import ZonalIO

/// How a task parameter is typed and checked. Declared once, with its
/// default, by the task that uses it (through `NumberParam`, `TimeParam`, …);
/// the registry refuses two declarations of one name that disagree.
public struct ParamSpec: Sendable {
    public enum Kind: Sendable {
        case number(min: Double?, max: Double?)
        case text
        /// One of a closed set of words, e.g. `headers: en | zh`.
        case choice([String])
        case crs
        /// A time in any of the contract's forms, read in the job's zone.
        case time
        /// A structured value (a list of race definitions) decoded into a
        /// typed value when the job is read, with key-path errors.
        case structured(typeName: String, decode: @Sendable (ParamNode) throws -> any Sendable)
    }
    public var name: String
    public var kind: Kind
    public var defaultValue: ParamValue?
    public var summary: String

    public init(_ name: String, _ kind: Kind, default defaultValue: ParamValue? = nil, _ summary: String) {
        self.name = name; self.kind = kind; self.defaultValue = defaultValue; self.summary = summary
    }

    /// Type and default in one comparable text, for the registry's agreement check.
    var signature: String {
        let type: String
        switch kind {
        case .number(let lo, let hi): type = "number[\(lo.map { "\($0)" } ?? "")…\(hi.map { "\($0)" } ?? "")]"
        case .text: type = "text"
        case .choice(let words): type = "one of \(words.joined(separator: "|"))"
        case .crs: type = "crs"
        case .time: type = "time"
        case .structured(let name, _): type = "structured \(name)"
        }
        return type + " default " + (defaultValue?.shown ?? "none")
    }
}

public enum ParamValue: Sendable {
    case number(Double)
    case string(String)
    /// Epoch milliseconds and the text as the job wrote it.
    case time(Int64, text: String)
    /// The decoded value and the YAML the job wrote, for summary.json.
    case structured(any Sendable, text: String)

    /// How summary.json and messages show the value.
    public var shown: String {
        switch self {
        case .number(let d): return DecimalFormat.trimmed(d)
        case .string(let s): return s
        case .time(_, let text): return text
        case .structured(_, let text): return text
        }
    }
}

/// A job's parameters, every declared default filled in. Tasks read them
/// through their typed declarations, so a default is written in one place.
public struct Params: Sendable {
    public var values: [String: ParamValue]
    public init(values: [String: ParamValue]) { self.values = values }

    public subscript(_ p: NumberParam) -> Double {
        if case .number(let d) = values[p.spec.name] { return d }
        return p.defaultValue
    }
    public subscript(_ p: ChoiceParam) -> String {
        if case .string(let s) = values[p.spec.name] { return s }
        return p.defaultValue
    }
    public subscript(_ p: TimeParam) -> Int64? {
        if case .time(let ms, _) = values[p.spec.name] { return ms }
        return nil
    }
    public subscript(_ p: TextParam) -> String? {
        if case .string(let s) = values[p.spec.name] { return s }
        return nil
    }
    public subscript<T>(_ p: StructuredParam<T>) -> T? {
        if case .structured(let v, _) = values[p.spec.name] { return v as? T }
        return nil
    }
}

/// A numeric parameter with its default, e.g. `tolerance_m` (0).
public struct NumberParam: Sendable {
    public let spec: ParamSpec
    public let defaultValue: Double
    public init(_ name: String, min: Double?, max: Double?, default value: Double, _ summary: String) {
        spec = ParamSpec(name, .number(min: min, max: max), default: .number(value), summary)
        defaultValue = value
    }
}

/// One of a closed set of words, with its default.
public struct ChoiceParam: Sendable {
    public let spec: ParamSpec
    public let defaultValue: String
    public init(_ name: String, _ words: [String], default value: String, _ summary: String) {
        spec = ParamSpec(name, .choice(words), default: .string(value), summary)
        defaultValue = value
    }
}

/// A time parameter such as `as_of`; nil when the job does not set it.
public struct TimeParam: Sendable {
    public let spec: ParamSpec
    public init(_ name: String, _ summary: String) { spec = ParamSpec(name, .time, summary) }
}

/// A text parameter; `crs: true` accepts an EPSG code and normalises it to `EPSG:n`.
public struct TextParam: Sendable {
    public let spec: ParamSpec
    public init(_ name: String, crs: Bool = false, _ summary: String) { spec = ParamSpec(name, crs ? .crs : .text, summary) }
}

/// A structured parameter decoded into `T` when the job is read.
public struct StructuredParam<T: Sendable>: Sendable {
    public let spec: ParamSpec
    public init(_ name: String, _ summary: String, decode: @escaping @Sendable (ParamNode) throws -> T) {
        spec = ParamSpec(name, .structured(typeName: String(describing: T.self), decode: { try decode($0) }), summary)
    }
}

/// What a structured parameter's decoder may know about the job.
public struct ParamContext: Sendable {
    public let file: String
    public let times: TimeParser
    /// Each input key and the names of its parts (`race_reads: {finish: …}` → ["finish"]).
    public let inputParts: [String: [String]]
}

/// A node of a structured parameter with its key path, so every error names
/// where it is: `params.races[1].gun_time: '9:00' is not a time …`.
public struct ParamNode {
    let node: Node
    public let path: String
    public let context: ParamContext

    init(node: Node, path: String, context: ParamContext) { self.node = node; self.path = path; self.context = context }

    public func fail(_ message: String) -> JobFileError { JobFileError(file: context.file, path: path, message: message) }

    public func list() throws -> [ParamNode] {
        guard let seq = node.sequence else { throw fail("must be a list") }
        return seq.enumerated().map { ParamNode(node: $1, path: "\(path)[\($0)]", context: context) }
    }

    /// The mapping's values by key; a key outside `allowed` is an error that lists them.
    public func fields(allowed: [String]) throws -> [String: ParamNode] {
        guard let map = node.mapping else { throw fail("must be a mapping of \(allowed.joined(separator: ", "))") }
        var out: [String: ParamNode] = [:]
        for (k, v) in map {
            guard let key = k.string, allowed.contains(key) else {
                throw JobFileError(file: context.file, path: "\(path).\(k.string ?? "?")",
                                   message: "unknown key '\(k.string ?? "?")'; must be one of \(allowed.joined(separator: ", "))")
            }
            out[key] = ParamNode(node: v, path: "\(path).\(key)", context: context)
        }
        return out
    }

    public func string() throws -> String {
        guard let s = node.scalar?.string, !s.isEmpty, node.mapping == nil, node.sequence == nil else { throw fail("must be text") }
        return s
    }

    /// One name or a list of names (`finish_reader: track` or `[track, track-b]`), at least one.
    public func strings() throws -> [String] {
        if node.sequence != nil {
            let items = try list().map { try $0.string() }
            guard !items.isEmpty else { throw fail("must name at least one") }
            return items
        }
        return [try string()]
    }

    /// The key path of a field of this mapping, for errors about how fields relate.
    public func field(_ key: String) -> ParamNode { ParamNode(node: node.mapping?[key] ?? node, path: "\(path).\(key)", context: context) }

    public func oneOf(_ allowed: [String]) throws -> String {
        let s = try string()
        guard allowed.contains(s) else { throw fail("'\(s)' must be one of \(allowed.joined(separator: ", "))") }
        return s
    }

    public func number(min: Double? = nil, max: Double? = nil) throws -> Double {
        try JobParser.number(node, min: min, max: max, fail: fail)
    }

    public func integer(min: Int? = nil, max: Int? = nil) throws -> Int {
        let d = try number(min: min.map(Double.init), max: max.map(Double.init))
        guard d == d.rounded(), abs(d) < 1e15 else { throw fail("\(DecimalFormat.trimmed(d)) must be a whole number") }
        return Int(d)
    }

    /// Epoch milliseconds of a time in any of the contract's forms.
    public func time() throws -> Int64 {
        let s = try string()
        guard let ms = context.times.parse(s) else { throw fail(JobParser.timeMessage(s)) }
        return ms
    }
}
