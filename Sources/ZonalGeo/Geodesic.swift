import CPROJ

/// Geodesic measurements on an ellipsoid with Karney's algorithms (PROJ's
/// `geodesic.h`). Zonal measures on CGCS2000 because that is what a surveyed
/// area means and it needs no choice of projection zone.
public struct Geodesic: Sendable {
    private var g = geod_geodesic()

    /// CGCS2000: a = 6378137 m, 1/f = 298.257222101 (国家大地坐标系 2000).
    public static let cgcs2000 = Geodesic(a: 6378137, inverseFlattening: 298.257222101)

    public init(a: Double, inverseFlattening: Double) {
        geod_init(&g, a, 1 / inverseFlattening)
    }

    /// Area in m² of a lon/lat ring, always positive. A repeated closing
    /// vertex is ignored (geod_polygonarea closes the ring itself).
    public func ringArea(_ ring: [Coordinate]) -> Double {
        let open = ring.openRing
        guard open.count >= 3 else { return 0 }
        var lats = open.map(\.y), lons = open.map(\.x)
        var area = 0.0, perimeter = 0.0
        withUnsafePointer(to: g) { gp in
            geod_polygonarea(gp, &lats, &lons, Int32(open.count), &area, &perimeter)
        }
        return abs(area)
    }

    /// Area in m² of polygons: exteriors minus holes.
    public func area(_ polygons: [Polygon]) -> Double {
        polygons.reduce(0) { sum, p in
            sum + ringArea(p.exterior) - p.holes.reduce(0) { $0 + ringArea($1) }
        }
    }

    /// Shortest distance in metres between two lon/lat points on the ellipsoid.
    public func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        var s12 = 0.0
        withUnsafePointer(to: g) { gp in
            geod_inverse(gp, a.y, a.x, b.y, b.x, &s12, nil, nil)
        }
        return s12
    }
}
