import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// The registry inputs of seed 001: communities, their boundaries, standard
/// addresses (B.7) and devices (B.6.1). Community files come from platforms
/// that export with Excel, so each is read as UTF-8 (with or without BOM) or
/// GBK, judged from the file as Shapefile text is.
enum CommunityTables {
    static let communityFields = [
        FieldSpec("ptzcm", .text), FieldSpec("xqmc", .text), FieldSpec("admin_code", .digits(6)),
        FieldSpec("lon", .number(min: -180, max: 180), required: false), FieldSpec("lat", .number(min: -90, max: 90), required: false),
    ]
    static let communities = TableSchema(name: "communities", columns: CSVTableLoader(communityFields).columns, geometry: .point)
    static let boundaries = TableSchema(name: "community_boundaries", columns: [TableColumn("ptzcm", .text), TableColumn("xqmc", .text)],
                                        geometry: .multiPolygon)

    /// B.7 standard addresses: every part is kept as written, even empty —
    /// address_audit is where missing parts are shown, so they are not rejects.
    static let addressFields = [
        FieldSpec("dzbm", .text, required: false), FieldSpec("xz", .text, required: false), FieldSpec("xqmc", .text, required: false),
        FieldSpec("ldphxlh", .text, required: false), FieldSpec("ldph", .text, required: false), FieldSpec("dyhxh", .text, required: false),
        FieldSpec("dyh", .text, required: false), FieldSpec("lch", .text, required: false), FieldSpec("fjhxh", .text, required: false),
        FieldSpec("fjh", .text, required: false), FieldSpec("djsj", .time, required: false), FieldSpec("ptzcm", .text, required: false),
    ]

    static func deviceFields(_ codes: CommunityCodes) -> [FieldSpec] {
        [FieldSpec("sbbm", .text), FieldSpec("sbmc", .text), FieldSpec("sblx", .code(codes.deviceType)),
         FieldSpec("zxzt", .code(codes.onlineState)), FieldSpec("syzt", .code(codes.useState)),
         FieldSpec("sbjd", .number(min: -180, max: 180), required: false), FieldSpec("sbwd", .number(min: -90, max: 90), required: false),
         FieldSpec("ptzcm", .text)]
    }
    /// A registry file's load: its rows kept and its rejects in line order.
    static func result(_ input: JobInput, _ outcome: CSVTableLoader.Outcome, kept: Int, replaced: Int) -> LoadResult {
        LoadResult(rows: kept, replacedRows: replaced,
                   files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows,
                                      rejects: outcome.rejects.count, encoding: outcome.encoding)],
                   rejects: outcome.rejects.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
    }

    static func devices(_ codes: CommunityCodes) -> TableSchema {
        TableSchema(name: "community_devices", columns: CSVTableLoader(deviceFields(codes)).columns, geometry: .point)
    }
}

/// `communities`: ptzcm (平台注册码), xqmc (小区名称), admin_code and an
/// optional point. A ptzcm listed twice is a reject (the first row stands).
struct CommunitiesLoader: DatasetLoader {
    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let loader = CSVTableLoader(CommunityTables.communityFields, encoding: .detect)
        var rows: [[SQLValue]] = []
        var outcome = try loader.load(path: input.url.path, shown: input.written, times: ctx.times, progress: ctx.progress) { rows += $0 }
        let lineAt = loader.position(of: "line"), codeAt = loader.position(of: "ptzcm")
        let lonAt = loader.position(of: "lon"), latAt = loader.position(of: "lat")
        var seen: [String: Int64] = [:]
        var kept = 0
        let (_, replaced) = try ctx.store.replaceRows(CommunityTables.communities) { ins in
            for r in rows {
                let code = r[codeAt].text ?? "", line = r[lineAt].int ?? 0
                if let first = seen[code] {
                    outcome.rejects.append(Reject(file: input.written, line: Int(line), field: "ptzcm",
                                                  reason: "community \(code) is also on line \(first); each community is listed once"))
                    continue
                }
                if (r[lonAt] == .null) != (r[latAt] == .null) {
                    outcome.rejects.append(Reject(file: input.written, line: Int(line), field: r[lonAt] == .null ? "lon" : "lat",
                                                  reason: "is empty while \(r[lonAt] == .null ? "lat" : "lon") is given; give both or neither"))
                    continue
                }
                seen[code] = line
                let point = r[lonAt].double.flatMap { lon in r[latAt].double.map { Shape.point(Coordinate(lon, $0)) } }
                try ins.insert(r, shape: point)
                kept += 1
            }
        }
        return CommunityTables.result(input, outcome, kept: kept, replaced: replaced)
    }
}

