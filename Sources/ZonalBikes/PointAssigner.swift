import Foundation
import ZonalCore
import ZonalFences
import ZonalGeo

/// The join engine: assigns points (bike locks, sniffers) to the fences that
/// cover them — boundary included (GEOS "covers"), on the EPSG:4490 lon/lat as
/// planar x/y, as CONTRACT §7 settles. Polygons sit in packed R-trees; each
/// worker thread owns a GEOS context and prepares the polygons it meets, so
/// both cores work on every chunk of points.
final class PointAssigner: @unchecked Sendable {
    struct Layer {
        var codes: [String]
        /// Each fence's position in code order, so "smallest code wins" compares integers.
        var rank: [Int32]
        var shapes: [Shape]
        var index: SpatialIndex
        init(_ fences: [FenceSet.Fence]) {
            codes = fences.map(\.code)
            var r = [Int32](repeating: 0, count: fences.count)
            for (pos, i) in fences.indices.sorted(by: { (fences[$0].code, $0) < (fences[$1].code, $1) }).enumerated() { r[i] = Int32(pos) }
            rank = r
            shapes = fences.map(\.shape)
            index = SpatialIndex(fences.map { $0.shape.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0) })
        }
    }

    /// One point's fences, as indexes into the layers (-1 = none).
    struct Assignment {
        var zone: Int32 = -1
        var parking: Int32 = -1
        var noParking: Int32 = -1
        /// Metres to the nearest parking area when the point counts by tolerance.
        var distance: Double?
        var inParking: Bool { parking >= 0 }
    }

    let zones: Layer
    let parking: Layer
    let noParking: Layer
    let toleranceM: Double
    private let workers: [Worker]

    init(fences: FenceSet, toleranceM: Double) {
        zones = Layer(fences.management)
        parking = Layer(fences.parking)
        noParking = Layer(fences.noParking)
        self.toleranceM = toleranceM
        workers = (0..<max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))).map { _ in Worker() }
    }

    /// GEOS state of one worker: used by one thread at a time, never shared.
    final class Worker {
        let geos = GEOSContext()
        var prepared: [[PreparedGeometry?]] = [[], [], []]
        var tried: [[Bool]] = [[], [], []]

        func prepared(_ layer: Int, _ i: Int, _ shapes: [Shape]) -> PreparedGeometry? {
            if tried[layer].isEmpty {
                tried[layer] = Array(repeating: false, count: shapes.count)
                prepared[layer] = Array(repeating: nil, count: shapes.count)
            }
            if !tried[layer][i] {
                tried[layer][i] = true
                prepared[layer][i] = try? geos.geometry(shapes[i]).prepared()
            }
            return prepared[layer][i]
        }
    }

    /// Assigns every point; points are split across the workers.
    func assign(_ points: [Coordinate]) -> [Assignment] {
        var result = [Assignment](repeating: Assignment(), count: points.count)
        let n = points.count
        let w = workers.count
        result.withUnsafeMutableBufferPointer { out in
            let base = UnsafeMutableBufferPointerBox(out)
            DispatchQueue.concurrentPerform(iterations: w) { k in
                let worker = workers[k]
                for i in (n * k / w)..<(n * (k + 1) / w) {
                    base.buffer[i] = assign(points[i], worker)
                }
            }
        }
        return result
    }

    private func assign(_ p: Coordinate, _ worker: Worker) -> Assignment {
        var a = Assignment()
        var point: Geometry?
        func covering(_ layer: Layer, _ id: Int) -> Int32 {
            var best = -1
            layer.index.query(point: p) { i in
                if best >= 0 && layer.rank[i] >= layer.rank[best] { return }
                if point == nil { point = try? worker.geos.point(p) }
                guard let g = point, let prep = worker.prepared(id, i, layer.shapes), (try? prep.covers(g)) == true else { return }
                best = i
            }
            return Int32(best)
        }
        a.zone = covering(zones, 0)
        a.noParking = covering(noParking, 2)
        a.parking = covering(parking, 1)
        if a.parking < 0, toleranceM > 0 {
            if let (i, d) = nearestParking(p) { a.parking = Int32(i); a.distance = d }
        }
        return a
    }

    /// The nearest parking area within the tolerance, by the shortest distance
    /// on the ellipsoid to its boundary. Over a few metres the ellipsoid is
    /// flat to well under a millimetre, so distances are measured in the local
    /// tangent plane scaled by the CGCS2000 meridian (M) and prime-vertical (N)
    /// radii at the point's latitude.
    func nearestParking(_ p: Coordinate) -> (Int, Double)? {
        let (kx, ky) = Self.metresPerDegree(latitude: p.y)
        let dx = toleranceM / kx * 1.001, dy = toleranceM / ky * 1.001
        var best: (Int, Double)?
        parking.index.query(Envelope(minX: p.x - dx, minY: p.y - dy, maxX: p.x + dx, maxY: p.y + dy)) { i in
            let d = Self.distance(p, to: parking.shapes[i], kx: kx, ky: ky)
            if d <= toleranceM, best == nil || d < best!.1 || (d == best!.1 && parking.codes[i] < parking.codes[best!.0]) {
                best = (i, d)
            }
        }
        return best
    }

    static func metresPerDegree(latitude: Double) -> (Double, Double) {
        let a = 6378137.0, f = 1 / 298.257222101
        let e2 = f * (2 - f)
        let phi = latitude * .pi / 180
        let s = sin(phi)
        let w = (1 - e2 * s * s).squareRoot()
        let n = a / w, m = a * (1 - e2) / (w * w * w)
        return (n * cos(phi) * .pi / 180, m * .pi / 180)
    }

    static func distance(_ p: Coordinate, to shape: Shape, kx: Double, ky: Double) -> Double {
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

/// Lets concurrent workers write disjoint slots of one buffer.
struct UnsafeMutableBufferPointerBox<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}
