import Foundation
import ZonalGeo
import ZonalIO

/// `zonal inspect PATH`: what Zonal sees in a file and how it decided.
public enum Inspector {
    public static func describe(path: String) throws -> String {
        var ext = (path as NSString).pathExtension.lowercased()
        if ext == "gz" { ext = ((path as NSString).deletingPathExtension as NSString).pathExtension.lowercased() }
        var s = "file: \(path)\n"
        switch ext {
        case "shp":
            let r = try ShapefileReader(path: path, displayName: path)
            s += "format: ESRI Shapefile (\(r.shapeTypeName))\n"
            if let prj = r.prjText {
                do {
                    let crs = try CRSCatalog.identify(prj: prj)
                    s += "crs: \(crs.label)\n  decided by: \(crs.decidedBy)\n"
                    if !crs.isCGCS2000Geographic { s += "  note: Zonal transforms this layer to EPSG:4490 with PROJ\n" }
                } catch { s += "crs: unreadable .prj: \(error)\n" }
            } else {
                s += "crs: unknown (no .prj); set params.assume_crs in the job\n"
            }
            s += "encoding: \(r.encoding.rawValue)\n  decided by: \(r.encodingDecidedBy)\n"
            s += "features: \(r.count)\n"
            if let e = r.extent { s += "extent: \(e.minX), \(e.minY) — \(e.maxX), \(e.maxY)\n" }
            s += "fields:\n"
            for f in r.fields { s += "  \(f.name) \(f.type)(\(f.width)\(f.decimals > 0 ? ",\(f.decimals)" : ""))\n" }
            if r.count > 0, let f = try? r.feature(0) {
                s += "first feature: " + r.fields.map { "\($0.name)=\(f.attributes[$0.name.uppercased()] ?? "")" }.joined(separator: " ") + "\n"
            }
        case "csv":
            // GBK is judged as the loaders that accept it judge it (the community inputs).
            let (encoding, why) = CSVReader.detectEncoding(path: path)
            let c = try CSVReader(path: path, displayName: path, encoding: encoding)
            var n = 0
            var widths = Set<Int>()
            while let row = try c.next() { n += 1; widths.insert(row.values.count) }
            s += "format: CSV (\(encoding.rawValue)\(path.hasSuffix(".gz") ? ", gzip-compressed" : ""))\n"
            if encoding != .utf8 { s += "encoding: \(why); the community inputs read GBK, every other CSV input must be UTF-8\n" }
            s += "fields: \(c.header.joined(separator: ", "))\nrows: \(n)\n"
            if widths.count > 1 || (widths.first.map { $0 != c.header.count } ?? false) {
                s += "note: some rows have a different number of fields than the header (\(widths.sorted().map(String.init).joined(separator: ", ")))\n"
            }
        case "xlsx":
            let x = try XLSXReader(path: path, displayName: path)
            s += "format: XLSX, first sheet '\(x.sheetName)'\nfields: \(x.header.joined(separator: ", "))\nrows: \(x.rows.count)\n"
        case "geojson", "json":
            let fs = try GeoJSONReader.read(path: path, displayName: path)
            s += "format: GeoJSON\ncrs: EPSG:4490 assumed (GeoJSON is lon/lat)\nfeatures: \(fs.count)\n"
            let keys = Set(fs.flatMap { $0.properties.keys }).sorted()
            s += "fields: \(keys.joined(separator: ", "))\n"
            var env: Envelope?
            for f in fs { if let e = f.shape?.envelope { env = env?.union(e) ?? e } }
            if let e = env { s += "extent: \(e.minX), \(e.minY) — \(e.maxX), \(e.maxY)\n" }
        case "jsonl", "ndjson":
            s += try describeJSONLines(path: path)
        case "log", "txt":
            s += try describeReaderLog(path: path)
        default:
            throw InputError(file: path, reason: "cannot inspect \(ext.isEmpty ? "a file without an extension" : "a .\(ext) file"); Zonal reads .shp, .csv, .xlsx, .geojson, .json, "
                + ".jsonl, .ndjson (JSON Lines) and .log, .txt (RFID reader logs); .csv, .jsonl, .ndjson, .log and .txt also as .gz")
        }
        return s
    }

