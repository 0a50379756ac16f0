import Foundation
import ZonalIO

/// One code table of a specification, e.g. seed 001 表 C.11 开门方式:
/// codes and their names, in the spec's order.
public struct CodeTable: Sendable, Equatable {
    public let id: String
    public let title: String
    public let entries: [(code: String, name: String)]
    private let names: [String: String]

    public init(id: String, title: String, entries: [(code: String, name: String)]) {
        self.id = id; self.title = title; self.entries = entries
        names = Dictionary(entries.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    public func name(of code: String) -> String? { names[code] }
    public var codes: [String] { entries.map(\.code) }

    /// "table C.11 开门方式 (1 刷卡开门, 2 指纹开门, …)", for reject reasons.
    public var described: String {
        let shown = entries.prefix(12).map { "\($0.code) \($0.name)" }.joined(separator: ", ")
        return "table \(id) \(title) (\(shown)\(entries.count > 12 ? ", …" : ""))"
    }

    public static func == (a: CodeTable, b: CodeTable) -> Bool {
        a.id == b.id && a.title == b.title && a.entries.map(\.code) == b.entries.map(\.code) && a.entries.map(\.name) == b.entries.map(\.name)
    }
}

/// A set of code tables read from one data file transcribed from a spec, so
/// codes are data a reviewer can check line by line against the seed, not
/// literals scattered through Swift. The file is UTF-8, tab-separated, one
/// code per line: `table<TAB>title<TAB>code<TAB>name`; `#` starts a comment.
public struct CodeTables: Sendable {
    public let file: String
    private let tables: [String: CodeTable]
    public let order: [String]

    public init(contentsOf url: URL) throws {
        let shown = url.lastPathComponent
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw InputError(file: shown, reason: "code table file cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: shown, reason: "code table file is not UTF-8 text")
        }
        try self.init(text: text, file: shown)
    }

    public init(text: String, file: String) throws {
        self.file = file
        var rows: [String: (title: String, entries: [(code: String, name: String)])] = [:]
        var order: [String] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.trimmedSpace.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmedSpace }
            guard parts.count == 4, !parts[0].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty else {
                throw InputError(file: file, line: n + 1, reason: "must be table<TAB>title<TAB>code<TAB>name")
            }
            if rows[parts[0]] == nil { rows[parts[0]] = (parts[1], []); order.append(parts[0]) }
            guard rows[parts[0]]!.title == parts[1] else {
                throw InputError(file: file, line: n + 1, field: "title",
                                 reason: "table \(parts[0]) is titled '\(rows[parts[0]]!.title)' above, '\(parts[1])' here")
            }
            guard !rows[parts[0]]!.entries.contains(where: { $0.code == parts[2] }) else {
                throw InputError(file: file, line: n + 1, field: "code", reason: "code \(parts[2]) appears twice in table \(parts[0])")
            }
            rows[parts[0]]!.entries.append((parts[2], parts[3]))
        }
        tables = Dictionary(uniqueKeysWithValues: rows.map { ($0.key, CodeTable(id: $0.key, title: $0.value.title, entries: $0.value.entries)) })
        self.order = order
    }

    /// The table with this id; an error naming the file when it is not there.
    public func table(_ id: String) throws -> CodeTable {
        guard let t = tables[id] else {
            throw InputError(file: file, reason: "has no code table \(id); it has \(order.joined(separator: ", "))")
        }
        return t
    }
}
