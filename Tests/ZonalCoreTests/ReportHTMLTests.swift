import Foundation
import XCTest
@testable import ZonalCore
import ZonalGeo
@testable import ZonalIO

/// report.html: the warnings at the top, problem rows first and never cut
/// off, hostile text kept as text, one inline script, named districts.
final class ReportHTMLTests: XCTestCase {
    static let hostile = "<script>alert(\"x\")</script>&"
    static let hostileEscaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"

    func facts(warnings: [Warning] = [], rejects: [(file: String, rejects: Int)] = [], job: String = "demo") -> RunFacts {
        RunFacts(job: job, jobFile: "demo.yaml", status: "ok", started: "2026-05-01 08:00:00", ended: "2026-05-01 08:00:01",
                 timezone: "Asia/Shanghai", warnings: warnings, rejectsByFile: rejects)
    }

    /// A report of `n` rows; rows whose index is in `bad` are problems (status "bad").
    func table(_ n: Int, bad: Set<Int>) -> ReportTableData {
        let spec = ReportSpec("demo_report", columns: [ReportColumn("code", .text), ReportColumn("status", .text), ReportColumn("count", .integer)],
                              problem: { $0[1] == .text("bad") })
        let rows = (0..<n).map { i in ReportRow([.text(String(format: "C%04d", i)), .text(bad.contains(i) ? "bad" : "ok"), .integer(Int64(i))]) }
        return ReportTableData(spec: spec, rows: rows, headers: spec.columns.map(\.name))
    }

    // MARK: warnings

    func testWarningsSectionListsWarningsAndRejectsPerFileAtTheTop() {
        let html = ReportHTML.render(
            facts: facts(warnings: [Warning(file: "a.csv", line: 3, reason: "period longer than 15 minutes"),
                                    Warning(file: "b.shp", reason: "layer transformed to EPSG:4490")],
                         rejects: [("a.csv", 2), ("b.shp", 0), ("c.csv", 5)]),
            sections: [HTMLSection(title: "Task one")], tables: [])
        XCTAssertTrue(html.contains("<p>2 warnings from this run (also in <code>summary.json</code>):</p>"), html)
        XCTAssertTrue(html.contains("<tr><td>a.csv</td><td class=\"num\">3</td><td class=\"long\">period longer than 15 minutes</td></tr>"), html)
        XCTAssertTrue(html.contains("<tr><td>b.shp</td><td></td><td class=\"long\">layer transformed to EPSG:4490</td></tr>"), html)
        XCTAssertTrue(html.contains("<p>Rejected rows (not loaded): <code>a.csv</code> 2 · <code>c.csv</code> 5 — 7 in all, each with its line and reason in <a href=\"rejects.csv\">rejects.csv</a>.</p>"), html)
        XCTAssertFalse(html.contains("<code>b.shp</code> 0"), "files without rejects are not listed")
        let warnings = html.range(of: "<section id=\"warnings\">")!, task = html.range(of: "<h2>Task one</h2>")!
        XCTAssertLessThan(warnings.lowerBound, task.lowerBound, "the warnings come before the task sections")
    }

    func testNoWarningsAndNoRejectsIsOneLine() {
        let html = ReportHTML.render(facts: facts(rejects: [("a.csv", 0)]), sections: [], tables: [])
        XCTAssertTrue(html.contains("<section id=\"warnings\"><h2>Warnings and rejected rows</h2><p class=\"ok\">No warnings; no rejected rows.</p></section>"), html)
    }

    func testRejectsLinkToTheRejectsTableWhenThePageHasIt() {
        let rejects = ReportTableData(spec: rejectsReport, rows: [ReportRow([.text("a.csv"), .integer(4), .text("lon"), .text("'abc' is not a number")])],
                                      headers: rejectsReport.columns.map(\.name))
        let html = ReportHTML.render(facts: facts(rejects: [("a.csv", 1)]), sections: [], tables: [rejects])
        XCTAssertTrue(html.contains("<p class=\"ok\">No warnings.</p><p>Rejected rows (not loaded): <code>a.csv</code> 1 — 1 in all, each with its line and reason in <a href=\"rejects.csv\">rejects.csv</a> and in the <a href=\"#report-rejects\">rejects table</a> below.</p>"), html)
        XCTAssertTrue(html.contains("<section class=\"page\" id=\"report-rejects\"><h2>Report: rejects (1 row)</h2>"), html)
    }

