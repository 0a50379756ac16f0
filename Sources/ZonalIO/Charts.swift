import Foundation

// Charts for report.html beyond HTMLKit's bar chart and map: columns over
// ordered categories (hours, days) and a race lap chart. Inline SVG only, no
// scripts; every string goes through HTML.escape; numbers are printed with
// String(format:) (no locale), so output depends only on the inputs.

// MARK: - Shared pieces

/// Colours for series and athletes. Category10 (d3/Tableau), readable as
/// lines and text on white; cycle it with `Palette.color(_:)`.
public enum Palette {
    public static let qualitative = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    /// The i-th colour, cycling.
    public static func color(_ i: Int) -> String { qualitative[((i % qualitative.count) + qualitative.count) % qualitative.count] }
}

/// Axis ticks from 0 with a 1-2-5 step: 0–7 → 0 2 4 6 8, 0–95 → 0 20 … 100,
/// 0–1 → 0.0 0.2 … 1.0. Labels carry as many decimals as the step needs.
public struct AxisTicks: Equatable, Sendable {
    public let values: [Double]
    public let labels: [String]
    /// The last tick: the axis runs from 0 to here.
    public var top: Double { values[values.count - 1] }

    /// About `target` steps covering 0…maxValue. `integers` keeps the step at
    /// least 1 (counts). A maxValue that is 0, negative or not finite gives 0 and 1.
    public static func nice(maxValue: Double, target: Int = 5, integers: Bool = false) -> AxisTicks {
        var mantissa = 1, exponent = 0, steps = 1
        if maxValue.isFinite, maxValue > 0 {
            let rough = maxValue / Double(max(1, target))
            exponent = Int(floor(log10(rough)))
            let r = rough / DecimalFormat.powerOfTen(exponent)
            let eps = 1e-9
            mantissa = r <= 1 + eps ? 1 : r <= 2 + eps ? 2 : r <= 5 + eps ? 5 : 10
            if mantissa == 10 { mantissa = 1; exponent += 1 }
            if integers, exponent < 0 { mantissa = 1; exponent = 0 }
            let step = Double(mantissa) * DecimalFormat.powerOfTen(exponent)
            steps = max(1, Int(ceil(maxValue / step - 1e-9)))
        }
        let decimals = max(0, -exponent)
        var values: [Double] = [], labels: [String] = []
        for i in 0...steps {
            let n = Double(i * mantissa)
            let v = exponent >= 0 ? n * DecimalFormat.pow10(exponent) : n / DecimalFormat.pow10(-exponent)
            values.append(v)
            labels.append(String(format: "%.\(decimals)f", v))
        }
        return AxisTicks(values: values, labels: labels)
    }
}

/// Formatting and measuring shared by the charts.
enum ChartText {
    /// One decimal, never "-0.0": SVG coordinates.
    static func px(_ d: Double) -> String {
        let s = String(format: "%.1f", d)
        return s == "-0.0" ? "0.0" : s
    }

    /// Three decimals, never "-0.000": small map features.
    static func px3(_ d: Double) -> String {
        let s = String(format: "%.3f", d)
        return s == "-0.000" ? "0.000" : s
    }

    /// Two decimals, never "-0.00": map coordinates, still exact to a pixel at the deepest zoom.
    static func px2(_ d: Double) -> String {
        let s = String(format: "%.2f", d)
        return s == "-0.00" ? "0.00" : s
    }

    /// A data value as the bar chart prints it: whole numbers plain, others with 4 decimals.
    static func value(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.4f", v)
    }

