import Foundation
import ZonalGeo
import ZonalIO
import ZonalStore

public typealias ZonalGeoShape = Shape

/// Reading and writing report tables in the store, with the contract's sort rule.
public enum ReportTable {
    /// Rows in the report's order: its sort columns, then every other column
    /// left to right; numbers numerically, `*` first, empty last.
    public static func sorted(_ rows: [ReportRow], by spec: ReportSpec) -> [ReportRow] {
        order(rows, spec.sortOrder).map { rows[$0] }
    }

    /// Row indices in report order; sorting indices keeps 20,000-row reports
    /// from copying rows (and their geometry) around during the sort.
    static func order(_ rows: [ReportRow], _ columns: [Int]) -> [Int] {
        func compareRows(_ ia: Int, _ ib: Int) -> Int {
            let a = rows[ia].cells, b = rows[ib].cells
            for i in columns where i < a.count && i < b.count {
                let c = compare(a[i], b[i])
                if c != 0 { return c }
            }
            return 0
        }
        // Tasks mostly build rows in report order already: one pass proves
        // it, where a sort would compare each row about log2(n) times.
        if rows.indices.dropLast().allSatisfy({ compareRows($0, $0 + 1) <= 0 }) { return Array(rows.indices) }
        return rows.indices.sorted { ia, ib in
            let c = compareRows(ia, ib)
            return c != 0 ? c < 0 : ia < ib
        }
    }

    static func rank(_ c: Cell) -> Int {
        switch c {
        case .empty: return 2
        case .text(let s) where s.isEmpty: return 2
        case .text("*"): return 0
        default: return 1
        }
    }

    static func isDigits(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    /// -1, 0, 1 in the contract's order.
    public static func compare(_ a: Cell, _ b: Cell) -> Int {
        let ra = rank(a), rb = rank(b)
        if ra != rb { return ra < rb ? -1 : 1 }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.decimal(let x, _), .decimal(let y, _)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.integer(let x), .decimal(let y, _)): return Double(x) == y ? 0 : (Double(x) < y ? -1 : 1)
        case (.decimal(let x, _), .integer(let y)): return x == Double(y) ? 0 : (x < Double(y) ? -1 : 1)
        case (.text(let x), .text(let y)) where isDigits(x) && isDigits(y):
            // Numbers written as text (bibs, card numbers) sort as numbers: 9
            // before 10. ASCII digits, so bytes order them as String would.
            let cx = x.utf8.drop { $0 == 48 }, cy = y.utf8.drop { $0 == 48 }
            if cx.count != cy.count { return cx.count < cy.count ? -1 : 1 }
            if !cx.elementsEqual(cy) { return cx.lexicographicallyPrecedes(cy) ? -1 : 1 }
            if x.utf8.elementsEqual(y.utf8) { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        default:
            let x = a.display, y = b.display
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }

    static func replace(_ spec: ReportSpec, rows: [ReportRow], in store: Store) throws {
        let schema = spec.tableSchema
        try store.ensure(schema)
        let width = spec.columns.count, geometryAt = Int32(width + 1)
        let blobs = GeometryBlobCache()
        try store.replaceRows(schema) { ins in
            let ordered = order(rows, spec.sortOrder)
            try ins.insert(count: ordered.count) { b, k in
                let row = rows[ordered[k]]
                for (i, cell) in row.cells.prefix(width).enumerated() {
                    let at = Int32(i + 1)
                    switch cell {
                    case .empty: break
                    case .text(let s): try b.text(at, s)
                    case .integer(let n): try b.int(at, n)
                    // Stored rounded, so a SQL reader sees what the CSV shows.
                    case .decimal(let d, let places): try b.real(at, DecimalFormat.rounded(d, places: places))
                    case .bool(let v): try b.int(at, v ? 1 : 0)
                    }
                }
                if schema.geometry != nil, let shape = row.shape { try ins.check(shape); try b.geometry(geometryAt, shape, cache: blobs) }
            }
        }
    }

    /// Reads a report back in stored order, typed by its spec.
    public static func read(_ spec: ReportSpec, from store: Store) throws -> [ReportRow] {
        // A text equal to the row above's in the same column shares its
        // storage: reports are sorted, so a 1.6-million-row report repeats
        // each community code and date thousands of times.
        var last = [Cell](repeating: .empty, count: spec.columns.count)
        func cells(_ values: [SQLValue]) -> [Cell] {
            var cells: [Cell] = []
            cells.reserveCapacity(spec.columns.count)
            for (i, (c, v)) in zip(spec.columns, values).enumerated() {
                switch (c.kind, v) {
                case (_, .null): cells.append(.empty)
                case (.text, _), (.time, _):
                    let t = v.text ?? v.double.map { "\($0)" } ?? ""
                    if case .text(let previous) = last[i], previous == t { cells.append(last[i]) }
                    else { last[i] = .text(t); cells.append(last[i]) }
                case (.integer, _): cells.append(v.int.map { .integer($0) } ?? .empty)
                case (.decimal(let p), _): cells.append(v.double.map { .decimal($0, places: p) } ?? .empty)
                case (.bool, _): cells.append(v.int.map { .bool($0 != 0) } ?? .empty)
                }
            }
            return cells
        }
        if spec.geometry == nil {
            // Streamed: the rows are never held twice.
            guard try store.exists(spec.name) else { return [] }
            var rows: [ReportRow] = []
            let columns = spec.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            try store.forEachRow("SELECT \(columns) FROM \"\(spec.name)\" ORDER BY fid") { rows.append(ReportRow(cells($0))) }
            return rows
        }
        return try store.select(spec.name, columns: spec.columns.map(\.name), geometry: true, orderBy: "fid").map { row in
            ReportRow(cells(row.values), shape: row.shape)
        }
    }
}
