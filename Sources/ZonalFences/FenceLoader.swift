import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// Loads a fence folder (seed 002 §5): MANAGEMENT / PARKING / NOPARKING
/// Shapefiles in any case, each with an optional Appendix A table
/// (`.xlsx` first sheet or `.csv`). Geometry is transformed to EPSG:4490.
public struct FenceLoader: DatasetLoader {
    public init() {}

    /// Where one layer comes from: its Shapefile and, beside it with the same
    /// name, an optional Appendix A table. Paths as written, for messages.
    struct LayerSource {
        var layer: FenceLayer
        var shp: URL
        var shpShown: String
        var table: (url: URL, shown: String)?
        /// `<shown path without .shp>.<ext>`, for messages about the .dbf and .prj.
        func sibling(_ ext: String) -> String { (shpShown as NSString).deletingPathExtension + "." + ext }
    }

    public func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let sources = try Self.sources(input)
        let ((files, rejects, warnings, total), replaced) = try ctx.store.replaceRows(
            [FenceTables.layers, FenceTables.features, FenceTables.attributes], where: "dataset = ?", [.text(input.key)]
        ) { inserters in
            try load(input, ctx, sources: sources, layerIns: inserters[0], featIns: inserters[1], attrIns: inserters[2])
        }
        return LoadResult(rows: total, replacedRows: replaced, files: files, rejects: rejects, warnings: warnings)
    }

    /// The layers of a fence folder (files named MANAGEMENT, PARKING,
    /// NOPARKING in any case), or of a mapping that names each layer's
    /// Shapefile (`fences: {management: zones.shp, parking: …, noparking: …}`).
    static func sources(_ input: JobInput) throws -> [LayerSource] {
        let written = input.written
        if !input.parts.isEmpty {
            return try input.parts.map { part in
                guard let layer = FenceLayer.allCases.first(where: { $0.rawValue.lowercased() == part.name.lowercased() }) else {
                    throw InputError(file: part.written, reason: "names layer '\(part.name)'; the fence layers are management, parking and noparking")
                }
                guard part.url.pathExtension.lowercased() == "shp" else {
                    throw InputError(file: part.written, reason: "is not a .shp file; each fence layer is a Shapefile (.shp with its .shx and .dbf)")
                }
                let dir = part.url.deletingLastPathComponent(), stem = part.url.deletingPathExtension().lastPathComponent
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                let table = ["xlsx", "csv"].lazy.compactMap { ext in
                    names.sorted().first { ($0 as NSString).deletingPathExtension == stem && ($0 as NSString).pathExtension.lowercased() == ext }
                }.first
                let shownDir = (part.written as NSString).deletingLastPathComponent
                return LayerSource(layer: layer, shp: part.url, shpShown: part.written,
                                   table: table.map { (dir.appendingPathComponent($0), shownDir.isEmpty ? $0 : "\(shownDir)/\($0)") })
            }.sorted { FenceLayer.allCases.firstIndex(of: $0.layer)! < FenceLayer.allCases.firstIndex(of: $1.layer)! }
        }
        let dir = input.url
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw InputError(file: written, reason: "is not a folder; the fences input is a folder holding MANAGEMENT.shp, PARKING.shp and NOPARKING.shp, or a mapping {management: …, parking: …, noparking: …} of Shapefiles")
        }
        func find(_ stem: String, _ ext: String) -> String? {
            names.sorted().first { ($0 as NSString).deletingPathExtension.uppercased() == stem && ($0 as NSString).pathExtension.lowercased() == ext }
        }
        let sources = FenceLayer.allCases.compactMap { layer -> LayerSource? in
            guard let shp = find(layer.rawValue, "shp") else { return nil }
            let table = find(layer.rawValue, "xlsx") ?? find(layer.rawValue, "csv")
            return LayerSource(layer: layer, shp: dir.appendingPathComponent(shp), shpShown: "\(written)/\(shp)",
                               table: table.map { (dir.appendingPathComponent($0), "\(written)/\($0)") })
        }
        guard !sources.isEmpty else {
            let shapefiles = names.filter { ($0 as NSString).pathExtension.lowercased() == "shp" }.sorted()
            throw InputError(file: written, reason: "holds none of MANAGEMENT.shp, PARKING.shp, NOPARKING.shp; "
                + (shapefiles.isEmpty ? "it has no Shapefile at all (\(names.count) other files)"
                                      : "it has \(shapefiles.joined(separator: ", ")). Name each layer's file in the job: fences: {management: \(shapefiles[0]), parking: …, noparking: …}"))
        }
        return sources
    }

    /// Reads each layer and its table into the three fence tables.
    private func load(_ input: JobInput, _ ctx: LoadContext, sources: [LayerSource],
                      layerIns: RowInserter, featIns: RowInserter, attrIns: RowInserter)
        throws -> (files: [LoadedFile], rejects: [Reject], warnings: [Warning], total: Int) {
        var files: [LoadedFile] = []
        var rejects: [Reject] = []
        var warnings: [Warning] = []
        var total = 0

        // Attribute tables are parsed on another core while the Shapefiles load.
        let prefetched = AttributeTables()
        for source in sources {
            if let t = source.table { prefetched.start(source.layer, url: t.url, shown: t.shown) }
        }
        defer { prefetched.wait() }
        for source in sources {
            let layer = source.layer
            let shown = source.shpShown
            let reader = try ShapefileReader(path: source.shp.path, displayName: shown)
            let dbfShown = source.sibling("dbf")
            guard reader.shapeTypeName == "Polygon" || reader.count == 0 else {
                throw InputError(file: shown, reason: "is a \(reader.shapeTypeName) layer; \(layer.rawValue) must be polygons")
            }
            guard reader.fields.contains(where: { $0.name.uppercased() == "CODE" }) else {
                throw InputError(file: dbfShown, field: "CODE",
                                 reason: "has no CODE field (编码); its fields are \(reader.fields.map(\.name).joined(separator: ", "))")
            }
            // CRS: .prj, else params.assume_crs, else stop (contract §7).
            let transform: TransformToCGCS2000
            var crsNote = ""
            if let prj = reader.prjText {
                do { transform = try TransformToCGCS2000(definition: prj) } catch {
                    throw InputError(file: source.sibling("prj"), reason: "\(error)")
                }
            } else if let assumed = ctx.params[RunParams.assumeCRS] {
                transform = try TransformToCGCS2000(definition: assumed)
                crsNote = " (assumed: no .prj, params.assume_crs)"
            } else {
                throw InputError(file: shown, reason: "has no .prj file, so its coordinate system is unknown; add the .prj, or set params.assume_crs (e.g. EPSG:4490) in the job")
            }
            let crs = transform.source
            let isNative = crs.isCGCS2000Geographic
            if !isNative {
                warnings.append(Warning(file: shown, reason: "coordinate system is \(crs.label), not CGCS2000 geographic (EPSG:4490); transformed with PROJ"))
            }
            ctx.progress.start("load \(layer.rawValue)", total: reader.count)
            var layerRejects = 0
            // Features go in 1,024 at a time, by multi-row INSERTs.
            var pending: [[SQLValue]] = [], shapes: [Shape?] = []
            func flush() throws {
                try featIns.insert(rows: pending, shapes: shapes)
                pending.removeAll(keepingCapacity: true); shapes.removeAll(keepingCapacity: true)
            }
            for i in 0..<reader.count {
                let f = try reader.feature(i)
                ctx.progress.advance()
                let code = f.attributes["CODE"] ?? ""
                if code.isEmpty {
                    rejects.append(Reject(file: dbfShown, line: f.record, field: "CODE", reason: "is empty; every fence needs its code (编码)"))
                    layerRejects += 1
                    continue
                }
                guard let shape = f.shape, !shape.polygons.isEmpty else {
                    rejects.append(Reject(file: shown, line: f.record, field: "geometry", reason: "feature \(code) has no polygon (null shape)"))
                    layerRejects += 1
                    continue
                }
                let polys = isNative ? shape.polygons : try transform(shape.polygons)
                if let bad = Shape.multiPolygon(polys).firstVertexOffTheGlobe {
                    rejects.append(Reject(file: shown, line: f.record, field: "geometry",
                                          reason: "feature \(Quote.prefix(code)) has a vertex at \(bad.x), \(bad.y)\(isNative ? "" : " (after transforming from \(crs.label))"), outside longitude ±180 / latitude ±90"))
                    layerRejects += 1
                    continue
                }
                pending.append([.text(input.key), .text(layer.rawValue), .integer(Int64(f.record)), .text(code),
                                f.attributes["NAME"].map { .text($0) } ?? .null,
                                f.attributes["COORDS"].map { .text($0) } ?? .null])
                shapes.append(.multiPolygon(polys))
                if pending.count == 1024 { try flush() }
                total += 1
            }
            try flush()
            ctx.progress.finish()
            files.append(LoadedFile(written: shown, url: source.shp, dataRows: reader.count, rejects: layerRejects,
                                    encoding: reader.encoding.rawValue, crs: crs.label + crsNote))

            // Appendix A attribute table.
            var attrShown: String?
            if let (url, tShown) = source.table {
                attrShown = tShown
                let (header, rows) = try prefetched.table(layer)
                var index: [String: Int] = [:]
                for (i, h) in header.enumerated() {
                    if let col = FenceTables.attributeHeaders[h.trimmedSpace], index[col] == nil { index[col] = i }
                }
                guard let codeCol = index["code"] else {
                    throw InputError(file: tShown, line: 1, field: "编码", reason: "the header has no 编码 column (Appendix A); it has \(header.joined(separator: " "))")
                }
                var tableRejects = 0
                var attributeRows: [[SQLValue]] = []
                for r in rows {
                    func v(_ col: String) -> SQLValue {
                        guard let i = index[col], i < r.values.count else { return .null }
                        let s = r.values[i].trimmedSpace
                        return s.isEmpty ? .null : .text(s)
                    }
                    if r.values.count != header.count {
                        rejects.append(Reject(file: tShown, line: r.line, field: nil,
                                              reason: "has \(r.values.count) fields but the header has \(header.count); check for stray commas or quotes"))
                        tableRejects += 1
                        continue
                    }
                    let code = codeCol < r.values.count ? r.values[codeCol].trimmedSpace : ""
                    if code.isEmpty {
                        rejects.append(Reject(file: tShown, line: r.line, field: "编码", reason: "is empty; each row must name its fence code"))
                        tableRejects += 1
                        continue
                    }
                    attributeRows.append([.text(input.key), .text(layer.rawValue), .text(tShown), .integer(Int64(r.line)), .text(code),
                                          v("name"), v("area"), v("capacity"), v("position"), v("land_use"), v("nature"),
                                          v("reason"), v("management_code")])
                }
                try attrIns.insert(rows: attributeRows)
                files.append(LoadedFile(written: tShown, url: url, dataRows: rows.count, rejects: tableRejects, encoding: "UTF-8"))
            }
            try layerIns.insert([.text(input.key), .text(layer.rawValue), .text(shown), .integer(Int64(reader.count)),
                                 .text(reader.encoding.rawValue), .text(reader.encodingDecidedBy), .text(crs.label),
                                 crs.epsg.map { .integer(Int64($0)) } ?? .null, .text(crsNote.isEmpty ? crs.decidedBy : "params.assume_crs (the layer has no .prj)"),
                                 .integer(isNative ? 0 : 1), attrShown.map { .text($0) } ?? .null])
        }
        return (files, rejects, warnings, total)
    }
}

/// Appendix A tables read in the background: header and rows, or the error.
final class AttributeTables: @unchecked Sendable {
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var results: [FenceLayer: Result<([String], [TableRow]), any Error>] = [:]

    func start(_ layer: FenceLayer, url: URL, shown: String) {
        DispatchQueue.global().async(group: group) {
            let r = Result { try Self.read(url: url, shown: shown) }
            self.lock.lock(); self.results[layer] = r; self.lock.unlock()
        }
    }

    func wait() { group.wait() }

    func table(_ layer: FenceLayer) throws -> ([String], [TableRow]) {
        group.wait()
        lock.lock(); defer { lock.unlock() }
        guard let r = results[layer] else { return ([], []) }
        return try r.get()
    }

    static func read(url: URL, shown: String) throws -> ([String], [TableRow]) {
        if url.pathExtension.lowercased() == "xlsx" {
            let x = try XLSXReader(path: url.path, displayName: shown)
            return (x.header, x.rows)
        }
        let c = try CSVReader(path: url.path, displayName: shown)
        var all: [TableRow] = []
        while let r = try c.next() { all.append(r) }
        return (c.header, all)
    }
}
