import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// report.html for the district's communities: footfall by hour, failure
/// rates by opening method, device uptime by type, a map of devices and
/// communities, and the lists a supervisor follows up (suspects, address
/// problems). Nothing personal is in any of them: suspects are shown by
/// file number (dabh) or masked plate only.
enum CommunityPresentation {
    static let stateColor = [CommunityCodes.online: "#2ca02c", CommunityCodes.offline: "#7f7f7f", CommunityCodes.fault: "#d62728"]

    static func int(_ c: Cell) -> Int64 { if case .integer(let i) = c { return i }; return 0 }

    static func sections(_ ctx: PresentContext) throws -> [HTMLSection] {
        let codes = try CommunityCodes.load()
        let repo = CommunityRepository(store: ctx.store)
        let footfall = try ReportTable.read(CommunityAccessTask.footfall, from: ctx.store)
        let methods = try ReportTable.read(CommunityAccessTask.methods, from: ctx.store)
        let residents = try ReportTable.read(CommunityAccessTask.residents, from: ctx.store)
        let vehicles = try ReportTable.read(CommunityAccessTask.vehicles, from: ctx.store)
        let uptime = try ReportTable.read(CommunityAccessTask.devices, from: ctx.store)
        let findings = try ReportTable.read(CommunityAccessTask.addresses, from: ctx.store)
        let communities = try repo.communities(), devices = try repo.devices(), boundaries = try repo.boundaries()

        var series = (0..<4).map { _ in [Double](repeating: 0, count: 24) }
        for r in footfall {
            let h = Int(int(r.cells[2]))
            for k in 0..<4 { series[k][h] += Double(int(r.cells[3 + k])) }
        }
        var body = "<p class=\"note\">Names, ID numbers, phone numbers and snapshots are dropped when the files are read; plates are masked (京A***45) in the store and in every report. Hours are in the job's time zone.</p>"
            + "<h3>Passes by hour of day (all communities, whole period)</h3>"
            + ColumnChart.render(categories: (0..<24).map { String(format: "%02d", $0) },
                                 series: [ChartSeries("persons in", color: "#1f77b4", values: series[0]), ChartSeries("persons out", color: "#aec7e8", values: series[1]),
                                          ChartSeries("vehicles in", color: "#ff7f0e", values: series[2]), ChartSeries("vehicles out", color: "#ffbb78", values: series[3])])

        // Failure rate per opening method, district-wide.
        var byMethod: [Int64: (opens: Int64, failures: Int64)] = [:]
        for r in methods {
            var m = byMethod[int(r.cells[1])] ?? (0, 0)
            m.opens += int(r.cells[2]); m.failures += int(r.cells[3])
            byMethod[int(r.cells[1])] = m
        }
        let methodBars = byMethod.sorted { $0.key < $1.key }.map { k, m in
            (label: "\(k) \(codes.openMethod.name(of: String(k)) ?? "") (\(m.opens) opens)", value: m.opens > 0 ? Double(m.failures) / Double(m.opens) : 0, color: "#d62728")
        }
        body += "<h3>Failure rate by opening method (开门方式, all communities)</h3>" + BarChart.render(methodBars)

        // Uptime per device type, district-wide.
        var byType: [Int64: (inUse: Int64, online: Int64)] = [:]
        for r in uptime {
            var t = byType[int(r.cells[1])] ?? (0, 0)
            t.inUse += int(r.cells[2]); t.online += int(r.cells[3])
            byType[int(r.cells[1])] = t
        }
        let typeBars = byType.sorted { $0.key < $1.key }.map { k, t in
            (label: "\(k) \(codes.deviceType.name(of: String(k)) ?? "") (\(t.online) of \(t.inUse) in use)", value: t.inUse > 0 ? Double(t.online) / Double(t.inUse) : 0, color: "#2ca02c")
        }
        body += "<h3>Devices online among those in use (syzt 10), by type</h3>" + BarChart.render(typeBars, maxValue: 1)

        // The map: community boundaries (or points) and every device by state.
        let names = Dictionary(communities.map { ($0.ptzcm, $0.xqmc) }, uniquingKeysWith: { a, _ in a })
        let districts = try Districts.read(from: ctx.store)
        let background = districts.all.map { MapFeature(shape: $0.shape, fill: "#ffffff", title: "\($0.adcode) \($0.name)", label: $0.name) }
            + boundaries.map { MapFeature(shape: $0.shape, fill: "#e8f0fa", title: "\($0.ptzcm) \($0.xqmc)", label: $0.xqmc, ringWhenTiny: false) }
        let bounded = Set(boundaries.map(\.ptzcm))
        var points: [MapFeature] = communities.compactMap { c in
            guard let p = c.point, !bounded.contains(c.ptzcm) else { return nil }
            return MapFeature(point: p, fill: "#ffffff", title: "\(c.ptzcm) \(c.xqmc)", radius: 9, stroke: "#1f77b4", strokeWidth: 2, label: c.xqmc, marker: .ring)
        }
        points += devices.compactMap { d in
            guard let p = d.point else { return nil }
            let inUse = d.syzt == CommunityCodes.inUse
            let state = codes.onlineState.name(of: d.zxzt) ?? d.zxzt
            return MapFeature(point: p, fill: inUse ? (stateColor[d.zxzt] ?? "#999") : "#ffffff",
                              title: "\(d.sbbm) \(d.sbmc): \(codes.deviceType.name(of: d.sblx) ?? d.sblx), \(state), \(codes.useState.name(of: d.syzt) ?? d.syzt); \(names[d.ptzcm] ?? d.ptzcm)",
                              radius: 3, stroke: "#333", strokeWidth: 0.5)
        }
        let legend: [LegendEntry] = [.heading("Devices in use")] + [CommunityCodes.online, CommunityCodes.offline, CommunityCodes.fault].map {
            LegendEntry(codes.onlineState.name(of: $0) ?? $0, stateColor[$0]!, stroke: "#333")
        } + [LegendEntry("not in use (syzt ≠ 10)", "#ffffff", stroke: "#333"), .heading("Communities"),
             LegendEntry(boundaries.isEmpty ? "community (ring)" : "community boundary", "#e8f0fa", stroke: "#1f77b4")]
        body += "<h3>Map: communities and their devices (sbjd/sbwd)</h3>" + SVGMap.render([], background: background, points: points, legend: legend)

        if !residents.isEmpty {
            body += "<h3>Suspected unregistered residents (B.8), by file number</h3>"
                + HTML.table(header: ["ptzcm", "dabh", "first seen", "entries in 30 days", "last seen", "days"],
                             rows: residents.map { $0.cells }, limit: 40, fullFile: "suspected_residents.csv")
        }
        if !vehicles.isEmpty {
            body += "<h3>Suspected resident vehicles (B.9), by masked plate</h3>"
                + HTML.table(header: ["ptzcm", "plate", "first seen", "entries in 30 days", "vehicle id", "last seen", "days"],
                             rows: vehicles.map { $0.cells }, limit: 40, fullFile: "suspected_vehicles.csv")
        }
        if !findings.isEmpty {
            body += "<h3>Standard addresses to correct (B.7)</h3>"
                + HTML.table(header: ["dzbm", "rule", "message", "line", "xqmc", "ptzcm"], rows: findings.map { $0.cells }, limit: 40, fullFile: "address_audit.csv")
        }
        let inUse = byType.values.reduce(Int64(0)) { $0 + $1.inUse }, online = byType.values.reduce(Int64(0)) { $0 + $1.online }
        let opens = byMethod.values.reduce(Int64(0)) { $0 + $1.opens }, failures = byMethod.values.reduce(Int64(0)) { $0 + $1.failures }
        return [HTMLSection(title: "Community access (智慧平安社区)", headline: [
            ("communities", "\(communities.count)"),
            ("persons in", "\(Int64(series[0].reduce(0, +)))"), ("vehicles in", "\(Int64(series[2].reduce(0, +)))"),
            ("door failure rate", DecimalFormat.ratio(failures, opens).display),
            ("devices online", "\(online) of \(inUse)"),
            ("suspected residents", "\(residents.count)"), ("suspected vehicles", "\(vehicles.count)"),
            ("address findings", "\(findings.count)"),
        ], body: body)]
    }
}
