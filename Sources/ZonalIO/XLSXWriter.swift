#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CXLSXWriter
import Foundation

/// The Summary sheet's own words, in the report's language.
public struct SummaryLabels: Sendable {
    public var item: String
    public var value: String
    /// The warnings block's title, its two column headers, and the line shown
    /// when there are none.
    public var warnings: String
    public var location: String
    public var reason: String
    public var noWarnings: String

    public init(item: String, value: String, warnings: String, location: String, reason: String, noWarnings: String) {
        self.item = item; self.value = value; self.warnings = warnings
        self.location = location; self.reason = reason; self.noWarnings = noWarnings
    }

    public static let english = SummaryLabels(item: "item", value: "value", warnings: "Warnings", location: "where",
                                              reason: "reason", noWarnings: "No warnings")
}

/// Writes report workbooks that a supervisor can sort and filter straight away:
/// a Summary sheet first, then one sheet per report with a bold frozen header,
/// an autofilter and columns sized to their content. Cells keep their types:
/// numbers (so Excel can sum them) shown with fixed places, times as Excel
/// dates, booleans as Excel booleans (or 是/否).
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
    /// Excel keeps at most 32,767 characters (UTF-16 units) in a cell and
    /// calls a longer one corrupt; such a text is cut and ends with `cutMarker`.
    public static let maxCellText = 32_767
    public static let cutMarker = "…[cut]"
    /// 2000-01-01T00:00:00Z; any fixed non-zero time works (0 means "now").
    static let fixedCreationTime: time_t = 946_684_800

    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private let path: String
    private let tempPath: String
    private let bold: UnsafeMutablePointer<lxw_format>?
    /// Summary sheet: its title, and wrapped text aligned to the top.
    private let titleFormat: UnsafeMutablePointer<lxw_format>?
    private let wrapped: UnsafeMutablePointer<lxw_format>?
    private var decimalFormats: [Int: UnsafeMutablePointer<lxw_format>] = [:]
    private var dateFormats: [TimeStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var usedSheetNames: Set<String> = []
    private var sheetCount = 0

    /// How many texts were cut to `maxCellText` so far, for a warning: the
    /// run goes on, the CSV keeps them whole.
    public private(set) var truncatedCells = 0

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
        let titleFormat = workbook_add_format(workbook)
        if let titleFormat { format_set_bold(titleFormat); format_set_font_size(titleFormat, 14) }
        self.titleFormat = titleFormat
        let wrapped = workbook_add_format(workbook)
        if let wrapped { format_set_text_wrap(wrapped); format_set_align(wrapped, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue)) }
        self.wrapped = wrapped
    }

    deinit {
        // Safety net for an abandoned writer (an error before close()): free
        // the memory without producing a file.
        if let workbook { lxw_workbook_free(workbook) }
    }

    /// A report sheet with typed columns: numbers stay numbers (decimals with
    /// their places), integers beyond 15 digits become text, a `.time`
    /// column's `yyyy-MM-dd HH:mm:ss[.SSS]` texts become Excel date-times, and
    /// booleans become Excel booleans, or 是/否 when `booleansAsWords` (the job
    /// asked for Chinese headers). A text too long for Excel is cut (see
    /// `truncatedCells`).
    public func addSheet(name: String, columns: [(title: String, kind: ColumnKind)], rows: [[Cell]], booleansAsWords: Bool) throws {
        guard workbook != nil else { throw OutputError(file: path, reason: "is already closed (internal error)") }
        let width = max(columns.count, rows.map(\.count).max() ?? 0)
        guard rows.count + 1 <= Self.maxRows else {
            throw OutputError(file: path,
                             reason: "sheet \(name) has \(rows.count) rows, more than Excel's limit of \(Self.maxRows - 1); use the CSV report instead")
        }
        guard width <= Self.maxColumns else {
            throw OutputError(file: path,
                             reason: "sheet \(name) has \(width) columns, more than Excel's limit of \(Self.maxColumns)")
        }
        let (sheet, sheetName) = try addWorksheet(name)
        let isTime = (0..<width).map { $0 < columns.count && columns[$0].kind == .time }

        // Column widths must be known up front: in constant-memory mode rows are
        // flushed as soon as the next one starts. The same pass finds the time
        // columns that carry milliseconds, so a whole column shares one format.
        var widths = columns.map { Self.displayWidth($0.title) }
        widths.append(contentsOf: repeatElement(0, count: width - widths.count))
        var withMilliseconds = [Bool](repeating: false, count: width)
        for row in rows {
            for (c, cell) in row.enumerated() {
                let w: Int
                switch cell {
                case .empty: continue
                case .text(let s):
                    w = Self.displayWidth(s)
                    if isTime[c], !withMilliseconds[c], s.utf8.count > 19, Self.excelDateTime(s)?.milliseconds == true {
                        withMilliseconds[c] = true
                    }
                case .bool(let b) where booleansAsWords: w = Self.displayWidth(Self.word(b))
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
        // Ready to print (a race's 成绩单, a report sent upward): A4
        // landscape, as wide as one page, the header row on every page, the
        // sheet's name and page numbers in the margins.
        worksheet_set_landscape(sheet)
        worksheet_set_paper(sheet, 9)
        worksheet_fit_to_pages(sheet, 1, 0)
        try check(worksheet_repeat_rows(sheet, 0, 0), sheet: sheetName)
        try check(worksheet_set_header(sheet, "&L&A"), sheet: sheetName)
        try check(worksheet_set_footer(sheet, "&R&P / &N"), sheet: sheetName)
        if width > 0 {
            try check(worksheet_autofilter(sheet, 0, 0, lxw_row_t(rows.count), lxw_col_t(width - 1)), sheet: sheetName)
        }

        for (c, column) in columns.enumerated() {
            try check(writeText(column.title, sheet, 0, lxw_col_t(c), bold), sheet: sheetName, row: 1)
        }
        for (r, row) in rows.enumerated() {
            for (c, cell) in row.enumerated() {
                let time: TimeStyle? = isTime[c] ? (withMilliseconds[c] ? .milliseconds : .seconds) : nil
                try check(write(cell, sheet, lxw_row_t(r + 1), lxw_col_t(c), time: time, booleansAsWords: booleansAsWords),
                          sheet: sheetName, row: r + 2)
            }
        }
    }

    /// A sheet whose cells are typed by themselves (no time columns, booleans
    /// as Excel booleans).
    public func addSheet(name: String, header: [String], rows: [[Cell]]) throws {
        try addSheet(name: name, columns: header.map { ($0, .text) }, rows: rows, booleansAsWords: false)
    }

    /// The first sheet, active when the workbook opens: a bold title, the run's
    /// headline figures as (item, value) rows, with values that are plain
    /// numbers ("34", "0.9123") or report times stored as such and anything
    /// else ("17 of 34", "1,234") as text, then the warnings (where, reason)
    /// with long reasons wrapped, or a line saying there are none.
    public func addSummarySheet(title: String, facts: [(String, String)], warnings: [(String, String)],
                                labels: SummaryLabels = .english) throws {
        guard sheetCount == 0 else {
            throw OutputError(file: path, reason: "got its summary sheet after \(sheetCount) other sheets; it must come first (internal error)")
        }
        let (sheet, sheetName) = try addWorksheet(title)
        worksheet_activate(sheet)

        let items = [labels.item, labels.location, labels.noWarnings] + facts.map(\.0) + warnings.map(\.0)
        let values = [labels.value, labels.reason] + facts.map(\.1) + warnings.map(\.1)
        let itemWidth = min(60, max(12, (items.map(Self.displayWidth).max() ?? 0) + 2))
        // Reasons wrap beyond 80 characters rather than run off the screen.
        let valueWidth = min(80, max(12, (values.map(Self.displayWidth).max() ?? 0) + 2))
        try check(worksheet_set_column(sheet, 0, 0, Double(itemWidth), nil), sheet: sheetName)
        try check(worksheet_set_column(sheet, 1, 1, Double(valueWidth), nil), sheet: sheetName)

        var row: lxw_row_t = 0
        func put(_ results: lxw_error...) throws {
            for result in results { try check(result, sheet: sheetName, row: Int(row) + 1) }
            row += 1
        }
        try put(writeText(title, sheet, row, 0, titleFormat))
        try put(writeText(labels.item, sheet, row, 0, bold), writeText(labels.value, sheet, row, 1, bold))
        for (item, value) in facts {
            let cell = Self.summaryCell(value)
            let time: TimeStyle? = Self.excelDateTime(value).map { $0.milliseconds ? .milliseconds : .seconds }
            let valueResult: lxw_error
            if case .text = cell, time == nil {
                valueResult = writeText(value, sheet, row, 1, wrapped)
            } else {
                valueResult = write(cell, sheet, row, 1, time: time, booleansAsWords: false)
            }
            try put(writeText(item, sheet, row, 0, wrapped), valueResult)
        }
        row += 1
        try put(writeText(labels.warnings, sheet, row, 0, bold))
        if warnings.isEmpty {
            try put(writeText(labels.noWarnings, sheet, row, 0, nil))
        } else {
            try put(writeText(labels.location, sheet, row, 0, bold), writeText(labels.reason, sheet, row, 1, bold))
            for (location, reason) in warnings {
                try put(writeText(location, sheet, row, 0, wrapped), writeText(reason, sheet, row, 1, wrapped))
            }
        }
    }

    /// How a headline value is stored: a plain number as a number with its
    /// places, a report time as text that `write` turns into a date (when it
    /// is written with a time style), anything else as text.
    static func summaryCell(_ value: String) -> Cell {
        let bytes = Array(value.utf8)
        var i = bytes.first == UInt8(ascii: "-") ? 1 : 0
        let wholeStart = i
        while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
        let wholeDigits = i - wholeStart
        // "007" is a code, not seven.
        guard wholeDigits > 0, wholeDigits == 1 || bytes[wholeStart] != 48 else { return .text(value) }
        if i == bytes.count {
            guard wholeDigits <= 15, let n = Int64(value) else { return .text(value) }
            return .integer(n)
        }
        guard bytes[i] == UInt8(ascii: "."), i + 1 < bytes.count else { return .text(value) }
        let places = bytes.count - i - 1
        guard bytes[(i + 1)...].allSatisfy({ (48...57).contains($0) }), wholeDigits + places <= 15,
              let d = Double(value) else { return .text(value) }
        return .decimal(d, places: places)
    }

    /// The text as it fits in a cell, or nil when it fits as it is.
    static func cutToCell(_ text: String) -> String? {
        // UTF-8 is never shorter than UTF-16, so most texts need no count.
        guard text.utf8.count > maxCellText, text.utf16.count > maxCellText else { return nil }
        return truncated(text, to: maxCellText - cutMarker.utf16.count) + cutMarker
    }

    /// `yyyy-MM-dd HH:mm:ss[.SSS]` as libxlsxwriter's date-time, and whether
    /// it has milliseconds; nil for any other text or a date Excel cannot
    /// show (before 1900), which then stays text.
    static func excelDateTime(_ text: String) -> (value: lxw_datetime, milliseconds: Bool)? {
        let b = Array(text.utf8)
        guard b.count == 19 || (b.count >= 21 && b.count <= 23) else { return nil }
        func number(_ from: Int, _ n: Int) -> Int? {
            var v = 0
            for k in from..<(from + n) {
                guard (48...57).contains(b[k]) else { return nil }
                v = v * 10 + Int(b[k]) - 48
            }
            return v
        }
        guard let y = number(0, 4), b[4] == 45, let mo = number(5, 2), b[7] == 45, let d = number(8, 2), b[10] == 32,
              let h = number(11, 2), b[13] == 58, let mi = number(14, 2), b[16] == 58, let s = number(17, 2) else { return nil }
        var ms = 0
        if b.count > 19 {
            guard b[19] == 46, let frac = number(20, b.count - 20) else { return nil }
            ms = frac * [1, 100, 10, 1][b.count - 20]
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard y >= 1900, (1...12).contains(mo), d >= 1, d <= days[mo - 1], h <= 23, mi <= 59, s <= 59 else { return nil }
        return (lxw_datetime(year: Int32(y), month: Int32(mo), day: Int32(d), hour: Int32(h), min: Int32(mi),
                             sec: Double(s) + Double(ms) / 1000), b.count > 19)
    }

    static func word(_ b: Bool) -> String { b ? "是" : "否" }

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

    /// A new worksheet under a valid, unique name.
    private func addWorksheet(_ name: String) throws -> (UnsafeMutablePointer<lxw_worksheet>, String) {
        guard let workbook else { throw OutputError(file: path, reason: "is already closed (internal error)") }
        let sheetName = uniqueSheetName(Self.sanitizeSheetName(name))
        guard let sheet = workbook_add_worksheet(workbook, sheetName) else {
            throw OutputError(file: path, reason: "could not add a sheet named \"\(sheetName)\"")
        }
        sheetCount += 1
        return (sheet, sheetName)
    }

    /// How a time column is shown.
    enum TimeStyle { case seconds, milliseconds }

    /// Writes one typed cell; `time` says the cell is in a time column.
    private func write(_ cell: Cell, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: lxw_row_t, _ col: lxw_col_t,
                       time: TimeStyle?, booleansAsWords: Bool) -> lxw_error {
        switch cell {
        case .empty:
            return LXW_NO_ERROR
        case .text(let s):
            if let time, var dt = Self.excelDateTime(s)?.value {
                return worksheet_write_datetime(sheet, row, col, &dt, dateFormat(time))
            }
            return writeText(s, sheet, row, col, nil)
        case .bool(let b):
            if booleansAsWords { return writeText(Self.word(b), sheet, row, col, nil) }
            return worksheet_write_boolean(sheet, row, col, b ? 1 : 0, nil)
        case .integer(let i):
            guard i.magnitude <= Self.maxExactInteger.magnitude else { return writeText(String(i), sheet, row, col, nil) }
            // "0" rather than General, which shows 12+ digits as 1.23457E+11.
            return worksheet_write_number(sheet, row, col, Double(i), decimalFormat(0))
        case .decimal(let d, let places):
            // A NaN or infinity would make Excel call the file corrupt.
            guard d.isFinite else { return LXW_NO_ERROR }
            return worksheet_write_number(sheet, row, col, d, decimalFormat(places))
        }
    }

    /// Every text goes in through here, so none exceeds Excel's cell limit.
    private func writeText(_ text: String, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: lxw_row_t, _ col: lxw_col_t,
                           _ format: UnsafeMutablePointer<lxw_format>?) -> lxw_error {
        if let cut = Self.cutToCell(text) {
            truncatedCells += 1
            return worksheet_write_string(sheet, row, col, cut, format)
        }
        return worksheet_write_string(sheet, row, col, text, format)
    }

    private func dateFormat(_ style: TimeStyle) -> UnsafeMutablePointer<lxw_format>? {
        if let format = dateFormats[style] { return format }
        guard let workbook, let format = workbook_add_format(workbook) else { return nil }
        format_set_num_format(format, style == .milliseconds ? "yyyy-mm-dd hh:mm:ss.000" : "yyyy-mm-dd hh:mm:ss")
        dateFormats[style] = format
        return format
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
