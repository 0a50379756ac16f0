import CShapelib
import Foundation
import ZonalGeo

/// Writes a report with geometry as a Shapefile: .shp/.shx/.dbf, a .prj for
/// EPSG:4490 and a .cpg saying UTF-8, so QGIS and ArcGIS read the Chinese text.
public final class ShapefileWriter {
    private let shp: SHPHandle
    private let dbf: DBFHandle
    private let kinds: [Cell]
    private var count: Int32 = 0
    public let path: String

    /// DBF field names are at most 10 characters; longer names are cut and made unique.
    public static func fieldNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.map { name in
            var n = String(name.prefix(10))
            var k = 1
            while used.contains(n.uppercased()) {
                let suffix = "_\(k)"
                n = String(name.prefix(10 - suffix.count)) + suffix
                k += 1
            }
            used.insert(n.uppercased())
            return n
        }
    }

    /// `sample` gives each column's kind (the first non-empty cell of each column).
    public init(path: String, point: Bool, header: [String], sample: [Cell], textWidths: [Int]) throws {
        self.path = path
        let base = (path as NSString).deletingPathExtension
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] { try? FileManager.default.removeItem(atPath: base + "." + ext) }
        guard let shp = SHPCreate(base, point ? SHPT_POINT : SHPT_POLYGON) else {
            throw OutputError(file: path, reason: "cannot create the Shapefile (is the folder writable?)")
        }
        guard let dbf = DBFCreateEx(base, "UTF-8") else {
            SHPClose(shp)
            throw OutputError(file: path, reason: "cannot create the .dbf file")
        }
        self.shp = shp
        self.dbf = dbf
        kinds = sample
        for (i, name) in Self.fieldNames(header).enumerated() {
            let r: Int32
            switch sample[i] {
            case .integer: r = DBFAddField(dbf, name, FTInteger, 18, 0)
            case .decimal(_, let p): r = DBFAddField(dbf, name, FTDouble, 24, Int32(p))
            case .bool: r = DBFAddField(dbf, name, FTString, 5, 0)
            default: r = DBFAddField(dbf, name, FTString, Int32(min(254, max(1, textWidths[i]))), 0)
            }
            guard r >= 0 else { throw OutputError(file: path, reason: "cannot add the field \(name) to the .dbf") }
        }
        try AtomicFile.write(Data(CRSCatalog.cgcs2000PrjWKT.utf8), to: base + ".prj")
    }

    deinit { closeHandles() }

    private var closed = false
    private func closeHandles() {
        guard !closed else { return }
        closed = true
        SHPClose(shp)
        DBFClose(dbf)
    }

    public func close() { closeHandles() }

    /// Writes one record; a row without a shape gets a null shape, so the
    /// .dbf keeps every row of the report.
    public func write(cells: [Cell], shape: Shape?) throws {
        var xs: [Double] = [], ys: [Double] = [], starts: [Int32] = []
        let obj: UnsafeMutablePointer<SHPObject>?
        switch shape {
        case nil:
            obj = SHPCreateSimpleObject(SHPT_NULL, 0, nil, nil, nil)
        case .point(let c)?:
            xs = [c.x]; ys = [c.y]
            obj = SHPCreateSimpleObject(SHPT_POINT, 1, &xs, &ys, nil)
        case .multiPolygon(let polys)?:
            // Shapefile order: exterior rings clockwise, holes counter-clockwise.
            for p in polys {
                for (i, r) in p.rings.enumerated() {
                    var ring = r.closedRing
                    if (ring.signedDoubleArea < 0) != (i == 0) { ring.reverse() }
                    starts.append(Int32(xs.count))
                    xs += ring.map(\.x); ys += ring.map(\.y)
                }
            }
            obj = SHPCreateObject(SHPT_POLYGON, -1, Int32(starts.count), &starts, nil, Int32(xs.count), &xs, &ys, nil, nil)
        }
        guard let obj else { throw OutputError(file: path, reason: "cannot build shape \(count + 1)") }
        defer { SHPDestroyObject(obj) }
        guard SHPWriteObject(shp, -1, obj) >= 0 else { throw OutputError(file: path, reason: "cannot write shape \(count + 1)") }
        for (i, c) in cells.enumerated() {
            let f = Int32(i)
            let ok: Int32
            switch c {
            case .empty: ok = DBFWriteNULLAttribute(dbf, count, f)
            case .integer(let v): ok = DBFWriteDoubleAttribute(dbf, count, f, Double(v))
            case .decimal(let v, _): ok = DBFWriteDoubleAttribute(dbf, count, f, v)
            case .bool(let b): ok = DBFWriteStringAttribute(dbf, count, f, b ? "true" : "false")
            case .text(let s): ok = DBFWriteStringAttribute(dbf, count, f, String(s.utf8.prefix(254)) ?? s)
            }
            _ = ok
        }
        count += 1
    }
}
