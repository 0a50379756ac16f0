import Foundation

/// A layer of coded polygons (fences, districts, community boundaries) that
/// points and shapes are placed in. Plain values only, so one layer is shared
/// by every thread; the GEOS geometries built from it live in each thread's
/// `GEOSWorkspace`.
///
/// Rules every domain shares (CONTRACT §7 "In-fence"): a point is in a
/// polygon when it is inside or on its boundary (GEOS "covers"), evaluated on
/// the EPSG:4490 lon/lat as planar x/y; where polygons overlap, the one with
/// the smallest code wins.
public final class PolygonLayer: Sendable {
    /// Unique in the process: what each thread's workspace knows the layer by.
    let id: UInt64
    public let name: String
    public let codes: [String]
    public let shapes: [Shape]
    /// Each polygon's position in code order, so "smallest code wins" compares integers.
    let rank: [Int32]
    let index: SpatialIndex
    /// The same envelopes in a grid, for point lookups.
    let grid: PointGrid
    /// Whether GEOS can build the shape at all. A polygon it cannot build (a
    /// ring of fewer than 4 points) covers nothing; fence_audit reports it
    /// (F004/F005). Any other GEOS failure is an error, never "not covered".
    public let buildable: [Bool]
    /// Each polygon's rings as GEOS builds them, for the crossing test in Swift.
    let planar: [PlanarRings]

    public init(name: String, codes: [String], shapes: [Shape]) {
        precondition(codes.count == shapes.count, "one code per shape")
        id = LayerIDs.next()
        self.name = name
        self.codes = codes
        self.shapes = shapes
        var r = [Int32](repeating: 0, count: codes.count)
        for (pos, i) in codes.indices.sorted(by: { (codes[$0], $0) < (codes[$1], $1) }).enumerated() { r[i] = Int32(pos) }
        rank = r
        index = SpatialIndex(shapes.map { $0.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0) })
        grid = PointGrid(shapes.map(\.envelope))
        buildable = shapes.map(\.isBuildableByGEOS)
        planar = shapes.map(PlanarRings.init)
    }

    deinit { LayerIDs.finish(id) }

    public var count: Int { codes.count }

    /// This thread's GEOS geometry of polygon `i`; nil when GEOS cannot build it.
    public func geometry(_ i: Int, in ws: GEOSWorkspace = .current) throws -> Geometry? {
        guard buildable[i] else { return nil }
        let cache = ws.cache(for: self)
        if let g = cache.geometries[i] { return g }
        let g = try ws.context.geometry(shapes[i])
        cache.geometries[i] = g
        return g
    }

    /// This thread's prepared geometry of polygon `i`, for repeated predicates.
    public func prepared(_ i: Int, in ws: GEOSWorkspace = .current) throws -> PreparedGeometry? {
        try prepared(i, ws, ws.cache(for: self))
    }

    /// The same with the workspace's cache for this layer already in hand:
    /// a join asks millions of times, and the lookup would cost more than the answer.
    func prepared(_ i: Int, _ ws: GEOSWorkspace, _ cache: GEOSWorkspace.LayerCache) throws -> PreparedGeometry? {
        if let p = cache.prepared[i] { return p }
        guard buildable[i] else { return nil }
        let g: Geometry
        if let built = cache.geometries[i] { g = built } else {
            g = try ws.context.geometry(shapes[i])
            cache.geometries[i] = g
        }
        let p = try g.prepared()
        cache.prepared[i] = p
        return p
    }

    /// Calls `visit` with every polygon whose envelope meets `env`.
    public func candidates(_ env: Envelope, _ visit: (Int) throws -> Void) rethrows {
        try index.query(env, visit)
    }

    /// The polygon covering `p` (boundary included); the smallest code wins
    /// where polygons overlap. `point` is `p` as a GEOS point of `ws`, made by
    /// the caller only when a candidate needs it.
    public func covering(_ p: Coordinate, in ws: GEOSWorkspace, point: inout Geometry?) throws -> Int? {
        try covering(p, ws, ws.cache(for: self), point: &point)
    }

    func covering(_ p: Coordinate, _ ws: GEOSWorkspace, _ cache: GEOSWorkspace.LayerCache, point: inout Geometry?) throws -> Int? {
        var best = -1
        try grid.query(point: p) { i in
            if best >= 0 && rank[i] >= rank[best] { return }
            guard buildable[i] else { return }
            // GEOS's own test, run in Swift: no GEOS point per lock. Only a
            // point too close to an edge to tell in doubles asks GEOS.
            if let where_ = planar[i].locate(p.x, p.y) {
                if where_ != .exterior { best = i }
                return
            }
            guard let prep = try prepared(i, ws, cache) else { return }
            if point == nil { point = try ws.context.point(p) }
            if try prep.covers(point!) { best = i }
        }
        return best >= 0 ? best : nil
    }

    public func covering(_ p: Coordinate, in ws: GEOSWorkspace = .current) throws -> Int? {
        var point: Geometry?
        return try covering(p, in: ws, point: &point)
    }

    /// The polygon covering `shape` (every point of it inside or on the
    /// boundary); the smallest code wins.
    public func covering(_ shape: Geometry, envelope: Envelope, in ws: GEOSWorkspace = .current) throws -> Int? {
        var best = -1
        try index.query(envelope) { i in
            if best >= 0 && rank[i] >= rank[best] { return }
            guard let prep = try prepared(i, in: ws) else { return }
            if try prep.covers(shape) { best = i }
        }
        return best >= 0 ? best : nil
    }

    /// The nearest polygon within `metres` of `p`, by the shortest distance to
    /// its boundary (see `LocalDistance`); ties go to the smallest code.
    public func nearest(to p: Coordinate, within metres: Double) -> (index: Int, metres: Double)? {
        let scale = LocalDistance(latitude: p.y)
        let dx = metres / scale.metresPerDegreeX * 1.001, dy = metres / scale.metresPerDegreeY * 1.001
        var best: (index: Int, metres: Double)?
        index.query(Envelope(minX: p.x - dx, minY: p.y - dy, maxX: p.x + dx, maxY: p.y + dy)) { i in
            let d = scale.distance(p, toBoundaryOf: shapes[i])
            guard d <= metres else { return }
            if let b = best, d > b.metres || (d == b.metres && codes[i] >= codes[b.index]) { return }
            best = (i, d)
        }
        return best
    }
}