    /// Estimated rendered width of `s` in px: CJK and full-width characters
    /// are 1 em, ASCII about 0.62 em (narrow punctuation 0.35, capitals 0.75).
    /// Generous on purpose: it only decides spacing, and too wide is harmless.
    static func width(_ s: String, fontSize: Double) -> Double {
        var em = 0.0
        for u in s.unicodeScalars {
            switch u.value {
            case 0x20, 0x21, 0x27, 0x28, 0x29, 0x2C, 0x2D, 0x2E, 0x3A, 0x3B, 0x5B, 0x5D, 0x69, 0x6C, 0x7C: em += 0.35
            case 0x41...0x5A, 0x6D, 0x77: em += 0.75
            case 0x21...0x7E: em += 0.62
            case 0x0300...0x036F, 0x200B...0x200F: break
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
                 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD: em += 1
            default: em += 0.7
            }
        }
        return em * fontSize
    }

    /// `s` cut with "…" so that it is at most `width` px wide (estimated).
    static func truncated(_ s: String, fontSize: Double, width maxWidth: Double) -> String {
        guard width(s, fontSize: fontSize) > maxWidth else { return s }
        var out = ""
        let room = maxWidth - width("…", fontSize: fontSize)
        for ch in s {
            if width(out + String(ch), fontSize: fontSize) > room { break }
            out.append(ch)
        }
        return out + "…"
    }

    /// Every k-th label is shown so labels `labelWidth` wide, one per `slot`
    /// px, keep at least `gap` px between them.
    static func thinning(labelWidth: Double, slot: Double, gap: Double = 6) -> Int {
        guard slot > 0 else { return 1 }
        return max(1, Int(ceil((labelWidth + gap) / slot - 1e-9)))
    }

    /// Text with a white outline under it, readable over lines and columns.
    static let halo = "stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\""
}

/// Moves labels apart vertically, as little as possible, keeping their order.
enum LabelNudge {
    /// New centres for labels wanted at `desired`, each at least `gap` from the
    /// next, inside lo…hi when they fit (from lo downwards when they don't).
    /// Minimises the summed squared movement: isotonic regression (pool
    /// adjacent violators) on desired[k] − k·gap in sorted order.
    static func spread(_ desired: [Double], gap: Double, lo: Double, hi: Double) -> [Double] {
        let n = desired.count
        guard n > 0 else { return [] }
        let order = desired.indices.sorted { desired[$0] != desired[$1] ? desired[$0] < desired[$1] : $0 < $1 }
        var blocks: [(sum: Double, count: Int)] = []
        for (k, i) in order.enumerated() {
            blocks.append((desired[i] - Double(k) * gap, 1))
            while blocks.count > 1 {
                let b = blocks[blocks.count - 1], a = blocks[blocks.count - 2]
                guard a.sum / Double(a.count) > b.sum / Double(b.count) else { break }
                blocks.removeLast(2)
                blocks.append((a.sum + b.sum, a.count + b.count))
            }
        }
        let zHi = max(lo, hi - Double(n - 1) * gap)
        var out = [Double](repeating: 0, count: n)
        var k = 0
        for b in blocks {
            let z = min(max(b.sum / Double(b.count), lo), zHi)
            for _ in 0..<b.count { out[order[k]] = z + Double(k) * gap; k += 1 }
        }
        return out
    }
}

// MARK: - Column chart

/// One series of a column chart: a value per category, in category order.
public struct ChartSeries: Sendable {
    public var name: String
    public var color: String
    public var values: [Double]
    public init(_ name: String, color: String, values: [Double]) { self.name = name; self.color = color; self.values = values }
}

public enum ColumnChart {
    public enum Layout: Sendable { case grouped, stacked }

