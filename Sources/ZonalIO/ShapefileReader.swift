import CShapelib
import Foundation
import ZonalGeo

/// A DBF field as declared in the file header.
public struct ShapefileField: Sendable, Equatable {
    public var name: String
    public var type: Character   // C text, N/F number, L logical, D date
    public var width: Int
    public var decimals: Int
}

/// One Shapefile record: its 1-based record number, polygons, and text attributes.
public struct ShapefileFeature: Sendable {
    public var record: Int
    public var shape: Shape?
    public var attributes: [String: String]
}

/// Reads a polygon (or point) Shapefile with shapelib, deciding the DBF text
/// encoding the way Chinese data needs: `.cpg`, then the DBF language-driver
/// byte, then a trial decode (UTF-8 if the whole file is valid UTF-8, else GBK).
/// Owns the SHP and DBF handles and closes them in `deinit`.
public final class ShapefileReader {
    public let shpPath: String
    /// The name used in messages: the path as the user wrote it, plus the file name.
    public let displayName: String
    public let count: Int
    public let shapeTypeName: String
    public let fields: [ShapefileField]
    public let encoding: TextEncoding
    public let encodingDecidedBy: String
    /// Raw .prj text, nil when there is no .prj.
    public let prjText: String?
    public let prjPath: String?
    public let extent: Envelope?

    private lazy var decoder = FieldDecoder(encoding)
    private let shp: SHPHandle
    private let dbf: DBFHandle
    private let shapeType: Int32
    private let shpFileSize: UInt64

    /// `path` is the .shp file; `displayName` is how messages name it.
    public init(path: String, displayName: String? = nil) throws {
        let url = URL(fileURLWithPath: path)
        let base = url.deletingPathExtension()
        let name = displayName ?? url.lastPathComponent
        self.displayName = name
        shpPath = path
        func sibling(_ ext: String) -> String? { Self.findSibling(base: base, ext: ext) }
        guard let shpFile = sibling("shp") else { throw InputError(file: name, reason: "file not found") }
        // shapelib reads its three files through stdio: a pipe or device would hang it.
        for f in [shpFile] + [sibling("shx"), sibling("dbf")].compactMap({ $0 }) {
            try InputFile.checkRegular(f, shown: URL(fileURLWithPath: f).lastPathComponent == url.lastPathComponent ? name : f)
        }
        guard let shxFile = sibling("shx") else {
            throw InputError(file: name, reason: "the index file \(base.lastPathComponent).shx is missing; a Shapefile needs its .shp, .shx and .dbf together (re-export the layer, or rebuild the .shx with `ogr2ogr` / QGIS)")
        }
        guard let dbfFile = sibling("dbf") else {
            throw InputError(file: name, reason: "the attribute file \(base.lastPathComponent).dbf is missing; a Shapefile needs its .shp, .shx and .dbf together")
        }
        _ = shxFile
        shpFileSize = (try? FileManager.default.attributesOfItem(atPath: shpFile)[.size] as? UInt64) ?? 0

        var hooks = SAHooks()
        SASetupDefaultHooks(&hooks)
        hooks.Error = { _ in }   // Zonal writes its own messages; shapelib's go to stderr otherwise.
        guard let shp = SHPOpenLL(shpFile, "rb", &hooks) else {
            throw InputError(file: name, reason: "is not a readable Shapefile (the .shp or .shx header is damaged or truncated)")
        }
        guard let dbf = DBFOpenLL(dbfFile, "rb", &hooks) else {
            SHPClose(shp)
            throw InputError(file: name, reason: "\(base.lastPathComponent).dbf is not a readable dBASE file")
        }
        self.shp = shp
        self.dbf = dbf
        // A class whose init throws before every property is set gets no
        // deinit: close the two handles here on every failure below (the
        // fuzzer found the leak).
        var opened = true
        defer { if opened { SHPClose(shp); DBFClose(dbf) } }

        var n: Int32 = 0, type: Int32 = 0
        var minB = [Double](repeating: 0, count: 4), maxB = [Double](repeating: 0, count: 4)
        SHPGetInfo(shp, &n, &type, &minB, &maxB)
        shapeType = type
        shapeTypeName = Self.typeName(type)
        let dbfCount = Int(DBFGetRecordCount(dbf))
        guard dbfCount == Int(n) else {
            throw InputError(file: name, reason: "the .shp has \(n) features but the .dbf has \(dbfCount) rows; the files do not belong together")
        }
        count = Int(n)
        extent = n > 0 ? Envelope(minX: minB[0], minY: minB[1], maxX: maxB[0], maxY: maxB[1]) : nil

        var fs: [ShapefileField] = []
        for i in 0..<DBFGetFieldCount(dbf) {
            var fname = [CChar](repeating: 0, count: 12)
            var width: Int32 = 0, dec: Int32 = 0
            DBFGetFieldInfo(dbf, i, &fname, &width, &dec)
            let t = Character(UnicodeScalar(UInt8(bitPattern: DBFGetNativeFieldType(dbf, i))))
            fs.append(ShapefileField(name: String(decoding: fname.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), type: t, width: Int(width), decimals: Int(dec)))
        }
        fields = fs

        if let prj = sibling("prj") {
            prjPath = prj
            prjText = (try? Data(contentsOf: URL(fileURLWithPath: prj))).map { String(decoding: $0, as: UTF8.self) }
        } else {
            prjPath = nil
            prjText = nil
        }
        (encoding, encodingDecidedBy) = try Self.triageEncoding(dbfPath: dbfFile, cpgPath: sibling("cpg"), displayName: name)
        opened = false   // fully built: deinit closes them from now on
    }

