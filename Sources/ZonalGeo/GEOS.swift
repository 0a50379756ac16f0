import CGEOS

/// A failure inside GEOS itself (not a finding about the data).
public struct GEOSError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let messages: [String]
    public var description: String {
        "GEOS \(operation) failed" + (messages.isEmpty ? "" : ": " + messages.joined(separator: "; "))
    }
}

/// One GEOS reentrant context. Not `Sendable`: GEOS forbids using a context
/// from two threads at once, so each thread gets its own through
/// `GEOSWorkspace.current`, and every `Geometry` keeps the context that made
/// it alive.
public final class GEOSContext {
    let handle: GEOSContextHandle_t
    /// Messages GEOS reported since the last `check`; the C callback only appends here.
    fileprivate var messages: [String] = []

    public init() {
        handle = GEOS_init_r()
        let me = Unmanaged.passUnretained(self).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let message, let userdata else { return }
            let ctx = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            ctx.messages.append(String(cString: message))
        }, me)
    }

    deinit { GEOS_finish_r(handle) }

    /// Maps GEOS's 0/1/2 predicate result to Bool, or throws with the stored messages.
    func check(_ result: CChar, _ op: String) throws -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw takeError(op)
        }
    }

    func takeError(_ op: String) -> GEOSError {
        defer { messages.removeAll() }
        return GEOSError(operation: op, messages: messages)
    }

    func owned(_ ptr: OpaquePointer?, _ op: String) throws -> Geometry {
        guard let ptr else { throw takeError(op) }
        return Geometry(context: self, handle: ptr)
    }

    // MARK: building geometries from shapes

    func makeRing(_ coords: [Coordinate]) throws -> OpaquePointer {
        let ring = coords.closedRing
        let seq = ring.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: Double.self, capacity: ring.count * 2) {
                GEOSCoordSeq_copyFromBuffer_r(handle, $0, UInt32(ring.count), 0, 0)
            }
        }
        guard let seq else { throw takeError("GEOSCoordSeq_copyFromBuffer_r") }
        guard let r = GEOSGeom_createLinearRing_r(handle, seq) else { throw takeError("GEOSGeom_createLinearRing_r") }
        return r
    }

    func makePolygon(_ p: Polygon) throws -> OpaquePointer {
        guard p.isBuildableByGEOS else {
            throw GEOSError(operation: "polygon", messages: ["a ring needs at least 4 points (3 distinct and the closing one), this one has \(p.exterior.openRing.count) distinct"])
        }
        let shell = try makeRing(p.exterior)
        var holes: [OpaquePointer?] = []
        do {
            for h in p.holes where h.count >= Polygon.minimumHolePoints { holes.append(try makeRing(h)) }
        } catch {
            GEOSGeom_destroy_r(handle, shell)
            for h in holes { GEOSGeom_destroy_r(handle, h) }
            throw error
        }
        let poly = holes.withUnsafeMutableBufferPointer {
            GEOSGeom_createPolygon_r(handle, shell, $0.baseAddress, UInt32($0.count))
        }
        guard let poly else { throw takeError("GEOSGeom_createPolygon_r") }
        return poly
    }

    /// Builds a GEOS geometry: a Polygon for a one-part shape, else a MultiPolygon.
    public func geometry(_ shape: Shape) throws -> Geometry {
        switch shape {
        case .point(let c):
            return try owned(GEOSGeom_createPointFromXY_r(handle, c.x, c.y), "GEOSGeom_createPointFromXY_r")
        case .multiPolygon(let polys):
            if polys.count == 1 { return try owned(try makePolygon(polys[0]), "polygon") }
            var parts: [OpaquePointer?] = []
            do {
                for p in polys { parts.append(try makePolygon(p)) }
            } catch {
                for g in parts { GEOSGeom_destroy_r(handle, g) }
                throw error
            }
            let multi = parts.withUnsafeMutableBufferPointer {
                GEOSGeom_createCollection_r(handle, Int32(GEOS_MULTIPOLYGON.rawValue), $0.baseAddress, UInt32($0.count))
            }
            return try owned(multi, "GEOSGeom_createCollection_r")
        }
    }

    public func point(_ c: Coordinate) throws -> Geometry { try geometry(.point(c)) }
}

