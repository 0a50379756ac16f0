import Foundation
import ZonalGeo

/// RFC 7946 GeoJSON: lon/lat, exterior rings counter-clockwise, holes clockwise,
/// no `crs` member. Coordinates keep 8 decimals (about 1 mm), as the fence spec's COORDS.
/// Every row is a feature; a row without a shape has `"geometry":null` (RFC 7946 §3.2).
public enum GeoJSONWriter {
    public static func write(path: String, header: [String], rows: [(cells: [Cell], shape: Shape?)]) throws {
        var out = "{\"type\":\"FeatureCollection\",\"features\":[\n"
        var first = true
        for row in rows {
            if !first { out += ",\n" }
            first = false
            out += "{\"type\":\"Feature\",\"properties\":{"
            out += zip(header, row.cells).map { name, cell in "\(quote(name)):\(json(cell))" }.joined(separator: ",")
            out += "},\"geometry\":\(row.shape.map(geometry) ?? "null")}"
        }
        out += "\n]}\n"
        try AtomicFile.write(Data(out.utf8), to: path)
    }

    static func json(_ c: Cell) -> String {
        switch c {
        case .empty: return "null"
        case .text(let s): return quote(s)
        case .integer(let i): return String(i)
        case .decimal(let d, let p): return DecimalFormat.fixed(d, places: p)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    static func coord(_ c: Coordinate) -> String {
        "[\(DecimalFormat.fixed(c.x, places: 8)),\(DecimalFormat.fixed(c.y, places: 8))]"
    }

    static func ring(_ r: [Coordinate], counterClockwise: Bool) -> String {
        var ring = r.closedRing
        if (ring.signedDoubleArea > 0) != counterClockwise { ring.reverse() }
        return "[" + ring.map(coord).joined(separator: ",") + "]"
    }

    public static func geometry(_ s: Shape) -> String {
        switch s {
        case .point(let c): return "{\"type\":\"Point\",\"coordinates\":\(coord(c))}"
        case .multiPolygon(let polys):
            let parts = polys.map { p in
                "[" + ([ring(p.exterior, counterClockwise: true)] + p.holes.map { ring($0, counterClockwise: false) }).joined(separator: ",") + "]"
            }
            if parts.count == 1 { return "{\"type\":\"Polygon\",\"coordinates\":\(parts[0])}" }
            return "{\"type\":\"MultiPolygon\",\"coordinates\":[\(parts.joined(separator: ","))]}"
        }
    }

    static func quote(_ s: String) -> String { JSONValue.quote(s) }
}

/// Writes to a temporary file beside the target, then renames, so a crash
/// never leaves a half-written report behind.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw OutputError(file: path, reason: "cannot be written (is the folder writable and the disk not full?)")
        }
        if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: tmp, toPath: path)
    }
}
