import Foundation

/// The GEOS state of one thread: its context and the geometries it has built
/// from shared `PolygonLayer`s. This is the program's one GEOS cache: every
/// join, audit and lookup asks `GEOSWorkspace.current` instead of keeping a
/// context of its own, so a polygon is built and prepared at most once per
/// thread, and no context is ever used by two threads at once (GEOS's rule
/// for its `_r` API).
public final class GEOSWorkspace {
    public let context: GEOSContext
    /// Caches of the layers this thread used most recently, newest last.
    private var caches: [LayerCache] = []
    /// More layers than any run uses at once; older caches are dropped, so a
    /// long-lived thread never keeps the geometries of finished runs.
    static let maxLayers = 16

    /// Geometries built for one layer, found by the layer's id (not a weak
    /// reference: those would put every layer's retains on the slow path).
    final class LayerCache {
        let layerID: UInt64
        // One thread only ever uses a workspace, so Swift's run-time
        // exclusivity checks on these are pure cost on the join's hot path.
        @exclusivity(unchecked) var geometries: [Geometry?]
        @exclusivity(unchecked) var prepared: [PreparedGeometry?]
        init(_ layer: PolygonLayer) {
            layerID = layer.id
            geometries = Array(repeating: nil, count: layer.count)
            prepared = Array(repeating: nil, count: layer.count)
        }
    }

    init() { context = GEOSContext() }

    private static let threadKey = "zonal.geos.workspace"

    /// This thread's workspace, made on first use and freed when the thread ends.
    public static var current: GEOSWorkspace {
        let slot = Thread.current.threadDictionary
        if let w = slot[threadKey] as? GEOSWorkspace { return w }
        let w = GEOSWorkspace()
        slot[threadKey] = w
        return w
    }

    /// The generation of `LayerIDs.finished` this workspace last purged at.
    private var purgedAt = 0

    func cache(for layer: PolygonLayer) -> LayerCache {
        if let k = caches.lastIndex(where: { $0.layerID == layer.id }) {
            if k != caches.count - 1 { caches.append(caches.remove(at: k)) }
            return caches[caches.count - 1]
        }
        // A new layer: first drop the caches of layers that are gone, so the
        // polygons one step prepared do not stay in memory through the next.
        if let (generation, finished) = LayerIDs.finished(since: purgedAt) {
            caches.removeAll { finished.contains($0.layerID) }
            purgedAt = generation
        }
        if caches.count >= Self.maxLayers { caches.removeFirst() }
        let c = LayerCache(layer)
        caches.append(c)
        return c
    }
}
