#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXLSXWriter
import Foundation

/// Writes report workbooks that a supervisor can sort and filter straight away:
/// bold frozen header with an autofilter, columns sized to their content, and
/// decimals stored as numbers (so Excel can sum them) shown with fixed places.
///
/// Output is deterministic: the document creation time is pinned, so rerunning
/// a job over the same data produces a byte-identical file.
public final class XLSXWorkbookWriter {
    /// Excel's hard limits; beyond them Excel refuses or truncates the file.
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384
    public static let maxSheetNameLength = 31
    /// Excel shows at most 15 significant digits; larger integers (IDs) go in
    /// as text so they are not silently rounded.
    static let maxExactInteger: Int64 = 999_999_999_999_999
    /// 2000-01-01T00:00:00Z; any fixed non-zero time works (0 means "now").
    static let fixedCreationTime: time_t = 946_684_800

    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private let path: String
    private let tempPath: String
    private let bold: UnsafeMutablePointer<lxw_format>?
    private var decimalFormats: [Int: UnsafeMutablePointer<lxw_format>] = [:]
    private var usedSheetNames: Set<String> = []

    public init(path: String) throws {
        self.path = path
        // libxlsxwriter writes the file in workbook_close; writing beside the
        // target and renaming means a failure never leaves a broken report.
        self.tempPath = path + ".tmp-\(getpid()).xlsx"
        var options = lxw_workbook_options()
        // Rows are streamed to a temp file as they are written, so a
        // million-row report does not hold every cell in memory.
        options.constant_memory = UInt8(LXW_TRUE.rawValue)
        guard let workbook = workbook_new_opt(tempPath, &options) else {
            throw OutputError(file: path, reason: "could not be created (out of memory or no temporary folder)")
        }
        self.workbook = workbook
        var properties = lxw_doc_properties()
        properties.created = XLSXWorkbookWriter.fixedCreationTime
        workbook_set_properties(workbook, &properties)
        let bold = workbook_add_format(workbook)
        if let bold { format_set_bold(bold) }
        self.bold = bold
    }

    deinit {
        // Safety net for an abandoned writer (an error before close()): free
        // the memory without producing a file.
        if let workbook { lxw_workbook_free(workbook) }
    }

    /// A report sheet with typed columns. (Typed writing is being filled in;
    /// for now it writes as `addSheet(name:header:rows:)`.)
    public func addSheet(name: String, columns: [(title: String, kind: ColumnKind)], rows: [[Cell]], booleansAsWords: Bool) throws {
        try addSheet(name: name, header: columns.map(\.title), rows: rows)
    }

    /// The first sheet: the run's headline figures and its warnings.
    public func addSummarySheet(title: String, facts: [(String, String)], warnings: [(String, String)]) throws {
        try addSheet(name: title, header: ["item", "value"], rows: facts.map { [.text($0.0), .text($0.1)] } + warnings.map { [.text($0.0), .text($0.1)] })
    }

    public func addSheet(name: String, header: [String], rows: [[Cell]]) throws {
        guard let workbook else { throw OutputError(file: path, reason: "is already closed (internal error)") }
        let width = max(header.count, rows.map(\.count).max() ?? 0)
        guard rows.count + 1 <= Self.maxRows else {
            throw OutputError(file: path,
                             reason: "sheet \(name) has \(rows.count) rows, more than Excel's limit of \(Self.maxRows - 1); use the CSV report instead")
        }
        guard width <= Self.maxColumns else {
            throw OutputError(file: path,
                             reason: "sheet \(name) has \(width) columns, more than Excel's limit of \(Self.maxColumns)")
        }
        let sheetName = uniqueSheetName(Self.sanitizeSheetName(name))
        guard let sheet = workbook_add_worksheet(workbook, sheetName) else {
            throw OutputError(file: path, reason: "could not add a sheet named \"\(sheetName)\"")
        }

        // Column widths must be known up front: in constant-memory mode rows are
        // flushed as soon as the next one starts.
        var widths = header.map(Self.displayWidth)
        widths.append(contentsOf: repeatElement(0, count: width - widths.count))
        for row in rows {
            for (c, cell) in row.enumerated() {
                let w: Int
                switch cell {
                case .empty: continue
                case .text(let s): w = Self.displayWidth(s)
                default: w = cell.display.utf8.count
                }
                if w > widths[c] { widths[c] = w }
            }
        }
        for (c, w) in widths.enumerated() {
            // +2 leaves room for the autofilter button on the header.
            let chars = min(60, max(8, w + 2))
            try check(worksheet_set_column(sheet, lxw_col_t(c), lxw_col_t(c), Double(chars), nil), sheet: sheetName)
        }
        worksheet_freeze_panes(sheet, 1, 0)
        if width > 0 {
            try check(worksheet_autofilter(sheet, 0, 0, lxw_row_t(rows.count), lxw_col_t(width - 1)), sheet: sheetName)
        }

        for (c, title) in header.enumerated() {
            try check(worksheet_write_string(sheet, 0, lxw_col_t(c), title, bold), sheet: sheetName, row: 1)
        }
        for (r, row) in rows.enumerated() {
            let rowIndex = lxw_row_t(r + 1)
            for (c, cell) in row.enumerated() {
                let col = lxw_col_t(c)
                let result: lxw_error
                switch cell {
                case .empty:
                    continue
                case .text(let s):
                    result = worksheet_write_string(sheet, rowIndex, col, s, nil)
                case .bool(let b):
                    result = worksheet_write_string(sheet, rowIndex, col, b ? "true" : "false", nil)
                case .integer(let i):
                    if i.magnitude <= Self.maxExactInteger.magnitude {
                        result = worksheet_write_number(sheet, rowIndex, col, Double(i), nil)
                    } else {
                        result = worksheet_write_string(sheet, rowIndex, col, String(i), nil)
                    }
                case .decimal(let d, let places):
                    // A NaN or infinity would make Excel call the file corrupt.
                    guard d.isFinite else { continue }
                    result = worksheet_write_number(sheet, rowIndex, col, d, decimalFormat(places))
                }
                try check(result, sheet: sheetName, row: r + 2)
            }
        }
    }

