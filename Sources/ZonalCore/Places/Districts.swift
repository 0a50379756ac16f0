import Foundation
import ZonalGeo
import ZonalIO
import ZonalStore

/// A GB/T 2260 administrative district (区县): 6-digit code, name, polygon.
public struct District: Sendable {
    public var adcode: String
    public var name: String
    public var shape: Shape
    public init(adcode: String, name: String, shape: Shape) { self.adcode = adcode; self.name = name; self.shape = shape }
}

/// District boundaries, shared by every domain that places things in
/// districts (fences F017, venues, mines, communities): the `districts`
/// input, its store table, and a polygon layer for the point join.
public struct Districts: Sendable {
    public let all: [District]
    /// The districts as a layer, codes = adcodes, in adcode order.
    public let layer: PolygonLayer

    public init(_ districts: [District]) {
        all = districts
        layer = PolygonLayer(name: "districts", codes: districts.map(\.adcode), shapes: districts.map(\.shape))
    }

    static let table = TableSchema(name: "districts", columns: [
        TableColumn("dataset", .text), TableColumn("adcode", .text), TableColumn("name", .text),
    ], geometry: .multiPolygon, layout: .reference)

    /// The districts the job loaded (none when it names no `districts`), by adcode.
    public static func read(from store: Store) throws -> Districts {
        Districts(try store.select(table.name, columns: ["adcode", "name"], geometry: true, orderBy: "adcode").compactMap { row in
            guard let s = row.shape else { return nil }
            return District(adcode: row.values[0].text ?? "", name: row.values[1].text ?? "", shape: s)
        })
    }

    /// The district covering `p` (boundary included; the smallest adcode where two overlap).
    public func containing(_ p: Coordinate) throws -> District? {
        try layer.covering(p).map { all[$0] }
    }

    /// The input kind every job may name; registered by the registry itself.
    public static let input = InputKind(key: "districts", summary: "GB/T 2260 district polygons (GeoJSON or Shapefile) with adcode and name",
                                        loader: DistrictLoader())
}

/// Loads GB/T 2260 district polygons (GeoJSON or Shapefile) with a 6-digit
/// `adcode` (or `code`) and a `name`.
public struct DistrictLoader: DatasetLoader {
    public init() {}

    public func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        try ctx.store.replaceRows(Districts.table, where: "dataset = ?", [.text(input.key)]) { ins in
            try load(input, into: ins)
        }.result
    }

    private func load(_ input: JobInput, into ins: RowInserter) throws -> LoadResult {
        let (features, encoding, crsLabel) = try PolygonFeatureFile.read(input)
        var rejects: [Reject] = []
        var rows = 0
        for f in features {
            let code = f.properties["adcode"] ?? f.properties["code"] ?? ""
            guard code.count == 6, code.allSatisfy(\.isASCII), Int(code) != nil else {
                rejects.append(Reject(file: input.written, line: f.line, field: "adcode",
                                      reason: code.isEmpty ? "is missing; each district needs its 6-digit GB/T 2260 code" : "'\(Quote.prefix(code))' is not a 6-digit GB/T 2260 code"))
                continue
            }
            guard let s = f.shape, !s.polygons.isEmpty else {
                rejects.append(Reject(file: input.written, line: f.line, field: "geometry", reason: "district \(code) has no polygon"))
                continue
            }
            if let bad = s.firstVertexOffTheGlobe {
                rejects.append(Reject(file: input.written, line: f.line, field: "geometry",
                                      reason: "district \(code) has a vertex at \(bad.x), \(bad.y), outside longitude ±180 / latitude ±90"))
                continue
            }
            try ins.insert([.text(input.key), .text(code), f.properties["name"].map { .text($0) } ?? .null], shape: s)
            rows += 1
        }
        return LoadResult(rows: rows, replacedRows: 0,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: features.count, rejects: rejects.count,
                                             encoding: encoding, crs: crsLabel)],
                          rejects: rejects)
    }
}

/// Polygon features of a GeoJSON file or a Shapefile (transformed to
/// CGCS2000 when its .prj says another CRS), with attribute names in lower
/// case: what every boundary input (districts, community boundaries) reads.
public enum PolygonFeatureFile {
    public struct Feature: Sendable {
        /// The feature's 1-based number in the file (a Shapefile record, a GeoJSON feature).
        public var line: Int
        public var properties: [String: String]
        public var shape: Shape?
    }

    /// The features, the DBF encoding (Shapefiles) and the source CRS, for the run record.
    public static func read(_ input: JobInput) throws -> (features: [Feature], encoding: String?, crs: String) {
        var features: [Feature] = []
        var encoding: String?, crsLabel = "EPSG:4490 (GeoJSON lon/lat)"
        if input.url.pathExtension.lowercased() == "shp" {
            let r = try ShapefileReader(path: input.url.path, displayName: input.written)
            encoding = r.encoding.rawValue
            var transform: TransformToCGCS2000?
            if let prj = r.prjText {
                let t = try TransformToCGCS2000(definition: prj)
                crsLabel = t.source.label
                if !t.source.isCGCS2000Geographic { transform = t }
            }
            for i in 0..<r.count {
                let f = try r.feature(i)
                var shape = f.shape
                if let t = transform, let s = shape { shape = .multiPolygon(try t(s.polygons)) }
                features.append(Feature(line: f.record, properties: f.attributes.reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value }, shape: shape))
            }
        } else {
            for f in try GeoJSONReader.read(path: input.url.path, displayName: input.written) {
                features.append(Feature(line: f.index, properties: f.properties.reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value }, shape: f.shape))
            }
        }
        return (features, encoding, crsLabel)
    }
}
