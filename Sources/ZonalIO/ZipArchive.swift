import CGzip
import Foundation

/// The parts of a zip file (an .xlsx workbook), read with bounds on
/// everything a damaged file could declare. ZIPFoundation, which this
/// replaces for reading, loops for ever on a deflate stream cut short
/// (found by fuzz/run.sh xlsx); here every part is inflated from exactly the
/// bytes its header gives, to exactly the size it declares, and checked
/// against its CRC-32. Stored (0) and deflated (8) parts; no ZIP64 (an
/// attribute table is never 4 GB), no encryption.
public struct ZipArchive {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        init(_ d: String) { description = d }
    }

    struct Part {
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeader: Int
    }

    /// The largest file and the largest part read: far beyond any attribute table.
    public static let maxBytes = 512 << 20

    private let bytes: [UInt8]
    private let parts: [String: Part]
    /// Part names in the order of the central directory.
    public let names: [String]

    public init(path: String) throws {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else { throw Failure("cannot be read") }
        guard size <= Self.maxBytes else { throw Failure("is \(size >> 20) MiB, more than a workbook of attribute tables can be") }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure("cannot be read") }
        try self.init(bytes: Array(data))
    }

    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) | UInt32(u16(i + 2)) << 16 }
        // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw Failure("is not a zip archive") }
        var end = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while i >= lowest {
            if u32(i) == 0x0605_4B50 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw Failure("is not a zip archive") }
        let count = Int(u16(end + 10)), directorySize = Int(u32(end + 12)), directoryAt = Int(u32(end + 16))
        guard directoryAt <= end, directorySize <= end - directoryAt else { throw Failure("has a central directory outside the file") }
        var parts: [String: Part] = [:], names: [String] = []
        var at = directoryAt
        for _ in 0..<count {
            guard at + 46 <= end, u32(at) == 0x0201_4B50 else { throw Failure("has a damaged central directory") }
            let nameLength = Int(u16(at + 28)), extraLength = Int(u16(at + 30)), commentLength = Int(u16(at + 32))
            guard at + 46 + nameLength <= end else { throw Failure("has a damaged central directory") }
            let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            let part = Part(method: u16(at + 10), flags: u16(at + 8), crc: u32(at + 16), compressedSize: Int(u32(at + 20)),
                            size: Int(u32(at + 24)), localHeader: Int(u32(at + 42)))
            if parts[name] == nil { names.append(name) }
            parts[name] = part
            at += 46 + nameLength + extraLength + commentLength
        }
        self.parts = parts
        self.names = names
    }

    /// A part's bytes, or nil when the archive has no such part.
    public func data(_ name: String) throws -> [UInt8]? {
        guard let p = parts[name] else { return nil }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        guard p.flags & 1 == 0 else { throw Failure("\(name) is encrypted") }
        guard p.size != 0xFFFF_FFFF, p.compressedSize != 0xFFFF_FFFF else { throw Failure("\(name) is a ZIP64 part, which a workbook of attribute tables never needs") }
        guard p.size <= Self.maxBytes else { throw Failure("\(name) declares \(p.size) bytes") }
        let h = p.localHeader
        guard h + 30 <= bytes.count, bytes[h] == 0x50, bytes[h + 1] == 0x4B, bytes[h + 2] == 3, bytes[h + 3] == 4 else {
            throw Failure("\(name) has no local header where the directory says")
        }
        let start = h + 30 + u16(h + 26) + u16(h + 28)
        guard start <= bytes.count, p.compressedSize <= bytes.count - start else { throw Failure("\(name) runs past the end of the file") }
        let raw = bytes[start..<(start + p.compressedSize)]
        let out: [UInt8]
        switch p.method {
        case 0:
            guard p.compressedSize == p.size else { throw Failure("\(name) is stored with two different sizes") }
            out = Array(raw)
        case 8:
            out = try Self.inflate(Array(raw), size: p.size, name: name)
        default:
            throw Failure("\(name) uses compression method \(p.method); only stored and deflated parts are read")
        }
        let crc = out.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == p.crc else { throw Failure("\(name) fails its CRC-32 check") }
        return out
    }

    /// Raw deflate of `input` to exactly `size` bytes.
    static func inflate(_ input: [UInt8], size: Int, name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: size + 1)   // one spare byte: more output than declared is damage
        var input = input
        let rc: Int32 = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return CGzip.inflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END, Int(stream.total_out) == size else { throw Failure("\(name) is damaged (its deflate data does not give its \(size) bytes)") }
        out.removeLast()
        return out
    }
}
