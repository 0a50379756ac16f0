import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a store, written into the lock file so a second run can say so.
public struct LockHolder: Sendable, CustomStringConvertible {
    public var text: String
    public var description: String { text }
}

/// The run lock, so two runs on one store never interleave: an exclusive
/// advisory lock (flock) on `<store>.lock` for a SpatiaLite file, a
/// PostgreSQL advisory lock held by a connection of its own for a server
/// store. The kernel, or the server, drops it if the process dies, so a
/// killed run never leaves a stale lock behind.
public final class StoreLock {
    private let fd: Int32
    private let server: PGConnection?
    public let path: String

    public enum Outcome { case acquired(StoreLock), busy(LockHolder) }

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path; server = nil }
    private init(server: PGConnection, path: String) { fd = -1; self.server = server; self.path = path }

    deinit {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
        }
        // Closing the lock's connection releases its advisory lock.
        server?.close()
    }

    public static func acquire(location: StoreLocation, holder: String, waitSeconds: Double) throws -> Outcome {
        switch location {
        case .file(let path): return try acquire(storePath: path, holder: holder, waitSeconds: waitSeconds)
        case .postgres(let target): return try acquire(server: target, holder: holder, waitSeconds: waitSeconds)
        }
    }

    /// The advisory lock's first key, "ZONL"; the second is the schema name's hash.
    static let serverLockKey: Int64 = 0x5A4F_4E4C

    /// Takes the schema's advisory lock on a connection named after the
    /// holder (`application_name`), so a waiting run can say who holds it.
    static func acquire(server target: PostgresTarget, holder: String, waitSeconds: Double) throws -> Outcome {
        let c = try PGConnection(conninfo: target.conninfo, shown: target.shown, applicationName: "zonal " + holder)
        let schema = SQLValue.text(target.schema)
        let deadline = Date().addingTimeInterval(max(0, waitSeconds))
        while true {
            if try c.scalar("SELECT pg_try_advisory_lock(\(serverLockKey)::int, hashtext(?))", [schema]).int == 1 {
                return .acquired(StoreLock(server: c, path: target.shown))
            }
            if Date() >= deadline {
                let who = try c.rows("""
                    SELECT a.application_name, a.pid, coalesce(a.client_addr::text, 'local'), to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS')
                    FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = \(serverLockKey)
                      AND l.objid::bigint = (hashtext(?)::bigint & 4294967295)
                    """, [schema]).first
                c.close()
                guard let who else { return .busy(LockHolder(text: "another zonal process")) }
                var name = who[0].text ?? ""
                if name.hasPrefix("zonal ") { name = String(name.dropFirst(6)) }
                let text = (name.isEmpty ? "another program" : name)
                    + " (server process \(who[1].int ?? 0) from \(who[2].text ?? "?"), connected \(who[3].text ?? "?"))"
                return .busy(LockHolder(text: text))
            }
            usleep(100_000)
        }
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
