import ZonalCore
import ZonalStore

/// Appendix B of seed 002 and the lock-event file (CONTRACT §3.2): each
/// input's columns, how they are checked, and the store table they fill.
enum BikeInputs {
    /// 蓝牙嗅探设备信息 (B.1)
    static let sniffers = [
        FieldSpec("Cod", .code(prefix: "XT")), FieldSpec("Lon", .number(min: -180, max: 180, required: true)),
        FieldSpec("Lat", .number(min: -90, max: 90, required: true)), FieldSpec("Zone", .text(required: true)),
    ]
    /// 蓝牙嗅探状态信息 (B.2)
    static let snifferStatus = [
        FieldSpec("Cod_XT", .code(prefix: "XT")), FieldSpec("Condition", .condition),
        FieldSpec("Electricity", .percent), FieldSpec("Time", .time(required: true)),
    ]
    /// 蓝牙道钉设备信息 (B.3)
    static let studs = [
        FieldSpec("Cod_DD", .code(prefix: "DD")), FieldSpec("Cod_XT", .code(prefix: "XT")), FieldSpec("Cod_TFQ", .code(prefix: "TFQ")),
    ]
    /// 蓝牙道钉状态信息 (B.4)
    static let studStatus = [
        FieldSpec("Cod", .code(prefix: "DD")), FieldSpec("Condition", .condition),
        FieldSpec("Electricity", .percent), FieldSpec("Time", .time(required: true)),
    ]
    /// 监测车辆信息 (B.5)
    static let monitoredBikes = [
        FieldSpec("Char", .text(required: true)), FieldSpec("MAC", .text(required: true)), FieldSpec("Company", .text(required: true)),
        FieldSpec("Cod_XT", .code(prefix: "XT")), FieldSpec("Time", .time(required: true)),
    ]
    /// 监测车辆总量信息 (B.6)
    static let bikeCounts = [
        FieldSpec("Cod_XT", .code(prefix: "XT")), FieldSpec("Time", .time(required: true)),
        FieldSpec("Bikenumber", .integer(min: 0, required: true)),
    ]
    /// One lock (trip end) per row, lon/lat in CGCS2000.
    static let events = [
        FieldSpec("event_id", .text(required: true)), FieldSpec("bike_id", .text(required: true)),
        FieldSpec("company", .text(required: true)),
        FieldSpec("lon", .number(min: -180, max: 180, required: true)), FieldSpec("lat", .number(min: -90, max: 90, required: true)),
        FieldSpec("time", .time(required: true)), FieldSpec("accuracy_m", .number(min: 0, max: nil, required: false)),
    ]

    /// What each event was joined to: the zone, parking area and no-parking
    /// zone covering it, and whether it counts as parked in a fence.
    static let eventAssignment = [
        TableColumn("management_code", .text), TableColumn("parking_code", .text), TableColumn("noparking_code", .text),
        TableColumn("in_parking", .integer), TableColumn("parking_distance_m", .real),
    ]

    static func table(_ name: String, _ specs: [FieldSpec], extra: [TableColumn] = []) -> TableSchema {
        TableSchema(name: name, columns: CSVTableLoader(specs).columns + extra)
    }
}
