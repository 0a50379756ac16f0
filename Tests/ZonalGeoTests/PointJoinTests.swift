import Foundation
import XCTest
@testable import ZonalGeo

/// PointJoin (as the bike join uses it: zones, parking areas with a tolerance, no-parking zones) against CONTRACT §4 "In fence" and §7 "In-fence": point-in-polygon on
/// the EPSG:4490 lon/lat as planar x/y with the boundary included (covers); with
/// tolerance_m > 0 a point within that many metres (shortest distance on the ellipsoid,
/// accurate to 1 cm) of a parking area counts as in it.
///
/// Expected distances come from pyproj 3.7 `Geod(a=6378137, rf=298.257222101)` (Karney):
///   g.fwd(116.5, 39.75 + 2**-16, 270, 1.5) → (116.49998249798928, 39.750015258787734);
///     min distance to the west edge (dense sampling with g.inv) = 1.49999999962 m
///   g.fwd(116.5, 39.75, 225, 1.5)          → (116.49998762421397, 39.749990447069735);
///     distance to the SW corner (its nearest point) = 1.50000000071 m
final class PointJoinTests: XCTestCase {
    // Parking area: x 116.5 … 116.5 + 2⁻¹⁴, y 39.75 … 39.75 + 2⁻¹⁵ (all exactly representable;
    // about 5.2 m × 3.4 m), axis-aligned, clockwise.
    static let px0 = 116.5, px1 = 116.5 + 0x1p-14, py0 = 39.75, py1 = 39.75 + 0x1p-15
    static let pyMid = 39.75 + 0x1p-16

    static func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Shape {
        .multiPolygon([Polygon(exterior: [Coordinate(x0, y0), Coordinate(x0, y1), Coordinate(x1, y1), Coordinate(x1, y0), Coordinate(x0, y0)])])
    }

    static func layer(_ name: String, _ fences: [(String, Shape)]) -> PolygonLayer {
        PolygonLayer(name: name, codes: fences.map(\.0), shapes: fences.map(\.1))
    }

    // Listed first but with the larger code: the overlap must go to RLQ110101001.
    static let zones = layer("MANAGEMENT", [("RLQ110101002", rect(116.49, 39.74, 116.51, 39.76)),
                                            ("RLQ110101001", rect(116.505, 39.745, 116.52, 39.755))])
    static let parking = layer("PARKING", [("TFQ1101010010001", rect(px0, py0, px1, py1))])
    static let noParking = layer("NOPARKING", [("JTQ1101010003", rect(116.495, 39.755, 116.497, 39.757)),
                                               ("JTQ1101010002", rect(116.496, 39.756, 116.498, 39.758))])

    /// One point's matches in the three layers, as the event loader reads them (-1 = none).
    struct Assignment {
        var zone: Int32, parking: Int32, noParking: Int32
        var distance: Double?
        var inParking: Bool { parking >= 0 }
    }

    /// The join under test, with the layers' codes for readable assertions.
    struct Assigner {
        let join: PointJoin
        let zones = PointJoinTests.zones, parking = PointJoinTests.parking, noParking = PointJoinTests.noParking
        init(toleranceM: Double) {
            join = PointJoin([.init(PointJoinTests.zones), .init(PointJoinTests.parking, toleranceM: toleranceM), .init(PointJoinTests.noParking)])
        }
        func assign(_ points: [Coordinate]) -> [Assignment] {
            let m = try! join.assign(points)
            return points.indices.map { i in
                Assignment(zone: Int32(m[i, 0].index ?? -1), parking: Int32(m[i, 1].index ?? -1),
                           noParking: Int32(m[i, 2].index ?? -1), distance: m[i, 1].distanceM)
            }
        }
    }

    func assign(_ points: [Coordinate], tolerance: Double) -> [Assignment] {
        Assigner(toleranceM: tolerance).assign(points)
    }

    func code(_ layer: PolygonLayer, _ i: Int32) -> String? { i >= 0 ? layer.codes[Int(i)] : nil }

