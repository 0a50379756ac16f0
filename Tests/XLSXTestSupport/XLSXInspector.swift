import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads a written workbook back the way Excel will see it: sheet names in
/// order, which sheet opens selected, and each cell's type and number format,
/// not only its text. For tests of the XLSX writer and of the CLI's reports.
public struct XLSXInspector {
    public enum Kind: Equatable, Sendable {
        case number, boolean, text, error
        /// A number shown through a date or time format.
        case date
    }

    public struct Cell: Equatable, Sendable {
        public var kind: Kind
        /// The stored value: the number as written, "1"/"0" for a boolean, the text.
        public var value: String
        /// The number format code ("General" when none).
        public var format: String

        public init(kind: Kind, value: String, format: String) { self.kind = kind; self.value = value; self.format = format }

        /// A date cell as `yyyy-MM-dd HH:mm:ss` (`.SSS` when its format shows
        /// milliseconds), read from the serial to the nearest millisecond;
        /// nil for any other cell.
        public var dateText: String? {
            guard kind == .date, let serial = Double(value) else { return nil }
            // Serial 25569 is 1970-01-01 in Excel's 1900 system.
            let ms = ((serial - 25569) * 86_400_000).rounded()
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = format.contains(".000") ? "yyyy-MM-dd HH:mm:ss.SSS" : "yyyy-MM-dd HH:mm:ss"
            return f.string(from: Date(timeIntervalSince1970: ms / 1000))
        }
    }

    /// Sheet names in workbook order.
    public let sheetNames: [String]
    private let archive: Archive
    private let sheetPaths: [String: String]
    private let formats: [String]
    private let sharedStrings: [String]

    public init(path: String) throws {
        archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let workbook = try XMLNode.parse(Self.read(archive, "xl/workbook.xml"))
        let rels = try XMLNode.parse(Self.read(archive, "xl/_rels/workbook.xml.rels"))
        var targets: [String: String] = [:]
        for r in rels.all("Relationship") {
            let t = r["Target"] ?? ""
            targets[r["Id"] ?? ""] = t.hasPrefix("/") ? String(t.dropFirst()) : "xl/" + t
        }
        var names: [String] = [], paths: [String: String] = [:]
        for s in workbook.all("sheet") {
            let name = s["name"] ?? ""
            names.append(name)
            paths[name] = targets[s["r:id"] ?? ""]
        }
        sheetNames = names
        sheetPaths = paths

        let styles = try XMLNode.parse(Self.read(archive, "xl/styles.xml"))
        var codes: [String: String] = ["0": "General", "1": "0", "2": "0.00", "14": "m/d/yyyy", "22": "m/d/yyyy h:mm"]
        for f in styles.all("numFmt") { codes[f["numFmtId"] ?? ""] = f["formatCode"] }
        formats = (styles.all("cellXfs").first?.all("xf") ?? []).map { codes[$0["numFmtId"] ?? "0"] ?? "General" }
        if archive["xl/sharedStrings.xml"] != nil {
            sharedStrings = try XMLNode.parse(Self.read(archive, "xl/sharedStrings.xml")).all("si").map { $0.text(of: "t", skipping: "rPh") }
        } else {
            sharedStrings = []
        }
    }

    /// A part of the package as text, e.g. "xl/workbook.xml".
    public func part(_ path: String) throws -> String { try Self.read(archive, path) }

    /// Every part of the package, by path.
    public var partPaths: [String] { archive.map(\.path) }

    /// A part's bytes as stored once inflated.
    public func partBytes(_ path: String) throws -> [UInt8] {
        guard let entry = archive[path] else { throw InspectionError("the workbook has no \(path)") }
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return Array(data)
    }

    /// The package path of a sheet, e.g. "xl/worksheets/sheet1.xml".
    public func path(ofSheet name: String) throws -> String {
        guard let p = sheetPaths[name] else { throw InspectionError("no sheet \(name); sheets: \(sheetNames)") }
        return p
    }

    /// Whether the sheet is the one selected when the workbook opens.
    public func isSelected(_ sheet: String) throws -> Bool {
        try XMLNode.parse(part(path(ofSheet: sheet))).all("sheetView").contains { $0["tabSelected"] == "1" }
    }

    /// Every cell of a sheet by reference ("B2").
    public func cells(_ sheet: String) throws -> [String: Cell] {
        var out: [String: Cell] = [:]
        for c in try XMLNode.parse(part(path(ofSheet: sheet))).all("c") {
            let format = Int(c["s"] ?? "0").flatMap { $0 < formats.count ? formats[$0] : nil } ?? "General"
            let v = c.all("v").first?.text ?? ""
            let kind: Kind, value: String
            switch c["t"] {
            case "b": (kind, value) = (.boolean, v)
            case "e": (kind, value) = (.error, v)
            case "s": (kind, value) = (.text, Int(v).flatMap { $0 < sharedStrings.count ? sharedStrings[$0] : nil } ?? "")
            case "inlineStr": (kind, value) = (.text, c.text(of: "t", skipping: "rPh"))
            case "str": (kind, value) = (.text, v)
            default: (kind, value) = (Self.isDateFormat(format) ? .date : .number, v)
            }
            out[c["r"] ?? ""] = Cell(kind: kind, value: value, format: format)
        }
        return out
    }

    /// The cells below the header `title` in row 1, top to bottom, nil where empty.
    public func column(_ title: String, in sheet: String) throws -> [Cell?] {
        let all = try cells(sheet)
        guard let ref = all.first(where: { Self.row(of: $0.key) == 1 && $0.value.value == title })?.key else {
            throw InspectionError("sheet \(sheet) has no header \(title)")
        }
        let col = String(ref.prefix { $0.isLetter })
        let last = all.keys.compactMap { Self.row(of: $0) }.max() ?? 1
        return last < 2 ? [] : (2...last).map { all[col + String($0)] }
    }

    static func row(of ref: String) -> Int? { Int(ref.drop { $0.isLetter }) }

    /// Date and time codes use y, d, h or s outside quoted text and brackets.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuotes = false, inBrackets = false
        for ch in code.lowercased() {
            switch ch {
            case "\"": inQuotes.toggle()
            case "[": inBrackets = true
            case "]": inBrackets = false
            case "y", "d", "h", "s": if !inQuotes && !inBrackets { return true }
            default: break
            }
        }
        return false
    }

    private static func read(_ archive: Archive, _ path: String) throws -> String {
        guard let entry = archive[path] else { throw InspectionError("the workbook has no \(path)") }
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }
}

public struct InspectionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A minimal element tree (names as written, prefixes kept).
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(_ name: String, _ attributes: [String: String]) { self.name = name; self.attributes = attributes }

    subscript(_ attribute: String) -> String? { attributes[attribute] }

    /// Descendants named `name`, in document order.
    func all(_ name: String) -> [XMLNode] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.all(name) }
    }

    /// The text of every `name` below, in order, leaving out subtrees named `skipping`.
    func text(of name: String, skipping: String) -> String {
        children.map { $0.name == skipping ? "" : ($0.name == name ? $0.text : $0.text(of: name, skipping: skipping)) }.joined()
    }

    static func parse(_ xml: String) throws -> XMLNode {
        let builder = Builder()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = builder
        guard parser.parse() else { throw InspectionError("not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")") }
        return builder.root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        let root = XMLNode("#document", [:])
        private lazy var stack: [XMLNode] = [root]

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLNode(name, attributes)
            stack.last?.children.append(node)
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    }
}
