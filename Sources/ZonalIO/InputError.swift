/// A problem with one input file that the user must fix: names the file, the
/// line (CSV line, sheet row or Shapefile record, 1-based), the field and the reason.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var reason: String

    public init(file: String, line: Int? = nil, field: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var where_ = file
        if let line { where_ += " line \(line)" }
        if let field { where_ += " field \(field)" }
        return "\(where_): \(reason)"
    }
}

/// One row of a table file, with its 1-based physical line (CSV: header = line 1;
/// XLSX: the sheet's row number) so rejects can point at it.
public struct TableRow: Sendable, Equatable {
    public var line: Int
    public var values: [String]
    public init(line: Int, values: [String]) { self.line = line; self.values = values }
}

/// A typed cell for report writers.
public enum Cell: Sendable, Equatable {
    case empty
    case text(String)
    case integer(Int64)
    /// A decimal already rounded for display: the value and its number of places.
    case decimal(Double, places: Int)
    case bool(Bool)

    /// The text a CSV or HTML table shows.
    public var display: String {
        switch self {
        case .empty: return ""
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .decimal(let d, let places): return DecimalFormat.fixed(d, places: places)
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

public enum DecimalFormat {
    /// Rounds half away from zero to `places` and prints exactly that many decimals.
    public static func fixed(_ value: Double, places: Int) -> String {
        // Non-finite or huge values have no fixed-point form; print them as Swift does rather than trap.
        guard value.isFinite, abs(value) < 1e15 else { return value.isFinite ? "\(value)" : "" }
        let scale = pow10(places)
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        if places == 0 { return String(Int64(scaled)) }
        let negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        let unit = Int64(scale)
        var frac = String(magnitude % unit)
        frac = String(repeating: "0", count: places - frac.count) + frac
        return (negative ? "-" : "") + "\(magnitude / unit).\(frac)"
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }
}

extension Substring {
    /// Spaces, tabs and line breaks trimmed from both ends. Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString and dominated load
    /// profiles on Linux; this works on the UTF-8 view.
    public var trimmedSpace: String {
        let u = utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = u.firstIndex(where: { !isSpace($0) }), let last = u.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension String {
    public var trimmedSpace: String {
        // Most fields need no trimming: return them as they are, without a copy.
        guard let f = utf8.first, let l = utf8.last else { return self }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        if !isSpace(f) && !isSpace(l) { return self }
        return self[...].trimmedSpace
    }
}
