import Foundation
import ZonalIO
import ZonalStore

/// Streams a CSV through its field specs in chunks: valid rows go to `sink`
/// as store values (in spec order, `line` first), bad rows become rejects.
/// Never holds more than one chunk of rows.
public struct CSVTableLoader: Sendable {
    public let specs: [FieldSpec]
    public let chunkSize: Int
    /// How the file's text encoding is chosen.
    public enum Encoding: Sendable {
        /// UTF-8 (a BOM is accepted), the contract's rule; other bytes stop the load.
        case utf8
        /// UTF-8 or GBK, judged from the file (`CSVReader.detectEncoding`), as
        /// for Shapefile text: for inputs that Chinese platforms export from Excel.
        case detect
    }
    public let encoding: Encoding
    /// Whether reject reasons may quote a field's value. Files of personal
    /// records say false: a row is then described by file, line, field and
    /// reason only, whatever column a name or phone number strayed into.
    public let quotesValues: Bool

    public init(_ specs: [FieldSpec], chunkSize: Int = 65_536, encoding: Encoding = .utf8, quotesValues: Bool = true) {
        self.specs = specs; self.chunkSize = chunkSize; self.encoding = encoding; self.quotesValues = quotesValues
    }

    /// Store columns: `line`, then each spec's columns.
    public var columns: [TableColumn] { [TableColumn("line", .integer)] + specs.flatMap(\.storeColumns) }

    /// Where a store column sits in the values a loaded row carries.
    public func position(of column: String) -> Int { TableSchema(name: "", columns: columns).position(of: column) }

    public struct Outcome {
        public var dataRows = 0, loaded = 0
        public var rejects: [Reject] = []
        /// The text encoding the file was read in ("UTF-8", "GBK") and why.
        public var encoding = TextEncoding.utf8.rawValue
        public var encodingReason = "UTF-8 by the contract"
        public init() {}
    }

    /// The encoding to read `path` in, and why.
    func chooseEncoding(_ path: String) -> (TextEncoding, String) {
        switch encoding {
        case .utf8: return (.utf8, "UTF-8 by the contract")
        case .detect: return CSVReader.detectEncoding(path: path)
        }
    }

    /// Where each spec's column is in the header (-1: absent and allowed to be).
    public func columnIndex(header: [String], shown: String) throws -> [Int] {
        try specs.map { s in
            if let i = header.firstIndex(where: { $0.caseInsensitiveCompare(s.name) == .orderedSame }) { return i }
            if s.mayBeAbsent { return -1 }
            throw InputError(file: shown, line: 1, field: s.name,
                             reason: "the header has no \(s.name) column; expected \(specs.map(\.name).joined(separator: ",")) (it has \(header.joined(separator: ",")))")
        }
    }

