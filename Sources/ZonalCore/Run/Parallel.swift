import Foundation

/// Splits `0..<count` into one contiguous slice per core and runs `body` on
/// each slice concurrently; results come back in slice order. Each slice runs
/// on one thread, so a body may own thread-bound state (a GEOS context and
/// the geometries made in it) for its whole slice.
public enum Parallel {
    /// Throws the first error any slice threw (the other slices still finish).
    public static func slices<T>(_ count: Int, minimumPerSlice: Int = 2000, _ body: @Sendable (Range<Int>) throws -> [T]) throws -> [T] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, count / max(1, minimumPerSlice) + 1))
        if workers == 1 { return try body(0..<count) }
        let results = SliceResults<T>(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            results.set(w, Result { try body((count * w / workers)..<(count * (w + 1) / workers)) })
        }
        return try results.joined()
    }
}

private final class SliceResults<T>: @unchecked Sendable {
    private var parts: [Result<[T], any Error>]
    private let lock = NSLock()
    init(_ n: Int) { parts = Array(repeating: .success([]), count: n) }
    func set(_ i: Int, _ v: Result<[T], any Error>) { lock.lock(); parts[i] = v; lock.unlock() }
    func joined() throws -> [T] { try parts.flatMap { try $0.get() } }
}

/// Two-stage pipeline: `produce` runs on a background thread and hands chunks
/// to `consume`, which runs on the calling thread (the one that owns the
/// store connection). At most `depth` chunks wait in between, so memory stays
/// bounded while parsing and inserting proceed on separate cores.
public enum ChunkPipeline {
    public static func run<T, R>(depth: Int = 2,
                                 produce: @escaping @Sendable (_ emit: ([T]) throws -> Void) throws -> R,
                                 consume: ([T]) throws -> Void) throws -> R {
        let channel = Channel<T, R>(depth: depth)
        let thread = Thread {
            do {
                let r = try produce { chunk in try channel.put(chunk) }
                channel.finish(.success(r))
            } catch {
                channel.finish(.failure(error))
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        do {
            while let chunk = channel.take() { try consume(chunk) }
        } catch {
            channel.cancel()
            _ = channel.waitResult()
            throw error
        }
        return try channel.waitResult().get()
    }

    struct Cancelled: Error {}

    final class Channel<T, R>: @unchecked Sendable {
        private let cond = NSCondition()
        private var queue: [[T]] = []
        private var result: Result<R, any Error>?
        private var cancelled = false
        private let depth: Int
        init(depth: Int) { self.depth = depth }

        func put(_ chunk: [T]) throws {
            cond.lock(); defer { cond.unlock() }
            while queue.count >= depth && !cancelled { cond.wait() }
            if cancelled { throw Cancelled() }
            queue.append(chunk)
            cond.broadcast()
        }

        /// The next chunk, or nil when the producer has finished and the queue is empty.
        func take() -> [T]? {
            cond.lock(); defer { cond.unlock() }
            while queue.isEmpty && result == nil { cond.wait() }
            if queue.isEmpty { return nil }
            let c = queue.removeFirst()
            cond.broadcast()
            return c
        }

        func finish(_ r: Result<R, any Error>) {
            cond.lock(); result = r; cond.broadcast(); cond.unlock()
        }

        func cancel() {
            cond.lock(); cancelled = true; queue.removeAll(); cond.broadcast(); cond.unlock()
        }

        func waitResult() -> Result<R, any Error> {
            cond.lock(); defer { cond.unlock() }
            while result == nil { cond.wait() }
            return result!
        }
    }
}
