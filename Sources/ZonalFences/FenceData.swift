import Foundation
import ZonalGeo
import ZonalStore

/// A fence feature as the tasks see it, read back from the store.
struct FenceFeature {
    var layer: FenceLayer
    var record: Int
    var code: String
    var name: String?
    var coords: String?
    var shape: Shape
}

/// A row of an Appendix A attribute table.
struct FenceAttributes {
    var layer: FenceLayer
    var file: String
    var line: Int
    var code: String
    var values: [String: String]
}

struct LayerInfo {
    var layer: FenceLayer
    var file: String
    var crs: String
    var epsg: Int?
    var transformed: Bool
    var attributeFile: String?
}

struct District {
    var adcode: String
    var name: String
    var shape: Shape
}

/// Reads what the fence loader stored. All SQL for the fence tasks lives here,
/// so the tasks talk to this small interface rather than to SpatiaLite.
struct FenceRepository {
    let store: Store

    func layers() throws -> [LayerInfo] {
        guard try store.db.tableExists(FenceTables.layers.name) else { return [] }
        return try store.db.rows("SELECT layer, file, crs, crs_epsg, transformed, attr_file FROM fence_layers ORDER BY layer").compactMap { r in
            guard let l = r[0].text.flatMap(FenceLayer.init(rawValue:)) else { return nil }
            return LayerInfo(layer: l, file: r[1].text ?? "", crs: r[2].text ?? "", epsg: r[3].int.map(Int.init),
                             transformed: r[4].int == 1, attributeFile: r[5].text)
        }
    }

    func features() throws -> [FenceFeature] {
        guard try store.db.tableExists(FenceTables.features.name) else { return [] }
        let st = try store.db.prepare("SELECT layer, record, code, name, coords, AsBinary(geom) FROM fence_features ORDER BY layer, record")
        var out: [FenceFeature] = []
        while try st.step() {
            guard let layer = st.column(0).text.flatMap(FenceLayer.init(rawValue:)),
                  case .blob(let wkb) = st.column(5), let shape = try? WKB.decode(wkb) else { continue }
            out.append(FenceFeature(layer: layer, record: Int(st.column(1).int ?? 0), code: st.column(2).text ?? "",
                                    name: st.column(3).text, coords: st.column(4).text, shape: shape))
        }
        return out
    }

    func attributes() throws -> [FenceAttributes] {
        guard try store.db.tableExists(FenceTables.attributes.name) else { return [] }
        let cols = ["name", "area", "capacity", "position", "land_use", "nature", "reason", "management_code"]
        return try store.db.rows("SELECT layer, file, line, code, \(cols.joined(separator: ", ")) FROM fence_attributes ORDER BY layer, line").compactMap { r in
            guard let l = r[0].text.flatMap(FenceLayer.init(rawValue:)) else { return nil }
            var values: [String: String] = [:]
            for (i, c) in cols.enumerated() { if let t = r[4 + i].text { values[c] = t } }
            return FenceAttributes(layer: l, file: r[1].text ?? "", line: Int(r[2].int ?? 0), code: r[3].text ?? "", values: values)
        }
    }

    func districts() throws -> [District] {
        guard try store.db.tableExists(FenceTables.districts.name) else { return [] }
        return try store.db.rows("SELECT adcode, name, AsBinary(geom) FROM districts ORDER BY adcode").compactMap { r in
            guard case .blob(let b) = r[2], let s = try? WKB.decode(b) else { return nil }
            return District(adcode: r[0].text ?? "", name: r[1].text ?? "", shape: s)
        }
    }
}

/// 可容纳车辆 (§5.4.2): each bike takes 1.9 m × 0.6 m = 1.14 m².
public enum ParkingCapacity {
    /// The area rounded half away from zero to 0.01 m², as integer cents.
    public static func cents(ofArea area: Double) -> Int64 {
        Int64((area * 100).rounded(.toNearestOrAwayFromZero))
    }

    /// ⌊A / 1.14⌋ on the rounded area, in integers so 11.40 m² gives exactly 10.
    public static func capacity(cents: Int64) -> Int64 { cents / 114 }

    public static func capacity(area: Double) -> Int64 { capacity(cents: cents(ofArea: area)) }
}
