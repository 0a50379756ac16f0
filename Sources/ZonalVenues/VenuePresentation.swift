import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// report.html for the subsidy review: the reporting audit with the map of
/// venues (venue_audit), then footfall by hour of day (venue_footfall).
enum VenuePresentation {
    static let verdictColor = ["ok": "#2ca02c", "gaps": "#ff7f0e", "silent": "#7f7f7f", "invalid_code": "#d62728"]

    static func int(_ c: Cell) -> Int64 { if case .integer(let i) = c { return i }; return 0 }
    static func dec(_ c: Cell) -> Double? { if case .decimal(let d, _) = c { return d }; return nil }

    static func audit(_ ctx: PresentContext) throws -> [HTMLSection] {
        let rows = try ReportTable.read(VenueAuditTask.reporting, from: ctx.store)
        let summary = (try? ReportTable.read(VenueFootfallTask.daily, from: ctx.store)) ?? []
        var entries: [String: Int64] = [:]
        for r in summary { entries[r.cells[0].display, default: 0] += int(r.cells[3]) }
        func count(_ v: String) -> Int { rows.filter { $0.cells[10].display == v }.count }
        let problems = rows.filter { $0.cells[10].display != "ok" }
        var body = ""
        if !problems.isEmpty {
            body += "<h3>Venues to check before the subsidy is paid</h3>"
                + HTML.table(header: ["venue", "name", "verdict", "days with data", "coverage", "longest gap (h)", "why"],
                             rows: problems.map { [$0.cells[0], $0.cells[1], $0.cells[10], .text("\($0.cells[4].display) of \($0.cells[5].display)"), $0.cells[6], $0.cells[7], $0.cells[11]] },
                             limit: 40, fullFile: "venue_reporting.csv")
        }
        // The map: points sized by footfall over the period; silent and invalid venues marked.
        let districts = try Districts.read(from: ctx.store)
        let background = districts.all.map { MapFeature(shape: $0.shape, fill: "#ffffff", title: "\($0.adcode) \($0.name)", label: $0.name) }
        let scale = SqrtScale(maxValue: Double(entries.values.max() ?? 1), maxRadius: 14, minRadius: 3)
        let points: [MapFeature] = rows.compactMap { r in
            guard case .point(let p)? = r.shape else { return nil }
            let verdict = r.cells[10].display, n = entries[r.cells[0].display] ?? 0
            let title = "\(r.cells[0].display) \(r.cells[1].display): \(verdict), \(n) entries over the period" + (r.cells[11].display.isEmpty ? "" : "; \(r.cells[11].display)")
            return MapFeature(point: p, fill: verdictColor[verdict] ?? "#999", title: title, radius: n > 0 ? scale.radius(Double(n)) : 4,
                              stroke: "#333", label: verdict == "ok" ? nil : r.cells[1].display, marker: verdict == "silent" ? .ring : .dot)
        }
        let legend: [LegendEntry] = [.heading("Venues by verdict")] + ["ok", "gaps", "silent", "invalid_code"].map { LegendEntry($0, verdictColor[$0]!, stroke: "#333") }
        body += "<h3>Map: venues sized by entries over the period</h3>"
            + SVGMap.render([], background: background, points: points, legend: legend,
                            sizeLegend: entries.isEmpty ? nil : SizeLegend(title: "entries", scale: scale))
        // Coverage per venue (mean of its days).
        let bars = rows.compactMap { r -> (label: String, value: Double, color: String)? in
            guard let c = dec(r.cells[6]) else { return nil }
            return ("\(r.cells[0].display) \(r.cells[1].display)", c, verdictColor[r.cells[10].display] ?? "#999")
        }.sorted { $0.value < $1.value }
        body += "<h3>Average coverage of the 96 daily 15-minute slots, lowest first</h3>" + BarChart.render(bars, maxValue: 1)
        return [HTMLSection(title: "Venue reporting audit (开放补助核查)", headline: [
            ("venues", "\(rows.count)"), ("ok", "\(count("ok"))"), ("gaps", "\(count("gaps"))"), ("silent", "\(count("silent"))"),
            ("invalid code", "\(count("invalid_code"))"), ("days in the period", rows.first?.cells[5].display ?? "0"),
        ], body: body)]
    }

    static func footfall(_ ctx: PresentContext) throws -> [HTMLSection] {
        let hourly = try ReportTable.read(VenueFootfallTask.hourly, from: ctx.store)
        let daily = try ReportTable.read(VenueFootfallTask.daily, from: ctx.store)
        var byHourIn = [Double](repeating: 0, count: 24), byHourOut = byHourIn
        for r in hourly {
            let h = Int(int(r.cells[2]))
            byHourIn[h] += Double(int(r.cells[3])); byHourOut[h] += Double(int(r.cells[4]))
        }
        let total = daily.reduce(Int64(0)) { $0 + int($1.cells[3]) }
        let coverages = daily.compactMap { dec($0.cells[7]) }.sorted()
        let median = coverages.isEmpty ? "–" : DecimalFormat.fixed(coverages[coverages.count / 2], places: 4)
        let body = "<p class=\"note\">Counts go to the hour of each period's start, in the job's time zone; all devices and sources of a venue add up.</p>"
            + "<h3>Footfall by hour of day (all venues, whole period)</h3>"
            + ColumnChart.render(categories: (0..<24).map { String(format: "%02d", $0) },
                                 series: [ChartSeries("in", color: "#1f77b4", values: byHourIn), ChartSeries("out", color: "#ff7f0e", values: byHourOut)])
        return [HTMLSection(title: "Venue footfall (客流统计)", headline: [
            ("venues with data", "\(Set(daily.map { $0.cells[0].display }).count)"), ("venue-days", "\(daily.count)"),
            ("entries", "\(total)"), ("median daily coverage", median),
            ("late uploads", "\(daily.reduce(Int64(0)) { $0 + int($1.cells[8]) })"),
        ], body: body)]
    }
}
