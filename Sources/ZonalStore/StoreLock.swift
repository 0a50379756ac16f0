import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a store, written into the lock file so a second run can say so.
public struct LockHolder: Sendable, CustomStringConvertible {
    public var text: String
    public var description: String { text }
}

/// An exclusive advisory lock (flock) on `<store>.lock`, so two runs on one
/// store never interleave. The kernel drops it if the process dies, so a
/// killed run never leaves a stale lock behind.
public final class StoreLock {
    private let fd: Int32
    public let path: String

    public enum Outcome { case acquired(StoreLock), busy(LockHolder) }

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Tries to take the lock, polling until `waitSeconds` have passed.
    public static func acquire(storePath: String, holder: String, waitSeconds: Double) throws -> Outcome {
        let path = storePath + ".lock"
        // Never follow a symlink: a link planted at the lock's name would
        // otherwise get its target truncated and overwritten.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            if errno == ELOOP {
                throw StoreError("the lock file \(path) is a symbolic link; Zonal will not write through it. Remove the link (it is not Zonal's)")
            }
            throw StoreError("cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw StoreError("the lock file \(path) is not a regular file; Zonal will not use it. Remove it or choose another store path")
        }
        let deadline = Date().addingTimeInterval(max(0, waitSeconds))
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                ftruncate(fd, 0)
                let bytes = Array(holder.utf8)
                _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes.count, 0) }
                return .acquired(StoreLock(fd: fd, path: path))
            }
            if Date() >= deadline {
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = pread(fd, &buf, buf.count, 0)
                close(fd)
                let text = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : "another zonal process"
                return .busy(LockHolder(text: text.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            usleep(100_000)
        }
    }
}
