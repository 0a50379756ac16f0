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
    ReportColumn("file", .text, zh: "文件"), ReportColumn("line", .integer, zh: "行"), ReportColumn("field", .text, zh: "字段"), ReportColumn("reason", .text, zh: "原因"),
], key: ["file", "line", "field"])

/// What a run tells its reader before the reports: the figures report.html
/// and the XLSX Summary sheet open with.
public struct RunFacts: Sendable {
    public var job: String
    public var jobFile: String
    public var status: String
    public var started: String
    public var ended: String
    public var timezone: String
    public var warnings: [Warning]
    /// Rejects per input file, in load order, files without rejects included.
    public var rejectsByFile: [(file: String, rejects: Int)]
}

/// One report ready for writers: its spec (names, Chinese titles, kinds) and rows.
public struct ReportTableData: Sendable {
    public var spec: ReportSpec
    public var rows: [ReportRow]
    /// Column headers as the job asked for them (`params.headers`).
    public var headers: [String]
}

/// Export step: report tables in the store → CSV (always), XLSX, GeoJSON, Shapefile, HTML.
enum Exporter {
    /// `warn` hears of what the export had to change (texts cut to fit
    /// Excel), for the log and summary.json; the facts report.html is
    /// rendered from carry it too.
    static func export(job: Job, folder out: URL, tasks: [any ZonalTask], store: Store, facts: RunFacts, summary: () -> JSONValue,
                       progress: ProgressDisplay, warn: (Warning) -> Void) throws -> [String] {
        var facts = facts
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var written: [String] = []
        let zh = job.params[RunParams.headers] == "zh"
        let specs = tasks.flatMap(\.reports) + [rejectsReport]
        var tables: [ReportTableData] = []
        progress.start("export", total: specs.count)
        for spec in specs {
            let rows = spec.name == rejectsReport.name ? try readRejects(store) : try ReportTable.read(spec, from: store)
            let table = ReportTableData(spec: spec, rows: rows, headers: spec.columns.map { zh ? $0.zh : $0.name })
            // Kept for the workbook and the page only: CSV alone never holds two reports at once.
            if job.formats.contains(.html) || job.formats.contains(.xlsx) { tables.append(table) }
            let csv = out.appendingPathComponent("\(spec.name).csv").path
            try CSVWriter.write(path: csv, header: table.headers, rows: rows.map(\.cells))
            written.append(csv)
            TestHooks.point("export")
            // GeoJSON and Shapefiles keep every row; one without a geometry
            // (a finding about a missing feature) has a null geometry.
            let names = spec.columns.map(\.name)
            if spec.geometry != nil, job.formats.contains(.geojson) {
                let p = out.appendingPathComponent("\(spec.name).geojson").path
                try GeoJSONWriter.write(path: p, header: names, rows: rows.map { ($0.cells, $0.shape) })
                written.append(p)
            }
            if let g = spec.geometry, job.formats.contains(.shp) {
                let p = out.appendingPathComponent("\(spec.name).shp").path
                try writeShapefile(path: p, point: g == .point, spec: spec, rows: rows)
                written.append(p)
            }
            progress.advance()
        }
        var sections: [HTMLSection] = []
        if job.formats.contains(.html) || job.formats.contains(.xlsx) {
            let ctx = PresentContext(store: store, job: job)
            sections = try tasks.flatMap { try $0.present(ctx) }
        }
        if job.formats.contains(.xlsx) {
            let p = out.appendingPathComponent("\(job.name).xlsx").path
            let wb = try XLSXWorkbookWriter(path: p)
            try wb.addSummarySheet(title: zh ? "摘要" : "Summary", facts: summaryFacts(facts, sections: sections, zh: zh),
                                   warnings: facts.warnings.map { ($0.file + ($0.line.map { " line \($0)" } ?? ""), $0.reason) },
                                   labels: zh ? chineseSummaryLabels : .english)
            for t in tables {
                try wb.addSheet(name: t.spec.name, columns: zip(t.headers, t.spec.columns).map { ($0, $1.kind) },
                                rows: t.rows.map(\.cells), booleansAsWords: zh)
            }
            try wb.close()
            written.append(p)
            if wb.truncatedCells > 0 {
                let n = wb.truncatedCells
                let w = Warning(file: job.outURL.appendingPathComponent("\(job.name).xlsx").path, reason: "\(n) text cell\(n == 1 ? "" : "s") longer than Excel's \(XLSXWorkbookWriter.maxCellText) characters "
                                + "\(n == 1 ? "was" : "were") cut and end\(n == 1 ? "s" : "") with \"\(XLSXWorkbookWriter.cutMarker)\"; the CSV reports have them in full")
                facts.warnings.append(w)
                warn(w)
            }
        }
        if job.formats.contains(.html) {
            let p = out.appendingPathComponent("report.html").path
            let html = ReportHTML.render(facts: facts, sections: sections, tables: tables)
            try AtomicFile.write(Data(html.utf8), to: p)
            written.append(p)
        }
        progress.finish()
        return written
    }

    static let chineseSummaryLabels = SummaryLabels(item: "项目", value: "值", warnings: "警告", location: "位置",
                                                    reason: "原因", noWarnings: "无警告")

    /// The Summary sheet's rows: the run, then each section's headline figures.
    static func summaryFacts(_ f: RunFacts, sections: [HTMLSection], zh: Bool) -> [(String, String)] {
        var rows: [(String, String)] = [
            (zh ? "任务" : "job", f.job), (zh ? "状态" : "status", f.status),
            (zh ? "开始" : "started", f.started), (zh ? "结束" : "ended", f.ended), (zh ? "时区" : "time zone", f.timezone),
            (zh ? "警告" : "warnings", "\(f.warnings.count)"),
        ]
        for r in f.rejectsByFile { rows.append(((zh ? "拒绝行 " : "rejected rows in ") + r.file, "\(r.rejects)")) }
        for s in sections { for h in s.headline { rows.append(("\(s.title): \(h.label)", h.value)) } }
        return rows
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
            case .text, .time: return .text("")
            }
        }
        let widths = spec.columns.indices.map { i in rows.map { $0.cells[i].display.utf8.count }.max() ?? 1 }
        let w = try ShapefileWriter(path: path, point: point, header: spec.columns.map(\.name), sample: sample, textWidths: widths)
        for r in rows { try w.write(cells: r.cells, shape: r.shape) }
        w.close()
    }
}
