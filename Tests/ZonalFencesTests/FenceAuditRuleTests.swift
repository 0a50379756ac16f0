import XCTest
@testable import ZonalFences
import ZonalCore
import ZonalGeo

/// Every rule F001–F017 with a planted case and a clean case, on fixtures built
/// in code. The clean parking area's geodesic area, 19.99313661456108 m², is
/// pyproj's figure (see ZonalGeoTests), so its capacity is ⌊1999 / 114⌋ = 17.
/// A small in-memory set of fences, layers and attributes to audit.
struct Scene {
    // A 10 m × 2 m parking area near Wangfujing and a zone around it.
    static let parkingRing = [Coordinate(116.41000000, 39.91400000), Coordinate(116.41011700, 39.91400000),
                              Coordinate(116.41011700, 39.91401800), Coordinate(116.41000000, 39.91401800)]
    static let zoneRing = [Coordinate(116.409, 39.913), Coordinate(116.412, 39.913), Coordinate(116.412, 39.915), Coordinate(116.409, 39.915)]

    static func shape(_ rings: [Coordinate]...) -> Shape { .multiPolygon(rings.map { Polygon(exterior: $0) }) }
    static func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [Coordinate] {
        [Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1)]
    }
    static func coords(_ ring: [Coordinate]) -> String {
        ring.map { "\(fmt8($0.x)),\(fmt8($0.y))" }.joined(separator: "|")
    }

    var features: [FenceFeature] = []
    var attributes: [FenceAttributes] = []
    var layers: [LayerInfo] = FenceLayer.allCases.map { LayerInfo(layer: $0, file: "\($0.rawValue).shp", crs: "EPSG:4490", epsg: 4490, transformed: false, attributeFile: nil) }
    var districts: [District]?

    mutating func add(_ layer: FenceLayer, _ code: String, _ shape: Shape, name: String? = nil, coords: String? = nil) {
        let defaultName: String
        switch layer {
        case .management: defaultName = "东城区王府井入栏管理区"
        case .parking: defaultName = "东城区东华门街道金鱼胡同停放区"
        case .noParking: defaultName = "东城区景山街道故宫博物院禁停区"
        }
        features.append(FenceFeature(layer: layer, record: features.count + 1, code: code, name: name ?? defaultName, coords: coords, shape: shape))
    }

    mutating func attr(_ layer: FenceLayer, _ code: String, _ values: [String: String]) {
        if let i = layers.firstIndex(where: { $0.layer == layer }) { layers[i].attributeFile = "\(layer.rawValue).xlsx" }
        attributes.append(FenceAttributes(layer: layer, file: "\(layer.rawValue).xlsx", line: attributes.count + 2, code: code, values: values))
    }

    func audit() throws -> [Finding] {
        try FenceAuditor(layers: layers, features: features, attributes: attributes, districts: districts, progress: nil).audit()
    }

    /// The base scene: one zone, one parking area inside it, all clean.
    static func clean() -> Scene {
        var s = Scene()
        s.add(.management, "RLQ110101001", shape(zoneRing), coords: coords(zoneRing))
        s.add(.parking, "TFQ1101010010001", shape(parkingRing), coords: coords(parkingRing))
        return s
    }

}

final class FenceAuditRuleTests: XCTestCase {
    func rules(_ findings: [Finding], _ code: String? = nil) -> [String] {
        findings.filter { code == nil || $0.code == code }.map(\.rule).sorted()
    }

    func testTheCleanSceneHasNoFindings() throws {
        var s = Scene.clean()
        s.attr(.parking, "TFQ1101010010001", ["area": "19.99", "capacity": "17", "position": "7", "land_use": "9", "nature": "2",
                                              "management_code": "RLQ110101001", "name": "东城区金鱼胡同停放区"])
        XCTAssertEqual(try s.audit().map { "\($0.rule) \($0.message)" }, [])
    }

