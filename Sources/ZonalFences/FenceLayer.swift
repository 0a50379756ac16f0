import ZonalCore
import ZonalStore

/// The three fence layers of seed 002 §5.
public enum FenceLayer: String, CaseIterable, Sendable {
    /// 入栏管理区: a zone within which bikes must be parked in parking areas.
    case management = "MANAGEMENT"
    /// 停放区: a marked parking area.
    case parking = "PARKING"
    /// 禁止停放区: a no-parking zone.
    case noParking = "NOPARKING"

    /// Code prefix and digits after it (§5.3.2, §5.4.2, §5.5.2).
    var codePrefix: String {
        switch self {
        case .management: return "RLQ"
        case .parking: return "TFQ"
        case .noParking: return "JTQ"
        }
    }
    var codeDigits: Int {
        switch self {
        case .management: return 9
        case .parking: return 13
        case .noParking: return 10
        }
    }
    var codeDescription: String {
        switch self {
        case .management: return "RLQ + 6-digit district code + 3-digit sequence (12)"
        case .parking: return "TFQ + 9-digit street code + 4-digit sequence (16)"
        case .noParking: return "JTQ + 6-digit district code + 4-digit sequence (13)"
        }
    }
    var chineseName: String {
        switch self {
        case .management: return "入栏管理区"
        case .parking: return "停放区"
        case .noParking: return "禁止停放区"
        }
    }
}

/// Store tables the fence loader writes and the fence tasks read.
enum FenceTables {
    static let layers = TableSchema(name: "fence_layers", columns: [
        TableColumn("dataset", .text), TableColumn("layer", .text), TableColumn("file", .text), TableColumn("features", .integer),
        TableColumn("encoding", .text), TableColumn("encoding_decided_by", .text), TableColumn("crs", .text),
        TableColumn("crs_epsg", .integer), TableColumn("crs_decided_by", .text), TableColumn("transformed", .integer),
        TableColumn("attr_file", .text),
    ], layout: .reference)
    static let features = TableSchema(name: "fence_features", columns: [
        TableColumn("dataset", .text), TableColumn("layer", .text), TableColumn("record", .integer),
        TableColumn("code", .text), TableColumn("name", .text), TableColumn("coords", .text),
    ], geometry: .multiPolygon, layout: .reference)
    static let attributes = TableSchema(name: "fence_attributes", columns: [
        TableColumn("dataset", .text), TableColumn("layer", .text), TableColumn("file", .text), TableColumn("line", .integer),
        TableColumn("code", .text), TableColumn("name", .text), TableColumn("area", .text), TableColumn("capacity", .text),
        TableColumn("position", .text), TableColumn("land_use", .text), TableColumn("nature", .text),
        TableColumn("reason", .text), TableColumn("management_code", .text),
    ], layout: .reference)

    /// Appendix A header (Chinese) → attribute column.
    static let attributeHeaders: [String: String] = [
        "名称": "name", "编码": "code", "面积": "area", "可容纳车辆": "capacity", "位置": "position",
        "用地类型": "land_use", "性质": "nature", "设置原因": "reason", "入栏管理区编码": "management_code",
    ]
}

/// The rules behind fence figures, as summary.json states them.
enum FenceRules {
    static let area = RuleNote("area", "geodesic on the CGCS2000 ellipsoid (a=6378137, 1/f=298.257222101), rounded half away from zero to 0.01 m2")
    static let capacity = RuleNote("capacity", "floor(cents / 114) with cents = round(area * 100)")
}
