import Foundation

/// Splits `0..<count` into one contiguous slice per core and runs `body` on
/// each slice concurrently; results come back in slice order. Each slice runs
/// on one thread, so a body may own thread-bound state (a GEOS context and
/// the geometries made in it) for its whole slice.
public enum Parallel {
    public static func slices<T>(_ count: Int, minimumPerSlice: Int = 2000, _ body: @Sendable (Range<Int>) -> [T]) -> [T] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, count / max(1, minimumPerSlice) + 1))
        if workers == 1 { return body(0..<count) }
        let results = SliceResults<T>(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            results.set(w, body((count * w / workers)..<(count * (w + 1) / workers)))
        }
        return results.joined()
    }
}

private final class SliceResults<T>: @unchecked Sendable {
    private var parts: [[T]]
    private let lock = NSLock()
    init(_ n: Int) { parts = Array(repeating: [], count: n) }
    func set(_ i: Int, _ v: [T]) { lock.lock(); parts[i] = v; lock.unlock() }
    func joined() -> [T] { parts.flatMap { $0 } }
}