    func testF001CodeFormat() throws {
        var s = Scene.clean()
        s.add(.parking, "TFQ110101001002", Scene.shape(Scene.box(116.4103, 39.9140, 116.4104, 39.91402)))
        s.add(.noParking, "JTQ11010100A1", Scene.shape(Scene.box(116.4100, 39.9145, 116.4110, 39.9149)))
        let f = try s.audit()
        XCTAssertEqual(f.first { $0.code == "TFQ110101001002" && $0.rule == "F001" }?.message,
                       "CODE \"TFQ110101001002\" has 15 characters; a PARKING code is TFQ + 9-digit street code + 4-digit sequence (16)")
        XCTAssertEqual(f.first { $0.code == "JTQ11010100A1" && $0.rule == "F001" }?.message,
                       "CODE \"JTQ11010100A1\" has non-digits after JTQ; a NOPARKING code is JTQ + 6-digit district code + 4-digit sequence (13)")
        XCTAssertEqual(rules(f, "TFQ1101010010001"), [])
    }

    func testF002DuplicateCodeIsReportedOnTheSecondFeature() throws {
        var s = Scene.clean()
        s.add(.noParking, "JTQ1101010001", Scene.shape(Scene.box(116.4100, 39.9145, 116.4105, 39.9149)))
        s.add(.noParking, "JTQ1101010001", Scene.shape(Scene.box(116.4106, 39.9145, 116.4110, 39.9149)))
        let f = try s.audit().filter { $0.rule == "F002" }
        XCTAssertEqual(f.map(\.record), [4])
        XCTAssertEqual(f.first?.message, "CODE JTQ1101010001 is also used by feature 3 of NOPARKING; codes must be unique in a layer")
    }

    func testF003ManagementMustBeOneAreaButHolesAreFine() throws {
        var s = Scene()
        s.add(.management, "RLQ110101001", Scene.shape(Scene.box(116.40, 39.90, 116.401, 39.901), Scene.box(116.402, 39.90, 116.403, 39.901)))
        s.add(.management, "RLQ110101002", .multiPolygon([Polygon(exterior: Scene.box(116.41, 39.90, 116.411, 39.901),
                                                                  holes: [Scene.box(116.4104, 39.9004, 116.4106, 39.9006)]) ]))
        let f = try s.audit()
        XCTAssertEqual(rules(f, "RLQ110101001"), ["F003"])
        XCTAssertEqual(rules(f, "RLQ110101002"), [])
    }

    func testF004InvalidGeometryCarriesGEOSReasonAndLocation() throws {
        var s = Scene.clean()
        let bowtie = [Coordinate(116.4103, 39.9140), Coordinate(116.4104, 39.9141), Coordinate(116.4104, 39.9140), Coordinate(116.4103, 39.9141)]
        s.add(.parking, "TFQ1101010010002", Scene.shape(bowtie))
        let f = try s.audit().first { $0.rule == "F004" }
        XCTAssertEqual(f?.code, "TFQ1101010010002")
        XCTAssertEqual(f?.message, "invalid geometry: Self-intersection at 116.41035000, 39.91405000")
        XCTAssertEqual(f?.at?.x ?? 0, 116.41035, accuracy: 1e-9)
    }

    /// COORDS read from the bytes gives exactly the doubles `Double(String)`
    /// gives; anything but `X,Y|…` with 8 decimals and no spaces is left to
    /// the general reading (nil).
    func testPlainCoordsReadsExactlyOrDeclines() {
        let text = "116.41012300,39.91400000|-0.00000001,0.00000000|179.99999999,-89.12345678"
        let want = text.split(separator: "|").map { p -> Coordinate in
            let xy = p.split(separator: ","); return Coordinate(Double(xy[0])!, Double(xy[1])!)
        }
        XCTAssertEqual(FenceAuditor.plainCoords(text), want)
        for declined in ["", "116.4101230,39.91400000", " 116.41012300,39.91400000", "116.41012300,39.91400000|",
                         "+116.41012300,39.91400000", "116.41012300;39.91400000", ".41012300,39.91400000",
                         "116.41012300,39.91400000,1.00000000", "1234567.123456789,1.00000000"] {
            XCTAssertNil(FenceAuditor.plainCoords(declined), declined)
        }
    }