    deinit {
        SHPClose(shp)
        DBFClose(dbf)
    }

    /// The .dbf as messages name it: attribute problems are in that file.
    public var dbfDisplayName: String { (displayName as NSString).deletingPathExtension + ".dbf" }

    /// Reads record `index` (0-based); the feature's `record` is 1-based.
    public func feature(_ index: Int) throws -> ShapefileFeature {
        let record = index + 1
        var attrs: [String: String] = [:]
        for (i, f) in fields.enumerated() {
            if DBFIsAttributeNULL(dbf, Int32(index), Int32(i)) != 0 { continue }
            guard let raw = DBFReadStringAttribute(dbf, Int32(index), Int32(i)) else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
            guard let text = decoder.decode(bytes) else {
                throw InputError(file: dbfDisplayName, line: record, field: f.name,
                                 reason: "the bytes \(Self.hex(bytes.prefix(12))) are not valid \(encoding.rawValue) text (encoding chosen by \(encodingDecidedBy)); fix the .cpg file to name the real encoding")
            }
            attrs[f.name.uppercased()] = text.trimmedSpace
        }
        guard let obj = SHPReadObject(shp, Int32(index)) else {
            throw InputError(file: displayName, line: record, field: "geometry",
                             reason: "the record cannot be read: the .shp file is truncated or damaged (it is \(shpFileSize) bytes long)")
        }
        defer { SHPDestroyObject(obj) }
        return ShapefileFeature(record: record, shape: try shape(of: obj, record: record), attributes: attrs)
    }

    private func shape(of obj: UnsafeMutablePointer<SHPObject>, record: Int) throws -> Shape? {
        let o = obj.pointee
        let nv = Int(o.nVertices)
        if o.nSHPType == SHPT_NULL || nv == 0 { return nil }
        let xs = UnsafeBufferPointer(start: o.padfX, count: nv)
        let ys = UnsafeBufferPointer(start: o.padfY, count: nv)
        switch o.nSHPType {
        case SHPT_POINT, SHPT_POINTZ, SHPT_POINTM:
            return .point(Coordinate(xs[0], ys[0]))
        case SHPT_POLYGON, SHPT_POLYGONZ, SHPT_POLYGONM:
            var rings: [[Coordinate]] = []
            let np = Int(o.nParts)
            for p in 0..<np {
                let start = Int(o.panPartStart[p])
                let end = p + 1 < np ? Int(o.panPartStart[p + 1]) : nv
                guard start < end, end <= nv else {
                    throw InputError(file: displayName, line: record, field: "geometry", reason: "part \(p + 1) has an invalid vertex range")
                }
                rings.append((start..<end).map { Coordinate(xs[$0], ys[$0]) })
            }
            return .multiPolygon(Self.assemble(rings))
        default:
            throw InputError(file: displayName, line: record, field: "geometry",
                             reason: "is a \(Self.typeName(o.nSHPType)) shape; a polygon layer is expected")
        }
    }

