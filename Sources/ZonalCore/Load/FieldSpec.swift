import Foundation
import ZonalIO
import ZonalStore

/// How one column of an input table is checked and stored. A value that
/// breaks its rule makes the row a reject naming the column and the reason.
/// Domains describe their inputs with these; the words of a domain (正常/异常,
/// XT codes, battery percentages) are definitions in its own target.
public final class FieldSpec: Sendable {
    /// The column's name in the file's header (matched without regard to case).
    public let name: String
    public let kind: FieldKind
    /// A required field rejects empty values; an optional one stores NULL and
    /// may be missing from the header altogether.
    public let required: Bool
    /// The store column; defaults to the header name in lower case.
    public let column: String
    /// How many store values the field gives (a time gives two, a dropped field none).
    let width: Int

    public init(_ name: String, _ kind: FieldKind, required: Bool = true, column: String? = nil) {
        self.name = name; self.kind = kind; self.required = required; self.column = column ?? name.lowercased()
        width = Self.columns(name: self.column, kind: kind).count
    }

    /// Dropped fields may be absent, like optional ones: nothing of them is kept.
    var mayBeAbsent: Bool {
        if case .dropped = kind { return true }
        return !required
    }

    /// Whether a reject reason may quote the value. Personal data never
    /// reaches a reject, a log or a report, not even as an example.
    var quotable: Bool {
        switch kind {
        case .masked, .dropped: return false
        default: return true
        }
    }

    var storeColumns: [TableColumn] { Self.columns(name: column, kind: kind) }

    static func columns(name column: String, kind: FieldKind) -> [TableColumn] {
        switch kind {
        case .text, .oneOf, .code, .digits, .prefixed, .masked: return [TableColumn(column, .text)]
        case .number, .quantity: return [TableColumn(column, .real)]
        case .integer: return [TableColumn(column, .integer)]
        case .time: return [TableColumn(column, .text), TableColumn(column + "_ms", .integer)]
        case .dropped: return []
        case .custom(let rule): return [TableColumn(column, rule.storeType)]
        }
    }
}

/// The vocabulary of field rules. It is open: a domain with a format of its
/// own (an RFID card `HHHHH:PPPPP`) writes a `FieldRule`.
public enum FieldKind: Sendable {
    /// Free text.
    case text
    /// One of a closed set of values, e.g. 正常 / 异常, or gate|face|qr.
    case oneOf([String])
    /// A code from a code table (seed 001 C.1–C.18), loaded from a data file.
    case code(CodeTable)
    /// A code of exactly this many ASCII digits (12-digit venue and mine ids).
    case digits(Int)
    /// A code that starts with this prefix (XT sniffers, DD studs, TFQ parking areas).
    case prefixed(String)
    /// A decimal number in plain notation, within the bounds.
    case number(min: Double?, max: Double?)
    /// A whole number within the bounds.
    case integer(min: Int64?, max: Int64?)
    /// A number that may carry its unit (`85` or `85%`).
    case quantity(Quantity)
    /// Any of the contract's time forms; stored as `yyyy-MM-dd HH:mm:ss[.SSS]`
    /// in the job's zone plus epoch milliseconds in `<column>_ms`.
    case time
    /// Personal data kept only masked (a plate `京A12345` is stored as `京A***45`).
    case masked(Masking)
    /// Personal data never kept: not stored, not in rejects, not in logs.
    case dropped
    /// A rule of the domain's own.
    case custom(FieldRule)
}

/// A number with an optional unit suffix, e.g. a battery level `85` or `85%`.
public struct Quantity: Sendable {
    public var unit: String
    /// What the number is, for messages ("percentage").
    public var noun: String
    public var example: String
    public var min: Double?
    public var max: Double?
    public init(unit: String, noun: String, example: String, min: Double?, max: Double?) {
        self.unit = unit; self.noun = noun; self.example = example; self.min = min; self.max = max
    }
}

/// How personal text is masked on read. The clear value is never stored.
public struct Masking: Sendable {
    /// What the value is, for messages ("plate number").
    public var noun: String
    /// The masked form, or nil when the value is not of this kind.
    public var mask: @Sendable (String) -> String?
    public init(noun: String, mask: @escaping @Sendable (String) -> String?) { self.noun = noun; self.mask = mask }

    /// A vehicle plate (seed 001 §7.13, CONTRACT §3.4): the first two
    /// characters (province and issuing office) and the last two are kept,
    /// everything between becomes `***` whatever its length, so `京A12345`
    /// and the new-energy `京AD12345` both read `京A***45`.
    public static let plate = Masking(noun: "plate number") { raw in
        let chars = Array(raw)
        guard chars.count >= 5, chars.count <= 10, !chars.contains(where: { $0 == " " || $0 == "*" }) else { return nil }
        return String(chars[0..<2]) + "***" + String(chars[(chars.count - 2)...])
    }
}