    /// Writes the file. Must be called: without it nothing is written.
    public func close() throws {
        guard let workbook else { return }
        self.workbook = nil
        let result = workbook_close(workbook)
        guard result == LXW_NO_ERROR else {
            unlink(tempPath)
            throw OutputError(file: path, reason: "could not be written (\(Self.message(result))); check the output folder exists, is writable and has free space")
        }
        if rename(tempPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            throw OutputError(file: path, reason: "could not be written (\(reason)); check the output folder is writable")
        }
    }

    private func decimalFormat(_ places: Int) -> UnsafeMutablePointer<lxw_format>? {
        let places = min(max(places, 0), 30)
        if let format = decimalFormats[places] { return format }
        guard let workbook, let format = workbook_add_format(workbook) else { return nil }
        format_set_num_format(format, places == 0 ? "0" : "0." + String(repeating: "0", count: places))
        decimalFormats[places] = format
        return format
    }

    private func check(_ result: lxw_error, sheet: String, row: Int? = nil) throws {
        guard result != LXW_NO_ERROR else { return }
        throw OutputError(file: path, reason: "sheet \(sheet)" + (row.map { " row \($0)" } ?? "") + " could not be written: \(Self.message(result))")
    }

    private static func message(_ error: lxw_error) -> String {
        guard let text = lxw_strerror(error) else { return "libxlsxwriter error \(error.rawValue)" }
        return String(cString: text)
    }

    /// Excel rejects names with []:*?/\, leading/trailing apostrophes, or more
    /// than 31 characters; report titles may contain any of these.
    static func sanitizeSheetName(_ name: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var cleaned = String(name.map { forbidden.contains($0) || $0.isNewline ? "_" : $0 })
        cleaned = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: "' "))
        if cleaned.isEmpty { cleaned = "Sheet" }
        return truncated(cleaned, to: maxSheetNameLength)
    }

    /// libxlsxwriter counts code points; Excel counts UTF-16 units. Staying
    /// within both keeps CJK and emoji names valid.
    static func truncated(_ name: String, to limit: Int) -> String {
        var result = ""
        var units = 0
        for scalarRun in name {
            let n = scalarRun.utf16.count
            if units + n > limit { break }
            units += n
            result.append(scalarRun)
        }
        return result
    }

    /// Excel compares sheet names case-insensitively; a clash gets " (2)", " (3)"…
    private func uniqueSheetName(_ name: String) -> String {
        var candidate = name
        var n = 2
        while usedSheetNames.contains(candidate.lowercased()) {
            let suffix = " (\(n))"
            candidate = Self.truncated(name, to: Self.maxSheetNameLength - suffix.utf16.count) + suffix
            n += 1
        }
        usedSheetNames.insert(candidate.lowercased())
        return candidate
    }

    /// Approximate column width in Excel "characters": East Asian wide
    /// characters take two.
    static func displayWidth(_ text: String) -> Int {
        var width = 0
        var lineWidth = 0
        for scalar in text.unicodeScalars {
            if scalar == "\n" { width = max(width, lineWidth); lineWidth = 0; continue }
            lineWidth += isWide(scalar) ? 2 : 1
        }
        return max(width, lineWidth)
    }

    private static func isWide(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
