/// Plain geometry values that cross module and thread boundaries freely.
/// GEOS objects (`Geometry`) are built from these on the thread that needs them.

/// One position: x = longitude (or easting), y = latitude (or northing).
public struct Coordinate: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// A polygon: one exterior ring and any number of holes. Rings are closed
/// (first == last) when they come from a well-formed source; nothing here
/// requires it, because fence audits must be able to describe broken input.
public struct Polygon: Hashable, Sendable {
    public var exterior: [Coordinate]
    public var holes: [[Coordinate]]
    public init(exterior: [Coordinate], holes: [[Coordinate]] = []) {
        self.exterior = exterior
        self.holes = holes
    }
    public var rings: [[Coordinate]] { [exterior] + holes }
}

public enum Shape: Hashable, Sendable {
    case point(Coordinate)
    case multiPolygon([Polygon])

    public var polygons: [Polygon] {
        if case .multiPolygon(let p) = self { return p }
        return []
    }

    /// Bounding box as (minX, minY, maxX, maxY); nil for an empty shape.
    public var envelope: Envelope? {
        switch self {
        case .point(let c): return Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y)
        case .multiPolygon(let polys):
            var env: Envelope?
            for p in polys { for c in p.exterior { env = env?.including(c) ?? Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } }
            return env
        }
    }
}

public struct Envelope: Hashable, Sendable {
    public var minX, minY, maxX, maxY: Double
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }
    public func including(_ c: Coordinate) -> Envelope {
        Envelope(minX: min(minX, c.x), minY: min(minY, c.y), maxX: max(maxX, c.x), maxY: max(maxY, c.y))
    }
    public func union(_ o: Envelope) -> Envelope {
        Envelope(minX: min(minX, o.minX), minY: min(minY, o.minY), maxX: max(maxX, o.maxX), maxY: max(maxY, o.maxY))
    }
}

extension Array where Element == Coordinate {
    /// Twice the signed planar area (shoelace); negative for clockwise rings.
    public var signedDoubleArea: Double {
        guard count > 2 else { return 0 }
        var s = 0.0
        for i in 0..<(count - 1) { s += self[i].x * self[i + 1].y - self[i + 1].x * self[i].y }
        s += self[count - 1].x * self[0].y - self[0].x * self[count - 1].y
        return s
    }

    /// The ring without a repeated closing vertex.
    public var openRing: [Coordinate] {
        if count > 1, first == last { return Array(dropLast()) }
        return self
    }

    /// The ring with its closing vertex, as GEOS and WKB want it.
    public var closedRing: [Coordinate] {
        if let f = first, last != f { return self + [f] }
        return self
    }

    /// Planar point-in-ring by ray casting (boundary not special-cased); used
    /// only to assign Shapefile holes to their exterior rings.
    public func contains(_ p: Coordinate) -> Bool {
        var inside = false
        var j = count - 1
        for i in 0..<count {
            let a = self[i], b = self[j]
            if (a.y > p.y) != (b.y > p.y),
               p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }
}

extension Shape {
    /// The first vertex that is not a longitude/latitude on the globe (not
    /// finite, or beyond ±180° / ±90°), or nil. Checked on load, before any
    /// geodesic call: PROJ's geodesics have no answer there.
    public var firstVertexOffTheGlobe: Coordinate? {
        func off(_ c: Coordinate) -> Bool { !(c.x.isFinite && c.y.isFinite && abs(c.x) <= 180 && abs(c.y) <= 90) }
        switch self {
        case .point(let c): return off(c) ? c : nil
        case .multiPolygon(let polys):
            for p in polys { for r in p.rings { if let c = r.first(where: off) { return c } } }
            return nil
        }
    }
}