    // MARK: problem rows

    func testProblemRowsComeFirstAndAreMarked() {
        let html = ReportHTML.table(table(5, bad: [1, 3]))
        XCTAssertTrue(html.contains("<h2>Report: demo_report (5 rows, 2 problems listed first)</h2>"), html)
        let body = html.components(separatedBy: "<tbody>")[1]
        let codes = body.components(separatedBy: "<tr").dropFirst().map { $0.components(separatedBy: "<td>")[1].prefix(5) }
        XCTAssertEqual(codes, ["C0001", "C0003", "C0000", "C0002", "C0004"], "problem rows first, each group in report order")
        XCTAssertEqual(body.components(separatedBy: "<tr class=\"problem\"><td class=\"flag\"><span class=\"pill\">problem</span></td>").count - 1, 2)
        XCTAssertTrue(html.contains("<th title=\"rows a supervisor must act on\">flag</th><th>code</th><th>status</th><th class=\"num\">count</th>"), html)
        XCTAssertFalse(html.contains("Showing"), "all rows are shown: no note")
    }

    func testProblemRowsBeyondTheLimitAreAllShownThenOthersFillUpToIt() {
        // 10 problems at the very end of 1000 rows: all 10 first, then 290 others.
        let few = ReportHTML.table(table(1000, bad: Set(990..<1000)))
        XCTAssertEqual(few.components(separatedBy: "<tr class=\"problem\">").count - 1, 10)
        XCTAssertEqual(few.components(separatedBy: "<tr").count - 1 - 1, 300, "300 body rows (minus the header row)")
        XCTAssertTrue(few.contains("<p class=\"note\">Showing 300 of 1000 rows (all 10 problem rows, then the first 290 others in report order); the other 700 are in <code>demo_report.csv</code>.</p>"), few)
        XCTAssertTrue(few.contains("<span class=\"zn\">300 of 300 rows</span>"))
        // More problems than the limit: every one of them, nothing else.
        let many = ReportHTML.table(table(1000, bad: Set(600..<920)))
        XCTAssertEqual(many.components(separatedBy: "<tr class=\"problem\">").count - 1, 320)
        XCTAssertEqual(many.components(separatedBy: "<tr>").count - 1, 1, "only the header row is not a problem row")
        XCTAssertTrue(many.contains("<td>C0919</td>"), "the last problem row is shown")
        XCTAssertTrue(many.contains("Showing 320 of 1000 rows (all 320 problem rows, then the first 0 others in report order); the other 680 are in"), many)
    }

    func testTableWithoutProblemPredicateHasNoFlagColumn() {
        let spec = ReportSpec("plain", columns: [ReportColumn("a", .text)])
        let html = ReportHTML.table(ReportTableData(spec: spec, rows: [ReportRow([.text("x")])], headers: ["a"]))
        XCTAssertTrue(html.contains("<h2>Report: plain (1 row)</h2>"), html)
        XCTAssertFalse(html.contains("flag"), html)
    }

    // MARK: escaping, the script, determinism