/// An owned GEOS geometry. Its context is held strongly so it outlives the
/// geometry; never pass one to another thread.
public final class Geometry {
    let context: GEOSContext
    let handle: OpaquePointer

    init(context: GEOSContext, handle: OpaquePointer) {
        self.context = context
        self.handle = handle
    }

    deinit { GEOSGeom_destroy_r(context.handle, handle) }

    private var ctx: GEOSContextHandle_t { context.handle }

    /// Validity with GEOS's reason and the location of the problem.
    public func validity() throws -> (valid: Bool, reason: String?, location: Coordinate?) {
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        let r = GEOSisValidDetail_r(ctx, handle, 0, &reason, &location)
        if r == 2 { throw context.takeError("GEOSisValidDetail_r") }
        defer {
            if let reason { GEOSFree_r(ctx, reason) }
            if let location { GEOSGeom_destroy_r(ctx, location) }
        }
        if r == 1 { return (true, nil, nil) }
        var loc: Coordinate?
        if let location {
            var x = 0.0, y = 0.0
            if GEOSGeomGetX_r(ctx, location, &x) == 1, GEOSGeomGetY_r(ctx, location, &y) == 1 { loc = Coordinate(x, y) }
        }
        return (false, reason.map { String(cString: $0) }, loc)
    }

    public func isValid() throws -> Bool { try context.check(GEOSisValid_r(ctx, handle), "GEOSisValid_r") }

    public func covers(_ other: Geometry) throws -> Bool {
        try context.check(GEOSCovers_r(ctx, handle, other.handle), "GEOSCovers_r")
    }

    public func intersects(_ other: Geometry) throws -> Bool {
        try context.check(GEOSIntersects_r(ctx, handle, other.handle), "GEOSIntersects_r")
    }

    /// DE-9IM pattern match, e.g. "2********" for "interiors share an area".
    public func relate(_ other: Geometry, pattern: String) throws -> Bool {
        try context.check(GEOSRelatePattern_r(ctx, handle, other.handle, pattern), "GEOSRelatePattern_r")
    }

    public func intersection(_ other: Geometry) throws -> Geometry {
        try context.owned(GEOSIntersection_r(ctx, handle, other.handle), "GEOSIntersection_r")
    }

    /// Planar area in the coordinate units (degrees² for lon/lat); only used
    /// to tell "an area" from "nothing".
    public func planarArea() throws -> Double {
        var a = 0.0
        guard GEOSArea_r(ctx, handle, &a) == 1 else { throw context.takeError("GEOSArea_r") }
        return a
    }

    public func pointOnSurface() throws -> Coordinate {
        let p = try context.owned(GEOSPointOnSurface_r(ctx, handle), "GEOSPointOnSurface_r")
        return try p.firstCoordinate()
    }

    /// The part inside an axis-aligned rectangle (GEOS's fast rectangle clip).
    public func clipped(to e: Envelope) throws -> Geometry {
        try context.owned(GEOSClipByRect_r(ctx, handle, e.minX, e.minY, e.maxX, e.maxY), "GEOSClipByRect_r")
    }

    /// The centre and radius of the largest circle inside the polygon
    /// ("pole of inaccessibility"), found to within `tolerance`: where a
    /// label sits farthest from every edge.
    public func maximumInscribedCircle(tolerance: Double) throws -> (centre: Coordinate, radius: Double) {
        let line = try context.owned(GEOSMaximumInscribedCircle_r(ctx, handle, tolerance), "GEOSMaximumInscribedCircle_r")
        let c = try line.exteriorCoordinates()
        guard let a = c.first, let b = c.last else { throw GEOSError(operation: "GEOSMaximumInscribedCircle_r", messages: ["empty result"]) }
        return (a, ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot())
    }

    public func minimumRotatedRectangle() throws -> Geometry {
        try context.owned(GEOSMinimumRotatedRectangle_r(ctx, handle), "GEOSMinimumRotatedRectangle_r")
    }

    public func makeValid() throws -> Geometry {
        try context.owned(GEOSMakeValid_r(ctx, handle), "GEOSMakeValid_r")
    }

    public var isEmpty: Bool { GEOSisEmpty_r(ctx, handle) == 1 }

