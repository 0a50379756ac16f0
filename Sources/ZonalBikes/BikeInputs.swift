import ZonalCore
import ZonalStore

/// The bike domain's words for the shared field vocabulary (seed 002
/// Appendix B and the lock-event file, CONTRACT §3.2).
enum BikeFields {
    /// 设备状态 (B.2, B.4): 正常 normal, 异常 fault.
    static let condition = FieldKind.oneOf(["正常", "异常"])
    /// 电量 (B.2, B.4): a battery percentage written `85` or `85%`.
    static let battery = FieldKind.quantity(Quantity(unit: "%", noun: "percentage", example: "85", min: 0, max: 100))
    /// 蓝牙嗅探设备编码 XT…, 蓝牙道钉编码 DD…, 停放区编码 TFQ… (§6.2).
    static let snifferCode = FieldKind.prefixed("XT")
    static let studCode = FieldKind.prefixed("DD")
    static let parkingCode = FieldKind.prefixed("TFQ")
    static let longitude = FieldKind.number(min: -180, max: 180)
    static let latitude = FieldKind.number(min: -90, max: 90)
}

/// Each input's columns, how they are checked, and the store table they fill.
enum BikeInputs {
    /// 蓝牙嗅探设备信息 (B.1)
    static let sniffers = CSVDatasetLoader(table: "bt_sniffers", fields: [
        FieldSpec("Cod", BikeFields.snifferCode), FieldSpec("Lon", BikeFields.longitude),
        FieldSpec("Lat", BikeFields.latitude), FieldSpec("Zone", .text),
    ])
    /// 蓝牙嗅探状态信息 (B.2)
    static let snifferStatus = CSVDatasetLoader(table: "bt_sniffer_status", fields: [
        FieldSpec("Cod_XT", BikeFields.snifferCode), FieldSpec("Condition", BikeFields.condition),
        FieldSpec("Electricity", BikeFields.battery), FieldSpec("Time", .time),
    ])
    /// 蓝牙道钉设备信息 (B.3)
    static let studs = CSVDatasetLoader(table: "bt_studs", fields: [
        FieldSpec("Cod_DD", BikeFields.studCode), FieldSpec("Cod_XT", BikeFields.snifferCode), FieldSpec("Cod_TFQ", BikeFields.parkingCode),
    ])
    /// 蓝牙道钉状态信息 (B.4)
    static let studStatus = CSVDatasetLoader(table: "bt_stud_status", fields: [
        FieldSpec("Cod", BikeFields.studCode), FieldSpec("Condition", BikeFields.condition),
        FieldSpec("Electricity", BikeFields.battery), FieldSpec("Time", .time),
    ])
    /// 监测车辆信息 (B.5)
    static let monitoredBikes = CSVDatasetLoader(table: "monitored_bikes", fields: [
        FieldSpec("Char", .text), FieldSpec("MAC", .text), FieldSpec("Company", .text),
        FieldSpec("Cod_XT", BikeFields.snifferCode), FieldSpec("Time", .time),
    ])
    /// 监测车辆总量信息 (B.6)
    static let bikeCounts = CSVDatasetLoader(table: "bike_counts", fields: [
        FieldSpec("Cod_XT", BikeFields.snifferCode), FieldSpec("Time", .time),
        FieldSpec("Bikenumber", .integer(min: 0, max: nil)),
    ])
    /// One lock (trip end) per row, lon/lat in CGCS2000.
    static let events = [
        FieldSpec("event_id", .text), FieldSpec("bike_id", .text), FieldSpec("company", .text),
        FieldSpec("lon", BikeFields.longitude), FieldSpec("lat", BikeFields.latitude),
        FieldSpec("time", .time), FieldSpec("accuracy_m", .number(min: 0, max: nil), required: false),
    ]
}

/// The bike domain's parameters, declared once and shared by the loader and tasks that read them.
enum BikeParams {
    static let toleranceM = NumberParam("tolerance_m", min: 0, max: 100, default: 0,
                                        "a lock within this many metres of a parking area counts as in it (shortest distance on the ellipsoid)")
    static let lowBatteryPct = NumberParam("low_battery_pct", min: 0, max: 100, default: 20,
                                           "a device whose last battery reading is below this is low")
}
