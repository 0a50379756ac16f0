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

    public func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let dir = input.url
        let written = input.written
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw InputError(file: written, reason: "is not a folder; the fences input is a folder holding MANAGEMENT.shp, PARKING.shp and NOPARKING.shp")
        }
        func find(_ stem: String, _ ext: String) -> String? {
            names.sorted().first { ($0 as NSString).deletingPathExtension.uppercased() == stem && ($0 as NSString).pathExtension.lowercased() == ext }
        }
        let ((files, rejects, warnings, total), replaced) = try ctx.store.replaceRows(
            [FenceTables.layers, FenceTables.features, FenceTables.attributes], where: "dataset = ?", [.text(input.key)]
        ) { inserters in
            try load(input, ctx, names: names, find: find, layerIns: inserters[0], featIns: inserters[1], attrIns: inserters[2])
        }
        return LoadResult(rows: total, replacedRows: replaced, files: files, rejects: rejects, warnings: warnings)
    }

    /// Reads the folder's layers and tables into the three fence tables.
    private func load(_ input: JobInput, _ ctx: LoadContext, names: [String], find: (String, String) -> String?,
                      layerIns: RowInserter, featIns: RowInserter, attrIns: RowInserter)
        throws -> (files: [LoadedFile], rejects: [Reject], warnings: [Warning], total: Int) {
        let dir = input.url
        let written = input.written
        var files: [LoadedFile] = []
        var rejects: [Reject] = []
        var warnings: [Warning] = []
        var total = 0
        var foundAny = false

        // Attribute tables are parsed on another core while the Shapefiles load.
        let prefetched = AttributeTables()
        for layer in FenceLayer.allCases {
            if let name = find(layer.rawValue, "xlsx") ?? find(layer.rawValue, "csv") {
                prefetched.start(layer, url: dir.appendingPathComponent(name), shown: "\(written)/\(name)")
            }
        }
        defer { prefetched.wait() }
        for layer in FenceLayer.allCases {
            guard let shpName = find(layer.rawValue, "shp") else { continue }
            foundAny = true
            let shown = "\(written)/\(shpName)"
            let reader = try ShapefileReader(path: dir.appendingPathComponent(shpName).path, displayName: shown)
            let dbfShown = "\(written)/\((shpName as NSString).deletingPathExtension).dbf"
            guard reader.shapeTypeName == "Polygon" || reader.count == 0 else {
                throw InputError(file: shown, reason: "is a \(reader.shapeTypeName) layer; \(layer.rawValue) must be polygons")
            }
            guard reader.fields.contains(where: { $0.name.uppercased() == "CODE" }) else {
                throw InputError(file: dbfShown, field: "CODE",
                                 reason: "has no CODE field (编码); its fields are \(reader.fields.map(\.name).joined(separator: ", "))")
            }
            // CRS: .prj, else params.assume_crs, else stop (contract §7).
            let transform: TransformToCGCS2000
            if let prj = reader.prjText {
                do { transform = try TransformToCGCS2000(definition: prj) } catch {
                    throw InputError(file: "\(written)/\((shpName as NSString).deletingPathExtension).prj", reason: "\(error)")
                }
            } else if let assumed = ctx.params[RunParams.assumeCRS] {
                transform = try TransformToCGCS2000(definition: assumed)
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
                try featIns.insert([.text(input.key), .text(layer.rawValue), .integer(Int64(f.record)), .text(code),
                                    f.attributes["NAME"].map { .text($0) } ?? .null,
                                    f.attributes["COORDS"].map { .text($0) } ?? .null], shape: .multiPolygon(polys))
                total += 1
            }
            ctx.progress.finish()
            files.append(LoadedFile(written: shown, url: dir.appendingPathComponent(shpName), dataRows: reader.count, rejects: layerRejects,
                                    encoding: reader.encoding.rawValue, crs: crs.label))

            // Appendix A attribute table.
            var attrShown: String?
            if let tableName = find(layer.rawValue, "xlsx") ?? find(layer.rawValue, "csv") {
                let tShown = "\(written)/\(tableName)"
                attrShown = tShown
                let url = dir.appendingPathComponent(tableName)
                let (header, rows) = try prefetched.table(layer)
                var index: [String: Int] = [:]
                for (i, h) in header.enumerated() {
                    if let col = FenceTables.attributeHeaders[h.trimmedSpace], index[col] == nil { index[col] = i }
                }
                guard let codeCol = index["code"] else {
                    throw InputError(file: tShown, line: 1, field: "编码", reason: "the header has no 编码 column (Appendix A); it has \(header.joined(separator: " "))")
                }
                var tableRejects = 0
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
                    try attrIns.insert([.text(input.key), .text(layer.rawValue), .text(tShown), .integer(Int64(r.line)), .text(code),
                                        v("name"), v("area"), v("capacity"), v("position"), v("land_use"), v("nature"),
                                        v("reason"), v("management_code")])
                }
                files.append(LoadedFile(written: tShown, url: url, dataRows: rows.count, rejects: tableRejects, encoding: "UTF-8"))
            }
            try layerIns.insert([.text(input.key), .text(layer.rawValue), .text(shown), .integer(Int64(reader.count)),
                                 .text(reader.encoding.rawValue), .text(reader.encodingDecidedBy), .text(crs.label),
                                 crs.epsg.map { .integer(Int64($0)) } ?? .null, .text(crs.decidedBy),
                                 .integer(isNative ? 0 : 1), attrShown.map { .text($0) } ?? .null])
        }
        guard foundAny else {
            throw InputError(file: written, reason: "holds none of MANAGEMENT.shp, PARKING.shp, NOPARKING.shp")
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