    public func load(path: String, shown: String, times: TimeParser, progress: ProgressDisplay?,
                     sink: ([[SQLValue]]) throws -> Void) throws -> Outcome {
        let (textEncoding, why) = chooseEncoding(path)
        let reader = try CSVReader(path: path, displayName: shown, encoding: textEncoding)
        let index = try columnIndex(header: reader.header, shown: shown)
        let width = reader.header.count
        var out = Outcome()
        out.encoding = textEncoding.rawValue
        out.encodingReason = why
        let quoting = quotesValues
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
                range.map { Self.checkRow(rows[$0], specs: specs, index: columnIndex, width: width, shown: shown, times: times, quoting: quoting) }
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

    /// One row checked by the specs: its store values (`line` first), or the
    /// reject. For loaders with their own byte path, whose declined rows
    /// take this one (`index` from `columnIndex`).
    public func check(_ row: TableRow, index: [Int], width: Int, shown: String, times: TimeParser) -> (values: [SQLValue]?, reject: Reject?) {
        switch Self.checkRow(row, specs: specs, index: index, width: width, shown: shown, times: times, quoting: quotesValues) {
        case .row(let v): return (v, nil)
        case .reject(let r): return (nil, r)
        }
    }

    static func checkRow(_ row: TableRow, specs: [FieldSpec], index: [Int], width: Int, shown: String, times: TimeParser,
                         quoting: Bool = true) -> CheckedRow {
        if row.values.count != width {
            return .reject(Reject(file: shown, line: row.line, field: nil,
                                  reason: "has \(row.values.count) fields but the header has \(width); check for stray commas or quotes"))
        }
        var values: [SQLValue] = [.integer(Int64(row.line))]
        values.reserveCapacity(specs.count + 3)
        for (k, s) in specs.enumerated() {
            let raw = index[k] >= 0 ? row.values[index[k]] : ""
            if let why = s.check(raw, times, into: &values, quoting: quoting) {
                return .reject(Reject(file: shown, line: row.line, field: s.name, reason: why))
            }
        }
        return .row(values)
    }

    // MARK: reading in parts

    /// A checked row handed to a part: its store values (`line` first, then
    /// each spec's columns) and the row as read, for a field the domain needs
    /// before masking (a plate's keyed hash). The row's line counts from the
    /// part's start; rejects are renumbered for the whole file.
    public typealias PartVisit<Part> = @Sendable (inout Part, [SQLValue], TableRow) -> (field: String, reason: String)?

    /// Reads a plain CSV in one part per core (a `.gz` or a small file in
    /// one), checking every row by the specs on the part's own core and
    /// handing each valid row to `visit`, which folds it into the part's
    /// `Part` (counts, not rows: a district year is 25 million records) or
    /// rejects it for a rule across fields. `makePart` gets the header.
    /// Returns the parts in file order, to be merged by the caller.
    ///
    /// `fast`, when given, sees each record first as bytes in place (a line
    /// without quotes, UTF-8 files only) and returns true when it folded it —
    /// only for a row the specs and `visit` would accept exactly so; any doubt
    /// returns false, and the row takes the checked path, which also words
    /// the reject. A district year's 25 million records then cost no String.
    public typealias PartFastPath<Part> = @Sendable (inout Part, CSVReader.RawRecord) -> Bool

    public func loadParts<Part>(path: String, shown: String, times: TimeParser, progress: ProgressDisplay?,
                                makePart: @escaping @Sendable ([String]) -> Part,
                                fast: PartFastPath<Part>? = nil,
                                visit: @escaping PartVisit<Part>) throws -> (parts: [Part], outcome: Outcome) {
        let (textEncoding, why) = chooseEncoding(path)
        let header = try CSVReader(path: path, displayName: shown, encoding: textEncoding).header
        let index = try columnIndex(header: header, shown: shown)
        let ranges: [Range<Int64>?] = CSVReader.parts(path: path, count: ProcessInfo.processInfo.activeProcessorCount,
                                                      minimumBytes: TestHooks.partMinimumBytes) ?? [nil]
        let specs = self.specs, quoting = quotesValues, width = header.count
        progress?.start("load \(shown)")
        let reads: [PartRead<Part>] = try Parallel.slices(ranges.count, minimumPerSlice: 1) { slice in
            try slice.map { k in
                let range = ranges[k]
                let reader = try CSVReader(path: path, displayName: shown, range: range,
                                           header: (range?.lowerBound ?? 0) == 0 ? nil : header, encoding: textEncoding)
                var read = PartRead(part: makePart(header), rejects: [], rows: 0, loaded: 0, lines: 0)
                var pending = 0
                let inPlace = textEncoding == .utf8 ? fast : nil
                while true {
                    let row: TableRow
                    if let inPlace {
                        guard let step = try reader.nextRaw({ rec in inPlace(&read.part, rec) }) else { break }
                        guard case .parsed(let parsed) = step else {
                            read.rows += 1; read.loaded += 1
                            pending += 1
                            if pending == 16_384 { progress?.advance(by: pending); pending = 0 }
                            continue
                        }
                        row = parsed
                    } else {
                        guard let next = try reader.next() else { break }
                        row = next
                    }
                    read.rows += 1
                    switch Self.checkRow(row, specs: specs, index: index, width: width, shown: shown, times: times, quoting: quoting) {
                    case .row(let values):
                        if let (field, reason) = visit(&read.part, values, row) {
                            read.rejects.append(Reject(file: shown, line: row.line, field: field, reason: reason))
                        } else {
                            read.loaded += 1
                        }
                    case .reject(let r): read.rejects.append(r)
                    }
                    pending += 1
                    if pending == 16_384 { progress?.advance(by: pending); pending = 0 }
                }
                progress?.advance(by: pending)
                read.lines = reader.linesRead
                return read
            }
        }
        progress?.finish()
        var out = Outcome()
        out.encoding = textEncoding.rawValue
        out.encodingReason = why
        var offset = 0
        for r in reads {
            out.dataRows += r.rows
            out.loaded += r.loaded
            out.rejects += r.rejects.map { var x = $0; x.line = x.line.map { $0 + offset }; return x }
            offset += r.lines
        }
        return (reads.map(\.part), out)
    }
}

/// One part of a file read by `CSVTableLoader.loadParts`.
struct PartRead<Part> { var part: Part; var rejects: [Reject]; var rows: Int; var loaded: Int; var lines: Int }
