import Foundation
import XCTest
import ZonalGeo
@testable import ZonalIO

/// The map and bar chart that fences and bikes draw today, pinned byte for byte.
/// The bar charts were captured from HTMLKit.swift before the chart additions
/// (commit ea6b7ea), so new parameters can't change old reports. The map was
/// re-pinned when it became zoomable (polygons drawn as their shapes, tiny
/// ones ringed, background clipped to the view, zoom controls, the legend in
/// the figure); the comments in `Golden.map` say what each part is.
final class LegacyChartOutputTests: XCTestCase {
    static let square = Polygon(
        exterior: [Coordinate(116.30, 39.90), Coordinate(116.32, 39.90), Coordinate(116.32, 39.92), Coordinate(116.30, 39.92), Coordinate(116.30, 39.90)],
        holes: [[Coordinate(116.305, 39.905), Coordinate(116.31, 39.905), Coordinate(116.31, 39.91), Coordinate(116.305, 39.905)]])
    static let tiny = Polygon(exterior: [Coordinate(116.325, 39.925), Coordinate(116.32501, 39.925), Coordinate(116.32501, 39.92501), Coordinate(116.325, 39.925)])
    static let district = Polygon(exterior: [Coordinate(116.2, 39.8), Coordinate(116.5, 39.8), Coordinate(116.5, 40.0), Coordinate(116.2, 39.8)])

    func testMapOutputIsUnchanged() {
        let features = [
            MapFeature(shape: .multiPolygon([Self.square]), fill: "#fdae61", title: "PARKING <a&b> \"q\""),
            MapFeature(shape: .multiPolygon([Self.tiny]), fill: "#d7191c", title: "tiny"),
            MapFeature(shape: .point(Coordinate(116.31, 39.915)), fill: "#2b83ba", title: "point 1"),
        ]
        let background = [MapFeature(shape: .multiPolygon([Self.district]), fill: "#ffffff", title: "110108 海淀区")]
        XCTAssertEqual(SVGMap.render(features, background: background,
                                     legend: [LegendEntry("error <x>", "#d7191c"), LegendEntry("clean", "#1a9641")]), Golden.map)
        XCTAssertEqual(SVGMap.render([MapFeature(shape: .point(Coordinate(116.0, 40.0)), fill: "red", title: "only")],
                                     legend: [], width: 300, height: 200), Golden.mapSmall)
        XCTAssertEqual(SVGMap.render([], legend: []), Golden.mapEmpty)
    }

    func testBarChartOutputIsUnchanged() {
        XCTAssertEqual(BarChart.render([(label: "F001 <code>", value: 3, color: "#d7191c"), (label: "F011", value: 12, color: "#fdae61"),
                                        (label: "zero", value: 0, color: "#999")]), Golden.bars)
        XCTAssertEqual(BarChart.render([(label: "美团", value: 0.8712, color: "#abdda4"), (label: "哈啰", value: 0.95, color: "#1a9641")],
                                       unit: "", mark: (value: 0.9, label: "0.90 bar"), maxValue: 1), Golden.bars2)
        XCTAssertEqual(BarChart.render([(label: "z1", value: 1.25, color: "#000")], unit: " %", mark: (value: 1, label: "capacity")), Golden.bars3)
        XCTAssertEqual(BarChart.render([]), Golden.barsEmpty)
    }
}

/// Column chart, lap chart and point map: small cases worked out by hand.
/// Widths are chosen so the plot area comes out round: a tick label "4" is
/// estimated 0.62 em × 11 px = 6.82 px wide, so the left margin is ⌈6.82⌉ + 10 = 17.
final class ChartTests: XCTestCase {

    // MARK: ticks

