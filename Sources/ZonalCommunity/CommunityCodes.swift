import Foundation
import ZonalCore
import ZonalIO

/// The code tables of seed 001 附录 C that the community inputs are checked
/// against, read from `CodeTables.tsv` in this target (transcribed from the
/// seed, one code per line, so a reviewer checks data against the seed, not
/// Swift literals).
struct CommunityCodes: Sendable {
    /// 表 C.1 车辆品牌 (vehicle_access.clpp).
    let vehicleBrand: CodeTable
    /// 表 C.2 车辆类型 (vehicle_access.cllx).
    let vehicleType: CodeTable
    /// 表 C.3 使用状态 (community_devices.syzt; 10 使用中 is in use).
    let useState: CodeTable
    /// 表 C.4 是否本小区 (sfbxq; 0 否 marks a suspect candidate).
    let isResident: CodeTable
    /// 表 C.5 停车类型 (vehicle_access.tclx).
    let parkingType: CodeTable
    /// 表 C.6 出入类型 (crlx: 1 进入, 2 离开).
    let direction: CodeTable
    /// 表 C.7 住户类型 (person_access.zhlx).
    let householdType: CodeTable
    /// 表 C.11 开门方式 (person_access.kmfs).
    let openMethod: CodeTable
    /// 表 C.12 开门状态 (person_access.kmzt: 1 成功, 2 失败).
    let openState: CodeTable
    /// 表 C.16 设备类型 (community_devices.sblx).
    let deviceType: CodeTable
    /// 表 C.17 在线状态 (community_devices.zxzt: 1 在线, 2 不在线, 3 故障).
    let onlineState: CodeTable

    static let file = "CodeTables.tsv"

    /// The tables, read once; an error naming the file when it is missing or malformed.
    static func load() throws -> CommunityCodes { try cached.get() }

    /// Where the data file is among the program's resources.
    static func resourceURL() throws -> URL {
        guard let url = Bundle.module.url(forResource: "CodeTables", withExtension: "tsv") else {
            throw InputError(file: file, reason: "is missing from the program's resources (ZonalCommunity); reinstall zonal")
        }
        return url
    }

    private static let cached: Result<CommunityCodes, Error> = Result {
        let t = try CodeTables(contentsOf: try resourceURL())
        return CommunityCodes(vehicleBrand: try t.table("C.1"), vehicleType: try t.table("C.2"), useState: try t.table("C.3"),
                              isResident: try t.table("C.4"), parkingType: try t.table("C.5"), direction: try t.table("C.6"),
                              householdType: try t.table("C.7"), openMethod: try t.table("C.11"), openState: try t.table("C.12"),
                              deviceType: try t.table("C.16"), onlineState: try t.table("C.17"))
    }

    // The codes the rules turn on (CONTRACT §7 "Communities").
    static let entering = "1", leaving = "2"          // C.6
    static let opened = "1", failed = "2"             // C.12
    static let notResident = "0"                       // C.4
    static let inUse = "10"                            // C.3
    static let online = "1", offline = "2", fault = "3" // C.17
}
