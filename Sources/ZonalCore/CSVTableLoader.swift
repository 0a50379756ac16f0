import Foundation
import ZonalIO
import ZonalStore

/// How one CSV column is checked and stored. A value that breaks its rule
/// makes the row a reject naming the column and the reason.
public struct FieldSpec: Sendable {
    public enum Kind: Sendable {
        /// Free text; `required` rejects empty values.
        case text(required: Bool)
        /// A device or fence code that must start with `prefix` (e.g. XT, DD, TFQ).
        case code(prefix: String?)
        case number(min: Double?, max: Double?, required: Bool)
        case integer(min: Int64?, required: Bool)
        /// Any of the contract's time forms; stored as `yyyy-MM-dd HH:mm:ss[.SSS]`
        /// in the job's zone plus epoch milliseconds in `<name>_ms`.
        case time(required: Bool)
        /// 正常 / 异常 (Appendix B Condition).
        case condition
        /// A battery percentage written `85` or `85%`, 0–100.
        case percent
    }
    public var name: String
    public var kind: Kind
    /// The store column; defaults to the CSV name in lower case.
    public var column: String
    public init(_ name: String, _ kind: Kind, column: String? = nil) {
        self.name = name; self.kind = kind; self.column = column ?? name.lowercased()
    }

    var optional: Bool {
        switch kind {
        case .text(let r), .number(_, _, let r), .integer(_, let r), .time(let r): return !r
        case .code, .condition, .percent: return false
        }
    }

    var storeColumns: [TableColumn] {
        switch kind {
        case .text, .code, .condition: return [TableColumn(column, .text)]
        case .number, .percent: return [TableColumn(column, .real)]
        case .integer: return [TableColumn(column, .integer)]
        case .time: return [TableColumn(column, .text), TableColumn(column + "_ms", .integer)]
        }
    }
}

/// Streams a CSV through its field specs in chunks: valid rows go to `sink`
/// as store values (in spec order, `line` first), bad rows become rejects.
/// Never holds more than one chunk of rows.
public struct CSVTableLoader: Sendable {
    public let specs: [FieldSpec]
    public let chunkSize: Int
    public init(_ specs: [FieldSpec], chunkSize: Int = 65_536) { self.specs = specs; self.chunkSize = chunkSize }

    /// Store columns: `line`, then each spec's columns.
    public var columns: [TableColumn] { [TableColumn("line", .integer)] + specs.flatMap(\.storeColumns) }

    public struct Outcome {
        public var dataRows = 0, loaded = 0
        public var rejects: [Reject] = []
        public init() {}
    }

    public func load(path: String, shown: String, times: TimeParser, progress: ProgressDisplay?,
                     sink: ([[SQLValue]]) throws -> Void) throws -> Outcome {
        let reader = try CSVReader(path: path, displayName: shown)
        var index: [Int] = []
        for s in specs {
            if let i = reader.header.firstIndex(where: { $0.caseInsensitiveCompare(s.name) == .orderedSame }) {
                index.append(i)
            } else if s.optional {
                index.append(-1)
            } else {
                throw InputError(file: shown, line: 1, field: s.name,
                                 reason: "the header has no \(s.name) column; expected \(specs.map(\.name).joined(separator: ",")) (it has \(reader.header.joined(separator: ",")))")
            }
        }
        let width = reader.header.count
        var out = Outcome()
        var raw: [TableRow] = []
        raw.reserveCapacity(chunkSize)
        progress?.start("load \(shown)")
        let specs = self.specs
        let columnIndex = index
        // Rows are read in order on this thread; their fields are checked on
        // every core, and results keep the file's order.
        func flush() throws {
            guard !raw.isEmpty else { return }
            let rows = raw
            let checked: [CheckedRow] = Parallel.slices(rows.count, minimumPerSlice: 4096) { range in
                range.map { Self.checkRow(rows[$0], specs: specs, index: columnIndex, width: width, shown: shown, times: times) }
            }
            var chunk: [[SQLValue]] = []
            chunk.reserveCapacity(checked.count)
            for c in checked {
                switch c {
                case .row(let v): chunk.append(v)
                case .reject(let r): out.rejects.append(r)
                }
            }
            out.dataRows += rows.count
            raw.removeAll(keepingCapacity: true)
            if !chunk.isEmpty { try sink(chunk); out.loaded += chunk.count }
            progress?.advance(by: rows.count)
        }
        while let row = try reader.next() {
            raw.append(row)
            if raw.count == chunkSize { try flush() }
        }
        try flush()
        progress?.finish()
        return out
    }

