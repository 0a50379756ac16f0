import XCTest
@testable import ZonalGeo

/// Expected figures come from pyproj 3.7 (`Geod(a=6378137, rf=298.257222101)
/// .polygon_area_perimeter`, `.inv`), an independent wrapper of Karney's code.
final class GeodesicTests: XCTestCase {
    let geod = Geodesic.cgcs2000

    func testParkingSizedRectangleAreaMatchesPyproj() {
        let ring = [Coordinate(116.41000000, 39.91400000), Coordinate(116.41011700, 39.91400000),
                    Coordinate(116.41011700, 39.91401800), Coordinate(116.41000000, 39.91401800)]
        XCTAssertEqual(geod.ringArea(ring), 19.99313661456108, accuracy: 1e-4)
    }

    func testZoneSizedSquareAreaMatchesPyproj() {
        let ring = [Coordinate(116.40, 39.90), Coordinate(116.41, 39.90), Coordinate(116.41, 39.91), Coordinate(116.40, 39.91)]
        XCTAssertEqual(geod.ringArea(ring), 949464.6049728394, accuracy: 1e-4)
    }

    func testOrientationAndClosingVertexDoNotMatter() {
        let ring = [Coordinate(116.0, 40.0), Coordinate(116.001, 40.0), Coordinate(116.0, 40.001)]
        XCTAssertEqual(geod.ringArea(ring), 4740.838174462318, accuracy: 1e-4)
        XCTAssertEqual(geod.ringArea(ring.reversed()), 4740.838174462318, accuracy: 1e-4)
        XCTAssertEqual(geod.ringArea(ring + [ring[0]]), 4740.838174462318, accuracy: 1e-4)
    }

    func testHolesAreSubtracted() {
        let outer = [Coordinate(116.40, 39.90), Coordinate(116.41, 39.90), Coordinate(116.41, 39.91), Coordinate(116.40, 39.91)]
        let hole = [Coordinate(116.0, 40.0), Coordinate(116.001, 40.0), Coordinate(116.0, 40.001)]
        XCTAssertEqual(geod.area([Polygon(exterior: outer, holes: [hole])]), 949464.6049728394 - 4740.838174462318, accuracy: 1e-4)
    }

    func testDistanceMatchesPyproj() {
        XCTAssertEqual(geod.distance(Coordinate(116.4, 39.9), Coordinate(116.41, 39.91)), 1401.449239779294, accuracy: 1e-6)
    }
}

final class WKBAndIndexTests: XCTestCase {
    func testWKBRoundTripKeepsVertexOrderAndHoles() throws {
        let shape = Shape.multiPolygon([
            Polygon(exterior: [Coordinate(0, 0), Coordinate(0, 1), Coordinate(1, 1), Coordinate(1, 0)],
                    holes: [[Coordinate(0.2, 0.2), Coordinate(0.4, 0.2), Coordinate(0.4, 0.4)]]),
            Polygon(exterior: [Coordinate(5, 5), Coordinate(5, 6), Coordinate(6, 6)]),
        ])
        let decoded = try WKB.decode(WKB.encode(shape))
        XCTAssertEqual(decoded.polygons.count, 2)
        XCTAssertEqual(decoded.polygons[0].exterior, [Coordinate(0, 0), Coordinate(0, 1), Coordinate(1, 1), Coordinate(1, 0), Coordinate(0, 0)])
        XCTAssertEqual(decoded.polygons[0].holes.count, 1)
        XCTAssertEqual(try WKB.decode(WKB.encode(.point(Coordinate(116.5, 39.9)))), .point(Coordinate(116.5, 39.9)))
        XCTAssertThrowsError(try WKB.decode([1, 6, 0]))
    }

    func testSpatialIndexFindsExactlyTheIntersectingEnvelopes() {
        var envs: [Envelope] = []
        for i in 0..<50 { for j in 0..<50 {
            envs.append(Envelope(minX: Double(i), minY: Double(j), maxX: Double(i) + 0.5, maxY: Double(j) + 0.5))
        } }
        let index = SpatialIndex(envs)
        let q = Envelope(minX: 10.2, minY: 20.7, maxX: 12.1, maxY: 21.2)
        var found: [Int] = []
        index.query(q) { found.append($0) }
        // Boxes at x ∈ {10, 11, 12} overlap [10.2, 12.1]; y ∈ {20, 21} overlap [20.7, 21.2] only at 21.
        XCTAssertEqual(Set(found), Set([10 * 50 + 21, 11 * 50 + 21, 12 * 50 + 21]))
    }
}