    /// Vertical columns over ordered categories (hours, days): one or more
    /// series side by side (`.grouped`) or on top of each other (`.stacked`),
    /// a 1-2-5 y axis with grid lines, category labels thinned so they never
    /// overlap, a legend when there are several series, an optional dashed
    /// `reference` line, and a tooltip on every column. A series shorter than
    /// the categories counts as 0 for the rest; negative values are drawn as 0.
    public static func render(categories: [String], series: [ChartSeries], layout: Layout = .grouped, unit: String = "",
                              reference: (value: Double, label: String)? = nil,
                              width: Double = 820, height: Double = 280) -> String {
        guard let g = geometry(categories: categories, series: series, layout: layout, reference: reference?.value,
                               width: width, height: height) else { return "<p class=\"note\">No data.</p>" }
        let px = ChartText.px, esc = HTML.escape
        let fs = Geometry.fontSize
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"chart\" role=\"img\">"
        for e in g.legend {
            svg += "<rect x=\"\(px(e.x))\" y=\"\(px(e.y - 9))\" width=\"10\" height=\"10\" fill=\"\(esc(series[e.series].color))\"/>"
            svg += "<text x=\"\(px(e.x + 14))\" y=\"\(px(e.y))\" font-size=\"12\">\(esc(series[e.series].name))</text>"
        }
        let bottom = g.plotTop + g.plotHeight
        for (v, label) in zip(g.ticks.values, g.ticks.labels) {
            let y = bottom - v / g.ticks.top * g.plotHeight
            if v > 0 {
                svg += "<line x1=\"\(px(g.plotLeft))\" y1=\"\(px(y))\" x2=\"\(px(g.plotLeft + g.plotWidth))\" y2=\"\(px(y))\" stroke=\"#e4e4e4\"/>"
            }
            svg += "<text x=\"\(px(g.plotLeft - 6))\" y=\"\(px(y + 4))\" text-anchor=\"end\" font-size=\"\(Int(fs))\" fill=\"#555\">\(label)</text>"
        }
        // A transparent band per category, under the columns: hovering
        // anywhere over a day (even one with no columns) lists all its values.
        let slot = g.plotWidth / Double(categories.count)
        for (i, c) in categories.enumerated() {
            let parts = series.map { s in
                let v = i < s.values.count ? s.values[i] : 0
                return (s.name.isEmpty ? "" : s.name + ": ") + ChartText.value(v) + unit
            }
            var tip = c + " — " + parts.joined(separator: ", ")
            if layout == .stacked, series.count > 1 { tip += ", total: " + ChartText.value(g.totals[i]) + unit }
            svg += "<rect x=\"\(px(g.plotLeft + Double(i) * slot))\" y=\"\(px(g.plotTop))\" width=\"\(px(slot))\" height=\"\(px(g.plotHeight))\" fill=\"#000\" fill-opacity=\"0\"><title>\(esc(tip))</title></rect>"
        }
        for col in g.columns where col.height > 0 {
            let s = series[col.series]
            let tip = categories[col.category] + (s.name.isEmpty ? "" : " · " + s.name) + ": " + ChartText.value(col.value) + unit
            svg += "<rect x=\"\(px(col.x))\" y=\"\(px(col.y))\" width=\"\(px(col.width))\" height=\"\(px(col.height))\" fill=\"\(esc(s.color))\"><title>\(esc(tip))</title></rect>"
        }
        svg += "<line x1=\"\(px(g.plotLeft))\" y1=\"\(px(bottom))\" x2=\"\(px(g.plotLeft + g.plotWidth))\" y2=\"\(px(bottom))\" stroke=\"#888\"/>"
        for i in g.labelled {
            let x = g.plotLeft + (Double(i) + 0.5) * slot
            svg += "<line x1=\"\(px(x))\" y1=\"\(px(bottom))\" x2=\"\(px(x))\" y2=\"\(px(bottom + 4))\" stroke=\"#888\"/>"
            svg += "<text x=\"\(px(x))\" y=\"\(px(bottom + 16))\" text-anchor=\"middle\" font-size=\"\(Int(fs))\" fill=\"#333\">\(esc(categories[i]))</text>"
        }
        if let reference, reference.value.isFinite {
            let y = bottom - max(0, reference.value) / g.ticks.top * g.plotHeight
            svg += "<line x1=\"\(px(g.plotLeft))\" y1=\"\(px(y))\" x2=\"\(px(g.plotLeft + g.plotWidth))\" y2=\"\(px(y))\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(px(g.plotLeft + g.plotWidth - 2))\" y=\"\(px(y - 4))\" text-anchor=\"end\" font-size=\"\(Int(fs))\" \(ChartText.halo)>\(esc(reference.label))</text>"
        }
        return svg + "</svg>"
    }

