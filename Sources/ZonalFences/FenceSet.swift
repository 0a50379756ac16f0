import ZonalCore
import ZonalGeo
import ZonalStore

/// The fences other domains need, read from the store: codes and polygons per
/// layer, as shared `PolygonLayer`s for the point join, and each parking
/// area's capacity and zone. Bike analytics join events and devices against these.
public struct FenceSet: Sendable {
    public struct Fence: Sendable {
        public var code: String
        public var name: String?
        public var shape: Shape
        public init(code: String, name: String?, shape: Shape) { self.code = code; self.name = name; self.shape = shape }
    }
    public let management: [Fence]
    public let parking: [Fence]
    public let noParking: [Fence]

    public init(management: [Fence] = [], parking: [Fence] = [], noParking: [Fence] = []) {
        self.management = management; self.parking = parking; self.noParking = noParking
    }

    /// One layer's fences as a polygon layer for the point join. Built on
    /// request (indexing 20,000 parking areas is not free) and then shared:
    /// every thread's GEOS workspace prepares each polygon at most once.
    public func layer(_ l: FenceLayer) -> PolygonLayer {
        let fences = l == .management ? management : (l == .parking ? parking : noParking)
        return PolygonLayer(name: l.rawValue, codes: fences.map(\.code), shapes: fences.map(\.shape))
    }

    public static func read(from store: Store) throws -> FenceSet {
        var m: [Fence] = [], p: [Fence] = [], n: [Fence] = []
        for f in try FenceRepository(store: store).features() {
            let fence = Fence(code: f.code, name: f.name, shape: f.shape)
            switch f.layer {
            case .management: m.append(fence)
            case .parking: p.append(fence)
            case .noParking: n.append(fence)
            }
        }
        return FenceSet(management: m, parking: p, noParking: n)
    }

    /// Capacity of every valid PARKING polygon (with its position in `parking`) and the MANAGEMENT zone that
    /// covers it (nil when none): the same figures `parking_capacity` reports.
    public func parkingCapacities() throws -> [(index: Int, code: String, zone: String?, cents: Int64, capacity: Int64)] {
        let geod = Geodesic.cgcs2000
        let zones = layer(.management)
        let parking = layer(.parking)
        return try Parallel.slices(parking.count) { range in
            let ws = GEOSWorkspace.current
            var out: [(index: Int, code: String, zone: String?, cents: Int64, capacity: Int64)] = []
            for k in range {
                // An invalid polygon has no capacity: fence_audit reports it (F004).
                // Each area is built once here, so it is not kept in the workspace.
                guard parking.buildable[k], let env = parking.shapes[k].envelope else { continue }
                let g = try ws.context.geometry(parking.shapes[k])
                guard try g.isValid() else { continue }
                let zone = try zones.covering(g, envelope: env, in: ws).map { zones.codes[$0] }
                let cents = ParkingCapacity.cents(ofArea: geod.area(parking.shapes[k].polygons))
                out.append((k, parking.codes[k], zone, cents, ParkingCapacity.capacity(cents: cents)))
            }
            return out
        }
    }
}