final class GEOSTests: XCTestCase {
    func testBowTieIsInvalidWithReasonAndLocation() throws {
        let ctx = GEOSContext()
        let bowtie = try ctx.geometry(.multiPolygon([Polygon(exterior: [Coordinate(0, 0), Coordinate(2, 2), Coordinate(2, 0), Coordinate(0, 2)])]))
        let v = try bowtie.validity()
        XCTAssertFalse(v.valid)
        XCTAssertEqual(v.reason, "Self-intersection")
        XCTAssertEqual(v.location, Coordinate(1, 1))
    }

    func testCoversIncludesTheBoundaryAndTouchingIsNotOverlap() throws {
        let ctx = GEOSContext()
        let square = try ctx.geometry(.multiPolygon([Polygon(exterior: [Coordinate(0, 0), Coordinate(0, 1), Coordinate(1, 1), Coordinate(1, 0)])]))
        XCTAssertTrue(try square.prepared().coversXY(1, 0.5))   // on an edge
        XCTAssertTrue(try square.prepared().coversXY(1, 1))     // on a vertex
        XCTAssertFalse(try square.prepared().coversXY(1.0000001, 0.5))
        let neighbour = try ctx.geometry(.multiPolygon([Polygon(exterior: [Coordinate(1, 0), Coordinate(1, 1), Coordinate(2, 1), Coordinate(2, 0)])]))
        XCTAssertFalse(try square.relate(neighbour, pattern: "2********"))
        let overlapping = try ctx.geometry(.multiPolygon([Polygon(exterior: [Coordinate(0.9, 0), Coordinate(0.9, 1), Coordinate(2, 1), Coordinate(2, 0)])]))
        XCTAssertTrue(try square.relate(overlapping, pattern: "2********"))
    }

    func testBrokenRingIsAnErrorNotACrash() {
        let ctx = GEOSContext()
        XCTAssertThrowsError(try ctx.geometry(.multiPolygon([Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 1)])])))
    }
}

final class CRSTests: XCTestCase {
    static let cgcs2000Esri = #"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#
    static let gk39Esri = #"PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#
    static let gk39OGC = #"PROJCS["CGCS2000 / 3-degree Gauss-Kruger zone 39",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",1],PARAMETER["false_easting",39500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","4527"]]"#
    static let wgs84Esri = #"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#

    func testEachPrjVariantIsIdentified() throws {
        XCTAssertEqual(try CRSCatalog.identify(prj: Self.cgcs2000Esri).epsg, 4490)
        XCTAssertEqual(try CRSCatalog.identify(prj: CRSCatalog.cgcs2000PrjWKT).epsg, 4490)
        XCTAssertEqual(try CRSCatalog.identify(prj: Self.gk39Esri).epsg, 4527)
        XCTAssertEqual(try CRSCatalog.identify(prj: Self.gk39OGC).epsg, 4527)
        XCTAssertEqual(try CRSCatalog.identify(prj: Self.wgs84Esri).epsg, 4326)
    }

    /// pyproj: Transformer.from_crs(4527, 4490, always_xy=True).transform(39446000, 4418000)
    func testGaussKrugerZone39TransformsToCGCS2000LonLat() throws {
        for wkt in [Self.gk39Esri, Self.gk39OGC] {
            let t = try TransformToCGCS2000(definition: wkt)
            let p = try t([Coordinate(39446000.0, 4418000.0)])[0]
            XCTAssertEqual(p.x, 116.36860940494672, accuracy: 1e-9)
            XCTAssertEqual(p.y, 39.8944475850174, accuracy: 1e-9)
        }
    }

    func testGarbagePrjIsAClearError() {
        XCTAssertThrowsError(try CRSCatalog.identify(prj: "not a crs")) { e in
            XCTAssertTrue("\(e)".contains("PROJ cannot read the .prj text"), "\(e)")
        }
        XCTAssertThrowsError(try CRSCatalog.identify(prj: "  ")) { e in XCTAssertEqual("\(e)", "the .prj file is empty") }
    }
}
