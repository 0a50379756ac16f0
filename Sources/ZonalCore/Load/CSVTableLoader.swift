import Foundation
import ZonalIO
import ZonalStore

/// Streams a CSV through its field specs in chunks: valid rows go to `sink`
/// as store values (in spec order, `line` first), bad rows become rejects.
/// Never holds more than one chunk of rows.
public struct CSVTableLoader: Sendable {
    public let specs: [FieldSpec]
    public let chunkSize: Int
    public init(_ specs: [FieldSpec], chunkSize: Int = 65_536) { self.specs = specs; self.chunkSize = chunkSize }

    /// Store columns: `line`, then each spec's columns.
    public var columns: [TableColumn] { [TableColumn("line", .integer)] + specs.flatMap(\.storeColumns) }

    /// Where a store column sits in the values a loaded row carries.
    public func position(of column: String) -> Int { TableSchema(name: "", columns: columns).position(of: column) }

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
            } else if s.mayBeAbsent {
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
            let checked: [CheckedRow] = try Parallel.slices(rows.count, minimumPerSlice: 4096) { range in
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
            if let why = s.check(raw, times, into: &values) {
                return .reject(Reject(file: shown, line: row.line, field: s.name, reason: why))
            }
        }
        return .row(values)
    }

}