    /// A single polygon (not a multipolygon or a collection).
    public var isPolygon: Bool { GEOSGeomTypeId_r(ctx, handle) == Int32(GEOS_POLYGON.rawValue) }

    /// Coordinates of a point, or of the first vertex of anything else.
    public func firstCoordinate() throws -> Coordinate {
        let coords = try exteriorCoordinates()
        guard let c = coords.first else { throw GEOSError(operation: "coordinates", messages: ["empty geometry"]) }
        return c
    }

    /// Vertices of a point, line, ring or a polygon's exterior ring.
    public func exteriorCoordinates() throws -> [Coordinate] {
        var g: OpaquePointer = handle
        let type = GEOSGeomTypeId_r(ctx, handle)
        if type == Int32(GEOS_POLYGON.rawValue) {
            guard let ring = GEOSGetExteriorRing_r(ctx, handle) else { throw context.takeError("GEOSGetExteriorRing_r") }
            g = ring  // borrowed from the polygon, never freed here
        }
        guard let seq = GEOSGeom_getCoordSeq_r(ctx, g) else { throw context.takeError("GEOSGeom_getCoordSeq_r") }
        var n: UInt32 = 0
        GEOSCoordSeq_getSize_r(ctx, seq, &n)
        var buf = [Double](repeating: 0, count: Int(n) * 2)
        guard buf.withUnsafeMutableBufferPointer({ GEOSCoordSeq_copyToBuffer_r(ctx, seq, $0.baseAddress, 0, 0) }) == 1 else {
            throw context.takeError("GEOSCoordSeq_copyToBuffer_r")
        }
        return (0..<Int(n)).map { Coordinate(buf[2 * $0], buf[2 * $0 + 1]) }
    }

    public func envelope() throws -> Envelope {
        var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
        guard GEOSGeom_getXMin_r(ctx, handle, &minX) == 1, GEOSGeom_getYMin_r(ctx, handle, &minY) == 1,
              GEOSGeom_getXMax_r(ctx, handle, &maxX) == 1, GEOSGeom_getYMax_r(ctx, handle, &maxY) == 1
        else { throw context.takeError("GEOSGeom_getXMin_r") }
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    public func prepared() throws -> PreparedGeometry {
        guard let p = GEOSPrepare_r(ctx, handle) else { throw context.takeError("GEOSPrepare_r") }
        return PreparedGeometry(base: self, handle: p)
    }
}

/// A prepared geometry for repeated predicates against one polygon. Keeps its
/// base geometry alive, as GEOS requires.
public final class PreparedGeometry {
    public let base: Geometry
    let handle: OpaquePointer

    init(base: Geometry, handle: OpaquePointer) {
        self.base = base
        self.handle = handle
    }

    deinit { GEOSPreparedGeom_destroy_r(base.context.handle, handle) }

    public func covers(_ g: Geometry) throws -> Bool {
        try base.context.check(GEOSPreparedCovers_r(base.context.handle, handle, g.handle), "GEOSPreparedCovers_r")
    }

    public func intersects(_ g: Geometry) throws -> Bool {
        try base.context.check(GEOSPreparedIntersects_r(base.context.handle, handle, g.handle), "GEOSPreparedIntersects_r")
    }

    /// Point in polygon on planar x/y, boundary included (covers).
    public func coversXY(_ x: Double, _ y: Double) throws -> Bool {
        let p = try base.context.point(Coordinate(x, y))
        return try covers(p)
    }
}

extension Polygon {
    /// Holes with fewer points are skipped when a polygon is built (they enclose nothing).
    static let minimumHolePoints = 3

    /// Whether GEOS can make this polygon: every ring it builds, once closed,
    /// needs at least 4 points. Checked here so that "GEOS cannot build it" is
    /// a finding about the data, and any other GEOS failure an error.
    public var isBuildableByGEOS: Bool {
        guard exterior.count >= 3, exterior.closedRing.count >= 4 else { return false }
        return holes.allSatisfy { $0.count < Self.minimumHolePoints || $0.closedRing.count >= 4 }
    }
}

extension Shape {
    public var isBuildableByGEOS: Bool {
        switch self {
        case .point: return true
        case .multiPolygon(let polys): return polys.allSatisfy(\.isBuildableByGEOS)
        }
    }
}