    /// Where everything goes; nil when there is nothing to draw.
    struct Geometry {
        static let fontSize = 11.0
        struct Column { var category, series: Int; var value, x, y, width, height: Double }
        var ticks: AxisTicks
        var plotLeft, plotTop, plotWidth, plotHeight: Double
        var columns: [Column]
        var totals: [Double]
        /// Indices of the categories whose label is drawn.
        var labelled: [Int]
        /// Legend entries: series index and text baseline position.
        var legend: [(series: Int, x: Double, y: Double)]
    }

    static func geometry(categories: [String], series: [ChartSeries], layout: Layout, reference: Double?,
                         width: Double, height: Double) -> Geometry? {
        let n = categories.count, m = series.count
        guard n > 0, m > 0 else { return nil }
        let fs = Geometry.fontSize
        func value(_ s: Int, _ c: Int) -> Double {
            let v = c < series[s].values.count ? series[s].values[c] : 0
            return v.isFinite ? max(0, v) : 0
        }
        let totals = (0..<n).map { c in (0..<m).reduce(0.0) { $0 + value($1, c) } }
        let dataMax = layout == .stacked ? totals.max()! : (0..<n).flatMap { c in (0..<m).map { value($0, c) } }.max()!
        let integers = series.allSatisfy { $0.values.allSatisfy { !$0.isFinite || $0 == $0.rounded() } }
            && (reference.map { $0 == $0.rounded() } ?? true)
        let ticks = AxisTicks.nice(maxValue: max(dataMax, reference.map { $0.isFinite ? $0 : 0 } ?? 0), integers: integers)

        // Legend rows above the plot, wrapped to the width.
        var legend: [(series: Int, x: Double, y: Double)] = []
        var legendHeight = 0.0
        if m > 1 {
            var x = 8.0, y = 14.0
            for (i, s) in series.enumerated() {
                let w = 14 + ChartText.width(s.name, fontSize: 12) + 16
                if x > 8, x + w > width - 8 { x = 8; y += 18 }
                legend.append((i, x, y))
                x += w
            }
            legendHeight = y + 8
        }
        let tickWidth = ticks.labels.map { ChartText.width($0, fontSize: fs) }.max()!
        let labelWidth = categories.map { ChartText.width($0, fontSize: fs) }.max()!
        let left = max(ceil(tickWidth) + 10, ceil(labelWidth / 2) + 2)
        let right = max(10, ceil(labelWidth / 2) + 2)
        let top = legendHeight + 10, bottom = 22.0
        let plotWidth = max(1, width - left - right), plotHeight = max(1, height - top - bottom)
        let slot = plotWidth / Double(n)
        let groupWidth = min(slot * 0.8, 48 * Double(layout == .stacked ? 1 : m))
        let columnWidth = layout == .stacked ? groupWidth : groupWidth / Double(m)
        var columns: [Geometry.Column] = []
        for c in 0..<n {
            let x0 = left + Double(c) * slot + (slot - groupWidth) / 2
            var base = 0.0
            for s in 0..<m {
                let v = value(s, c)
                let h = v / ticks.top * plotHeight
                let raw = c < series[s].values.count ? series[s].values[c] : 0
                switch layout {
                case .grouped:
                    columns.append(.init(category: c, series: s, value: raw, x: x0 + Double(s) * columnWidth,
                                         y: top + plotHeight - h, width: columnWidth, height: h))
                case .stacked:
                    let b = base / ticks.top * plotHeight
                    columns.append(.init(category: c, series: s, value: raw, x: x0, y: top + plotHeight - b - h, width: columnWidth, height: h))
                    base += v
                }
            }
        }
        let k = ChartText.thinning(labelWidth: labelWidth, slot: slot)
        return Geometry(ticks: ticks, plotLeft: left, plotTop: top, plotWidth: plotWidth, plotHeight: plotHeight,
                        columns: columns, totals: totals, labelled: Array(stride(from: 0, to: n, by: k)), legend: legend)
    }
}

