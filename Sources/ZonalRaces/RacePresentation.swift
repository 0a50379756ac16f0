import Foundation
import ZonalCore
import ZonalIO

/// report.html for a race day: per event the podium, the headline figures,
/// the laps a judge must check, a lap chart (position after each lap) and
/// every athlete's lap times.
enum RacePresentation {
    static func sections(_ ctx: PresentContext) throws -> [HTMLSection] {
        let results = try ReportTable.read(RaceResultsTask.results, from: ctx.store)
        let laps = try ReportTable.read(RaceResultsTask.laps, from: ctx.store)
        let races = ctx.job.params[RaceParams.races] ?? []
        var sections: [HTMLSection] = []
        for race in races {
            let rows = results.filter { $0.cells[0].display == race.event }
            let raceLaps = laps.filter { $0.cells[0].display == race.event }
            sections.append(section(race, rows, raceLaps))
        }
        return sections
    }

    static func section(_ race: RaceDefinition, _ rows: [ReportRow], _ laps: [ReportRow]) -> HTMLSection {
        func count(_ status: String) -> Int { rows.filter { $0.cells[10].display == status }.count }
        let suspects = rows.filter { !$0.cells[14].display.isEmpty }
        let finishers = rows.filter { $0.cells[10].display == "FIN" }
        let timeColumn = race.rankBy == .chip ? 7 : 6
        var body = ""
        // Podium: ranks 1–3 (ties share a step).
        let podium = finishers.filter { if case .integer(let r) = $0.cells[1] { return r <= 3 }; return false }
        if !podium.isEmpty {
            body += "<h3>Podium</h3><div class=\"cards\">" + podium.map { r in
                "<div class=\"card\"><b>\(HTML.escape(r.cells[1].display)). \(HTML.escape(r.cells[3].display))</b><span>bib \(HTML.escape(r.cells[2].display)) · \(HTML.escape(r.cells[timeColumn].display))</span></div>"
            }.joined() + "</div>"
        }
        if !suspects.isEmpty {
            body += "<h3>For the judge: laps to check before signing</h3><ul>" + suspects.map { r in
                "<li><b>bib \(HTML.escape(r.cells[2].display)) \(HTML.escape(r.cells[3].display))</b> (\(HTML.escape(r.cells[10].display)), \(HTML.escape(r.cells[5].display)) laps): \(HTML.escape(r.cells[14].display))</li>"
            }.joined() + "</ul><p class=\"note\">A missed read makes a lap about twice as long and the count one short; a doubtful read makes a lap shorter than any athlete can run. Zonal reports what the reads give and flags them; it never adds or removes a lap on its own.</p>"
        }
        // Lap chart: each athlete's position after each lap (lap races).
        let byBib = Dictionary(grouping: laps) { $0.cells[1].display }
        if race.kind == .laps, race.laps > 1, !byBib.isEmpty {
            var crossing: [String: [String]] = [:]   // bib → clock time of each crossing
            for (bib, rs) in byBib { crossing[bib] = rs.sorted { lapNo($0) < lapNo($1) }.map { $0.cells[5].display } }
            var positions: [String: [Int]] = [:]
            for lap in 1...race.laps {
                let passed = crossing.filter { $0.value.count >= lap }.sorted { ($0.value[lap - 1], $0.key) < ($1.value[lap - 1], $1.key) }
                for (pos, a) in passed.enumerated() { positions[a.key, default: []].append(pos + 1) }
            }
            let names = Dictionary(rows.map { ($0.cells[2].display, $0.cells[3].display) }, uniquingKeysWith: { a, _ in a })
            let order = rows.map { $0.cells[2].display }.filter { positions[$0] != nil }
            body += "<h3>Lap chart: position after each lap</h3>"
                + LapChart.render(order.map { LapLine("\($0) \(names[$0] ?? "")", positions: positions[$0] ?? []) }, laps: race.laps)
            body += "<h3>Lap times per athlete</h3>" + lapTable(race, rows, byBib)
        }
        return HTMLSection(title: "Race \(race.event) (\(race.kind == .laps ? "\(race.laps) laps" : "point to point"), ranked by \(race.rankBy.rawValue) time)", headline: [
            ("athletes", "\(rows.count)"), ("finished (FIN)", "\(count("FIN"))"), ("did not finish (DNF)", "\(count("DNF"))"),
            ("did not start (DNS)", "\(count("DNS"))"), ("winning time", finishers.first?.cells[timeColumn].display ?? "–"),
            ("athletes with laps to check", "\(suspects.count)"),
        ], body: body)
    }

    static func lapNo(_ r: ReportRow) -> Int64 { if case .integer(let n) = r.cells[2] { return n }; return 0 }

    /// Athletes in result order, one column per lap; a suspect lap is marked.
    static func lapTable(_ race: RaceDefinition, _ rows: [ReportRow], _ byBib: [String: [ReportRow]]) -> String {
        var h = "<div class=\"tablewrap\"><table><thead><tr><th>rank</th><th>bib</th><th>name</th>"
        h += (1...race.laps).map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows {
            let bib = r.cells[2].display
            let flagged = Set(r.cells[14].display.split(separator: ";").compactMap { part -> Int? in
                let words = part.split(separator: " ")
                return words.count > 1 ? Int(words[1].trimmingCharacters(in: CharacterSet(charactersIn: ":"))) : nil
            })
            let times = (byBib[bib] ?? []).sorted { lapNo($0) < lapNo($1) }.map { $0.cells[4].display }
            h += "<tr><td class=\"num\">\(HTML.escape(r.cells[1].display))</td><td>\(HTML.escape(bib))</td><td>\(HTML.escape(r.cells[3].display))</td>"
            for lap in 1...race.laps {
                let t = lap <= times.count ? times[lap - 1].replacingOccurrences(of: "0:0", with: "") : ""
                h += flagged.contains(lap) ? "<td class=\"num\" style=\"background:#f8d0d0\" title=\"lap \(lap) to check\">\(HTML.escape(t))</td>" : "<td class=\"num\">\(HTML.escape(t))</td>"
            }
            h += "</tr>"
        }
        return h + "</tbody></table></div>"
    }
}
