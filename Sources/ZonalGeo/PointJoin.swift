import Foundation

/// Places points in polygon layers on every core: for each point and layer,
/// the covering polygon (smallest code wins), or with a tolerance the nearest
/// polygon within that many metres. Bike locks go to fences with it; venues,
/// devices and mines go to districts and community boundaries the same way.
public struct PointJoin: Sendable {
    public struct Target: Sendable {
        public let layer: PolygonLayer
        /// 0: covered only. > 0: a point outside every polygon also matches the
        /// nearest one within this many metres.
        public let toleranceM: Double
        public init(_ layer: PolygonLayer, toleranceM: Double = 0) { self.layer = layer; self.toleranceM = toleranceM }
    }

    public let targets: [Target]
    public init(_ targets: [Target]) { self.targets = targets }

    /// What one point matched in one layer.
    public struct Match: Sendable, Equatable {
        /// Position of the polygon in its layer, or nil.
        public var index: Int?
        /// Metres to the polygon when it matched by tolerance, not by covering.
        public var distanceM: Double?
        public static let none = Match(index: nil, distanceM: nil)
    }

    /// Matches of every point in every target layer, point-major.
    public struct Matches: Sendable {
        public let layers: Int
        var index: [Int32]
        var distance: [Double]
        public var count: Int { layers == 0 ? 0 : index.count / layers }
        public subscript(point: Int, layer: Int) -> Match {
            let k = point * layers + layer
            return Match(index: index[k] >= 0 ? Int(index[k]) : nil, distanceM: distance[k].isNaN ? nil : distance[k])
        }
    }

    /// Assigns every point; the points are split across the cores, each
    /// worker using its thread's GEOS workspace. A GEOS failure is thrown.
    public func assign(_ points: [Coordinate]) throws -> Matches {
        let layers = targets.count
        var index = [Int32](repeating: -1, count: points.count * layers)
        var distance = [Double](repeating: .nan, count: points.count * layers)
        let n = points.count
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, n / 256 + 1))
        let failure = FirstError()
        index.withUnsafeMutableBufferPointer { ib in
            distance.withUnsafeMutableBufferPointer { db in
                let out = (SharedBuffer(ib), SharedBuffer(db))
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let ws = GEOSWorkspace.current
                    let caches = targets.map { ws.cache(for: $0.layer) }
                    do {
                        for i in (n * w / workers)..<(n * (w + 1) / workers) {
                            var point: Geometry?
                            for (l, t) in targets.enumerated() {
                                let k = i * layers + l
                                if let hit = try t.layer.covering(points[i], ws, caches[l], point: &point) {
                                    out.0.buffer[k] = Int32(hit)
                                } else if t.toleranceM > 0, let near = t.layer.nearest(to: points[i], within: t.toleranceM) {
                                    out.0.buffer[k] = Int32(near.index)
                                    out.1.buffer[k] = near.metres
                                }
                            }
                        }
                    } catch {
                        failure.record(error)
                    }
                }
            }
        }
        try failure.rethrow()
        return Matches(layers: layers, index: index, distance: distance)
    }
}

/// Lets concurrent workers write disjoint slots of one buffer.
struct SharedBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}

/// The first error thrown by any of several workers.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func record(_ e: any Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    func rethrow() throws { lock.lock(); defer { lock.unlock() }; if let error { throw error } }
}
