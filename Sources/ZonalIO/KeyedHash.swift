import CCrypto
import Foundation

/// HMAC-SHA256 (RFC 2104) of short personal values under a secret key: what
/// lets a store count vehicles by plate without holding the plate. Without
/// the key the hash cannot be brute-forced back (a plate has only ~10⁸ values,
/// so a plain SHA-256 could be).
public struct KeyedHash: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// The hash of `text`'s UTF-8 bytes, as lowercase hex (64 digits).
    public func hex(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { b in
            key.withUnsafeBufferPointer { k in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), b.baseAddress, b.count, &digest, &length)
            }
        }
        return Hex.encode(digest[..<Int(length)])
    }

    /// `count` bytes from the operating system's random source (OpenSSL's
    /// generator, seeded from getrandom); nil if it cannot be read.
    public static func randomBytes(_ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        return RAND_bytes(&out, Int32(count)) == 1 ? out : nil
    }
}

/// Lowercase hexadecimal.
public enum Hex {
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of a hex string (either case); nil when it is not hex of whole bytes.
    public static func decode(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = v(u[i]), let lo = v(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
