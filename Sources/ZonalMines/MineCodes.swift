/// 矿井状态: a mine's status as the national base data gives it (CONTRACT
/// §3.6). Only a producing (生产) or building (建设) mine may run its shaft,
/// belt or trucks; activity at any other is what the electronic seal is for.
enum MineStatus: String, CaseIterable, Sendable {
    case producing = "生产", building = "建设", halted = "停产", buildingHalted = "停建"
    case longHalted = "长期停产停建", closed = "关闭"

    var mayProduce: Bool { self == .producing || self == .building }
}

/// 摄像头编码 (table 5-25): two digits, the first the place it watches, the
/// second numbering several cameras of one place (truck entrances 30, 31).
enum CameraPlace: Int, Sendable {
    case mainShaft = 1, auxiliaryShaft = 2, truckEntrance = 3, dispatchRoom = 4

    /// The seed's name for the place, as supervisors say it.
    var name: String {
        switch self {
        case .mainShaft: return "主井口"
        case .auxiliaryShaft: return "副井口"
        case .truckEntrance: return "货运车辆入口"
        case .dispatchRoom: return "调度室"
        }
    }

    /// The place of a two-digit camera code, or nil when it is not one.
    init?(cameraId: String) {
        let u = Array(cameraId.utf8)
        guard u.count == 2, u[1] >= 48, u[1] <= 57, let p = CameraPlace(rawValue: Int(u[0]) - 48) else { return nil }
        self = p
    }
}

/// 分析类型编码 (table 5-25) and what each means as an alarm.
enum AITypeCode: String, CaseIterable, Sendable {
    case persons = "01", trucks = "02", belt = "03", occlusion = "04", moved = "05", dispatchRoomEmpty = "06"

    /// The report's value key (§5.3): the count or the belt's state; none for 04–06.
    var valueKey: String? {
        switch self {
        case .persons: return "inWellNumber"
        case .trucks: return "outMineNumber"
        case .belt: return "beltStatus"
        case .occlusion, .moved, .dispatchRoomEmpty: return nil
        }
    }

    var alarmType: AlarmType {
        switch self {
        case .persons: return .persons
        case .trucks: return .trucks
        case .belt: return .belt
        case .occlusion: return .occlusion
        case .moved: return .moved
        case .dispatchRoomEmpty: return .dispatchRoom
        }
    }
}

/// 运输设备运行状态编码 (table 5-25).
enum BeltStatus: String, CaseIterable, Sendable {
    case runningWithCoal = "0001", runningEmpty = "0002", stoppedWithCoal = "0003"
    var running: Bool { self != .stoppedWithCoal }
}

/// The alarm types of the reports (CONTRACT §7 "Mines").
enum AlarmType: String, CaseIterable, Sendable {
    case persons, trucks, belt, occlusion, moved, dispatchRoom = "dispatch_room", offline

    /// The seed's §6 names, for report.html.
    var chinese: String {
        switch self {
        case .persons: return "人员入井"
        case .trucks: return "货运车辆出矿"
        case .belt: return "运输设备运行"
        case .occlusion: return "摄像头遮挡"
        case .moved: return "摄像头挪动角度"
        case .dispatchRoom: return "调度室空岗"
        case .offline: return "摄像头离线"
        }
    }

    /// The code in an alarm id: the aiTypeCode, `00` for an outage.
    var idCode: String {
        switch self {
        case .persons: return "01"
        case .trucks: return "02"
        case .belt: return "03"
        case .occlusion: return "04"
        case .moved: return "05"
        case .dispatchRoom: return "06"
        case .offline: return "00"
        }
    }
}

/// 处置类型: how a supervisor closed an alarm after checking on site (seed §6).
enum DisposalType: String, CaseIterable, Sendable {
    case suspectedIllegalProduction = "疑似违规生产", falseAlarm = "系统误报", nonProductionPassing = "非生产人员经过", other = "其他"
}

/// A GB/T 2260 region code and the levels it rolls up to: county (the code),
/// city (first 4 digits + `00`), province (first 2 + `0000`). A code that is
/// itself a city's has no county level, a province's only the province.
struct RegionCode: Sendable, Hashable {
    enum Level: String, Sendable { case province, city, county }
    let code: String
    let level: Level

    /// The rows a mine's region makes, county first.
    static func rollUp(_ code: String) -> [RegionCode] {
        guard code.utf8.count == 6 else { return [RegionCode(code: code, level: .county)] }
        let province = String(code.prefix(2)) + "0000", city = String(code.prefix(4)) + "00"
        if code == province { return [RegionCode(code: province, level: .province)] }
        if code == city { return [RegionCode(code: city, level: .city), RegionCode(code: province, level: .province)] }
        return [RegionCode(code: code, level: .county), RegionCode(code: city, level: .city), RegionCode(code: province, level: .province)]
    }
}
