import Foundation

/// Well-known binary (ISO, little-endian, 2D) for the shapes Zonal stores:
/// points and multipolygons. SpatiaLite's `GeomFromWKB` reads it and
/// `AsBinary` writes it, so this is how geometry crosses into the store.
public enum WKB {
    public enum DecodeError: Error, CustomStringConvertible, Sendable {
        case truncated, unsupportedType(UInt32)
        public var description: String {
            switch self {
            case .truncated: return "WKB ends early"
            case .unsupportedType(let t): return "WKB geometry type \(t) is not a point or polygon"
            }
        }
    }

    public static func encode(_ shape: Shape) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        switch shape {
        case .point(let c):
            out.append(1); u32(1); f64(c.x); f64(c.y)
        case .multiPolygon(let polys):
            out.append(1); u32(6); u32(UInt32(polys.count))
            for p in polys {
                out.append(1); u32(3); u32(UInt32(p.rings.count))
                for r in p.rings {
                    let ring = r.closedRing
                    u32(UInt32(ring.count))
                    for c in ring { f64(c.x); f64(c.y) }
                }
            }
        }
        return out
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Shape {
        var r = Reader(bytes: bytes)
        return try r.geometry()
    }

    public static func decode(_ data: [UInt8]) throws -> Shape {
        try data.withUnsafeBytes { try decode($0) }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var pos = 0
        var little = true

        mutating func byte() throws -> UInt8 {
            guard pos < bytes.count else { throw DecodeError.truncated }
            defer { pos += 1 }
            return bytes[pos]
        }
        mutating func u32() throws -> UInt32 {
            guard pos + 4 <= bytes.count else { throw DecodeError.truncated }
            var v: UInt32 = 0
            withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[pos..<pos + 4])) }
            pos += 4
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        mutating func f64() throws -> Double {
            guard pos + 8 <= bytes.count else { throw DecodeError.truncated }
            var v: UInt64 = 0
            withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[pos..<pos + 8])) }
            pos += 8
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }
        mutating func header() throws -> UInt32 {
            little = try byte() == 1
            return try u32() % 1000
        }
        mutating func ring() throws -> [Coordinate] {
            let n = Int(try u32())
            var ring: [Coordinate] = []
            ring.reserveCapacity(n)
            for _ in 0..<n { ring.append(Coordinate(try f64(), try f64())) }
            return ring
        }
        mutating func polygon() throws -> Polygon {
            let n = Int(try u32())
            var rings: [[Coordinate]] = []
            for _ in 0..<n { rings.append(try ring()) }
            guard let ext = rings.first else { return Polygon(exterior: []) }
            return Polygon(exterior: ext, holes: Array(rings.dropFirst()))
        }
        mutating func geometry() throws -> Shape {
            switch try header() {
            case 1: return .point(Coordinate(try f64(), try f64()))
            case 3: return .multiPolygon([try polygon()])
            case 6:
                let n = Int(try u32())
                var polys: [Polygon] = []
                for _ in 0..<n {
                    let t = try header()
                    guard t == 3 else { throw DecodeError.unsupportedType(t) }
                    polys.append(try polygon())
                }
                return .multiPolygon(polys)
            case let t: throw DecodeError.unsupportedType(t)
            }
        }
    }
}
