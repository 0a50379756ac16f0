#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ZonalIO

/// A secret key kept in a file beside the store, never inside it: whoever
/// copies the store alone cannot undo the keyed hashes in it (seed 001
/// §7.13: plates are personal data). Made on first use — 32 random bytes as
/// 64 hex digits, created exclusively (`O_EXCL`, `O_NOFOLLOW`) with mode 0600
/// — and refused later when it is a symlink, not a regular file, readable by
/// group or others, or not 64 hex digits: a key that others could read
/// protects nothing, and a file Zonal did not make is not overwritten.
public struct SecretKeyFile: Sendable {
    public let path: String

    /// The key file for a store: `<store>.<purpose>.key`.
    public init(store: URL, purpose: String) { path = store.path + ".\(purpose).key" }

    /// The key file of a job's store: beside a SpatiaLite file; for a server
    /// store, beside the job file, named after the server's schema
    /// (`zonal-<schema>.<purpose>.key`): the key must never go into the
    /// database it protects. Analysts sharing one schema share this file.
    public init(job: Job, purpose: String) {
        switch job.store {
        case .file(let p): self.init(store: URL(fileURLWithPath: p), purpose: purpose)
        case .postgres(let t):
            self.init(store: job.file.deletingLastPathComponent().appendingPathComponent("zonal-\(t.schema)"), purpose: purpose)
        }
    }

    /// The key, made now if the file does not exist.
    public func key() throws -> [UInt8] {
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw failure("cannot be examined (\(String(cString: strerror(errno))))") }
            return try create()
        }
        return try read()
    }

    private func failure(_ why: String) -> InputError {
        InputError(file: path, reason: why)
    }

    private func create() throws -> [UInt8] {
        guard let key = KeyedHash.randomBytes(32) else { throw failure("cannot be made: the system gave no random bytes") }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 {
            // Another run made it between the check and now: use theirs.
            if errno == EEXIST { return try read() }
            throw failure("cannot be created (\(String(cString: strerror(errno)))); the keyed hashes of plates need it beside the store")
        }
        defer { close(fd) }
        let text = Array((Hex.encode(key) + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(fd) == 0 else {
            unlink(path)
            throw failure("cannot be written (\(String(cString: strerror(errno))))")
        }
        return key
    }

    private func read() throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP { throw failure("is a symbolic link; a secret key must be a plain file beside the store") }
            throw failure("cannot be read (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw failure("is not a regular file; a secret key must be a plain file beside the store")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw failure("may be read by others (mode \(String(st.st_mode & 0o777, radix: 8))); run chmod 600 on it, or delete it and the store to start over")
        }
        var buffer = [UInt8](repeating: 0, count: 128)
        let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        let text = String(decoding: buffer[..<max(0, got)], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count == 64, let key = Hex.decode(text) else {
            throw failure("is not a Zonal key (64 hex digits); it was not made by Zonal, so it is left as it is — choose another store path")
        }
        return key
    }
}
