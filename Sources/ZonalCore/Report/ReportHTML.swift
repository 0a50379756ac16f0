import Foundation
import ZonalIO

/// report.html: one self-contained page, headline figures and charts from
/// each task, then every report as a table.
enum ReportHTML {
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
        .legend{font-size:12px;margin:6px 0} .key{margin-right:14px} .key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
        .note{color:#666;font-size:12px}
        </style></head><body>
        <h1>Zonal report — \(HTML.escape(facts.job))</h1>
        """
        h += "<p class=\"meta\">Job file <code>\(HTML.escape(facts.jobFile))</code> · status \(HTML.escape(facts.status)) · started \(HTML.escape(facts.started)) · ended \(HTML.escape(facts.ended)) · all times \(HTML.escape(facts.timezone))</p>"
        for s in sections {
            h += "<h2>\(HTML.escape(s.title))</h2>"
            if !s.headline.isEmpty {
                h += "<div class=\"cards\">" + s.headline.map { "<div class=\"card\"><b>\(HTML.escape($0.value))</b><span>\(HTML.escape($0.label))</span></div>" }.joined() + "</div>"
            }
            h += s.body
        }
        for t in tables {
            h += "<h2>Report: \(HTML.escape(t.spec.name)) (\(t.rows.count) rows)</h2>"
            h += HTML.table(header: t.spec.columns.map(\.name), rows: t.rows.map(\.cells), limit: 300, fullFile: "\(t.spec.name).csv")
        }
        h += "<p class=\"note\">Made by zonal. Open the CSV files in Excel, the GeoJSON or the SpatiaLite store in QGIS.</p></body></html>\n"
        return h
    }
}