    func testNiceTicks() {
        XCTAssertEqual(AxisTicks.nice(maxValue: 7).values, [0, 2, 4, 6, 8])
        XCTAssertEqual(AxisTicks.nice(maxValue: 7).labels, ["0", "2", "4", "6", "8"])
        XCTAssertEqual(AxisTicks.nice(maxValue: 95).labels, ["0", "20", "40", "60", "80", "100"])
        XCTAssertEqual(AxisTicks.nice(maxValue: 1).labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(AxisTicks.nice(maxValue: 1).top, 1)
        XCTAssertEqual(AxisTicks.nice(maxValue: 0.07).labels, ["0.00", "0.02", "0.04", "0.06", "0.08"])
        XCTAssertEqual(AxisTicks.nice(maxValue: 12345).labels, ["0", "5000", "10000", "15000"])
        XCTAssertEqual(AxisTicks.nice(maxValue: 10).labels, ["0", "2", "4", "6", "8", "10"])
        // Counts never get fractional steps; nothing to show still gives an axis.
        XCTAssertEqual(AxisTicks.nice(maxValue: 1, integers: true).labels, ["0", "1"])
        XCTAssertEqual(AxisTicks.nice(maxValue: 4, integers: true).labels, ["0", "1", "2", "3", "4"])
        XCTAssertEqual(AxisTicks.nice(maxValue: 0).labels, ["0", "1"])
        XCTAssertEqual(AxisTicks.nice(maxValue: .nan).labels, ["0", "1"])
    }

    // MARK: column chart

    func testThreeColumns() {
        // plot 300 × 168 (327 − 17 − 10, 200 − 10 − 22), slots of 100, columns 48 wide
        // centred in them; axis 0…4 so heights are 42, 84, 168 up from y = 178.
        let g = ColumnChart.geometry(categories: ["a", "b", "c"], series: [ChartSeries("n", color: "#123456", values: [1, 2, 4])],
                                     layout: .grouped, reference: nil, width: 327, height: 200)!
        XCTAssertEqual(g.ticks.labels, ["0", "1", "2", "3", "4"])
        XCTAssertEqual([g.plotLeft, g.plotTop, g.plotWidth, g.plotHeight], [17, 10, 300, 168])
        XCTAssertEqual(g.columns.map(\.x), [43, 143, 243])
        XCTAssertEqual(g.columns.map(\.width), [48, 48, 48])
        XCTAssertEqual(g.columns.map(\.height), [42, 84, 168])
        XCTAssertEqual(g.columns.map(\.y), [136, 94, 10])
        XCTAssertEqual(g.labelled, [0, 1, 2])
        XCTAssertTrue(g.legend.isEmpty)

        let svg = ColumnChart.render(categories: ["a", "b", "c"], series: [ChartSeries("n", color: "#123456", values: [1, 2, 4])],
                                     unit: " alarms", width: 327, height: 200)
        XCTAssertTrue(svg.contains(##"<rect x="43.0" y="136.0" width="48.0" height="42.0" fill="#123456"><title>a · n: 1 alarms</title></rect>"##))
        XCTAssertTrue(svg.contains(##"<rect x="243.0" y="10.0" width="48.0" height="168.0" fill="#123456"><title>c · n: 4 alarms</title></rect>"##))
        XCTAssertTrue(svg.contains(##"<text x="67.0" y="194.0" text-anchor="middle" font-size="11" fill="#333">a</text>"##))
        // The y axis: "4" at the top grid line, "0" on the baseline.
        XCTAssertTrue(svg.contains(##"<text x="11.0" y="14.0" text-anchor="end" font-size="11" fill="#555">4</text>"##))
        XCTAssertTrue(svg.contains(##"<text x="11.0" y="182.0" text-anchor="end" font-size="11" fill="#555">0</text>"##))
        // The hover band over a category lists every series.
        XCTAssertTrue(svg.contains(##"<rect x="117.0" y="10.0" width="100.0" height="168.0" fill="#000" fill-opacity="0"><title>b — n: 2 alarms</title></rect>"##))
    }

    func testStackedColumnsReachTheirTotals() {
        // Two series → legend row (baseline 14) and top margin 22 + 10 = 32;
        // plot 300 × 146, slots of 150; totals 3 and 4, axis 0…4.
        let series = [ChartSeries("in", color: "#1f77b4", values: [1, 3]), ChartSeries("out", color: "#ff7f0e", values: [2, 1])]
        let g = ColumnChart.geometry(categories: ["x", "y"], series: series, layout: .stacked, reference: nil, width: 327, height: 200)!
        XCTAssertEqual(g.totals, [3, 4])
        XCTAssertEqual([g.plotLeft, g.plotTop, g.plotWidth, g.plotHeight], [17, 32, 300, 146])
        XCTAssertEqual(g.columns.map(\.x), [68, 68, 218, 218])
        XCTAssertEqual(g.columns.map(\.height), [36.5, 73, 109.5, 36.5])
        XCTAssertEqual(g.columns.map(\.y), [141.5, 68.5, 68.5, 32])
        // The top of each stack is its total: 178 − 3/4·146 and 178 − 4/4·146.
        XCTAssertEqual(g.columns[1].y, 178 - 3.0 / 4 * 146)
        XCTAssertEqual(g.columns[3].y, 32)
        XCTAssertEqual(g.legend.map(\.x), [8, 8 + 14 + 11.64 + 16])

        let svg = ColumnChart.render(categories: ["x", "y"], series: series, layout: .stacked, width: 327, height: 200)
        XCTAssertTrue(svg.contains("<title>y — in: 3, out: 1, total: 4</title>"))
        XCTAssertTrue(svg.contains("<title>y · out: 1</title>"))
        XCTAssertTrue(svg.contains(##"<text x="22.0" y="14.0" font-size="12">in</text>"##))
    }

    func testGroupedColumnsSitSideBySide() {
        let series = [ChartSeries("in", color: "#1f77b4", values: [1, 3]), ChartSeries("out", color: "#ff7f0e", values: [2])]
        let g = ColumnChart.geometry(categories: ["x", "y"], series: series, layout: .grouped, reference: 5, width: 327, height: 200)!
        // Two columns of 48 centred in a 150 slot: 17 + 27 and 17 + 27 + 48.
        XCTAssertEqual(g.columns.map(\.x), [44, 92, 194, 242])
        // A missing value counts as 0; the reference line lifts the axis to 5.
        XCTAssertEqual(g.columns[3].height, 0)
        XCTAssertEqual(g.ticks.labels, ["0", "1", "2", "3", "4", "5"])
        let svg = ColumnChart.render(categories: ["x", "y"], series: series, reference: (5, "limit"), width: 327, height: 200)
        XCTAssertTrue(svg.contains(##"<line x1="17.0" y1="32.0" x2="317.0" y2="32.0" stroke="#000" stroke-dasharray="4 3"/>"##))
        XCTAssertTrue(svg.contains(">limit</text>"))
        XCTAssertFalse(svg.contains("<title>y · out: 0</title>"), "a zero column has no rectangle")
    }

    func testManyDayLabelsAreThinnedAndNeverOverlap() {
        let days = (1...31).map { String(format: "2026-05-%02d", $0) }
        let g = ColumnChart.geometry(categories: days, series: [ChartSeries("alarms", color: "#d62728", values: (1...31).map(Double.init))],
                                     layout: .grouped, reference: nil, width: 820, height: 280)!
        let labelWidth = ChartText.width("2026-05-01", fontSize: 11)
        let slot = g.plotWidth / 31
        XCTAssertEqual(g.labelled.first, 0)
        XCTAssertGreaterThan(g.labelled.count, 5)
        for (a, b) in zip(g.labelled, g.labelled.dropFirst()) { XCTAssertGreaterThanOrEqual(Double(b - a) * slot, labelWidth + 6) }
        // Labels half a label wide fit inside the picture at both ends.
        XCTAssertGreaterThanOrEqual(g.plotLeft + slot / 2 - labelWidth / 2, 0)
        XCTAssertLessThanOrEqual(g.plotLeft + (Double(g.labelled.last!) + 0.5) * slot + labelWidth / 2, 820)
        // Hours 0–23 all fit.
        let hours = ColumnChart.geometry(categories: (0...23).map(String.init), series: [ChartSeries("in", color: "#000", values: [1])],
                                         layout: .grouped, reference: nil, width: 820, height: 280)!
        XCTAssertEqual(hours.labelled, Array(0...23))
    }

    func testColumnChartWithoutDataSaysSo() {
        XCTAssertEqual(ColumnChart.render(categories: [], series: [ChartSeries("a", color: "#000", values: [])]), "<p class=\"note\">No data.</p>")
        XCTAssertEqual(ColumnChart.render(categories: ["a"], series: []), "<p class=\"note\">No data.</p>")
    }

    // MARK: lap chart

    func testThreeAthletesThreeLaps() {
        // left ⌈6.82⌉ + 14 = 21, right ⌈"A" 8.25⌉ + 16 = 25, plot 246 − 46 = 200:
        // laps at x 21, 121, 221; positions at y 12, 28, 44 (rows of 16).
        let athletes = [LapLine("A", positions: [1, 2, 1]), LapLine("B", positions: [2, 1, 2]), LapLine("C", positions: [3, 3])]
        let g = LapChart.geometry(athletes, laps: nil, width: 246, rowHeight: 16)!
        XCTAssertEqual(g.laps, 3)
        XCTAssertEqual(g.height, 12 + 2 * 16 + 28)
        XCTAssertEqual(g.lines[0].points.map(\.x), [21, 121, 221])
        XCTAssertEqual(g.lines[0].points.map(\.y), [12, 28, 12])
        XCTAssertEqual(g.lines[2].points.map(\.y), [44, 44])
        // C stopped after lap 2: its label sits there, beside its last marker.
        XCTAssertEqual([g.lines[2].labelX, g.lines[2].labelY], [129, 44])
        XCTAssertEqual(g.lines.map(\.color), ["#1f77b4", "#ff7f0e", "#2ca02c"])

        let svg = LapChart.render(athletes, width: 246)
        XCTAssertTrue(svg.contains(##"<polyline points="21.0,12.0 121.0,28.0 221.0,12.0" fill="none" stroke="#1f77b4""##))
        XCTAssertTrue(svg.contains(##"<polyline points="21.0,44.0 121.0,44.0" fill="none" stroke="#2ca02c""##))
        XCTAssertTrue(svg.contains(##"<circle cx="121.0" cy="12.0" r="2.5" fill="#ff7f0e"><title>B · lap 2 · position 1</title></circle>"##))
        XCTAssertTrue(svg.contains(##">C</text>"##))
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 8)
        XCTAssertFalse(svg.contains("<line x1=\"224.0\""), "no leader when no label moved")
    }

    func testEndLabelsAreNudgedApart() {
        // Rows of 10 put A and B's labels 10 apart, closer than a line of text
        // (13): both move 1.5 px, A up to 10.5 and B down to 23.5.
        let athletes = [LapLine("A", positions: [1, 1]), LapLine("B", positions: [2, 2])]
        let g = LapChart.geometry(athletes, laps: nil, width: 246, rowHeight: 10)!
        XCTAssertEqual(g.lines.map(\.labelY), [10.5, 23.5])
        let svg = LapChart.render(athletes, width: 246, rowHeight: 10)
        XCTAssertTrue(svg.contains("<line x1=\"224.0\" y1=\"12.0\" x2=\"227.0\" y2=\"10.5\""), svg)
    }

    func testLabelSpreadKeepsOrderAndMovesLeast() {
        XCTAssertEqual(LabelNudge.spread([100, 102, 104], gap: 12, lo: 0, hi: 1000), [90, 102, 114])
        XCTAssertEqual(LabelNudge.spread([104, 100], gap: 10, lo: 0, hi: 1000), [107, 97])
        XCTAssertEqual(LabelNudge.spread([10, 50, 52], gap: 10, lo: 0, hi: 1000), [10, 46, 56])
        XCTAssertEqual(LabelNudge.spread([0, 1], gap: 10, lo: 5, hi: 100), [5, 15])
        XCTAssertEqual(LabelNudge.spread([99, 100], gap: 10, lo: 0, hi: 100), [90, 100])
    }

    func testLapChartCyclesColoursThenDashes() {
        let athletes = (0..<12).map { LapLine("\($0)", positions: [$0 + 1]) }
        let g = LapChart.geometry(athletes, laps: 3, width: 820, rowHeight: 16)!
        XCTAssertEqual(g.lines[10].color, g.lines[0].color)
        XCTAssertNil(g.lines[0].dash)
        XCTAssertEqual(g.lines[10].dash, "5 3")
        XCTAssertEqual(LapChart.render([]), "<p class=\"note\">No data.</p>")
    }

    // MARK: point map

    func testSqrtScale() {
        let s = SqrtScale(maxValue: 400, maxRadius: 20, minRadius: 2)
        XCTAssertEqual(s.radius(100), 10)
        XCTAssertEqual(s.radius(400), 20)
        XCTAssertEqual(s.radius(1), 2, "1 px from the scale is raised to the minimum")
        XCTAssertEqual(s.radius(0), 2)
        XCTAssertEqual(s.radius(1600), 20)
        XCTAssertEqual(s.legendValues, [20, 100, 200])
        XCTAssertEqual(SqrtScale(maxValue: 12345).legendValues, [500, 2000, 10000])
    }

    func testStyledPointIsCentredAndAbovePolygons() {
        // One point: the view is centred on it. Scale is set by the height,
        // (640 − 24) / h, so x = 12 + 1.40625 × 308 = 445.125 and y = 628 − 308 = 320.
        let c = Coordinate(116.4, 39.9)
        let square = Polygon(exterior: [Coordinate(116.399, 39.899), Coordinate(116.401, 39.899), Coordinate(116.401, 39.901), Coordinate(116.399, 39.899)])
        let svg = SVGMap.render([MapFeature(shape: .multiPolygon([square]), fill: "#eee", title: "zone")],
                                points: [MapFeature(point: c, fill: "#2ca02c", title: "venue", radius: 10, stroke: "#fff")], legend: [])
        XCTAssertTrue(svg.contains(##"<circle cx="445.1" cy="320.0" r="10.0" fill="#2ca02c" stroke="#fff" stroke-width="1.0"><title>venue</title></circle>"##), svg)
        XCTAssertLessThan(svg.range(of: "<path")!.lowerBound, svg.range(of: "<circle")!.lowerBound)
    }

    func testPointsLargestFirstLabelsAndFlags() {
        let c = Coordinate(116.4, 39.9)
        let points = [
            MapFeature(point: c, fill: "#1f77b4", title: "small", radius: 3, label: "first"),
            MapFeature(point: c, fill: "#ff7f0e", title: "big", radius: 12, label: "second"),
            MapFeature(point: c, fill: "#d62728", title: "silent", radius: 5, label: "third", marker: .ring),
            MapFeature(point: c, fill: "#d62728", title: "overdue", label: "fourth", marker: .cross),
            MapFeature(point: c, fill: "#000", title: "fifth", radius: 4, label: "fifth"),
        ]
        let svg = SVGMap.render([], points: points, legend: [],
                                sizeLegend: SizeLegend(title: "footfall", scale: SqrtScale(maxValue: 400, maxRadius: 12)))
        let order = ["<title>big</title>", "<title>silent</title>", "<title>fifth</title>", "<title>small</title>", "<title>overdue</title>"]
            .map { svg.range(of: $0)!.lowerBound }
        XCTAssertEqual(order, order.sorted(), "largest first, ties in the order given")
        XCTAssertTrue(svg.contains(##"fill="none" stroke="#d62728" stroke-width="2" pointer-events="all"><title>silent</title>"##))
        XCTAssertTrue(svg.contains(##"stroke="#d62728" stroke-width="2.5" stroke-linecap="round" pointer-events="all"><title>overdue</title></path>"##))
        // pad = 12 + 2 for the largest radius: the point is at x = 14 + 1.40625 × 306 = 444.3, y = 320.
        // All five share it, so markers don't block each other's labels, but
        // labels do: first goes right (x + 3 + 3), second left (x − 12 − 3),
        // third above (y − 5 − 4 − 6.5 + 4), fourth below (y + 3 + 4 + 6.5 + 4);
        // fifth finds every place taken.
        let halo = ##" font-size="11" fill="#222" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">"##
        XCTAssertTrue(svg.contains(##"<text x="450.3" y="324.0""## + halo + "first</text>"), svg)
        XCTAssertTrue(svg.contains(##"<text x="429.3" y="324.0" text-anchor="end""## + halo + "second</text>"), svg)
        XCTAssertTrue(svg.contains(##"<text x="444.3" y="308.5" text-anchor="middle""## + halo + "third</text>"), svg)
        XCTAssertTrue(svg.contains(##"<text x="444.3" y="337.5" text-anchor="middle""## + halo + "fourth</text>"), svg)
        XCTAssertFalse(svg.contains(">fifth</text>"))
        // Size key under the map: 20, 100 and 200; 100 is a quarter of 400, so radius 12 / 2 = 6.
        XCTAssertTrue(svg.contains(##"<span class="key">footfall</span><svg"##))
        XCTAssertTrue(svg.contains(##"r="6.0" fill="#bbbbbb" stroke="#666"/><text"##))
    }

    func testLabelsStepAroundOtherMarkers() {
        // A big circle just right of a small point pushes the small point's label to the left.
        let svg = SVGMap.render([], points: [MapFeature(point: Coordinate(116.4, 39.9), fill: "#000", title: "a", radius: 2, label: "a"),
                                             MapFeature(point: Coordinate(116.4004, 39.9), fill: "#000", title: "b", radius: 10)],
                                legend: [])
        XCTAssertTrue(svg.contains(##"text-anchor="end" font-size="11" fill="#222""##), svg)
    }

    // MARK: escaping and determinism

    func testHostileLabelsAreEscaped() {
        let bad = "<script>alert(\"x\")</script>&"
        let outputs = [
            ColumnChart.render(categories: [bad], series: [ChartSeries(bad, color: bad, values: [1]), ChartSeries("b", color: "#000", values: [2])],
                               unit: bad, reference: (1, bad)),
            LapChart.render([LapLine(bad, positions: [1, 2])]),
            SVGMap.render([], points: [MapFeature(point: Coordinate(1, 2), fill: bad, title: bad, radius: 4, stroke: bad, label: bad, marker: .dot)],
                          legend: [LegendEntry(bad, "#000")], sizeLegend: SizeLegend(title: bad, scale: SqrtScale(maxValue: 10), color: bad)),
            SVGMap.render([], points: [MapFeature(point: Coordinate(1, 2), fill: bad, title: bad)], legend: []),
        ]
        for o in outputs {
            XCTAssertFalse(o.contains("<script"), o)
            XCTAssertFalse(o.contains("\"x\""), o)
            XCTAssertTrue(o.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"), o)
        }
    }

    func testSameInputSameBytes() {
        let a = ChartDemo.page(), b = ChartDemo.page()
        XCTAssertEqual(a, b)
        XCTAssertFalse(a.contains("<script"))
        if let path = ProcessInfo.processInfo.environment["ZONAL_CHART_DEMO"] {
            XCTAssertNoThrow(try a.write(toFile: path, atomically: true, encoding: .utf8))
        }
    }
}

private enum Golden {
    static let controls = [
        ##"<figure class="zmap"><div class="mapctl" hidden><button type="button" data-act="in" title="Zoom in">+</button>"##,
        ##"<button type="button" data-act="out" title="Zoom out">−</button><button type="button" data-act="reset" title="Whole map">Reset</button>"##,
        ##"<span class="note">Wheel or double-click to zoom, drag to pan; labels appear as you zoom in.</span></div>"##,
    ].joined()

    static let map = controls + [
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 640" class="map" role="img" data-maxz="256">"##,
        ##"<rect width="100%" height="100%" fill="#f7f7f4"/>"##,
        // The district triangle clipped to the view: only its corner shows.
        ##"<path d="M902.00 642.00L902.00 607.03L861.77 642.00Z" fill="#ffffff" fill-rule="evenodd" stroke="#999" stroke-width="0.8">"##,
        ##"<title>110108 海淀区</title></path>"##,
        ##"<path d="M29.500 605.185L379.350 605.185L379.350 149.071L29.500 149.071L29.500 605.185ZM116.962 491.157L204.425 491.157L204.425 377.128L116.962 491.157Z" fill="#fdae61" fill-rule="evenodd" stroke="#333" stroke-width="0.6">"##,
        ##"<title>PARKING &lt;a&amp;b&gt; &quot;q&quot;</title></path>"##,
        // A tiny polygon: its own shape, outlined in its colour ...
        ##"<path d="M466.813 35.043L466.988 35.043L466.988 34.815L466.813 35.043Z" fill="#d7191c" fill-rule="evenodd" stroke="#d7191c" stroke-width="1.6"><title>tiny</title></path>"##,
        ##"<circle cx="204.4" cy="263.1" r="3" fill="#2b83ba"><title>point 1</title></circle>"##,
        // ... and ringed until zooming (×13.2) makes it 3 px.
        ##"<g fill="none" stroke-width="1.2"><circle class="hint" cx="466.90" cy="34.93" r="4.5" stroke="#d7191c" data-hz="13.2"><title>tiny</title></circle></g>"##,
        ##"</svg><figcaption class="legend">"##,
        ##"<span class="key"><i style="background:#d7191c"></i>error &lt;x&gt;</span><span class="key">"##,
        ##"<i style="background:#1a9641"></i>clean</span>"##,
        ##"<span class="key"><i class="ring" style="border-color:#555"></i>ring: an area too small to see at this zoom, in its colour</span>"##,
        ##"</figcaption></figure>"##,
    ].joined()

    static let mapSmall = controls + [
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200" class="map" role="img" data-maxz="256">"##,
        ##"<rect width="100%" height="100%" fill="#f7f7f4"/><circle cx="12.0" cy="188.0" r="3" fill="red">"##,
        ##"<title>only</title></circle></svg><figcaption class="legend"></figcaption></figure>"##,
    ].joined()

    static let mapEmpty = [
        ##"<p class="note">Nothing to draw.</p>"##,
    ].joined()

    static let bars = [
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 840 80" class="chart" role="img">"##,
        ##"<text x="274" y="20" text-anchor="end" font-size="13">F001 &lt;code&gt;</text>"##,
        ##"<rect x="280" y="7" width="120.0" height="16" fill="#d7191c"><title>F001 &lt;code&gt;: 3</title></rect>"##,
        ##"<text x="406.0" y="20" font-size="13">3</text>"##,
        ##"<text x="274" y="44" text-anchor="end" font-size="13">F011</text>"##,
        ##"<rect x="280" y="31" width="480.0" height="16" fill="#fdae61"><title>F011: 12</title></rect>"##,
        ##"<text x="766.0" y="44" font-size="13">12</text>"##,
        ##"<text x="274" y="68" text-anchor="end" font-size="13">zero</text>"##,
        ##"<rect x="280" y="55" width="1.0" height="16" fill="#999"><title>zero: 0</title></rect>"##,
        ##"<text x="287.0" y="68" font-size="13">0</text></svg>"##,
    ].joined()

    static let bars2 = [
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 840 56" class="chart" role="img">"##,
        ##"<text x="274" y="20" text-anchor="end" font-size="13">美团</text>"##,
        ##"<rect x="280" y="7" width="418.2" height="16" fill="#abdda4"><title>美团: 0.8712</title></rect>"##,
        ##"<text x="704.2" y="20" font-size="13">0.8712</text>"##,
        ##"<text x="274" y="44" text-anchor="end" font-size="13">哈啰</text>"##,
        ##"<rect x="280" y="31" width="456.0" height="16" fill="#1a9641"><title>哈啰: 0.9500</title></rect>"##,
        ##"<text x="742.0" y="44" font-size="13">0.9500</text>"##,
        ##"<line x1="712.0" y1="0" x2="712.0" y2="56" stroke="#000" stroke-dasharray="4 3"/>"##,
        ##"<text x="715.0" y="54" font-size="11">0.90 bar</text></svg>"##,
    ].joined()

    static let bars3 = [
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 840 32" class="chart" role="img">"##,
        ##"<text x="274" y="20" text-anchor="end" font-size="13">z1</text>"##,
        ##"<rect x="280" y="7" width="480.0" height="16" fill="#000"><title>z1: 1.2500 %</title></rect>"##,
        ##"<text x="766.0" y="20" font-size="13">1.2500 %</text>"##,
        ##"<line x1="664.0" y1="0" x2="664.0" y2="32" stroke="#000" stroke-dasharray="4 3"/>"##,
        ##"<text x="667.0" y="30" font-size="11">capacity</text></svg>"##,
    ].joined()

    static let barsEmpty = [
        ##"<p class="note">No data.</p>"##,
    ].joined()
}