    func testF005FewerThanFourDistinctVertices() throws {
        var s = Scene.clean()
        s.add(.parking, "TFQ1101010010002", Scene.shape([Coordinate(116.4103, 39.9140), Coordinate(116.4104, 39.9140), Coordinate(116.4104, 39.9141)]))
        let f = try s.audit()
        XCTAssertEqual(rules(f, "TFQ1101010010002"), ["F005"])
        XCTAssertEqual(f.first { $0.rule == "F005" }?.message, "has only 3 distinct vertices; at least 4 are required (§5.3.3, §5.4.3, §5.5.3)")
    }

    func testF006CoordsDecimalsVertexCountAndDistance() throws {
        var s = Scene.clean()
        let r = Scene.parkingRing
        let sixDecimals = "116.410000,39.914000|" + Scene.coords(Array(r.dropFirst()))
        s.features[1].coords = sixDecimals
        XCTAssertEqual(try s.audit().first { $0.rule == "F006" }?.message,
                       "COORDS vertex 1 value '116.410000' has 6 decimals; 8 are required (§5.3.3)")
        s.features[1].coords = Scene.coords(Array(r.dropLast()))
        XCTAssertEqual(try s.audit().first { $0.rule == "F006" }?.message, "COORDS lists 3 vertices but the geometry's exterior ring has 4")
        // 0.00000600° of longitude at 39.914° N is 0.51 m (pyproj: Geod.inv gives 0.5130 m).
        var moved = r
        moved[1].x += 0.000006
        s.features[1].coords = Scene.coords(moved)
        XCTAssertEqual(try s.audit().first { $0.rule == "F006" }?.message,
                       "COORDS vertex 2 (116.41012300,39.91400000) is 0.51 m from the geometry's vertex 2; at most 0.01 m is allowed")
        // A repeated closing vertex is accepted; 0.0000001° (≈ 0.9 cm) is within tolerance.
        var tiny = r
        tiny[2].x += 0.0000001
        s.features[1].coords = Scene.coords(tiny + [r[0]])
        XCTAssertEqual(rules(try s.audit()), [])
        // Around 0.01 m in latitude (a degree of meridian at 39.914° N is
        // 111,030.6 m on CGCS2000): 0.00000009° is 0.00999 m, in; 0.0000001°
        // is 0.0111 m, out. Both are past the no-PROJ shortcut, so PROJ decides.
        var edge = r
        edge[2].y += 0.00000009
        s.features[1].coords = Scene.coords(edge)
        XCTAssertEqual(rules(try s.audit()), [])
        edge = r
        edge[2].y += 0.0000001
        s.features[1].coords = Scene.coords(edge)
        XCTAssertEqual(try s.audit().first { $0.rule == "F006" }?.message.hasSuffix("is 0.01 m from the geometry's vertex 3; at most 0.01 m is allowed"), true)
    }

    func testF007LayerNotInCGCS2000IsAWarning() throws {
        var s = Scene.clean()
        s.layers[1] = LayerInfo(layer: .parking, file: "PARKING.shp", crs: "EPSG:4527 CGCS2000 / 3-degree Gauss-Kruger zone 39", epsg: 4527, transformed: true, attributeFile: nil)
        let f = try s.audit()
        XCTAssertEqual(f.map(\.rule), ["F007"])
        XCTAssertEqual(f[0].severity, "warning")
        XCTAssertEqual(f[0].code, "")
    }