/// `community_boundaries`: optional polygons (GeoJSON or Shapefile) with a
/// `ptzcm` attribute, drawn on the map; a ptzcm not in `communities` is a reject.
struct CommunityBoundariesLoader: DatasetLoader {
    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let known = Dictionary(try CommunityRepository(store: ctx.store).communities().map { ($0.ptzcm, $0.xqmc) }, uniquingKeysWith: { a, _ in a })
        let (features, encoding, crs) = try PolygonFeatureFile.read(input)
        var rejects: [Reject] = []
        var kept = 0
        let (_, replaced) = try ctx.store.replaceRows(CommunityTables.boundaries) { ins in
            for f in features {
                let code = f.properties["ptzcm"] ?? ""
                guard let name = known[code] else {
                    rejects.append(Reject(file: input.written, line: f.line, field: "ptzcm",
                                          reason: code.isEmpty ? "is missing; each boundary names its community's ptzcm" : "'\(Quote.prefix(code))' is not a ptzcm of communities"))
                    continue
                }
                guard let s = f.shape, !s.polygons.isEmpty else {
                    rejects.append(Reject(file: input.written, line: f.line, field: "geometry", reason: "community \(code) has no polygon"))
                    continue
                }
                if let bad = s.firstVertexOffTheGlobe {
                    rejects.append(Reject(file: input.written, line: f.line, field: "geometry",
                                          reason: "community \(code) has a vertex at \(bad.x), \(bad.y), outside longitude ±180 / latitude ±90"))
                    continue
                }
                try ins.insert([.text(code), .text(name)], shape: s)
                kept += 1
            }
        }
        return LoadResult(rows: kept, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: features.count, rejects: rejects.count,
                                             encoding: encoding, crs: crs)],
                          rejects: rejects)
    }
}

/// `community_devices` (B.6.1): sblx by table C.16, zxzt by C.17, syzt by
/// C.3; the community must be in `communities`; a sbbm listed twice is a
/// reject (the first row stands); sbjd and sbwd come together or not at all.
struct DevicesLoader: DatasetLoader {
    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let codes = try CommunityCodes.load()
        let known = Set(try CommunityRepository(store: ctx.store).communities().map(\.ptzcm))
        let loader = CSVTableLoader(CommunityTables.deviceFields(codes), encoding: .detect)
        var rows: [[SQLValue]] = []
        var outcome = try loader.load(path: input.url.path, shown: input.written, times: ctx.times, progress: ctx.progress) { rows += $0 }
        let lineAt = loader.position(of: "line"), codeAt = loader.position(of: "sbbm"), communityAt = loader.position(of: "ptzcm")
        let lonAt = loader.position(of: "sbjd"), latAt = loader.position(of: "sbwd")
        var seen: [String: Int64] = [:]
        var kept = 0
        let (_, replaced) = try ctx.store.replaceRows(CommunityTables.devices(codes)) { ins in
            for r in rows {
                let code = r[codeAt].text ?? "", line = Int(r[lineAt].int ?? 0)
                func reject(_ field: String, _ why: String) { outcome.rejects.append(Reject(file: input.written, line: line, field: field, reason: why)) }
                guard known.contains(r[communityAt].text ?? "") else {
                    reject("ptzcm", "'\(Quote.prefix(r[communityAt].text ?? ""))' is not a ptzcm of communities"); continue
                }
                if (r[lonAt] == .null) != (r[latAt] == .null) {
                    reject(r[lonAt] == .null ? "sbjd" : "sbwd", "is empty while \(r[lonAt] == .null ? "sbwd" : "sbjd") is given; give both or neither"); continue
                }
                if let first = seen[code] { reject("sbbm", "device \(Quote.prefix(code)) is also on line \(first); each device is listed once"); continue }
                seen[code] = Int64(line)
                let point = r[lonAt].double.flatMap { lon in r[latAt].double.map { Shape.point(Coordinate(lon, $0)) } }
                try ins.insert(r, shape: point)
                kept += 1
            }
        }
        return CommunityTables.result(input, outcome, kept: kept, replaced: replaced)
    }
}
