import Foundation
import ZonalGeo
@testable import ZonalIO

/// A page with every chart at the sizes the domains will use (31 days, 24
/// hours, 30 athletes × 25 laps, a few dozen venues), to look at in a browser:
///   ZONAL_CHART_DEMO=/tmp/charts-demo.html swift test --filter ChartTests/testSameInputSameBytes
/// The data are made up by a fixed pseudo-random sequence, so the page is the
/// same bytes every time.
enum ChartDemo {
    /// SplitMix64: a fixed sequence, the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    static let names = ["王强", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周杰", "吴霞",
                        "徐明", "孙丽", "马超", "朱红", "胡军", "郭芳", "何平", "高峰", "林琳", "罗刚",
                        "郑爽", "梁宇", "谢婷", "宋佳", "唐亮", "许诺", "韩雪", "冯波", "邓超", "曹阳"]

    static func page() -> String {
        var rnd = Random(state: 2026)
        var body = ""

        let days = (1...31).map { String(format: "2026-05-%02d", $0) }
        let types = ["persons", "trucks", "belt", "offline"]
        let alarms = types.enumerated().map { i, t in
            ChartSeries(t, color: Palette.color(i), values: days.indices.map { _ in (rnd.next() * Double(8 - 2 * i)).rounded() })
        }
        body += "<h3>Alarms per day by type (stacked, 31 days)</h3>"
        body += ColumnChart.render(categories: days, series: alarms, layout: .stacked, unit: " alarms", reference: (15, "daily limit 15"))

        let hours = (0...23).map(String.init)
        let shape = (0...23).map { h in exp(-pow(Double(h) - 12.5, 2) / 18) }
        let footIn = shape.map { ($0 * 1400 + rnd.next() * 80).rounded() }
        let footOut = shape.enumerated().map { h, s in (s * 1200 + Double(h) * 12 + rnd.next() * 80).rounded() }
        body += "<h3>Footfall per hour, in and out (side by side)</h3>"
        body += ColumnChart.render(categories: hours, series: [ChartSeries("in", color: "#1f77b4", values: footIn),
                                                               ChartSeries("out", color: "#ff7f0e", values: footOut)],
                                   reference: (1200, "capacity 1200"))
        body += "<h3>Coverage per day (one series, rates)</h3>"
        body += ColumnChart.render(categories: Array(days.prefix(10)),
                                   series: [ChartSeries("coverage", color: "#2ca02c", values: (0..<10).map { _ in 0.6 + rnd.next() * 0.4 })],
                                   reference: (0.9, "0.90 bar"), height: 200)

        body += "<h3>Lap chart: 30 athletes × 25 laps, three dropped out</h3>"
        body += LapChart.render(lapRace(&rnd))

        body += "<h3>Venues sized by footfall; rings are silent venues, crosses overdue alarms</h3>"
        body += venueMap(&rnd)

        body += "<h3>Escaping: a hostile label</h3>"
        body += ColumnChart.render(categories: ["<script>alert(1)</script>", "b&c"],
                                   series: [ChartSeries("\"quoted\" <b>", color: "#9467bd", values: [3, 5])], height: 160)

        return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>Zonal chart demo</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}
        svg.map{width:100%;height:auto;border:1px solid #ddd} svg.chart{width:100%;max-width:820px;height:auto}
        .legend{font-size:12px;margin:6px 0} .key{margin-right:14px} .key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
        .note{color:#666;font-size:12px}
        </style></head><body>
        \(body)
        </body></html>

        """
    }

    /// 30 athletes with their own pace, 25 laps; positions after each lap
    /// among those who completed it.
    static func lapRace(_ rnd: inout Random) -> [LapLine] {
        let n = 30, laps = 25
        let stops = [6: 9, 17: 16, 24: 23]  // athlete → laps completed
        var times = [[Double]](repeating: [], count: n)
        for a in 0..<n {
            let pace = 290 + rnd.next() * 40
            var t = 0.0
            for lap in 0..<(stops[a] ?? laps) {
                t += pace + rnd.next() * 14 + (lap > 15 ? Double(a % 5) * 1.5 : 0)
                times[a].append(t)
            }
        }
        var positions = [[Int]](repeating: [], count: n)
        for lap in 0..<laps {
            let running = (0..<n).filter { times[$0].count > lap }.sorted { (times[$0][lap], $0) < (times[$1][lap], $1) }
            for (p, a) in running.enumerated() { positions[a].append(p + 1) }
        }
        return (0..<n).map { LapLine("\(101 + $0) \(names[$0])", positions: positions[$0]) }
    }

    static func venueMap(_ rnd: inout Random) -> String {
        func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Shape {
            .multiPolygon([Polygon(exterior: [Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0)])])
        }
        let districts = [("110105 朝阳区", rect(116.40, 39.86, 116.56, 40.02)), ("110101 东城区", rect(116.30, 39.86, 116.40, 39.94)),
                         ("110108 海淀区", rect(116.22, 39.94, 116.40, 40.02)), ("110106 丰台区", rect(116.22, 39.86, 116.30, 39.94))]
        let zones = districts.map { MapFeature(shape: $0.1, fill: "#e8eef3", title: $0.0) }
        let venueNames = ["朝阳大悦城", "三里屯太古里", "国贸商城", "蓝色港湾", "世贸天阶", "王府井百货", "西单大悦城", "中关村广场",
                          "五道口购物中心", "颐和园", "奥林匹克公园", "798艺术区", "望京SOHO", "南锣鼓巷", "前门大街", "天坛公园",
                          "北京站", "北京南站", "首都体育馆", "工人体育场", "合生汇", "龙湖长楹天街", "丰台科技园", "金源购物中心"]
        var venues: [(name: String, c: Coordinate, footfall: Double)] = []
        for name in venueNames {
            let c = Coordinate(116.24 + rnd.next() * 0.30, 39.87 + rnd.next() * 0.14)
            let f = rnd.next() < 0.15 ? 0 : (rnd.next() * rnd.next() * 20000).rounded()
            venues.append((name, c, f))
        }
        let scale = SqrtScale(maxValue: venues.map(\.footfall).max()!, maxRadius: 16, minRadius: 3)
        // Largest first gets the label space first.
        var points = venues.sorted { ($0.footfall, $1.name) > ($1.footfall, $0.name) }.map { v in
            MapFeature(point: v.c, fill: v.footfall == 0 ? "#d62728" : "#1f77b4cc", title: "\(v.name): \(Int(v.footfall)) in",
                       radius: scale.radius(v.footfall), stroke: "#fff", label: v.name, marker: v.footfall == 0 ? .ring : .dot)
        }
        for i in 0..<3 {
            points.append(MapFeature(point: Coordinate(116.25 + Double(i) * 0.11, 40.0 - Double(i) * 0.05), fill: "#d62728",
                                     title: "mine \(i + 1): 2 overdue alarms", label: "mine \(i + 1) overdue", marker: .cross))
        }
        return SVGMap.render(zones, points: points,
                             legend: [LegendEntry("district", "#e8eef3"), LegendEntry("silent venue (ring)", "#d62728")],
                             sizeLegend: SizeLegend(title: "footfall (in)", scale: scale, color: "#1f77b4cc"))
    }
}