    func testF008ZoneNarrowerThan30Metres() throws {
        var s = Scene()
        // pyproj Geod.inv: 0.002° of longitude at 39.9° N is 171.04 m, 0.00025° of latitude 27.76 m, 0.0003° 33.31 m.
        s.add(.management, "RLQ110101001", Scene.shape(Scene.box(116.400, 39.9000, 116.402, 39.90030)))
        s.add(.management, "RLQ110101002", Scene.shape(Scene.box(116.410, 39.9000, 116.412, 39.90025)))
        let f = try s.audit()
        XCTAssertEqual(rules(f, "RLQ110101001"), [])
        XCTAssertEqual(rules(f, "RLQ110101002"), ["F008"])
        XCTAssertEqual(f.first { $0.rule == "F008" }?.message,
                       "is 171.04 m long and 27.76 m wide (minimum rotated rectangle); length and width must be at least 30 m (§5.3.1)")
    }

    func testF009NoParkingOverlappingParkingButNotTouching() throws {
        var s = Scene.clean()
        s.add(.noParking, "JTQ1101010001", Scene.shape(Scene.box(116.41010, 39.91390, 116.41050, 39.91410)))  // overlaps
        s.add(.noParking, "JTQ1101010002", Scene.shape(Scene.box(116.40970, 39.91390, 116.41000, 39.91410)))  // touches the west edge
        let f = try s.audit().filter { $0.rule == "F009" }
        XCTAssertEqual(f.map(\.code), ["JTQ1101010001"])
        XCTAssertTrue(f[0].message.hasPrefix("overlaps PARKING area TFQ1101010010001 by about "), f[0].message)
    }

    func testF010WrongZoneAttributeAndPartlyInside() throws {
        var s = Scene.clean()
        s.attr(.parking, "TFQ1101010010001", ["management_code": "RLQ110101009"])
        s.add(.parking, "TFQ1101010010002", Scene.shape(Scene.box(116.41195, 39.9140, 116.41205, 39.91402)))  // straddles the east edge
        s.attr(.parking, "TFQ1101010010002", [:])
        let f = try s.audit().filter { $0.rule == "F010" }
        XCTAssertEqual(f.map(\.message), [
            "入栏管理区编码 is 'RLQ110101009' but the area lies in MANAGEMENT zone RLQ110101001",
            "lies partly inside MANAGEMENT zone RLQ110101001; a parking area must be wholly inside one zone or outside all",
        ])
        s.attributes[0].values["management_code"] = "RLQ110101001"
        XCTAssertEqual(try s.audit().filter { $0.rule == "F010" }.map(\.code), ["TFQ1101010010002"])
    }

    func testF011AreaToleranceAndF012Capacity() throws {
        var s = Scene.clean()
        s.attr(.parking, "TFQ1101010010001", ["area": "20.40", "capacity": "17", "management_code": "RLQ110101001"])
        XCTAssertEqual(rules(try s.audit()), [])   // 0.41 m² off, within max(0.5 m², 1 %)
        s.attributes[0].values["area"] = "20.50"
        XCTAssertEqual(try s.audit().map(\.message), ["面积 is 20.50 m² but the geodesic area is 19.99 m² (allowed difference 0.50 m²)"])
        s.attributes[0].values["area"] = "20"   // whole m²: half a unit is 0.5 m², so 0.01 off is fine
        XCTAssertEqual(rules(try s.audit()), [])
        s.attributes[0].values["capacity"] = "18"
        XCTAssertEqual(try s.audit().map(\.message), ["可容纳车辆 is 18 but ⌊19.99 m² / 1.14⌋ = 17 (§5.4.2)"])
    }

    func testF013EnumerationsOutOfRange() throws {
        var s = Scene.clean()
        s.attr(.parking, "TFQ1101010010001", ["position": "8", "land_use": "9", "nature": "3", "management_code": "RLQ110101001"])
        s.add(.noParking, "JTQ1101010001", Scene.shape(Scene.box(116.4100, 39.9145, 116.4105, 39.9149)))
        s.attr(.noParking, "JTQ1101010001", ["reason": "3"])
        XCTAssertEqual(try s.audit().filter { $0.rule == "F013" }.map(\.message),
                       ["位置 is '8'; it must be a code from 1 to 7", "性质 is '3'; it must be a code from 1 to 2"])
    }

