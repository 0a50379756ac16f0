import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the first sheet of an .xlsx workbook as text rows, the same shape
/// `CSVReader` produces, so loaders treat both formats identically.
///
/// Values come back as the text a person typed: supervisors key codes and
/// amounts into Excel and expect "12" and "0.0125" back, not "12.0" or "1.25e-2".
/// Dates are returned as Excel's serial number (the cell style is not read).
public struct XLSXReader {
    public let sheetName: String
    public let header: [String]
    public let rows: [TableRow]

    public init(path: String, displayName: String? = nil) throws {
        let name = displayName ?? path
        try InputFile.checkRegular(path, shown: name)
        func notWorkbook(_ why: String) -> InputError {
            InputError(file: name, reason: "is not an .xlsx workbook (\(why)); open it in Excel and save as .xlsx")
        }
        let archive: ZipArchive
        do {
            archive = try ZipArchive(path: path)
        } catch {
            throw notWorkbook("it \(error)")
        }
        func entryData(_ entryPath: String) throws -> Data? {
            do {
                return try archive.data(entryPath).map { Data($0) }
            } catch {
                throw notWorkbook("\(error)")
            }
        }

        guard let workbookXML = try entryData("xl/workbook.xml") else {
            throw notWorkbook("xl/workbook.xml is missing")
        }
        let workbook = WorkbookParser()
        guard workbook.parse(workbookXML), let sheet = workbook.firstSheet else {
            throw notWorkbook("it has no sheet")
        }
        var relations: [String: XLSXRelation] = [:]
        if let relsXML = try entryData("xl/_rels/workbook.xml.rels") {
            let rels = RelationshipsParser()
            guard rels.parse(relsXML) else { throw notWorkbook("xl/_rels/workbook.xml.rels is not valid XML") }
            relations = rels.relations
        }
        let sheetPath: String
        if let target = relations[sheet.relationID]?.target {
            sheetPath = XLSXReader.resolve(target)
        } else {
            // Some generators omit the rels file; Excel's default layout is a safe guess.
            sheetPath = "xl/worksheets/sheet1.xml"
        }
        guard let sheetXML = try entryData(sheetPath) else {
            throw notWorkbook("the sheet \"\(sheet.name)\" (\(sheetPath)) is missing")
        }

        var sharedStrings: [String] = []
        let sharedPath = relations.values.first { $0.type.hasSuffix("/sharedStrings") }
            .map { XLSXReader.resolve($0.target) } ?? "xl/sharedStrings.xml"
        if let sharedXML = try entryData(sharedPath) {
            let parser = SharedStringsParser()
            guard parser.parse(sharedXML) else { throw notWorkbook("\(sharedPath) is not valid XML") }
            sharedStrings = parser.strings
        }

        let sheetParser = SheetParser(sharedStrings: sharedStrings)
        guard sheetParser.parse(sheetXML) else {
            if let failure = sheetParser.failure {
                throw InputError(file: name, line: failure.line, reason: failure.reason)
            }
            throw notWorkbook("\(sheetPath) is not valid XML")
        }

        var header: [String] = []
        var rows: [TableRow] = []
        var haveHeader = false
        for row in sheetParser.rows {
            guard row.values.contains(where: { !$0.isEmpty }) else { continue }
            if !haveHeader {
                var names = row.values.map { $0.trimmingCharacters(in: .whitespaces) }
                while names.last?.isEmpty == true { names.removeLast() }
                header = names
                haveHeader = true
                continue
            }
            var values = row.values
            // Formatted-but-empty cells beyond the header are noise, not data.
            while values.count > header.count, values.last?.isEmpty == true { values.removeLast() }
            if values.count < header.count {
                values.append(contentsOf: repeatElement("", count: header.count - values.count))
            }
            rows.append(TableRow(line: row.line, values: values))
        }
        self.sheetName = sheet.name
        self.header = header
        self.rows = rows
    }