// MARK: - Lap chart

/// One athlete's line on a lap chart: the position after each lap, from lap 1.
/// A shorter list than the race's laps means the athlete stopped there.
public struct LapLine: Sendable {
    public var label: String
    public var positions: [Int]
    public init(_ label: String, positions: [Int]) { self.label = label; self.positions = positions }
}

public enum LapChart {
    /// A race lap chart: x = lap 1…N, y = position after that lap (1 at the
    /// top), one line per athlete with a marker per lap and the athlete's label
    /// at the end of the line. Colours cycle through `Palette.qualitative`;
    /// the second and third time round the line is dashed, then dotted, so
    /// two athletes never look the same. Labels that would touch are nudged
    /// apart with a thin leader back to the line's end. Height follows from
    /// the number of positions × `rowHeight`.
    public static func render(_ athletes: [LapLine], laps: Int? = nil, width: Double = 820, rowHeight: Double = 16) -> String {
        guard let g = geometry(athletes, laps: laps, width: width, rowHeight: rowHeight) else { return "<p class=\"note\">No data.</p>" }
        let px = ChartText.px, esc = HTML.escape
        let fs = Geometry.fontSize
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(g.height))\" class=\"chart\" role=\"img\">"
        let plotBottom = g.positionY(g.positions)
        for p in g.positionLabels {
            let y = g.positionY(p)
            svg += "<line x1=\"\(px(g.plotLeft))\" y1=\"\(px(y))\" x2=\"\(px(g.plotLeft + g.plotWidth))\" y2=\"\(px(y))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(px(g.plotLeft - 8))\" y=\"\(px(y + 4))\" text-anchor=\"end\" font-size=\"\(Int(fs))\" fill=\"#555\">\(p)</text>"
        }
        for lap in g.lapLabels {
            let x = g.lapX(lap)
            svg += "<line x1=\"\(px(x))\" y1=\"\(px(g.plotTop - 4))\" x2=\"\(px(x))\" y2=\"\(px(plotBottom + 4))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(px(x))\" y=\"\(px(plotBottom + 18))\" text-anchor=\"middle\" font-size=\"\(Int(fs))\" fill=\"#555\">\(lap)</text>"
        }
        svg += "<text x=\"\(px(g.plotLeft - 8))\" y=\"\(px(plotBottom + 18))\" text-anchor=\"end\" font-size=\"\(Int(fs))\" fill=\"#999\">lap</text>"
        for (a, line) in zip(athletes, g.lines) where !line.points.isEmpty {
            let color = esc(line.color)
            let dash = line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            if line.points.count > 1 {
                let pts = line.points.map { px($0.x) + "," + px($0.y) }.joined(separator: " ")
                svg += "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" stroke-linejoin=\"round\"\(dash)><title>\(esc(a.label))</title></polyline>"
            }
            for (i, p) in line.points.enumerated() {
                svg += "<circle cx=\"\(px(p.x))\" cy=\"\(px(p.y))\" r=\"2.5\" fill=\"\(color)\"><title>\(esc(a.label)) · lap \(i + 1) · position \(a.positions[i])</title></circle>"
            }
        }
        // Labels last, so no line crosses over one.
        for (a, line) in zip(athletes, g.lines) where !line.points.isEmpty {
            let end = line.points[line.points.count - 1]
            if abs(line.labelY - end.y) > 0.5 {
                svg += "<line x1=\"\(px(end.x + 3))\" y1=\"\(px(end.y))\" x2=\"\(px(line.labelX - 2))\" y2=\"\(px(line.labelY))\" stroke=\"\(esc(line.color))\" stroke-width=\"0.8\"/>"
            }
            svg += "<text x=\"\(px(line.labelX))\" y=\"\(px(line.labelY + 4))\" font-size=\"\(Int(fs))\" fill=\"\(esc(line.color))\" \(ChartText.halo)>\(esc(a.label))</text>"
        }
        return svg + "</svg>"
    }

    struct Geometry {
        static let fontSize = 11.0
        struct Line { var points: [(x: Double, y: Double)]; var labelX, labelY: Double; var color: String; var dash: String? }
        var laps, positions: Int
        var plotLeft, plotTop, plotWidth, rowHeight, height: Double
        var lines: [Line]
        var lapLabels: [Int]
        var positionLabels: [Int]
        func lapX(_ lap: Int) -> Double { laps == 1 ? plotLeft + plotWidth / 2 : plotLeft + Double(lap - 1) / Double(laps - 1) * plotWidth }
        func positionY(_ p: Int) -> Double { plotTop + Double(p - 1) * rowHeight }
    }

    static let dashes: [String?] = [nil, "5 3", "1.5 2.5"]

    static func geometry(_ athletes: [LapLine], laps: Int?, width: Double, rowHeight: Double) -> Geometry? {
        let n = max(laps ?? 0, athletes.map(\.positions.count).max() ?? 0)
        let positions = athletes.flatMap(\.positions).max() ?? 0
        guard n > 0, positions > 0 else { return nil }
        let fs = Geometry.fontSize
        let labelWidths = athletes.map { ChartText.width($0.label, fontSize: fs) }
        let left = ceil(ChartText.width(String(positions), fontSize: fs)) + 14
        let right = ceil(labelWidths.max()!) + 16
        let top = 12.0, bottom = 28.0
        let plotWidth = max(1, width - left - right)
        var g = Geometry(laps: n, positions: positions, plotLeft: left, plotTop: top, plotWidth: plotWidth, rowHeight: rowHeight,
                         height: top + Double(positions - 1) * rowHeight + bottom, lines: [], lapLabels: [], positionLabels: [])
        for (i, a) in athletes.enumerated() {
            let pts = a.positions.enumerated().map { (x: g.lapX($0.offset + 1), y: g.positionY(max(1, $0.element))) }
            let end = pts.last ?? (x: 0, y: 0)
            let cycle = i / Palette.qualitative.count
            g.lines.append(.init(points: pts, labelX: end.x + 8, labelY: end.y, color: Palette.color(i), dash: dashes[cycle % dashes.count]))
        }
        // Labels whose boxes share some x range form a group; each group is
        // spread vertically so neighbours keep a line of text between them.
        let drawn = g.lines.indices.filter { !g.lines[$0].points.isEmpty }
            .sorted { (g.lines[$0].labelX, $0) < (g.lines[$1].labelX, $1) }
        var groups: [[Int]] = []
        var groupEnd = -Double.infinity
        for i in drawn {
            if groups.isEmpty || g.lines[i].labelX > groupEnd { groups.append([]); groupEnd = -Double.infinity }
            groups[groups.count - 1].append(i)
            groupEnd = max(groupEnd, g.lines[i].labelX + labelWidths[i])
        }
        for group in groups where group.count > 1 {
            let ys = LabelNudge.spread(group.map { g.lines[$0].labelY }, gap: fs + 2, lo: min(top, fs / 2 + 1),
                                       hi: g.positionY(positions) + 10)
            for (i, y) in zip(group, ys) { g.lines[i].labelY = y }
        }
        let lapStep = ChartText.thinning(labelWidth: ChartText.width(String(n), fontSize: fs), slot: n > 1 ? plotWidth / Double(n - 1) : plotWidth)
        g.lapLabels = Array(stride(from: 1, through: n, by: lapStep))
        let rowStep = ChartText.thinning(labelWidth: fs, slot: rowHeight, gap: 1)
        g.positionLabels = Array(stride(from: 1, through: positions, by: rowStep))
        return g
    }
}
