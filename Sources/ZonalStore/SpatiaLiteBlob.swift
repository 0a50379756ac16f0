import ZonalGeo

/// SpatiaLite's internal geometry BLOB (the format its geometry columns
/// hold), written directly so bulk inserts skip `GeomFromWKB` and
/// `CastToMultiPolygon` — two parses per row. Layout: 0x00, endian 0x01,
/// SRID, MBR (4 doubles), 0x7C, class type, body, 0xFE; collection members
/// are each preceded by the entity marker 0x69.
enum SpatiaLiteBlob {
    static func encode(_ shape: Shape, srid: Int32) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        let env = shape.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
        out.append(0x00); out.append(0x01)
        i32(srid)
        f64(env.minX); f64(env.minY); f64(env.maxX); f64(env.maxY)
        out.append(0x7C)
        switch shape {
        case .point(let c):
            i32(1); f64(c.x); f64(c.y)
        case .multiPolygon(let polys):
            i32(6); i32(Int32(polys.count))
            for p in polys {
                out.append(0x69); i32(3); i32(Int32(p.rings.count))
                for r in p.rings {
                    let ring = r.closedRing
                    i32(Int32(ring.count))
                    for c in ring { f64(c.x); f64(c.y) }
                }
            }
        }
        out.append(0xFE)
        return out
    }
}
