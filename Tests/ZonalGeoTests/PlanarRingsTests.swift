import Foundation
import XCTest
@testable import ZonalGeo

/// The Swift crossing test against GEOS itself (prepared covers, the judge):
/// on every vertex, on edge points, just off edges, in holes, on hole
/// boundaries and in a multipolygon, the answers must be GEOS's. Where the
/// Swift test cannot decide (nil) the layer asks GEOS, so nil is allowed;
/// a decided answer that differs is a failure.
final class PlanarRingsTests: XCTestCase {
    /// A deterministic generator (SplitMix64), so a failure repeats.
    struct Mix { var s: UInt64
        mutating func next() -> UInt64 { s &+= 0x9E3779B97F4A7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB; return z ^ (z >> 31) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    /// Irregular polygons around Beijing's coordinates (fence-sized and
    /// zone-sized), some with a hole, and a multipolygon of two parts.
    static func shapes() -> [Shape] {
        var rng = Mix(s: 20261202)
        var out: [Shape] = []
        for k in 0..<40 {
            let cx = 116.3 + rng.unit() * 0.2, cy = 39.8 + rng.unit() * 0.2
            let r = k % 2 == 0 ? 0.00005 : 0.01
            let n = 5 + Int(rng.next() % 20)
            func ring(_ scale: Double, clockwise: Bool) -> [Coordinate] {
                var pts = (0..<n).map { i -> Coordinate in
                    let a = Double(i) / Double(n) * 2 * .pi
                    let rr = r * scale * (0.6 + 0.4 * rng.unit())
                    return Coordinate(cx + rr * cos(a), cy + rr * sin(a))
                }
                if clockwise { pts.reverse() }
                return pts + [pts[0]]
            }
            let holes = k % 3 == 0 ? [ring(0.3, clockwise: false)] : []
            out.append(.multiPolygon([Polygon(exterior: ring(1, clockwise: true), holes: holes)]))
        }
        // Two parts sharing an edge, and an axis-aligned rectangle.
        let a = [Coordinate(116.4, 39.9), Coordinate(116.4, 39.91), Coordinate(116.41, 39.91), Coordinate(116.41, 39.9), Coordinate(116.4, 39.9)]
        let b = [Coordinate(116.41, 39.9), Coordinate(116.41, 39.91), Coordinate(116.42, 39.905), Coordinate(116.41, 39.9)]
        out.append(.multiPolygon([Polygon(exterior: a), Polygon(exterior: b)]))
        return out
    }

    /// Points that test the edges: every vertex, each edge's midpoint and
    /// points a few ulps either side of it, the edge's points at fractions
    /// k/8, and random points in the envelope.
    static func probes(_ shape: Shape, _ rng: inout Mix) -> [Coordinate] {
        var pts: [Coordinate] = []
        let env = shape.envelope!
        for poly in shape.polygons {
            for ring in poly.rings {
                for i in 0..<(ring.count - 1) {
                    let p = ring[i], q = ring[i + 1]
                    pts.append(p)
                    for k in 1..<8 {
                        let t = Double(k) / 8
                        pts.append(Coordinate(p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t))
                    }
                    let m = Coordinate((p.x + q.x) / 2, (p.y + q.y) / 2)
                    pts.append(Coordinate(m.x.nextUp, m.y))
                    pts.append(Coordinate(m.x.nextDown, m.y))
                    pts.append(Coordinate(m.x, m.y.nextUp.nextUp))
                    pts.append(Coordinate(p.x, p.y.nextDown))
                    pts.append(Coordinate(p.x.nextUp, p.y))
                }
            }
        }
        for _ in 0..<200 {
            pts.append(Coordinate(env.minX + rng.unit() * (env.maxX - env.minX), env.minY + rng.unit() * (env.maxY - env.minY)))
        }
        return pts
    }

    func testDecidedAnswersAreGEOSs() throws {
        let ws = GEOSWorkspace.current
        var rng = Mix(s: 7)
        var decided = 0, undecided = 0, boundary = 0, inside = 0
        for shape in Self.shapes() {
            let planar = PlanarRings(shape)
            let prepared = try ws.context.geometry(shape).prepared()
            for p in Self.probes(shape, &rng) {
                let geos = try prepared.covers(try ws.context.point(p))
                guard let loc = planar.locate(p.x, p.y) else { undecided += 1; continue }
                decided += 1
                if loc == .boundary { boundary += 1 }
                if loc == .interior { inside += 1 }
                XCTAssertEqual(loc != .exterior, geos, "\(p) in \(shape): Swift says \(loc), GEOS covers = \(geos)")
            }
        }
        // The probes reach every case, and doubles decide nearly all of them.
        XCTAssertGreaterThan(boundary, 500)
        XCTAssertGreaterThan(inside, 1000)
        XCTAssertLessThan(undecided * 20, decided, "\(undecided) undecided of \(decided + undecided)")
    }

    /// By hand: a unit square with a hole; corners, edges and the hole's edge are in.
    func testSquareWithHoleByHand() {
        let outer = [Coordinate(0, 0), Coordinate(0, 4), Coordinate(4, 4), Coordinate(4, 0), Coordinate(0, 0)]
        let hole = [Coordinate(1, 1), Coordinate(3, 1), Coordinate(3, 3), Coordinate(1, 3), Coordinate(1, 1)]
        let r = PlanarRings(.multiPolygon([Polygon(exterior: outer, holes: [hole])]))
        XCTAssertEqual(r.locate(0, 0), .boundary)
        XCTAssertEqual(r.locate(4, 2), .boundary)
        XCTAssertEqual(r.locate(2, 4), .boundary)
        XCTAssertEqual(r.locate(0.5, 2), .interior)
        XCTAssertEqual(r.locate(2, 2), .exterior, "in the hole")
        XCTAssertEqual(r.locate(1, 2), .boundary, "on the hole's edge")
        XCTAssertEqual(r.locate(3, 3), .boundary, "on the hole's corner")
        XCTAssertEqual(r.locate(5, 2), .exterior)
        XCTAssertEqual(r.locate(-1, 4), .exterior, "level with the top edge, left of it")
        XCTAssertEqual(r.locate(2, 0.5), .interior, "level with nothing, below the hole")
    }
}

/// The point grid finds exactly the envelopes that hold a point (edges and
/// corners included), as a scan of all of them does.
final class PointGridTests: XCTestCase {
    func testGridFindsWhatAScanFinds() {
        var rng = PlanarRingsTests.Mix(s: 99)
        var envelopes: [Envelope?] = []
        for k in 0..<500 {
            if k % 97 == 0 { envelopes.append(nil); continue }
            let x = 116.2 + rng.unit() * 0.4, y = 39.7 + rng.unit() * 0.4
            let w = k % 10 == 0 ? 0.1 * rng.unit() : 0.001 * rng.unit(), h = k % 10 == 0 ? 0.1 * rng.unit() : 0.001 * rng.unit()
            envelopes.append(Envelope(minX: x, minY: y, maxX: x + w, maxY: y + h))
        }
        let grid = PointGrid(envelopes)
        var points: [Coordinate] = []
        for e in envelopes.compactMap({ $0 }) {
            points += [Coordinate(e.minX, e.minY), Coordinate(e.maxX, e.maxY), Coordinate(e.minX, e.maxY),
                       Coordinate((e.minX + e.maxX) / 2, e.minY), Coordinate(e.maxX.nextUp, e.maxY), Coordinate(e.minX.nextDown, e.minY)]
        }
        for _ in 0..<2000 { points.append(Coordinate(116.1 + rng.unit() * 0.6, 39.6 + rng.unit() * 0.6)) }
        var hits = 0
        for p in points {
            var found: [Int] = []
            grid.query(point: p) { found.append($0) }
            let want = envelopes.indices.filter { i in
                guard let e = envelopes[i] else { return false }
                return e.minX <= p.x && p.x <= e.maxX && e.minY <= p.y && p.y <= e.maxY
            }
            XCTAssertEqual(found.sorted(), want, "\(p)")
            hits += want.count
        }
        XCTAssertGreaterThan(hits, 2000)
    }
}