/// A field rule a domain defines: the store type and a check that gives the
/// value to store or the reason the row is rejected.
public struct FieldRule: Sendable {
    public enum Outcome: Sendable { case store(SQLValue), reject(String) }
    public var storeType: ColumnType
    public var check: @Sendable (String) -> Outcome
    public init(storeType: ColumnType, check: @escaping @Sendable (String) -> Outcome) {
        self.storeType = storeType; self.check = check
    }
}

extension FieldSpec {
    /// Appends the field's store values, or returns why the row is rejected.
    /// Appending in place keeps a city day's millions of fields allocation-free.
    /// Without `quoting` no reason quotes the value: in a file of personal
    /// records, a name typed into a code column must not reach the rejects.
    func check(_ raw: String, _ times: TimeParser, into values: inout [SQLValue], quoting: Bool = true) -> String? {
        let v = raw.trimmedSpace
        // How reasons quote the value: a short prefix (personal fields are never quoted).
        var shown: String { Quote.prefix(v) }
        // "'x' is not a number" or "is not a number".
        var it: String { quoting ? "'\(shown)' " : "" }
        var bare: String { quoting ? "\(shown) " : "" }
        if case .dropped = kind { return nil }
        if v.isEmpty {
            if required { return "is empty" }
            for _ in 0..<width { values.append(.null) }
            return nil
        }
        switch kind {
        case .text:
            values.append(.text(v))
        case .oneOf(let allowed):
            guard allowed.contains(v) else {
                return it + "must be " + (allowed.count == 2 ? "\(allowed[0]) or \(allowed[1])" : "one of \(allowed.joined(separator: ", "))")
            }
            values.append(.text(v))
        case .code(let table):
            guard table.name(of: v) != nil else { return it + "is not a code of \(table.described)" }
            values.append(.text(v))
        case .digits(let n):
            guard v.utf8.count == n, v.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return it + "must be \(n) digits" + (v.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? " (it has \(v.count))" : "")
            }
            values.append(.text(v))
        case .prefixed(let prefix):
            guard v.hasPrefix(prefix) else { return it + "does not start with \(prefix)" }
            values.append(.text(v))
        case .number(let lo, let hi):
            guard let d = PlainNumber.parse(v) else { return it + "is not a number" }
            if let lo, d < lo { return bare + "is below \(DecimalFormat.trimmed(lo))" }
            if let hi, d > hi { return bare + "is above \(DecimalFormat.trimmed(hi))" }
            values.append(.real(d))
        case .integer(let lo, let hi):
            guard let i = Int64(v) else { return it + "is not a whole number" }
            if let lo, i < lo { return bare + "is below \(lo)" }
            if let hi, i > hi { return bare + "is above \(hi)" }
            values.append(.integer(i))
        case .quantity(let q):
            let digits = v.hasSuffix(q.unit) ? String(v.dropLast(q.unit.count)).trimmedSpace : v
            guard let d = PlainNumber.parse(digits) else { return it + "is not a \(q.noun) like \(q.example) or \(q.example)\(q.unit)" }
            if (q.min.map { d < $0 } ?? false) || (q.max.map { d > $0 } ?? false) {
                return bare + "is outside \(q.min.map(DecimalFormat.trimmed) ?? "")–\(q.max.map(DecimalFormat.trimmed) ?? "") \(q.unit)"
            }
            values.append(.real(d))
        case .time:
            guard let ms = times.parse(v) else {
                return it + "is not a time; use yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601 with offset"
            }
            values.append(.text(times.format(ms, milliseconds: ms % 1000 != 0)))
            values.append(.integer(ms))
        case .masked(let m):
            guard let masked = m.mask(v) else { return "is not a \(m.noun)" }
            values.append(.text(masked))
        case .dropped:
            break
        case .custom(let rule):
            switch rule.check(v) {
            case .store(let s): values.append(s)
            case .reject(let why): return why
            }
        }
        return nil
    }
}

/// Numbers as people write them in data files: plain decimal notation with an
/// optional sign and exponent. Swift's `Double("0x74")` would read hex as 116
/// and `Double("nan")` a NaN; neither is a number in a data file.
public enum PlainNumber {
    public static func parse(_ s: String) -> Double? {
        guard !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
              let d = Double(s), d.isFinite else { return nil }
        return d
    }
}
