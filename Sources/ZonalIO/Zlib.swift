import CGzip
import Foundation

/// Whole-buffer compression with zlib, for what the store keeps compact (a
/// run's report snapshot in the ledger). The original length is stored in
/// front, so decompression needs no guess.
public enum Zlib {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public static func compress(_ input: [UInt8], level: Int32 = 1) throws -> [UInt8] {
        var size = compressBound(uLong(input.count))
        var out = [UInt8](repeating: 0, count: Int(size) + 8)
        withUnsafeBytes(of: UInt64(input.count).littleEndian) { for (i, b) in $0.enumerated() { out[i] = b } }
        let rc = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in compress2(o.baseAddress! + 8, &size, i.baseAddress, uLong(input.count), level) }
        }
        guard rc == Z_OK else { throw Failure(description: "zlib compress2 failed (\(rc))") }
        return Array(out[0..<(Int(size) + 8)])
    }

    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        guard input.count >= 8 else { throw Failure(description: "compressed data is shorter than its header") }
        let length = input[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length < 1 << 34 else { throw Failure(description: "compressed data claims \(length) bytes") }
        var size = uLong(length)
        var out = [UInt8](repeating: 0, count: Int(length))
        let rc = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &size, i.baseAddress! + 8, uLong(input.count - 8)) }
        }
        guard rc == Z_OK, size == length else { throw Failure(description: "zlib uncompress failed (\(rc)); the data is damaged") }
        return out
    }
}