    /// Relationship targets are relative to xl/ unless they start with "/".
    static func resolve(_ target: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : ["xl"]
        for part in target.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// "AB" → 27 (0-based column index), or nil for a malformed reference.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for u in reference.utf8 {
            switch u {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): index = index * 26 + Int(u - UInt8(ascii: "A")) + 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"): index = index * 26 + Int(u - UInt8(ascii: "a")) + 1
            default:
                return letters > 0 ? index - 1 : nil
            }
            letters += 1
            if letters > 3 { return nil }
        }
        return letters > 0 ? index - 1 : nil
    }

    /// The text a person would have typed for a stored number: the shortest
    /// digits that round-trip, never in exponent form, integers without ".0".
    public static func numberText(_ raw: String) -> String {
        let trimmed = trimmedASCII(raw)
        // Fast path for the common case, plain integers as Excel stores them.
        let u = trimmed.utf8
        if let first = u.first, u.count <= 15, first != UInt8(ascii: "0") || u.count == 1,
           u.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return String(trimmed)
        }
        guard let value = Double(trimmed), value.isFinite else { return raw }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 9.0e18 { return String(Int64(value)) }
        let shortest = value.description
        guard let e = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return shortest }
        // Expand "d.ddde±x" into positional notation.
        let negative = shortest.hasPrefix("-")
        let mantissa = shortest[shortest.index(shortest.startIndex, offsetBy: negative ? 1 : 0)..<e]
        guard let exponent = Int(shortest[shortest.index(after: e)...]) else { return shortest }
        let dot = mantissa.firstIndex(of: ".")
        let intPart = dot.map { mantissa[..<$0] } ?? mantissa
        var fracPart = dot.map { mantissa[mantissa.index(after: $0)...] } ?? ""
        if fracPart == "0" { fracPart = "" }
        let digits = Array(intPart + fracPart)
        let point = intPart.count + exponent   // position of the decimal point in `digits`
        var text: String
        if point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + String(digits)
        } else if point >= digits.count {
            text = String(digits) + String(repeating: "0", count: point - digits.count)
        } else {
            text = String(digits[..<point]) + "." + String(digits[point...])
        }
        if negative { text = "-" + text }
        return text
    }
}

// MARK: - XML parsers

fileprivate struct XLSXRelation {
    var type: String
    var target: String
}

/// Element and attribute names without their namespace prefix, because
/// generators differ ("sheet" vs "x:sheet").
fileprivate func localName(_ qualified: String) -> Substring {
    guard qualified.utf8.contains(UInt8(ascii: ":")), let colon = qualified.lastIndex(of: ":") else {
        return Substring(qualified)
    }
    return qualified[qualified.index(after: colon)...]
}

/// Trims ASCII spaces without the cost of Foundation's CharacterSet, which
/// dominated parse time on large sheets.
fileprivate func trimmedASCII(_ text: String) -> Substring {
    var s = Substring(text)
    while let first = s.utf8.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D { s = s.dropFirst() }
    while let last = s.utf8.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D { s = s.dropLast() }
    return s
}

/// Runs a SAX parse. Each delegate class conforms to `XMLParserDelegate`
/// itself: on Linux the protocol's default implementations would shadow
/// methods declared only in a subclass of a conforming base class.
fileprivate protocol XLSXXMLDelegate: XMLParserDelegate {}

extension XLSXXMLDelegate {
    func parse(_ data: Data) -> Bool {
        // Streamed on purpose: swift-corelibs-foundation's XMLParser(data:)
        // reports a spurious error at the end of documents over ~10 MB,
        // i.e. any sheet with a few hundred thousand cells.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.delegate = self
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        return parser.parse()
    }
}

fileprivate final class WorkbookParser: NSObject, XLSXXMLDelegate {
    var firstSheet: (name: String, relationID: String)?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard firstSheet == nil, localName(elementName) == "sheet" else { return }
        let rid = attributes.first { $0.key.contains(":") && localName($0.key) == "id" }?.value ?? ""
        firstSheet = (attributes["name"] ?? "", rid)
    }
}

