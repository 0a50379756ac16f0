import Foundation
import CPROJ

/// A coordinate reference system problem the user can fix (bad or unknown .prj).
public struct CRSError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// What Zonal decided about a dataset's CRS, and how.
public struct CRSInfo: Sendable, Equatable {
    /// EPSG code when PROJ identified one (4490 for CGCS2000 geographic).
    public var epsg: Int?
    /// The CRS's own name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 117E".
    public var name: String
    /// How it was decided, for `zonal inspect` and summary.json.
    public var decidedBy: String
    public var isCGCS2000Geographic: Bool { epsg == 4490 }
    public var label: String { epsg.map { "EPSG:\($0) \(name)" } ?? name }
}

/// Owns one PROJ context. One per thread, like GEOS contexts.
public final class ProjContext {
    let handle: OpaquePointer
    public init() {
        handle = proj_context_create()
        proj_log_level(handle, PJ_LOG_NONE)
    }
    deinit { proj_context_destroy(handle) }

    fileprivate func lastError() -> String {
        let errno = proj_context_errno(handle)
        guard errno != 0, let s = proj_context_errno_string(handle, errno) else { return "unknown PROJ error" }
        return String(cString: s)
    }
}

/// An owned PROJ object (a CRS or a transformation).
final class ProjObject {
    let context: ProjContext
    let pj: OpaquePointer
    init(_ context: ProjContext, _ pj: OpaquePointer) { self.context = context; self.pj = pj }
    deinit { proj_destroy(pj) }
}

public enum CRSCatalog {
    /// CGCS2000 geographic as Esri-style WKT, what Zonal writes into every .prj.
    public static let cgcs2000PrjWKT =
        #"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]]"#

    /// Identifies a CRS from .prj text (OGC or Esri WKT). PROJ parses both
    /// dialects; identification asks PROJ for the best EPSG match.
    public static func identify(prj text: String, context: ProjContext = ProjContext()) throws -> CRSInfo {
        let crs = try parse(text, context: context)
        return describe(crs, source: ".prj")
    }

    static func parse(_ text: String, context: ProjContext) throws -> ProjObject {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CRSError(message: "the .prj file is empty") }
        guard let pj = proj_create(context.handle, trimmed) else {
            throw CRSError(message: "PROJ cannot read the .prj text (\(context.lastError())): \(trimmed.prefix(80))")
        }
        let obj = ProjObject(context, pj)
        let type = proj_get_type(pj)
        let crsTypes: Set<UInt32> = [PJ_TYPE_GEOGRAPHIC_2D_CRS.rawValue, PJ_TYPE_GEOGRAPHIC_3D_CRS.rawValue,
                                     PJ_TYPE_PROJECTED_CRS.rawValue, PJ_TYPE_GEODETIC_CRS.rawValue, PJ_TYPE_BOUND_CRS.rawValue,
                                     PJ_TYPE_COMPOUND_CRS.rawValue]
        guard crsTypes.contains(type.rawValue) else { throw CRSError(message: "the .prj text is not a coordinate reference system") }
        return obj
    }

    static func describe(_ crs: ProjObject, source: String) -> CRSInfo {
        let name = proj_get_name(crs.pj).map { String(cString: $0) } ?? "unnamed CRS"
        // An EPSG code written in the file itself wins.
        if let auth = proj_get_id_auth_name(crs.pj, 0), String(cString: auth) == "EPSG",
           let code = proj_get_id_code(crs.pj, 0), let n = Int(String(cString: code)) {
            return CRSInfo(epsg: n, name: name, decidedBy: "\(source) names EPSG:\(n)")
        }
        var confidence: UnsafeMutablePointer<Int32>?
        guard let list = proj_identify(crs.context.handle, crs.pj, "EPSG", nil, &confidence) else {
            return CRSInfo(epsg: nil, name: name, decidedBy: "\(source) WKT, no EPSG match")
        }
        defer {
            proj_list_destroy(list)
            if let confidence { proj_int_list_destroy(confidence) }
        }
        let n = proj_list_get_count(list)
        var best: (code: Int, conf: Int32)?
        for i in 0..<n {
            guard let conf = confidence?[Int(i)], conf >= 70,
                  let cand = proj_list_get(crs.context.handle, list, i) else { continue }
            defer { proj_destroy(cand) }
            if let c = proj_get_id_code(cand, 0), let code = Int(String(cString: c)),
               best == nil || conf > best!.conf {
                best = (code, conf)
            }
        }
        if let best {
            return CRSInfo(epsg: best.code, name: name, decidedBy: "\(source) WKT matched EPSG:\(best.code) (PROJ confidence \(best.conf)%)")
        }
        return CRSInfo(epsg: nil, name: name, decidedBy: "\(source) WKT, no EPSG match above 70% confidence")
    }
}

/// Transforms coordinates from a source CRS to CGCS2000 geographic lon/lat
/// (EPSG:4490, longitude first).
public final class TransformToCGCS2000 {
    private let transform: ProjObject
    public let source: CRSInfo

    /// `definition` is .prj WKT or an "EPSG:n" string.
    public init(definition: String, context: ProjContext = ProjContext()) throws {
        let src = try CRSCatalog.parse(definition, context: context)
        source = CRSCatalog.describe(src, source: definition.hasPrefix("EPSG:") ? "assume_crs" : ".prj")
        guard let dst = proj_create(context.handle, "EPSG:4490") else {
            throw CRSError(message: "PROJ has no EPSG:4490 (\(context.lastError())); is proj-data installed?")
        }
        let dstObj = ProjObject(context, dst)
        guard let op = proj_create_crs_to_crs_from_pj(context.handle, src.pj, dstObj.pj, nil, nil) else {
            throw CRSError(message: "PROJ finds no way from \(source.label) to EPSG:4490 (\(context.lastError()))")
        }
        let opObj = ProjObject(context, op)
        guard let norm = proj_normalize_for_visualization(context.handle, opObj.pj) else {
            throw CRSError(message: "PROJ cannot normalise the axis order (\(context.lastError()))")
        }
        transform = ProjObject(context, norm)
    }

    public func callAsFunction(_ coords: [Coordinate]) throws -> [Coordinate] {
        guard !coords.isEmpty else { return coords }
        var xs = coords.map(\.x), ys = coords.map(\.y)
        let n = xs.count
        let stride = MemoryLayout<Double>.stride
        let done = proj_trans_generic(transform.pj, PJ_FWD, &xs, stride, n, &ys, stride, n, nil, 0, 0, nil, 0, 0)
        guard done == n, xs.allSatisfy(\.isFinite), ys.allSatisfy(\.isFinite) else {
            throw CRSError(message: "coordinates cannot be transformed from \(source.label) to EPSG:4490 (outside the CRS's area?)")
        }
        return (0..<n).map { Coordinate(xs[$0], ys[$0]) }
    }

    public func callAsFunction(_ polygons: [Polygon]) throws -> [Polygon] {
        try polygons.map { p in Polygon(exterior: try self(p.exterior), holes: try p.holes.map { try self($0) }) }
    }
}