    /// Shapefile rings are exteriors when clockwise, holes when counter-clockwise.
    /// Each hole goes to the exterior that contains it; a hole with no home is
    /// kept as an exterior so nothing is silently dropped.
    static func assemble(_ rings: [[Coordinate]]) -> [Polygon] {
        var polys: [Polygon] = []
        var holes: [[Coordinate]] = []
        for r in rings {
            if r.signedDoubleArea <= 0 { polys.append(Polygon(exterior: r)) } else { holes.append(r) }
        }
        if polys.isEmpty { return holes.map { Polygon(exterior: $0) } }
        for h in holes {
            let probe = h[0]
            if let i = polys.firstIndex(where: { $0.exterior.contains(probe) }) {
                polys[i].holes.append(h)
            } else {
                polys.append(Polygon(exterior: h))
            }
        }
        return polys
    }

    // MARK: encoding triage

    static func triageEncoding(dbfPath: String, cpgPath: String?, displayName: String) throws -> (TextEncoding, String) {
        if let cpgPath, let data = FileManager.default.contents(atPath: cpgPath) {
            let declared = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if let enc = TextEncoding(codePageName: declared) {
                return (enc, ".cpg says \(declared)")
            }
            // An unknown .cpg is not trusted; fall through to the other evidence.
        }
        guard let handle = FileHandle(forReadingAtPath: dbfPath) else {
            throw InputError(file: displayName, reason: "cannot read the .dbf file")
        }
        defer { try? handle.close() }
        let data = handle.readDataToEndOfFile()
        if data.count > 29 {
            switch data[29] {
            case 0x4D, 0x7A: return (.gbk, String(format: "DBF language driver byte 0x%02X (code page 936, GBK)", data[29]))
            default: break
            }
        }
        // Trial decode of the record area (header excluded).
        let headerLength = data.count >= 10 ? Int(data[8]) | Int(data[9]) << 8 : 0
        let body = data.count > headerLength ? data[headerLength...] : Data()
        if TextEncoding.utf8.decode(body) != nil {
            return (.utf8, body.allSatisfy { $0 < 0x80 } ? "no .cpg or language driver; text is plain ASCII" : "no .cpg or language driver; text is valid UTF-8")
        }
        return (.gbk, "no .cpg or language driver; text is not valid UTF-8, so GBK")
    }

    static func findSibling(base: URL, ext: String) -> String? {
        let dir = base.deletingLastPathComponent()
        let stem = base.lastPathComponent
        let direct = base.appendingPathExtension(ext).path
        if FileManager.default.fileExists(atPath: direct) { return direct }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return nil }
        let want = (stem + "." + ext).lowercased()
        return names.first { $0.lowercased() == want }.map { dir.appendingPathComponent($0).path }
    }

    static func typeName(_ t: Int32) -> String {
        switch t {
        case SHPT_NULL: return "null"
        case SHPT_POINT, SHPT_POINTZ, SHPT_POINTM: return "Point"
        case SHPT_ARC, SHPT_ARCZ, SHPT_ARCM: return "LineString"
        case SHPT_POLYGON, SHPT_POLYGONZ, SHPT_POLYGONM: return "Polygon"
        case SHPT_MULTIPOINT, SHPT_MULTIPOINTZ, SHPT_MULTIPOINTM: return "MultiPoint"
        default: return "type \(t)"
        }
    }

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}