fileprivate final class RelationshipsParser: NSObject, XLSXXMLDelegate {
    var relations: [String: XLSXRelation] = [:]

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard localName(elementName) == "Relationship", let id = attributes["Id"], let target = attributes["Target"]
        else { return }
        relations[id] = XLSXRelation(type: attributes["Type"] ?? "", target: target)
    }
}

/// Collects <si> entries; text is the concatenation of every <t> in the item
/// (plain or rich-text runs) except phonetic guides (<rPh>), which Excel hides.
fileprivate final class SharedStringsParser {
    var strings: [String] = []

    func parse(_ data: Data) -> Bool {
        var current = ""
        var inItem = false, inText = false
        var phoneticDepth = 0
        do {
            try XMLScanner.scan([UInt8](data)) { event in
                switch event {
                case .start(let name, _, _):
                    switch name {
                    case "si": inItem = true; current = ""
                    case "rPh": phoneticDepth += 1
                    case "t": inText = inItem && phoneticDepth == 0
                    default: break
                    }
                case .end(let name):
                    switch name {
                    case "si": strings.append(current); inItem = false
                    case "rPh": phoneticDepth -= 1
                    case "t": inText = false
                    default: break
                    }
                case .text(let t):
                    if inText { current += t }
                }
            }
            return true
        } catch { return false }
    }
}

/// Reads a worksheet's rows and cells, resolving shared strings and the
/// cell types Zonal needs (s, inlineStr, str, b, n, e, d).
fileprivate final class SheetParser {
    struct Row { var line: Int; var values: [String] }
    struct Abort: Error {}

    let sharedStrings: [String]
    var rows: [Row] = []
    var failure: (line: Int, reason: String)?

    init(sharedStrings: [String]) { self.sharedStrings = sharedStrings }

    func parse(_ data: Data) -> Bool {
        var rowNumber = 0
        var values: [String] = []
        var inRow = false
        var column = -1
        var cellType = "", cellRef = "", text = ""
        var inValue = false, inInline = false, inInlineText = false
        var phoneticDepth = 0
        do {
            try XMLScanner.scan([UInt8](data)) { event in
                switch event {
                case .start(let name, let attributes, _):
                    switch name {
                    case "row":
                        if let r = attributes["r"], let n = Int(r) { rowNumber = n } else { rowNumber += 1 }
                        values = []
                        inRow = true
                        column = -1
                    case "c":
                        cellRef = attributes["r"] ?? ""
                        if let index = XLSXReader.columnIndex(cellRef) { column = index } else { column += 1 }
                        cellType = attributes["t"] ?? "n"
                        text = ""
                    case "v": inValue = true
                    case "is": inInline = true
                    case "rPh": phoneticDepth += 1
                    case "t": inInlineText = inInline && phoneticDepth == 0
                    default: break
                    }
                case .end(let name):
                    switch name {
                    case "row":
                        rows.append(Row(line: rowNumber, values: values))
                        inRow = false
                    case "c":
                        guard inRow, column >= 0, column < 16_384 else { return }
                        let value: String
                        switch cellType {
                        case "s" where text.isEmpty:
                            value = ""
                        case "s":
                            guard let index = Int(trimmedASCII(text)), sharedStrings.indices.contains(index) else {
                                failure = (rowNumber, "is not an .xlsx workbook (cell \(cellRef) points at a missing shared string); open it in Excel and save as .xlsx")
                                throw Abort()
                            }
                            value = sharedStrings[index]
                        case "b": value = trimmedASCII(text) == "1" ? "true" : "false"
                        case "n": value = text.isEmpty ? "" : XLSXReader.numberText(text)
                        default: value = text   // inlineStr, str (formula text), e (#N/A), d (ISO date)
                        }
                        if column >= values.count {
                            values.append(contentsOf: repeatElement("", count: column - values.count + 1))
                        }
                        values[column] = value
                    case "v": inValue = false
                    case "is": inInline = false
                    case "rPh": phoneticDepth -= 1
                    case "t": inInlineText = false
                    default: break
                    }
                case .text(let t):
                    if inValue || inInlineText { text += t }
                }
            }
            return true
        } catch { return false }
    }
}

