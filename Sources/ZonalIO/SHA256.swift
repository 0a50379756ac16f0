import CCrypto
import Foundation

/// SHA-256 (FIPS 180-4) for input checksums in summary.json; streaming, so a
/// 2 GB event file is hashed in 1 MiB chunks. The rounds are OpenSSL's
/// (libcrypto uses the CPU's SHA instructions: ~1.7 GB/s here, against
/// ~130 MB/s for a plain Swift loop, which was a tenth of a province day's run).
public struct SHA256: ~Copyable {
    private let context: OpaquePointer

    public init() {
        // Only fails when out of memory.
        context = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
        let contiguous: Void? = data.withContiguousStorageIfAvailable { b in
            if let base = b.baseAddress { EVP_DigestUpdate(context, base, b.count) }
        }
        if contiguous == nil {
            let copy = Array(data)
            copy.withUnsafeBufferPointer { b in if let base = b.baseAddress { EVP_DigestUpdate(context, base, b.count) } }
        }
    }

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { b in if let base = b.baseAddress { EVP_DigestUpdate(context, base, b.count) } }
    }

    /// The lowercase hex digest; the hasher is finished after this.
    public consuming func finalize() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return Hex.encode(digest)
    }

    /// Hex digest of a file, read in 1 MiB chunks.
    public static func file(_ path: String) -> String? {
        guard let fh = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? fh.close() }
        var s = SHA256()
        while let chunk = try? fh.read(upToCount: 1 << 20), !chunk.isEmpty { s.update(chunk) }
        return s.finalize()
    }
}