    func testF014NamePatterns() throws {
        var s = Scene.clean()
        s.features[1].name = "王府井停车点"
        s.add(.noParking, "JTQ1101010001", Scene.shape(Scene.box(116.4100, 39.9145, 116.4105, 39.9149)), name: "东城区故宫禁停区")
        s.add(.parking, "TFQ1101010010003", Scene.shape(Scene.box(116.4103, 39.9140, 116.4104, 39.91402)), name: "东城区王府井停放区")
        let f = try s.audit().filter { $0.rule == "F014" }
        XCTAssertEqual(f.map(\.code), ["TFQ1101010010001", "JTQ1101010001"])
        XCTAssertEqual(f.map(\.severity), ["warning", "warning"])
    }

    func testF015OverlapWithinALayerOncePerPair() throws {
        var s = Scene.clean()
        s.add(.parking, "TFQ1101010010002", Scene.shape(Scene.box(116.41010, 39.91400, 116.41020, 39.91402)))  // overlaps 1
        s.add(.parking, "TFQ1101010010003", Scene.shape(Scene.box(116.41020, 39.91400, 116.41030, 39.91402)))  // touches 2
        let f = try s.audit().filter { $0.rule == "F015" }
        XCTAssertEqual(f.map(\.code), ["TFQ1101010010001"])
        XCTAssertTrue(f[0].message.hasPrefix("overlaps PARKING feature TFQ1101010010002 (feature 3)"), f[0].message)
        XCTAssertEqual(f[0].severity, "warning")
    }

    func testF016BothDirections() throws {
        var s = Scene.clean()
        s.attr(.parking, "TFQ1101010019999", ["area": "1"])
        let f = try s.audit().filter { $0.rule == "F016" }
        XCTAssertEqual(f.map(\.message), [
            "feature has no row in the attribute table PARKING.xlsx",
            "PARKING.xlsx line 2 has no feature with CODE TFQ1101010019999 in the PARKING layer",
        ])
        XCTAssertNil(f[1].at)
    }

    func testF017DistrictFromCodeCharacters4To9() throws {
        var s = Scene.clean()
        s.districts = [District(adcode: "110101", name: "东城区", shape: Scene.shape(Scene.box(116.3, 39.8, 116.5, 40.0))),
                       District(adcode: "110102", name: "西城区", shape: Scene.shape(Scene.box(116.1, 39.8, 116.3, 40.0)))]
        s.add(.parking, "TFQ1101020010001", Scene.shape(Scene.box(116.4103, 39.9140, 116.4104, 39.91402)))
        let f = try s.audit().filter { $0.rule == "F017" }
        XCTAssertEqual(f.map(\.code), ["TFQ1101020010001"])
        XCTAssertEqual(f[0].message, "code says district 110102 but the feature lies in 110101 东城区")
    }
}

final class ParkingCapacityTests: XCTestCase {
    /// ⌊A / 1.14⌋ on the rounded area, exactly: 11.40 m² holds 10 bikes, although
    /// 11.40 / 1.14 is 9.999999999999998 in floating point.
    func testCapacityAtRoundingEdges() {
        XCTAssertEqual(ParkingCapacity.capacity(area: 11.40), 10)
        XCTAssertEqual(ParkingCapacity.capacity(area: 11.395), 10)      // rounds half away to 11.40
        XCTAssertEqual(ParkingCapacity.capacity(area: 11.3949), 9)      // rounds to 11.39
        XCTAssertEqual(ParkingCapacity.capacity(area: 1.14), 1)
        XCTAssertEqual(ParkingCapacity.capacity(area: 1.139), 1)
        XCTAssertEqual(ParkingCapacity.capacity(area: 1.134), 0)
        XCTAssertEqual(ParkingCapacity.capacity(area: 22.80), 20)
        XCTAssertEqual(ParkingCapacity.capacity(area: 0), 0)
        XCTAssertEqual(ParkingCapacity.cents(ofArea: 19.99313661456108), 1999)
        XCTAssertEqual(ParkingCapacity.capacity(area: 19.99313661456108), 17)
    }
}