    /// How many problems `inspect` lists: enough to see the pattern, short
    /// enough for a terminal; the loader's rejects table has them all.
    static let problemsShown = 5

    /// A problem without the file name, which `inspect` has already printed.
    static func problemLine(_ p: InputError) -> String {
        "  line \(p.line.map(String.init) ?? "?")\(p.field.map { " field \($0)" } ?? ""): \(p.reason)\n"
    }

    static func compression(_ path: String) -> String {
        path.lowercased().hasSuffix(".gz") ? ", gzip-compressed" : ""
    }

    /// JSON Lines (seed 004 request bodies): which keys the lines carry, how
    /// many lines are not flat objects and why, and how many repeat an earlier
    /// line exactly (requests sent twice).
    static func describeJSONLines(path: String) throws -> String {
        let reader = try JSONLinesReader(path: path, displayName: path)
        var lines = 0, duplicates = 0
        var problems: [InputError] = []
        var malformed = 0
        var keyOrder: [String] = []
        var keyLines: [String: Int] = [:]
        var seen = Set<LineFingerprint>()
        while let result = try reader.next() {
            lines += 1
            switch result {
            case .success(let object):
                if !seen.insert(object.fingerprint).inserted { duplicates += 1 }
                for (key, _) in object.fields {
                    if keyLines[key] == nil { keyOrder.append(key) }
                    keyLines[key, default: 0] += 1
                }
            case .failure(let problem):
                malformed += 1
                if problems.count < problemsShown { problems.append(problem) }
            }
        }
        var s = "format: JSON Lines (one flat object per line, UTF-8\(compression(path)))\nlines: \(lines)\n"
        s += "malformed lines: \(malformed)\n"
        for p in problems { s += problemLine(p) }
        if malformed > problems.count { s += "  … and \(malformed - problems.count) more\n" }
        s += "keys (lines carrying each):\n"
        for key in keyOrder { s += "  \(key) \(keyLines[key] ?? 0)\n" }
        s += "duplicate lines: \(duplicates) (exact repeats of an earlier well-formed line)\n"
        return s
    }

    /// An RFID reader log (seed 003): reads, cards, the time span and the
    /// lines that are not `time HHHHH:PPPPP`.
    static func describeReaderLog(path: String) throws -> String {
        let reader = try ReaderLogReader(path: path, displayName: path)
        var reads = 0, malformed = 0
        var problems: [InputError] = []
        var cards = Set<String>()
        // The time text is fixed-width up to its decimals, so text order is
        // time order; earliest and latest, in case the log is not in order.
        var first: String?, last: String?
        while let result = try reader.next() {
            switch result {
            case .success(let read):
                reads += 1
                cards.insert(read.card)
                if first.map({ read.time < $0 }) ?? true { first = read.time }
                if last.map({ read.time > $0 }) ?? true { last = read.time }
            case .failure(let problem):
                malformed += 1
                if problems.count < problemsShown { problems.append(problem) }
            }
        }
        var s = "format: RFID reader log (time HHHHH:PPPPP per line)\(compression(path))\n"
        s += "reads: \(reads)\ndistinct cards: \(cards.count)\n"
        if let first, let last { s += "first time: \(first)\nlast time: \(last)\n" }
        s += "malformed lines: \(malformed)\n"
        for p in problems { s += problemLine(p) }
        if malformed > problems.count { s += "  … and \(malformed - problems.count) more\n" }
        if reads == 0 && malformed > 0 {
            s += "note: no line is a reader-log line (yyyy-MM-dd HH:mm:ss[.SSS] HHHHH:PPPPP); is this a reader log?\n"
        }
        return s
    }
}
