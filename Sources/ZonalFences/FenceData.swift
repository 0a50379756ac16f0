import Foundation
import ZonalCore
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

/// Reads what the fence loader stored. All SQL for the fence tasks lives here,
/// so the tasks talk to this small interface rather than to the database.
struct FenceRepository {
    let store: Store

    func layers() throws -> [LayerInfo] {
        try store.select(FenceTables.layers.name, columns: ["layer", "file", "crs", "crs_epsg", "transformed", "attr_file"],
                         geometry: false, orderBy: "layer").compactMap { row in
            let r = row.values
            guard let l = r[0].text.flatMap(FenceLayer.init(rawValue:)) else { return nil }
            return LayerInfo(layer: l, file: r[1].text ?? "", crs: r[2].text ?? "", epsg: r[3].int.map(Int.init),
                             transformed: r[4].int == 1, attributeFile: r[5].text)
        }
    }

    func features() throws -> [FenceFeature] {
        try store.select(FenceTables.features.name, columns: ["layer", "record", "code", "name", "coords"],
                         geometry: true, orderBy: "layer, record").compactMap { row in
            let r = row.values
            guard let layer = r[0].text.flatMap(FenceLayer.init(rawValue:)), let shape = row.shape else { return nil }
            return FenceFeature(layer: layer, record: Int(r[1].int ?? 0), code: r[2].text ?? "", name: r[3].text, coords: r[4].text, shape: shape)
        }
    }

    func attributes() throws -> [FenceAttributes] {
        let cols = ["name", "area", "capacity", "position", "land_use", "nature", "reason", "management_code"]
        return try store.select(FenceTables.attributes.name, columns: ["layer", "file", "line", "code"] + cols,
                                geometry: false, orderBy: "layer, line").compactMap { row in
            let r = row.values
            guard let l = r[0].text.flatMap(FenceLayer.init(rawValue:)) else { return nil }
            var values: [String: String] = [:]
            for (i, c) in cols.enumerated() { if let t = r[4 + i].text { values[c] = t } }
            return FenceAttributes(layer: l, file: r[1].text ?? "", line: Int(r[2].int ?? 0), code: r[3].text ?? "", values: values)
        }
    }

    func districts() throws -> [District] { try Districts.read(from: store).all }
}

/// 可容纳车辆 (§5.4.2): each bike takes 1.9 m × 0.6 m = 1.14 m².
public enum ParkingCapacity {
    /// The area rounded half away from zero to 0.01 m², as integer cents.
    /// Areas are finite (the loader rejects vertices off the globe) and at
    /// most the Earth's 5.1e14 m²; anything else counts as 0, never a crash.
    public static func cents(ofArea area: Double) -> Int64 {
        Int64(exactly: (area * 100).rounded(.toNearestOrAwayFromZero)) ?? 0
    }

    /// ⌊A / 1.14⌋ on the rounded area, in integers so 11.40 m² gives exactly 10.
    public static func capacity(cents: Int64) -> Int64 { cents / 114 }

    public static func capacity(area: Double) -> Int64 { capacity(cents: cents(ofArea: area)) }
}
