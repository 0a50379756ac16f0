import Foundation
import ZonalCore
import ZonalFences
import ZonalIO
import ZonalStore

/// report.html sections for the bike tasks.
enum BikePresentation {
    /// Red below the 0.90 bar, shading to green above it.
    static func rateColor(_ r: Double) -> String {
        if r < 0.80 { return "#b2182b" }
        if r < 0.85 { return "#ef8a62" }
        if r < InfenceRateTask.bar { return "#fddbc7" }
        if r < 0.95 { return "#a6dba0" }
        return "#1b7837"
    }

    /// A bar label: the code, then the name where it is known, shortened
    /// by its district (its code says which) so the place is what shows.
    static func codeAndName(_ code: String, _ name: String) -> String {
        var n = name
        if let r = n.range(of: "区"), n.distance(from: n.startIndex, to: r.lowerBound) <= 4, r.upperBound < n.endIndex {
            n = String(n[r.upperBound...])
        }
        return n.isEmpty ? code : code + " " + n
    }

    static func infence(_ ctx: PresentContext) throws -> [HTMLSection] {
        let rows = try ReportTable.read(InfenceRateTask.rateReport, from: ctx.store)
        let companies = try ReportTable.read(InfenceRateTask.companyReport, from: ctx.store)
        let noParking = try ReportTable.read(InfenceRateTask.noParkingReport, from: ctx.store)
        func int(_ c: Cell) -> Int64 { if case .integer(let i) = c { return i }; return 0 }
        func dec(_ c: Cell) -> Double? { if case .decimal(let d, _) = c { return d }; return nil }
        let total = rows.first { $0.cells[0].display == "*" }
        let zoneRows = rows.filter { $0.cells[0].display != "*" }
        let below = zoneRows.filter { ($0.cells[5] == .bool(true)) }.count
        let fences = try FenceSet.read(from: ctx.store)
        let noLocks = "#e6e6e6", parkingGrey = "#bbbbbb", noParkingFill = "#c2a5cf"
        // Zones shaded by rate (grey: no locks, no rate), then no-parking
        // zones and parking areas on top; every fence labelled with its code.
        var features: [MapFeature] = zoneRows.compactMap { r in
            guard let s = r.shape else { return nil }
            let code = r.cells[0].display, name = r.cells[4].display
            guard let rate = dec(r.cells[3]) else {
                return MapFeature(shape: s, fill: noLocks, title: "\(code) \(name): no locks", label: code)
            }
            return MapFeature(shape: s, fill: rateColor(rate), title: "\(code) \(name): \(DecimalFormat.fixed(rate, places: 4)) of \(int(r.cells[1])) locks", label: code)
        }
        // The ten no-parking zones with most locks (the hot-spot chart) are ringed when tiny.
        var locksIn: [String: Int64] = [:]
        for r in noParking { locksIn[r.cells[0].display, default: 0] += int(r.cells[2]) }
        let hotSpots = locksIn.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10)
        let hotCodes = Set(hotSpots.map(\.key))
        features += fences.noParking.map {
            MapFeature(shape: $0.shape, fill: noParkingFill, title: "NOPARKING \($0.code) \($0.name ?? ""): \(locksIn[$0.code] ?? 0) locks",
                       label: $0.code, ringWhenTiny: hotCodes.contains($0.code))
        }
        features += fences.parking.map {
            MapFeature(shape: $0.shape, fill: parkingGrey, title: "PARKING \($0.code) \($0.name ?? "")", label: $0.code, ringWhenTiny: false)
        }
        var legend: [LegendEntry] = [.heading("MANAGEMENT zones by in-fence rate"),
                      LegendEntry("< 0.80", rateColor(0.7), stroke: "#333"), LegendEntry("0.80–0.85", rateColor(0.82), stroke: "#333"),
                      LegendEntry("0.85–0.90 (below the bar)", rateColor(0.87), stroke: "#333"),
                      LegendEntry("0.90–0.95", rateColor(0.92), stroke: "#333"), LegendEntry("≥ 0.95", rateColor(0.97), stroke: "#333")]
        if zoneRows.contains(where: { dec($0.cells[3]) == nil && $0.shape != nil }) { legend.append(LegendEntry("no locks", noLocks, stroke: "#333")) }
        legend += [.heading("Other fences"), LegendEntry("PARKING area 停放区", parkingGrey, stroke: "#333"),
                   LegendEntry("NOPARKING zone 禁停区 (locks in it: the hot spots below)", noParkingFill, stroke: "#333")]
        let perCompany = companies.filter { $0.cells[0].display == "*" }.compactMap { r -> (label: String, value: Double, color: String)? in
            guard let rate = dec(r.cells[4]) else { return nil }
            return (r.cells[1].display, rate, rate < InfenceRateTask.bar ? "#ef8a62" : "#1b7837")
        }
        var names: [String: String] = [:]
        for r in noParking where names[r.cells[0].display] == nil { names[r.cells[0].display] = r.cells[3].display }
        let hotBars = hotSpots.map { (label: codeAndName($0.key, names[$0.key] ?? ""), value: Double($0.value), color: "#762a83") }
        let map = SVGMap.render(features, legend: legend,
                                ringKey: "ring: a no-parking hot spot (top 10), too small to see at this zoom", groundKey: "no fence")
        let tolerance = ctx.job.params[BikeParams.toleranceM]
        let toleranceNote = tolerance > 0 ? ", or within \(DecimalFormat.trimmed(tolerance)) m of a parking area (shortest distance on the CGCS2000 ellipsoid)" : ""
        let rateText = total.flatMap { dec($0.cells[3]) }.map { DecimalFormat.fixed($0, places: 4) } ?? "n/a"
        return [HTMLSection(title: "In-fence rate (入栏率)", headline: [
            ("locks in management zones", total.map { "\(int($0.cells[1]))" } ?? "0"),
            ("of which in a parking area", total.map { "\(int($0.cells[2]))" } ?? "0"),
            ("in-fence rate (bar 0.90)", rateText),
            ("zones below 0.90", "\(below) of \(zoneRows.count)"),
            ("locks in no-parking zones", "\(noParking.reduce(Int64(0)) { $0 + int($1.cells[2]) })"),
        ], body: "<p class=\"note\">A lock counts in a zone or parking area when its point is inside or on the boundary (covers)"
            + toleranceNote
            + ". The spec's bar is 0.90 (seed 002 §7.2).</p>"
            + "<h3>Map: management zones shaded by in-fence rate</h3>" + map
            + "<p class=\"note\">Zoom in (wheel, double-click or +) to see the parking areas and every fence's code; hover for names and rates.</p>"
            + "<h3>In-fence rate per company</h3>" + BarChart.render(perCompany, mark: (InfenceRateTask.bar, "0.90 bar"), maxValue: 1)
            + "<h3>No-parking hot spots (top 10 by locks)</h3>" + BarChart.render(hotBars))]
    }

    static func occupancy(_ ctx: PresentContext) throws -> [HTMLSection] {
        let rows = try ReportTable.read(ZoneOccupancyTask.report, from: ctx.store)
        var worst: [String: Double] = [:]
        var overSlots = 0
        for r in rows {
            if r.cells[5] == .bool(true) { overSlots += 1 }
            if case .decimal(let u, _) = r.cells[4] { worst[r.cells[0].display] = max(worst[r.cells[0].display] ?? 0, u) }
        }
        let fences = try FenceSet.read(from: ctx.store)
        var names: [String: String] = [:]
        for f in fences.management + fences.noParking { if let n = f.name, names[f.code] == nil { names[f.code] = n } }
        let bars = worst.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(15).map {
            (label: codeAndName($0.key, names[$0.key] ?? ""), value: $0.value, color: $0.value > 1 ? "#b2182b" : "#4393c3")
        }
        return [HTMLSection(title: "Zone occupancy (超量预警)", headline: [
            ("zone-times reported", "\(rows.count)"), ("over capacity", "\(overSlots)"),
            ("zones", "\(Set(rows.map { $0.cells[0].display }).count)"),
        ], body: "<h3>Highest utilization per zone (top 15)</h3>" + BarChart.render(bars, mark: (1, "capacity")))]
    }

    static func devices(_ ctx: PresentContext) throws -> [HTMLSection] {
        let rows = try ReportTable.read(DeviceHealthTask.report, from: ctx.store)
        let sniffers = rows.filter { $0.cells[1].display == "sniffer" }.count
        let faults = rows.filter { if case .integer(let n) = $0.cells[6] { return n > 0 }; return false }.count
        let lowBattery = rows.filter { $0.cells[7] == .bool(true) }.count
        let misplaced = rows.filter { !["ok", "not_checked"].contains($0.cells[8].display) }.count
        return [HTMLSection(title: "Device health (位置感知辅助设备)", headline: [
            ("sniffers", "\(sniffers)"), ("studs", "\(rows.count - sniffers)"), ("with fault reports", "\(faults)"),
            ("low battery", "\(lowBattery)"), ("position problems", "\(misplaced)"),
        ])]
    }
}
