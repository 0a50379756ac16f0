import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// report.html for a supervisor (seed 004 §6): the overdue worklist first,
/// the one-map of mines coloured by open and overdue alarms, alarms per day
/// by type, and how alarms were disposed.
enum MinePresentation {
    static let overdueColor = "#d62728", openColor = "#ff7f0e", offlineColor = "#8c8c8c", clearColor = "#2ca02c"

    static func sections(_ ctx: PresentContext) throws -> [HTMLSection] {
        let alarms = try ReportTable.read(MineAlarmsTask.alarms, from: ctx.store)
        let worklist = try ReportTable.read(MineAlarmsTask.worklist, from: ctx.store)
        let status = try ReportTable.read(MineAlarmsTask.mineStatus, from: ctx.store)
        let disposals = try ReportTable.read(MineAlarmsTask.disposalTypes, from: ctx.store)
        func int(_ c: Cell) -> Int64 { if case .integer(let i) = c { return i }; return 0 }

        let overdueOpen = worklist.filter { $0.cells[10] == .bool(true) }
        let open = worklist.count, disposed = alarms.filter { $0.cells[7] != .empty }.count
        let online = status.filter { $0.cells[11] == .bool(true) }.count
        var body = ""

        // 待督办 first: what a supervisor must chase today.
        if !overdueOpen.isEmpty {
            body += "<h3>Overdue and not disposed (待督办), oldest first</h3>"
                + HTML.table(header: ["time", "alarm", "type", "mine", "region", "department", "age (h)", "reason"],
                             rows: overdueOpen.map { r in [r.cells[0], r.cells[1], r.cells[2], .text(r.cells[4].display), .text(regionLabel(r)), r.cells[7], r.cells[8], r.cells[11]] },
                             limit: 30, fullFile: "alarm_worklist.csv")
        } else {
            body += "<p class=\"note\">No alarm is overdue.</p>"
        }

        // The one-map.
        let districts = try Districts.read(from: ctx.store)
        let background = districts.all.map { MapFeature(shape: $0.shape, fill: "#ffffff", title: "\($0.adcode) \($0.name)", label: $0.name) }
        let points: [MapFeature] = status.compactMap { r in
            guard case .point(let p)? = r.shape else { return nil }
            let openAlarms = int(r.cells[8]), overdue = int(r.cells[9]), isOnline = r.cells[11] == .bool(true)
            let color = overdue > 0 ? overdueColor : openAlarms > 0 ? openColor : isOnline ? clearColor : offlineColor
            let title = "\(r.cells[1].display) (\(r.cells[0].display), \(r.cells[4].display)): \(openAlarms) open alarms, \(overdue) overdue; "
                + "\(int(r.cells[6])) of \(int(r.cells[5])) cameras online now" + (r.cells[12].display.isEmpty ? "" : "; live: \(r.cells[12].display)")
            let flagged = overdue > 0 || openAlarms > 0
            return MapFeature(point: p, fill: color, title: title, radius: flagged ? 6 : 4, stroke: "#333",
                              label: flagged ? shortName(r.cells[1].display) : nil)
        }
        let legend: [LegendEntry] = [.heading("Mines"), LegendEntry("overdue alarms (待督办)", overdueColor, stroke: "#333"),
                                     LegendEntry("open alarms (待处置)", openColor, stroke: "#333"),
                                     LegendEntry("no open alarm, online", clearColor, stroke: "#333"),
                                     LegendEntry("no open alarm, offline now", offlineColor, stroke: "#333")]
        body += "<h3>One map: mines by open and overdue alarms (GIS 一张图)</h3>"
            + SVGMap.render([], background: background, points: points, legend: legend, groundKey: nil)
            + "<p class=\"note\">Hover a mine for its alarms, cameras online now and live video address.</p>"

        // Alarms per day by type.
        var perDay: [String: [String: Int]] = [:]
        for r in alarms { perDay[String(r.cells[5].display.prefix(10)), default: [:]][r.cells[4].display, default: 0] += 1 }
        let days = perDay.keys.sorted()
        let types = AlarmType.allCases.filter { t in perDay.values.contains { $0[t.rawValue] != nil } }
        let series = types.enumerated().map { i, t in
            ChartSeries("\(t.rawValue) \(t.chinese)", color: Palette.color(i), values: days.map { Double(perDay[$0]?[t.rawValue] ?? 0) })
        }
        body += "<h3>Alarms per day by type</h3>" + ColumnChart.render(categories: days, series: series, layout: .stacked)

        // Disposal types over the whole area (the province rows).
        var byType: [String: Int64] = [:]
        for r in disposals where r.cells[4].display == RegionCode.Level.province.rawValue { byType[r.cells[1].display, default: 0] += int(r.cells[2]) }
        let bars = DisposalType.allCases.compactMap { t in byType[t.rawValue].map { (label: t.rawValue, value: Double($0), color: t == .suspectedIllegalProduction ? overdueColor : "#4393c3") } }
        body += "<h3>How alarms were disposed (处置类型)</h3>" + BarChart.render(bars)

        let asOf = try (ctx.job.params[MineParams.asOf] ?? MineRepository(store: ctx.store).latestTime()).map { ctx.job.times.format($0) }
        return [HTMLSection(title: "Mine electronic seals (煤矿电子封条): alarms and handling", headline: [
            ("mines", "\(status.count)"), ("online now", "\(online) of \(status.count)"), ("alarms", "\(alarms.count)"),
            ("disposed", "\(disposed) (\(alarms.isEmpty ? "–" : DecimalFormat.ratio(Int64(disposed), Int64(alarms.count)).display))"),
            ("open (待处置)", "\(open)"), ("overdue open (待督办)", "\(overdueOpen.count)"),
            ("as of", asOf ?? "–"),
        ], body: body)]
    }

    static func regionLabel(_ r: ReportRow) -> String {
        let name = r.cells[6].display
        return name.isEmpty ? r.cells[5].display : "\(r.cells[5].display) \(name)"
    }

    /// `山西XX煤业有限公司` → `XX煤业`: the part a map label has room for.
    static func shortName(_ name: String) -> String {
        var n = name
        for suffix in ["有限责任公司", "有限公司", "公司"] where n.hasSuffix(suffix) { n = String(n.dropLast(suffix.count)); break }
        return n.count > 8 ? String(n.prefix(8)) + "…" : n
    }
}
