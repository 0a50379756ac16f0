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
            let c = try CSVReader(path: path, displayName: path)
            var n = 0
            var widths = Set<Int>()
            while let row = try c.next() { n += 1; widths.insert(row.values.count) }
            s += "format: CSV (UTF-8\(path.hasSuffix(".gz") ? ", gzip-compressed" : ""))\nfields: \(c.header.joined(separator: ", "))\nrows: \(n)\n"
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
        default:
            throw InputError(file: path, reason: "cannot inspect a .\(ext) file; Zonal reads .shp, .csv, .xlsx, .geojson and .jsonl")
        }
        return s
    }
}