    func testHostileTextStaysText() {
        let bad = Self.hostile
        let spec = ReportSpec("hostile", columns: [ReportColumn("name", .text)], problem: { $0[0] == .text(bad) })
        let t = ReportTableData(spec: spec, rows: [ReportRow([.text(bad)]), ReportRow([.text("ok")])], headers: [bad])
        let square = Polygon(exterior: [Coordinate(116.30, 39.90), Coordinate(116.40, 39.90), Coordinate(116.40, 40.00), Coordinate(116.30, 40.00)])
        let small = Polygon(exterior: [Coordinate(116.34, 39.94), Coordinate(116.35, 39.94), Coordinate(116.35, 39.95), Coordinate(116.34, 39.95)])
        let map = SVGMap.render([MapFeature(shape: .multiPolygon([small]), fill: bad, title: bad, label: bad)],
                                background: [MapFeature(shape: .multiPolygon([square]), fill: "#fff", title: bad, label: bad)],
                                legend: [.heading(bad), LegendEntry(bad, bad, stroke: bad), LegendEntry(bad, bad, swatch: .ring)], ringKey: bad)
        let html = ReportHTML.render(facts: facts(warnings: [Warning(file: bad, line: 1, reason: bad)], rejects: [(bad, 3)], job: bad),
                                     sections: [HTMLSection(title: bad, headline: [(bad, bad)], body: map)], tables: [t])
        XCTAssertTrue(html.contains(HTML.script), "the script is the fixed one: no data is put into it")
        let page = html.replacingOccurrences(of: HTML.script, with: "")
        XCTAssertFalse(page.contains("<script"), "no script but the page's own")
        XCTAssertFalse(page.contains("\"x\""), "no raw quote from the data")
        for place in ["<title>Zonal — \(Self.hostileEscaped)</title>",                   // page title
                      "<h2>\(Self.hostileEscaped)</h2>",                                 // section title
                      "<b>\(Self.hostileEscaped)</b><span>\(Self.hostileEscaped)</span>", // headline card
                      "<th>\(Self.hostileEscaped)</th>",                                 // table heading
                      "<td class=\"long\">\(Self.hostileEscaped)</td>",                    // table cell (wraps in print)
                      "<code>\(Self.hostileEscaped)</code> 3",                           // rejects per file
                      ">\(Self.hostileEscaped)</text>",                                  // map labels
                      "<title>\(Self.hostileEscaped)</title>",                           // map tooltips
                      "fill=\"\(Self.hostileEscaped)\"",                                 // a colour from data
                      "<span class=\"kh\">\(Self.hostileEscaped)</span>"] {              // legend
            XCTAssertTrue(page.contains(place), "missing escaped \(place)")
        }
    }