    func testBoundaryCountsAsInside() {
        let a = Assigner(toleranceM: 0)
        let pts = [
            Coordinate(Self.px0, Self.pyMid),     // on the west edge
            Coordinate(Self.px0, Self.py0),       // SW vertex
            Coordinate(Self.px1, Self.py1),       // NE vertex
            Coordinate(116.50003, Self.py0),      // on the south edge
        ]
        for (p, r) in zip(pts, a.assign(pts)) {
            XCTAssertEqual(code(a.parking, r.parking), "TFQ1101010010001", "\(p) is on the parking boundary: in parking")
            XCTAssertTrue(r.inParking, "\(p)")
            XCTAssertNil(r.distance, "a covered point has no tolerance distance")
            XCTAssertEqual(code(a.zones, r.zone), "RLQ110101002", "\(p)")
        }
    }

    func testJustOutsideWithoutTolerance() {
        let a = Assigner(toleranceM: 0)
        let pts = [Coordinate(Self.px0 - 1e-7, Self.pyMid), Coordinate(Self.px1 + 1e-7, Self.pyMid), Coordinate(116.50003, Self.py1 + 1e-7)]
        for (p, r) in zip(pts, a.assign(pts)) {
            XCTAssertEqual(r.parking, -1, "\(p) is 1e-7° outside the parking area")
            XCTAssertFalse(r.inParking)
            XCTAssertEqual(code(a.zones, r.zone), "RLQ110101002")
        }
    }

    func testToleranceEdge() throws {
        // 1.5 m west of the west edge (pyproj, see the header).
        let p = Coordinate(116.49998249798928, 39.750015258787734)
        let two = assign([p], tolerance: 2)[0]
        XCTAssertEqual(two.parking, 0, "1.5 m from the edge, tolerance 2 m: in parking")
        XCTAssertTrue(two.inParking)
        let d = try XCTUnwrap(two.distance)
        XCTAssertEqual(d, 1.49999999962, accuracy: 0.01, "distance must match pyproj's geodesic within 1 cm")
        let one = assign([p], tolerance: 1)[0]
        XCTAssertEqual(one.parking, -1, "1.5 m from the edge, tolerance 1 m: not in parking")
        XCTAssertNil(one.distance)
        XCTAssertEqual(assign([p], tolerance: 0)[0].parking, -1)
    }

    func testToleranceCorner() throws {
        // 1.5 m south-west of the SW corner: the corner is the nearest point.
        let p = Coordinate(116.49998762421397, 39.749990447069735)
        let two = assign([p], tolerance: 2)[0]
        XCTAssertEqual(two.parking, 0)
        XCTAssertEqual(try XCTUnwrap(two.distance), 1.50000000071, accuracy: 0.01)
        XCTAssertEqual(assign([p], tolerance: 1.4)[0].parking, -1)
    }

    func testOverlapsTakeSmallestCode() {
        let a = Assigner(toleranceM: 0)
        let r = a.assign([Coordinate(116.507, 39.75), Coordinate(116.4965, 39.7565), Coordinate(116.4955, 39.7555), Coordinate(116.515, 39.75)])
        XCTAssertEqual(code(a.zones, r[0].zone), "RLQ110101001", "in both zones: the smaller code wins")
        XCTAssertEqual(code(a.noParking, r[1].noParking), "JTQ1101010002", "in both no-parking zones: the smaller code wins")
        XCTAssertEqual(code(a.noParking, r[2].noParking), "JTQ1101010003")
        XCTAssertEqual(code(a.zones, r[2].zone), "RLQ110101002")
        XCTAssertEqual(code(a.zones, r[3].zone), "RLQ110101001", "only in Z1")
        XCTAssertEqual(r[0].parking, -1)
    }

