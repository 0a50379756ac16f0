import ZonalCore
import ZonalGeo
import ZonalStore

/// The fences other domains need, read from the store: codes and polygons per
/// layer, and each parking area's capacity and zone. Bike analytics join
/// events and devices against these.
public struct FenceSet: Sendable {
    public struct Fence: Sendable {
        public var code: String
        public var name: String?
        public var shape: Shape
        public init(code: String, name: String?, shape: Shape) { self.code = code; self.name = name; self.shape = shape }
    }
    public var management: [Fence] = []
    public var parking: [Fence] = []
    public var noParking: [Fence] = []

    public init(management: [Fence] = [], parking: [Fence] = [], noParking: [Fence] = []) {
        self.management = management; self.parking = parking; self.noParking = noParking
    }

    public static func read(from store: Store) throws -> FenceSet {
        var set = FenceSet()
        for f in try FenceRepository(store: store).features() {
            let fence = Fence(code: f.code, name: f.name, shape: f.shape)
            switch f.layer {
            case .management: set.management.append(fence)
            case .parking: set.parking.append(fence)
            case .noParking: set.noParking.append(fence)
            }
        }
        return set
    }

    /// Capacity of every valid PARKING polygon (with its position in `parking`) and the MANAGEMENT zone that
    /// covers it (nil when none): the same figures `parking_capacity` reports.
    public func parkingCapacities() -> [(index: Int, code: String, zone: String?, cents: Int64, capacity: Int64)] {
        let geod = Geodesic.cgcs2000
        let zoneIndex = SpatialIndex(management.map { $0.shape.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0) })
        let zones = management
        let parking = self.parking
        return Parallel.slices(parking.count) { range in
            let geos = GEOSContext()
            let zoneGeoms = zones.map { try? geos.geometry($0.shape).prepared() }
            var out: [(index: Int, code: String, zone: String?, cents: Int64, capacity: Int64)] = []
            for k in range {
                let f = parking[k]
                guard let g = try? geos.geometry(f.shape), (try? g.isValid()) == true, let env = f.shape.envelope else { continue }
                var zone: String?
                zoneIndex.query(env) { j in
                    if let z = zoneGeoms[j], (try? z.covers(g)) == true, zone == nil || zones[j].code < zone! { zone = zones[j].code }
                }
                let cents = ParkingCapacity.cents(ofArea: geod.area(f.shape.polygons))
                out.append((k, f.code, zone, cents, ParkingCapacity.capacity(cents: cents)))
            }
            return out
        }
    }
}