    func testTheScriptIsInlineAndFetchesNothing() {
        let html = ReportHTML.render(facts: facts(), sections: [], tables: [table(3, bad: [0])])
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 1, "one script")
        XCTAssertTrue(html.contains("<script>\n(function () {"), "inline, at the end of the body")
        XCTAssertTrue(html.hasSuffix("</script>\n</body></html>\n"))
        XCTAssertFalse(html.contains("src="))
        XCTAssertFalse(html.contains("http"), "no address at all (the maps' xmlns is the only one, and there is no map here)")
        XCTAssertFalse(html.contains("import("))
        XCTAssertFalse(html.contains("fetch("))
    }

    func testSameInputSameBytes() {
        let f = facts(warnings: [Warning(file: "a.csv", line: 1, reason: "r")], rejects: [("a.csv", 1)])
        let square = Polygon(exterior: [Coordinate(116.30, 39.90), Coordinate(116.40, 39.90), Coordinate(116.40, 40.00), Coordinate(116.30, 40.00)])
        let body = SVGMap.render([MapFeature(shape: .multiPolygon([square]), fill: "#eee", title: "z", label: "Z1")], legend: [])
        let a = ReportHTML.render(facts: f, sections: [HTMLSection(title: "s", body: body)], tables: [table(400, bad: [7, 350])])
        let b = ReportHTML.render(facts: f, sections: [HTMLSection(title: "s", body: body)], tables: [table(400, bad: [7, 350])])
        XCTAssertEqual(a, b)
    }

    // MARK: maps

    func testDistrictsAreNamedInTheirPartInViewClearOfTheFences() {
        // The fence sits in the middle of the view, all of it in the west
        // district; the east one is out of view.
        let west = Polygon(exterior: [Coordinate(116.0, 39.8), Coordinate(116.4, 39.8), Coordinate(116.4, 40.1), Coordinate(116.0, 40.1)])
        let east = Polygon(exterior: [Coordinate(116.4, 39.8), Coordinate(116.9, 39.8), Coordinate(116.9, 40.1), Coordinate(116.4, 40.1)])
        let fence = Polygon(exterior: [Coordinate(116.20, 39.90), Coordinate(116.30, 39.90), Coordinate(116.30, 40.00), Coordinate(116.20, 40.00)])
        let svg = SVGMap.render([MapFeature(shape: .multiPolygon([fence]), fill: "#d9efd9", title: "RLQ110101001")],
                                background: [MapFeature(shape: .multiPolygon([west]), fill: "#fff", title: "110102 西城区", label: "西城区"),
                                             MapFeature(shape: .multiPolygon([east]), fill: "#fff", title: "110101 东城区", label: "东城区")],
                                legend: [])
        XCTAssertTrue(svg.contains(">西城区</text>"), svg)
        XCTAssertFalse(svg.contains(">东城区</text>"), svg)
        XCTAssertTrue(svg.contains("<g class=\"zs\" font-size=\"14.0\" data-fs=\"14.0\""), "names keep their size on screen while zooming")
        // The largest circle's centre is the fence's centre; the name moves clear of it.
        func numbers(after marker: String, _ n: Int = 1) -> [Double] {
            let tail = svg.components(separatedBy: marker)[n]
            return tail.prefix { $0 != ">" }.split(whereSeparator: { !"0123456789.-".contains($0) }).compactMap { Double($0) }
        }
        let text = numbers(after: "<text x=\"")            // x, y
        let path = numbers(after: "<path d=\"M", 2).prefix(8)  // the background's path, then the fence's
        let xs = stride(from: 0, to: path.count, by: 2).map { path[$0] }, ys = stride(from: 1, to: path.count, by: 2).map { path[$0] }
        XCTAssertFalse(xs.min()! <= text[0] && text[0] <= xs.max()! && ys.min()! <= text[1] && text[1] <= ys.max()!,
                       "the name (\(text)) is not on the fence (\(xs), \(ys))")
    }

    func testTheGroundIsKeyedOnlyWhereItShows() {
        let fence = MapFeature(shape: .multiPolygon([Polygon(exterior: [Coordinate(116.20, 39.90), Coordinate(116.30, 39.90),
                                                                         Coordinate(116.30, 40.00), Coordinate(116.20, 40.00)])]),
                               fill: "#d9efd9", title: "zone")
        let district = MapFeature(shape: .multiPolygon([Polygon(exterior: [Coordinate(115.0, 39.0), Coordinate(117.0, 39.0),
                                                                            Coordinate(117.0, 41.0), Coordinate(115.0, 41.0)])]),
                                  fill: "#fff", title: "all")
        let key = "<i style=\"background:#f7f7f4;border:1px solid #ccc\"></i>outside the districts</span>"
        XCTAssertFalse(SVGMap.render([fence], background: [district], legend: [], groundKey: "outside the districts").contains(key),
                       "a district covering the whole view leaves no ground to explain")
        XCTAssertTrue(SVGMap.render([fence], legend: [], groundKey: "outside the districts").contains(key))
    }

    func testFeatureLabelsAppearWhenZoomedIn() {
        let zone = Polygon(exterior: [Coordinate(116.30, 39.90), Coordinate(116.31, 39.90), Coordinate(116.31, 39.91), Coordinate(116.30, 39.91)])
        let whole = Polygon(exterior: [Coordinate(116.0, 39.6), Coordinate(116.6, 39.6), Coordinate(116.6, 40.2), Coordinate(116.0, 40.2)])
        let svg = SVGMap.render([MapFeature(shape: .multiPolygon([whole]), fill: "#eee", title: "big", label: "BIG"),
                                 MapFeature(shape: .multiPolygon([zone]), fill: "#d9efd9", title: "zone", label: "RLQ110101001")], legend: [])
        XCTAssertTrue(svg.contains(">BIG</text>"))
        XCTAssertFalse(svg.contains("data-z=\"") && svg.contains(">BIG</text>") && svg.contains("display=\"none\">BIG"), "a big feature's label shows at once")
        let small = try! XCTUnwrap(svg.range(of: ">RLQ110101001</text>"))
        let tag = svg[svg[..<small.lowerBound].range(of: "<text", options: .backwards)!.lowerBound..<small.lowerBound]
        XCTAssertTrue(tag.contains("data-z=\"") && tag.contains("display=\"none\""), "a small feature's label waits for the zoom: \(tag)")
    }
}