    func testOutsideEverything() {
        for tol in [0.0, 2.0] {
            let r = assign([Coordinate(116.6, 39.9), Coordinate(0, 0)], tolerance: tol)
            for x in r {
                XCTAssertEqual(x.zone, -1); XCTAssertEqual(x.parking, -1); XCTAssertEqual(x.noParking, -1)
                XCTAssertNil(x.distance); XCTAssertFalse(x.inParking)
            }
        }
    }

    func testManyPointsKeepOrder() {
        // Enough points that every worker thread gets some: results stay in input order.
        var pts: [Coordinate] = []
        for i in 0..<1000 { pts.append(i % 2 == 0 ? Coordinate(Self.px0, Self.pyMid) : Coordinate(116.6, 39.9)) }
        let r = assign(pts, tolerance: 0)
        for (i, x) in r.enumerated() { XCTAssertEqual(x.parking, i % 2 == 0 ? 0 : -1, "point \(i)") }
    }
}

/// The shared layer's own rules: polygons GEOS cannot build cover nothing
/// (fence_audit reports them), and every thread reuses its prepared polygons.
final class PolygonLayerTests: XCTestCase {
    func testUnbuildablePolygonCoversNothing() throws {
        let degenerate = Shape.multiPolygon([Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 1), Coordinate(0, 0)])])
        let square = PointJoinTests.rect(0, 0, 1, 1)
        let layer = PolygonLayer(name: "t", codes: ["A", "B"], shapes: [degenerate, square])
        XCTAssertEqual(layer.buildable, [false, true])
        XCTAssertNil(try layer.geometry(0))
        XCTAssertEqual(try layer.covering(Coordinate(0.5, 0.5)), 1)
    }

    func testPreparedOncePerThread() throws {
        let layer = PolygonLayer(name: "t", codes: ["A"], shapes: [PointJoinTests.rect(0, 0, 1, 1)])
        let a = try XCTUnwrap(try layer.prepared(0))
        let b = try XCTUnwrap(try layer.prepared(0))
        XCTAssertTrue(a === b, "the thread's workspace keeps the prepared polygon")
    }

    func testShapeCoveringSmallestCode() throws {
        let layer = PolygonLayer(name: "t", codes: ["Z9", "Z1"], shapes: [PointJoinTests.rect(0, 0, 2, 2), PointJoinTests.rect(0, 0, 1, 1)])
        let ws = GEOSWorkspace.current
        let inner = try ws.context.geometry(PointJoinTests.rect(0.2, 0.2, 0.8, 0.8))
        XCTAssertEqual(try layer.covering(inner, envelope: Envelope(minX: 0.2, minY: 0.2, maxX: 0.8, maxY: 0.8)), 1, "both cover it: Z1 < Z9")
        let wide = try ws.context.geometry(PointJoinTests.rect(0.5, 0.5, 1.5, 1.5))
        XCTAssertEqual(try layer.covering(wide, envelope: Envelope(minX: 0.5, minY: 0.5, maxX: 1.5, maxY: 1.5)), 0, "only Z9 covers it")
    }
}

/// GEOS failures are errors, never "not covered" (STYLE §5: sentinels become
/// throws at one choke point).
final class GEOSErrorTests: XCTestCase {
    func testPredicateFailureThrowsWithGEOSMessage() throws {
        let ws = GEOSWorkspace.current
        let a = try ws.context.geometry(PointJoinTests.rect(0, 0, 1, 1))
        let b = try ws.context.geometry(PointJoinTests.rect(0.5, 0.5, 2, 2))
        XCTAssertTrue(try a.relate(b, pattern: "2********"))
        XCTAssertThrowsError(try a.relate(b, pattern: "not a pattern")) { error in
            guard let e = error as? GEOSError else { return XCTFail("expected GEOSError, got \(error)") }
            XCTAssertEqual(e.operation, "GEOSRelatePattern_r")
            XCTAssertFalse(e.messages.isEmpty, "GEOS's own message is kept")
        }
        // The context is usable after a failure, and the stored messages were taken.
        XCTAssertTrue(try a.relate(b, pattern: "2********"))
    }
}
