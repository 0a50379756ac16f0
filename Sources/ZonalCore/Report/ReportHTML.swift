import Foundation
import ZonalIO

/// report.html: one self-contained page. The run's warnings and rejected
/// rows first, then headline figures, maps and charts from each task, then
/// every report as a table with the rows to act on first. One inline
/// script sorts and filters the tables and zooms the maps; the page reads
/// the same without it, and prints on A4 a section to a page.
enum ReportHTML {
    /// Rows a table shows; rows to act on are always all shown, even beyond it.
    static let rowLimit = 300
    /// Warnings listed on the page; summary.json has them all.
    static let warningLimit = 1000

    static func render(facts: RunFacts, sections: [HTMLSection], tables: [ReportTableData]) -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Zonal — \(HTML.escape(facts.job))</title>
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
        .legend{font-size:12px;margin:6px 0} .key{margin-right:14px;white-space:nowrap} .key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
        .note{color:#666;font-size:12px}
        .ok{color:#1a7f37} .warn{border-left:4px solid #fdae61;padding:2px 10px;margin:8px 0} .warn td{white-space:normal}
        \(HTML.style)
        </style></head><body>
        <h1>Zonal report — \(HTML.escape(facts.job))</h1>
        """
        h += "<p class=\"meta\">Job file <code>\(HTML.escape(facts.jobFile))</code> · status \(HTML.escape(facts.status)) · started \(HTML.escape(facts.started)) · ended \(HTML.escape(facts.ended)) · all times \(HTML.escape(facts.timezone))</p>"
        h += warnings(facts, rejectsTable: tables.contains { $0.spec.name == rejectsReport.name })
        for s in sections {
            h += "<section class=\"page\"><h2>\(HTML.escape(s.title))</h2>"
            if !s.headline.isEmpty {
                h += "<div class=\"cards\">" + s.headline.map { "<div class=\"card\"><b>\(HTML.escape($0.value))</b><span>\(HTML.escape($0.label))</span></div>" }.joined() + "</div>"
            }
            h += s.body + "</section>"
        }
        for t in tables { h += table(t) }
        h += "<p class=\"note\">Made by zonal. Open the CSV files in Excel, the GeoJSON or the SpatiaLite store in QGIS.</p>\n"
        h += HTML.script + "\n</body></html>\n"
        return h
    }

    /// The run's warnings (file, line, reason) and a line of rejected rows
    /// per file, or one line saying there are none.
    static func warnings(_ facts: RunFacts, rejectsTable: Bool) -> String {
        let rejected = facts.rejectsByFile.filter { $0.rejects > 0 }
        var h = "<section id=\"warnings\"><h2>Warnings and rejected rows</h2>"
        if facts.warnings.isEmpty && rejected.isEmpty {
            return h + "<p class=\"ok\">No warnings; no rejected rows.</p></section>"
        }
        if facts.warnings.isEmpty {
            h += "<p class=\"ok\">No warnings.</p>"
        } else {
            let n = facts.warnings.count
            h += "<p>\(n) warning\(n == 1 ? "" : "s") from this run (also in <code>summary.json</code>):</p><div class=\"warn\">"
            h += HTML.table(header: ["file", "line", "reason"],
                            rows: facts.warnings.map { [.text($0.file), $0.line.map { .integer(Int64($0)) } ?? .empty, .text($0.reason)] },
                            limit: warningLimit, fullFile: "summary.json")
            h += "</div>"
        }
        if rejected.isEmpty {
            h += "<p class=\"ok\">No rejected rows.</p>"
        } else {
            let total = rejected.reduce(0) { $0 + $1.rejects }
            h += "<p>Rejected rows (not loaded): " + rejected.map { "<code>\(HTML.escape($0.file))</code> \($0.rejects)" }.joined(separator: " · ")
            h += " — \(total) in all, each with its line and reason in <a href=\"rejects.csv\">rejects.csv</a>"
            h += rejectsTable ? " and in the <a href=\"#report-rejects\">rejects table</a> below.</p>" : ".</p>"
        }
        return h + "</section>"
    }

    /// One report: its heading says how many rows and how many to act on.
    static func table(_ t: ReportTableData) -> String {
        let problems = t.spec.problem.map { p in t.rows.map { p($0.cells) } }
        let count = problems?.filter { $0 }.count ?? 0
        var heading = "Report: \(t.spec.name) (\(t.rows.count) row\(t.rows.count == 1 ? "" : "s")"
        if problems != nil { heading += count == 0 ? ", no problems" : ", \(count) problem\(count == 1 ? "" : "s") listed first" }
        heading += ")"
        return "<section class=\"page\" id=\"report-\(HTML.escape(t.spec.name))\"><h2>\(HTML.escape(heading))</h2>"
            + HTML.table(header: t.headers, rows: t.rows.map(\.cells), limit: rowLimit, fullFile: "\(t.spec.name).csv", problems: problems)
            + "</section>"
    }
}
