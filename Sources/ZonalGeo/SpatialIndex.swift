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

/// A uniform grid over envelopes, for point queries: the point's cell lists
/// every envelope that reaches it, so a lookup is one division and a short
/// scan instead of an R-tree descent. A city day asks it three times per lock.
/// Cells are chosen by `floor`, which is monotonic, so an envelope that
/// holds a point is always listed in the point's cell, edges included.
public struct PointGrid: Sendable {
    private let minX, minY, cellW, cellH: Double
    private let nx, ny: Int
    /// Cell c's items are `items[cellStart[c]..<cellStart[c + 1]]`.
    private var cellStart: [Int32] = []
    private var items: [Int32] = []
    private let envelopes: [Envelope?]

    /// `envelopes[i]` nil: item i is empty and never found.
    public init(_ envelopes: [Envelope?]) {
        self.envelopes = envelopes
        let present = envelopes.compactMap { $0 }
        var env = present.first ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
        for e in present { env = env.union(e) }
        let w = max(env.maxX - env.minX, 1e-9), h = max(env.maxY - env.minY, 1e-9)
        // About two cells per envelope, square in degrees, at most 4M cells.
        let target = Double(min(max(2 * present.count, 1), 4 << 20))
        let cols = max(1, min(Int((target * w / h).squareRoot()), 1 << 12))
        let rows = max(1, min(Int(target / Double(cols)), 1 << 12))
        (minX, minY, nx, ny) = (env.minX, env.minY, cols, rows)
        cellW = w / Double(cols)
        cellH = h / Double(rows)
        var counts = [Int32](repeating: 0, count: cols * rows + 1)
        func cells(_ e: Envelope) -> (Int, Int, Int, Int) {
            (column(e.minX), column(e.maxX), row(e.minY), row(e.maxY))
        }
        for e in present {
            let (c0, c1, r0, r1) = cells(e)
            for r in r0...r1 { for c in c0...c1 { counts[r * cols + c + 1] += 1 } }
        }
        for k in 0..<(cols * rows) { counts[k + 1] += counts[k] }
        var next = counts
        items = [Int32](repeating: 0, count: Int(counts[cols * rows]))
        for (i, e) in envelopes.enumerated() {
            guard let e else { continue }
            let (c0, c1, r0, r1) = cells(e)
            for r in r0...r1 { for c in c0...c1 { items[Int(next[r * cols + c])] = Int32(i); next[r * cols + c] += 1 } }
        }
        cellStart = counts
    }

    @inline(__always) private func column(_ x: Double) -> Int { min(nx - 1, max(0, Int(((x - minX) / cellW).rounded(.down)))) }
    @inline(__always) private func row(_ y: Double) -> Int { min(ny - 1, max(0, Int(((y - minY) / cellH).rounded(.down)))) }

    /// Calls `visit` with every item whose envelope holds the point (edges included).
    @inline(__always)
    public func query(point p: Coordinate, _ visit: (Int) throws -> Void) rethrows {
        guard !envelopes.isEmpty, p.x.isFinite, p.y.isFinite else { return }
        let c = row(p.y) * nx + column(p.x)
        for k in Int(cellStart[c])..<Int(cellStart[c + 1]) {
            let i = Int(items[k])
            let e = envelopes[i].unsafelyUnwrapped
            if e.minX <= p.x && p.x <= e.maxX && e.minY <= p.y && p.y <= e.maxY { try visit(i) }
        }
    }
}