    enum CheckedRow: Sendable { case row([SQLValue]), reject(Reject) }

    static func checkRow(_ row: TableRow, specs: [FieldSpec], index: [Int], width: Int, shown: String, times: TimeParser) -> CheckedRow {
        if row.values.count != width {
            return .reject(Reject(file: shown, line: row.line, field: nil,
                                  reason: "has \(row.values.count) fields but the header has \(width); check for stray commas or quotes"))
        }
        var values: [SQLValue] = [.integer(Int64(row.line))]
        values.reserveCapacity(specs.count + 3)
        for (k, s) in specs.enumerated() {
            let raw = index[k] >= 0 ? row.values[index[k]] : ""
            if let why = check(raw, s, times, into: &values) {
                return .reject(Reject(file: shown, line: row.line, field: s.name, reason: why))
            }
        }
        return .row(values)
    }

    /// Appends the field's store values, or returns why it is rejected.
    /// Appending in place keeps a city day's millions of fields allocation-free.
    static func check(_ raw: String, _ s: FieldSpec, _ times: TimeParser, into values: inout [SQLValue]) -> String? {
        let v = raw.trimmedSpace
        switch s.kind {
        case .text(let required):
            if v.isEmpty { if required { return "is empty" }; values.append(.null); return nil }
            values.append(.text(v))
        case .code(let prefix):
            if v.isEmpty { return "is empty" }
            if let prefix, !v.hasPrefix(prefix) { return "'\(v)' does not start with \(prefix)" }
            values.append(.text(v))
        case .number(let lo, let hi, let required):
            if v.isEmpty { if required { return "is empty" }; values.append(.null); return nil }
            // Plain decimal notation only: Swift's Double("0x74") would read hex as 116.
            guard v.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
                  let d = Double(v), d.isFinite else { return "'\(v)' is not a number" }
            if let lo, d < lo { return "\(v) is below \(DecimalFormat.trimmed(lo))" }
            if let hi, d > hi { return "\(v) is above \(DecimalFormat.trimmed(hi))" }
            values.append(.real(d))
        case .integer(let lo, let required):
            if v.isEmpty { if required { return "is empty" }; values.append(.null); return nil }
            guard let i = Int64(v) else { return "'\(v)' is not a whole number" }
            if let lo, i < lo { return "\(v) is below \(lo)" }
            values.append(.integer(i))
        case .time(let required):
            if v.isEmpty { if required { return "is empty" }; values.append(.null); values.append(.null); return nil }
            guard let ms = times.parse(v) else {
                return "'\(v)' is not a time; use yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601 with offset"
            }
            values.append(.text(times.format(ms, milliseconds: ms % 1000 != 0)))
            values.append(.integer(ms))
        case .condition:
            guard v == "正常" || v == "异常" else { return "'\(v)' must be 正常 or 异常" }
            values.append(.text(v))
        case .percent:
            let digits = v.hasSuffix("%") ? String(v.dropLast()).trimmedSpace : v
            guard let d = Double(digits), d.isFinite else { return "'\(v)' is not a percentage like 85 or 85%" }
            guard d >= 0, d <= 100 else { return "\(v) is outside 0–100 %" }
            values.append(.real(d))
        }
        return nil
    }
}

extension DecimalFormat {
    /// A number without trailing zeros, for messages ("90" not "90.0").
    public static func trimmed(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }
}