/// Distances of a few metres, measured in the local tangent plane scaled by
/// the CGCS2000 meridian (M) and prime-vertical (N) radii at the point's
/// latitude. Over a few metres the ellipsoid is flat to well under a
/// millimetre, so this equals the shortest distance on the ellipsoid to the
/// contract's 1 cm, at a fraction of a geodesic solution's cost.
public struct LocalDistance: Sendable {
    public let metresPerDegreeX: Double
    public let metresPerDegreeY: Double

    public init(latitude: Double) {
        let a = 6378137.0, f = 1 / 298.257222101
        let e2 = f * (2 - f)
        let phi = latitude * .pi / 180
        let s = sin(phi)
        let w = (1 - e2 * s * s).squareRoot()
        let n = a / w, m = a * (1 - e2) / (w * w * w)
        metresPerDegreeX = n * cos(phi) * .pi / 180
        metresPerDegreeY = m * .pi / 180
    }

    /// Metres from `p` to the nearest point of any ring of `shape`.
    public func distance(_ p: Coordinate, toBoundaryOf shape: Shape) -> Double {
        let kx = metresPerDegreeX, ky = metresPerDegreeY
        var best = Double.infinity
        for poly in shape.polygons {
            for ring in poly.rings where ring.count >= 2 {
                let r = ring.closedRing
                for k in 0..<(r.count - 1) {
                    let ax = (r[k].x - p.x) * kx, ay = (r[k].y - p.y) * ky
                    let bx = (r[k + 1].x - p.x) * kx, by = (r[k + 1].y - p.y) * ky
                    let vx = bx - ax, vy = by - ay
                    let len2 = vx * vx + vy * vy
                    let t = len2 > 0 ? max(0, min(1, -(ax * vx + ay * vy) / len2)) : 0
                    let cx = ax + t * vx, cy = ay + t * vy
                    best = min(best, (cx * cx + cy * cy).squareRoot())
                }
            }
        }
        return best
    }
}

