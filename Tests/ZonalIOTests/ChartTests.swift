import Foundation
import XCTest
import ZonalGeo
@testable import ZonalIO

/// The map and bar chart that fences and bikes draw today, pinned byte for byte.
/// The expected strings were captured from HTMLKit.swift before the chart
/// additions (commit ea6b7ea), so new parameters can't change old reports.
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

private enum Golden {
    static let map = [
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 640" class="map" role="img">"##,
        ##"<rect width="100%" height="100%" fill="#f7f7f4"/>"##,
        ##"<path d="M-1719.8 2885.8L3528.0 2885.8L3528.0 -1675.4L-1719.8 2885.8Z" fill="#ffffff" fill-rule="evenodd" stroke="#999" stroke-width="0.6">"##,
        ##"<title>110108 海淀区</title></path>"##,
        ##"<path d="M29.5 605.2L379.4 605.2L379.4 149.1L29.5 149.1L29.5 605.2ZM117.0 491.2L204.4 491.2L204.4 377.1L117.0 491.2Z" fill="#fdae61" fill-rule="evenodd" stroke="#333" stroke-width="0.6">"##,
        ##"<title>PARKING &lt;a&amp;b&gt; &quot;q&quot;</title></path>"##,
        ##"<rect x="465.4" y="33.4" width="3.0" height="3.0" fill="#d7191c"><title>tiny</title></rect>"##,
        ##"<circle cx="204.4" cy="263.1" r="3" fill="#2b83ba"><title>point 1</title></circle></svg><div class="legend">"##,
        ##"<span class="key"><i style="background:#d7191c"></i>error &lt;x&gt;</span><span class="key">"##,
        ##"<i style="background:#1a9641"></i>clean</span></div>"##,
    ].joined()

    static let mapSmall = [
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200" class="map" role="img">"##,
        ##"<rect width="100%" height="100%" fill="#f7f7f4"/><circle cx="12.0" cy="188.0" r="3" fill="red">"##,
        ##"<title>only</title></circle></svg><div class="legend"></div>"##,
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
