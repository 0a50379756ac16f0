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
], sortKeyCount: 2)

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
        let rows = try store.db.rows("SELECT file, line, field, reason FROM rejects")
        let typed = rows.map { r in
            ReportRow([r[0].text.map(Cell.text) ?? .empty, r[1].int.map(Cell.integer) ?? .empty,
                       r[2].text.map(Cell.text) ?? .empty, r[3].text.map(Cell.text) ?? .empty])
        }
        return ReportTable.sorted(typed, keys: 2)
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

enum ReportHTML {
    static func render(job: Job, sections: [HTMLSection], tables: [(ReportSpec, [ReportRow])], summary: JSONValue) -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Zonal — \(HTML.escape(job.name))</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}
        h1{font-size:24px;margin-bottom:4px} h2{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}
        .meta{color:#666;font-size:13px}
        .cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
        .card{background:#f4f6f8;border-radius:6px;padding:10px 16px;min-width:150px}
        .card b{display:block;font-size:22px} .card span{font-size:12px;color:#555}
        .tablewrap{max-height:480px;overflow:auto;border:1px solid #ddd}
        table{border-collapse:collapse;font-size:12.5px;width:100%}
        th{position:sticky;top:0;background:#eef1f4;text-align:left}
        th,td{padding:3px 8px;border-bottom:1px solid #eee;white-space:nowrap} td.num{text-align:right;font-variant-numeric:tabular-nums}
        svg.map{width:100%;height:auto;border:1px solid #ddd} svg.chart{width:100%;max-width:820px;height:auto}
        .legend{font-size:12px;margin:6px 0} .key{margin-right:14px} .key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
        .note{color:#666;font-size:12px}
        </style></head><body>
        <h1>Zonal report — \(HTML.escape(job.name))</h1>
        """
        var status = "", started = "", ended = ""
        if case .object(let pairs) = summary {
            for (k, v) in pairs {
                if k == "status", case .string(let s) = v { status = s }
                if k == "started", case .string(let s) = v { started = s }
                if k == "ended", case .string(let s) = v { ended = s }
            }
        }
        h += "<p class=\"meta\">Job file <code>\(HTML.escape(job.file.lastPathComponent))</code> · status \(HTML.escape(status)) · started \(HTML.escape(started)) · ended \(HTML.escape(ended)) · all times \(HTML.escape(job.timezone.identifier))</p>"
        for s in sections {
            h += "<h2>\(HTML.escape(s.title))</h2>"
            if !s.headline.isEmpty {
                h += "<div class=\"cards\">" + s.headline.map { "<div class=\"card\"><b>\(HTML.escape($0.value))</b><span>\(HTML.escape($0.label))</span></div>" }.joined() + "</div>"
            }
            h += s.body
        }
        for (spec, rows) in tables {
            h += "<h2>Report: \(HTML.escape(spec.name)) (\(rows.count) rows)</h2>"
            h += HTML.table(header: spec.columns.map(\.name), rows: rows.map(\.cells), limit: 300, fullFile: "\(spec.name).csv")
        }
        h += "<p class=\"note\">Made by zonal. Open the CSV files in Excel, the GeoJSON or the SpatiaLite store in QGIS.</p></body></html>\n"
        return h
    }
}
