import Foundation
import ZonalGeo
import ZonalIO
import ZonalStore

/// A block of report.html contributed by a task: headline figures and a body
/// (SVG maps, charts) built with ZonalIO's HTML helpers.
public struct HTMLSection: Sendable {
    public var title: String
    public var headline: [(label: String, value: String)]
    public var body: String
    public init(title: String, headline: [(label: String, value: String)] = [], body: String = "") {
        self.title = title; self.headline = headline; self.body = body
    }
}

public final class PresentContext {
    public let store: Store
    public let job: Job
    init(store: Store, job: Job) { self.store = store; self.job = job }
}

/// The `rejects` report, common to every job.
public let rejectsReport = ReportSpec("rejects", columns: [
    ReportColumn("file", .text), ReportColumn("line", .integer), ReportColumn("field", .text), ReportColumn("reason", .text),
])

/// Export step: report tables in the store → CSV (always), XLSX, GeoJSON, Shapefile, HTML.
enum Exporter {
    static func export(job: Job, tasks: [any ZonalTask], store: Store, summary: () -> JSONValue,
                       progress: ProgressDisplay) throws -> [String] {
        let out = job.outURL
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var written: [String] = []
        let specs = tasks.flatMap(\.reports) + [rejectsReport]
        var tables: [(ReportSpec, [ReportRow])] = []
        progress.start("export", total: specs.count)
        for spec in specs {
            let rows = spec.name == rejectsReport.name ? try readRejects(store) : try ReportTable.read(spec, from: store)
            tables.append((spec, rows))
            let header = spec.columns.map(\.name)
            let csv = out.appendingPathComponent("\(spec.name).csv").path
            try CSVWriter.write(path: csv, header: header, rows: rows.map(\.cells))
            written.append(csv)
            if spec.geometry != nil, job.formats.contains(.geojson) {
                let p = out.appendingPathComponent("\(spec.name).geojson").path
                try GeoJSONWriter.write(path: p, header: header, rows: rows.map { ($0.cells, $0.shape) })
                written.append(p)
            }
            if let g = spec.geometry, job.formats.contains(.shp) {
                let p = out.appendingPathComponent("\(spec.name).shp").path
                try writeShapefile(path: p, point: g == .point, spec: spec, rows: rows)
                written.append(p)
            }
            progress.advance()
        }
        if job.formats.contains(.xlsx) {
            let p = out.appendingPathComponent("\(job.name).xlsx").path
            let wb = try XLSXWorkbookWriter(path: p)
            for (spec, rows) in tables { try wb.addSheet(name: spec.name, header: spec.columns.map(\.name), rows: rows.map(\.cells)) }
            try wb.close()
            written.append(p)
        }
        if job.formats.contains(.html) {
            let p = out.appendingPathComponent("report.html").path
            let ctx = PresentContext(store: store, job: job)
            let sections = try tasks.flatMap { try $0.present(ctx) }
            let html = ReportHTML.render(job: job, sections: sections, tables: tables, summary: summary())
            try AtomicFile.write(Data(html.utf8), to: p)
            written.append(p)
        }
        progress.finish()
        return written
    }

    static func readRejects(_ store: Store) throws -> [ReportRow] {
        let typed = try store.rejects().map { r in
            ReportRow([.text(r.file), r.line.map { .integer(Int64($0)) } ?? .empty, r.field.map(Cell.text) ?? .empty, .text(r.reason)])
        }
        return ReportTable.sorted(typed, by: rejectsReport)
    }

    static func writeShapefile(path: String, point: Bool, spec: ReportSpec, rows: [ReportRow]) throws {
        let sample: [Cell] = spec.columns.enumerated().map { i, c in
            switch c.kind {
            case .integer: return .integer(0)
            case .decimal(let p): return .decimal(0, places: p)
            case .bool: return .bool(false)
            case .text: return .text("")
            }
        }
        let widths = spec.columns.indices.map { i in rows.map { $0.cells[i].display.utf8.count }.max() ?? 1 }
        let w = try ShapefileWriter(path: path, point: point, header: spec.columns.map(\.name), sample: sample, textWidths: widths)
        for r in rows { if let s = r.shape { try w.write(cells: r.cells, shape: s) } }
        w.close()
    }
}
