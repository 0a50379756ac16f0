import Foundation
import ZonalGeo

/// Reads a GeoJSON FeatureCollection of polygons or points (district
/// boundaries, sample layers). Properties come back as text.
public enum GeoJSONReader {
    public struct Feature: Sendable {
        public var index: Int        // 1-based feature number, for messages
        public var properties: [String: String]
        public var shape: Shape?
    }

    public static func read(path: String, displayName: String) throws -> [Feature] {
        try InputFile.checkRegular(path, shown: displayName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: displayName, reason: "cannot be read (check its permissions)")
        }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw InputError(file: displayName, reason: "is not valid JSON" + Self.position(of: error, in: data))
        }
        let list: [[String: Any]]
        if let obj = root as? [String: Any], obj["type"] as? String == "FeatureCollection", let f = obj["features"] as? [[String: Any]] {
            list = f
        } else if let obj = root as? [String: Any], obj["type"] as? String == "Feature" {
            list = [obj]
        } else {
            throw InputError(file: displayName, reason: "is not a GeoJSON FeatureCollection")
        }
        return try list.enumerated().map { i, f in
            var props: [String: String] = [:]
            for (k, v) in (f["properties"] as? [String: Any]) ?? [:] {
                switch v {
                case let s as String: props[k] = s
                case let n as NSNumber: props[k] = n.stringValue
                default: break
                }
            }
            let shape = try (f["geometry"] as? [String: Any]).map { try geometry($0, file: displayName, index: i + 1) } ?? nil
            return Feature(index: i + 1, properties: props, shape: shape)
        }
    }

    static func geometry(_ g: [String: Any], file: String, index: Int) throws -> Shape? {
        func bad(_ why: String) -> InputError { InputError(file: file, line: index, field: "geometry", reason: why) }
        func coord(_ a: Any) throws -> Coordinate {
            guard let p = a as? [Any], p.count >= 2, let x = (p[0] as? NSNumber)?.doubleValue, let y = (p[1] as? NSNumber)?.doubleValue else {
                throw bad("a position must be [longitude, latitude]")
            }
            return Coordinate(x, y)
        }
        func polygon(_ a: Any) throws -> Polygon {
            guard let rings = a as? [Any], !rings.isEmpty else { throw bad("a polygon needs at least one ring") }
            let rs = try rings.map { r -> [Coordinate] in
                guard let pts = r as? [Any] else { throw bad("a ring must be a list of positions") }
                return try pts.map(coord)
            }
            return Polygon(exterior: rs[0], holes: Array(rs.dropFirst()))
        }
        switch g["type"] as? String {
        case "Point": return .point(try coord(g["coordinates"] ?? []))
        case "Polygon": return .multiPolygon([try polygon(g["coordinates"] ?? [])])
        case "MultiPolygon":
            guard let ps = g["coordinates"] as? [Any] else { throw bad("MultiPolygon coordinates missing") }
            return .multiPolygon(try ps.map(polygon))
        case let t: throw bad("geometry type \(t ?? "none") is not supported; use Polygon, MultiPolygon or Point")
        }
    }

    /// " at line L, column C (what)" from Foundation's "… around character N."
    /// (its only hint), counting lines and UTF-8 characters up to that byte.
    static func position(of error: any Error, in data: Data) -> String {
        let debug = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
        let what = debug.components(separatedBy: " around ").first.map { $0.lowercased() } ?? "not JSON"
        guard let r = debug.range(of: "character "),
              let offset = Int(debug[r.upperBound...].prefix { $0.isNumber }) else { return debug.isEmpty ? "" : " (\(what))" }
        var line = 1, column = 1
        for b in data.prefix(offset) {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return " at line \(line), column \(column) (\(what))"
    }
}