/// Hands out layer ids and remembers which layers are gone, so each
/// thread's workspace can drop what it built for them.
enum LayerIDs {
    nonisolated(unsafe) private static var last: UInt64 = 0
    nonisolated(unsafe) private static var gone: Set<UInt64> = []
    private static let lock = NSLock()

    static func next() -> UInt64 { lock.lock(); defer { lock.unlock() }; last += 1; return last }

    static func finish(_ id: UInt64) { lock.lock(); gone.insert(id); lock.unlock() }

    /// The layers gone so far and their count, when more than `generation` are.
    static func finished(since generation: Int) -> (Int, Set<UInt64>)? {
        lock.lock(); defer { lock.unlock() }
        return gone.count > generation ? (gone.count, gone) : nil
    }
}

/// A polygon's rings (every part's exterior and holes, closed, as
/// `GEOSContext.geometry` builds them) laid flat, and GEOS's point-in-area
/// test over them: `IndexedPointInAreaLocator` counts, over all segments
/// whose y-range holds the point, the crossings of a ray to its right
/// (`RayCrossingCounter`, GEOS 3.11), with GEOS's orientation filter. Where
/// that filter cannot decide in doubles, `locate` says so (nil) and the
/// caller asks GEOS, so the answer is GEOS's on every edge and vertex.
struct PlanarRings: Sendable {
    enum Location { case interior, boundary, exterior }
    /// Vertices; ring k is `starts[k]..<starts[k + 1]`, closed.
    private var x: [Double] = []
    private var y: [Double] = []
    private var starts: [Int] = [0]

    init(_ shape: Shape) {
        for p in shape.polygons where p.isBuildableByGEOS {
            add(p.exterior.closedRing)
            for h in p.holes where h.count >= Polygon.minimumHolePoints { add(h.closedRing) }
        }
    }

    private mutating func add(_ ring: [Coordinate]) {
        for c in ring { x.append(c.x); y.append(c.y) }
        starts.append(x.count)
    }

    func locate(_ px: Double, _ py: Double) -> Location? {
        var crossings = 0
        return x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for r in 0..<(starts.count - 1) {
                    for k in starts[r]..<(starts[r + 1] - 1) {
                        let x1 = x[k], y1 = y[k], x2 = x[k + 1], y2 = y[k + 1]
                        // The interval index visits segments whose y-range holds py.
                        if (y1 < py && y2 < py) || (y1 > py && y2 > py) { continue }
                        // RayCrossingCounter::countSegment, in its order.
                        if x1 < px && x2 < px { continue }
                        if px == x2 && py == y2 { return .boundary }
                        if y1 == py && y2 == py {
                            if min(x1, x2) <= px && px <= max(x1, x2) { return .boundary }
                            continue
                        }
                        if (y1 > py && y2 <= py) || (y2 > py && y1 <= py) {
                            guard var orient = Self.orientation(x1, y1, x2, y2, px, py) else { return nil }
                            if orient == 0 { return .boundary }
                            if y2 < y1 { orient = -orient }
                            if orient > 0 { crossings += 1 }
                        }
                    }
                }
                return crossings % 2 == 1 ? .interior : .exterior
            }
        }
    }

    /// Which side of a→b q is on (1 left, -1 right, 0 on the line), or nil
    /// when doubles cannot tell: GEOS's `orientationIndexFilter` (Shewchuk's
    /// error bound), whose decided answers are exact.
    @inline(__always)
    static func orientation(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ qx: Double, _ qy: Double) -> Int? {
        let detLeft = (ax - qx) * (by - qy)
        let detRight = (ay - qy) * (bx - qx)
        let det = detLeft - detRight
        func sign(_ d: Double) -> Int { d > 0 ? 1 : (d < 0 ? -1 : 0) }
        let detSum: Double
        if detLeft > 0 {
            if detRight <= 0 { return sign(det) }
            detSum = detLeft + detRight
        } else if detLeft < 0 {
            if detRight >= 0 { return sign(det) }
            detSum = -detLeft - detRight
        } else {
            return sign(det)
        }
        let bound = 1e-15 * detSum
        if det >= bound || -det >= bound { return sign(det) }
        return nil
    }
}
