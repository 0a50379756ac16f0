/// One row of a table file, with its 1-based physical line (CSV: header = line 1;
/// XLSX: the sheet's row number) so rejects can point at it.
public struct TableRow: Sendable, Equatable {
    public var line: Int
    public var values: [String]
    public init(line: Int, values: [String]) { self.line = line; self.values = values }
}
