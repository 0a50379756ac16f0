/// A static, packed R-tree (Sort-Tile-Recursive) over envelopes. Built once,
/// then queried from any number of threads: it holds only plain values, so
/// unlike a GEOS STRtree it needs no context and no callbacks.
public struct SpatialIndex: Sendable {
    private struct Node: Sendable {
        var env: Envelope
        var start: Int32    // children range in `nodes` (inner) or `items` (leaf)
        var count: Int32
        var leaf: Bool
    }

    private var nodes: [Node] = []
    private var items: [Int32] = []      // item ids, in leaf order
    private var itemEnvs: [Envelope] = []
    private var root: Int = -1
    public let count: Int

    public init(_ envelopes: [Envelope], nodeCapacity: Int = 16) {
        count = envelopes.count
        guard !envelopes.isEmpty else { return }
        // Leaves: STR sort by x-centre into slices, then by y-centre within each.
        var order = Array(0..<envelopes.count)
        func cx(_ e: Envelope) -> Double { e.minX + e.maxX }
        func cy(_ e: Envelope) -> Double { e.minY + e.maxY }
        order.sort { cx(envelopes[$0]) < cx(envelopes[$1]) }
        let leafCount = (envelopes.count + nodeCapacity - 1) / nodeCapacity
        let slices = Int(Double(leafCount).squareRoot().rounded(.up))
        let perSlice = slices * nodeCapacity
        var sorted: [Int] = []
        sorted.reserveCapacity(order.count)
        var s = 0
        while s < order.count {
            let e = min(s + perSlice, order.count)
            sorted += order[s..<e].sorted { cy(envelopes[$0]) < cy(envelopes[$1]) }
            s = e
        }
        items = sorted.map { Int32($0) }
        itemEnvs = sorted.map { envelopes[$0] }
        var level: [Int] = []
        var i = 0
        while i < items.count {
            let e = min(i + nodeCapacity, items.count)
            var env = itemEnvs[i]
            for k in i..<e { env = env.union(itemEnvs[k]) }
            nodes.append(Node(env: env, start: Int32(i), count: Int32(e - i), leaf: true))
            level.append(nodes.count - 1)
            i = e
        }
        // Upper levels: nodes of one level are contiguous, so a parent is a range.
        while level.count > 1 {
            var next: [Int] = []
            var j = 0
            while j < level.count {
                let e = min(j + nodeCapacity, level.count)
                var env = nodes[level[j]].env
                for k in j..<e { env = env.union(nodes[level[k]].env) }
                nodes.append(Node(env: env, start: Int32(level[j]), count: Int32(e - j), leaf: false))
                next.append(nodes.count - 1)
                j = e
            }
            level = next
        }
        root = level[0]
    }

    /// Calls `visit` with the id of every item whose envelope intersects `env`.
    public func query(_ env: Envelope, _ visit: (Int) throws -> Void) rethrows {
        guard root >= 0 else { return }
        var stack = [root]
        while let n = stack.popLast() {
            let node = nodes[n]
            guard intersects(node.env, env) else { continue }
            let lo = Int(node.start), hi = lo + Int(node.count)
            if node.leaf {
                for k in lo..<hi where intersects(itemEnvs[k], env) { try visit(Int(items[k])) }
            } else {
                stack.append(contentsOf: lo..<hi)
            }
        }
    }

    public func query(point c: Coordinate, _ visit: (Int) throws -> Void) rethrows {
        try query(Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y), visit)
    }

    @inline(__always)
    private func intersects(_ a: Envelope, _ b: Envelope) -> Bool {
        a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY
    }
}
