import Foundation
import ZonalGeo

/// Small builders for the self-contained report.html: escaping, an SVG map
/// and an SVG bar chart. No scripts, nothing fetched: it must open offline.
public enum HTML {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A table of cells; `limit` rows at most, with a note pointing at the full file.
    public static func table(header: [String], rows: [[Cell]], limit: Int, fullFile: String) -> String {
        var h = "<div class=\"tablewrap\"><table><thead><tr>"
        h += header.map { "<th>\(escape($0))</th>" }.joined()
        h += "</tr></thead><tbody>"
        for r in rows.prefix(limit) {
            h += "<tr>" + r.map { cell in
                let cls: String
                switch cell {
                case .integer, .decimal: cls = " class=\"num\""
                default: cls = ""
                }
                return "<td\(cls)>\(escape(cell.display))</td>"
            }.joined() + "</tr>"
        }
        h += "</tbody></table></div>"
        if rows.count > limit {
            h += "<p class=\"note\">Showing the first \(limit) of \(rows.count) rows; all rows are in <code>\(escape(fullFile))</code>.</p>"
        } else if rows.isEmpty {
            h += "<p class=\"note\">No rows.</p>"
        }
        return h
    }
}

/// How a point is marked on a map.
public enum PointMarker: Sendable {
    /// A filled disc (the default).
    case dot
    /// A hollow ring in the fill colour, e.g. a venue that went silent.
    case ring
    /// A cross (×) in the fill colour, e.g. a mine with overdue alarms.
    case cross
}

/// One thing drawn on a map.
public struct MapFeature: Sendable {
    public var shape: Shape
    public var fill: String
    public var title: String
    /// Point styling (polygons ignore it). With all defaults a point is the
    /// classic 3-px dot. `radius` in px (see `SqrtScale`), `stroke` an outline
    /// colour for dots, `label` text drawn beside the point.
    public var radius: Double? = nil
    public var stroke: String? = nil
    public var strokeWidth: Double = 1
    public var label: String? = nil
    public var marker: PointMarker = .dot
    public init(shape: Shape, fill: String, title: String) { self.shape = shape; self.fill = fill; self.title = title }
    /// A styled point: sized, outlined, labelled or flagged.
    public init(point: Coordinate, fill: String, title: String, radius: Double? = nil, stroke: String? = nil,
                strokeWidth: Double = 1, label: String? = nil, marker: PointMarker = .dot) {
        self.shape = .point(point); self.fill = fill; self.title = title
        self.radius = radius; self.stroke = stroke; self.strokeWidth = strokeWidth; self.label = label; self.marker = marker
    }

    /// Drawn exactly as before styling existed (fill not escaped), in `features`.
    var isClassicDot: Bool { radius == nil && stroke == nil && marker == .dot }
}

/// Radius for a value so that a circle's area is proportional to it:
/// maxRadius × √(value / maxValue), kept within minRadius…maxRadius.
public struct SqrtScale: Sendable {
    public var maxValue: Double
    public var maxRadius: Double
    public var minRadius: Double
    public init(maxValue: Double, maxRadius: Double = 16, minRadius: Double = 2) {
        self.maxValue = maxValue; self.maxRadius = maxRadius; self.minRadius = minRadius
    }

    public func radius(_ value: Double) -> Double {
        guard maxValue > 0, value.isFinite, value > 0 else { return minRadius }
        return min(maxRadius, max(minRadius, maxRadius * (value / maxValue).squareRoot()))
    }

    /// Up to three round values (1-2-5 × 10ⁿ) for a size legend, ascending:
    /// the largest not above maxValue, and those not above ¼ and 1⁄16 of it.
    public var legendValues: [Double] {
        guard maxValue.isFinite, maxValue > 0 else { return [] }
        func niceFloor(_ x: Double) -> Double {
            let e = Int(floor(log10(x)))
            let m = x / DecimalFormat.powerOfTen(e)
            let k: Double = m >= 5 - 1e-9 ? 5 : m >= 2 - 1e-9 ? 2 : 1
            return e >= 0 ? k * DecimalFormat.pow10(e) : k / DecimalFormat.pow10(-e)
        }
        var out: [Double] = []
        for d in [16.0, 4, 1] { let v = niceFloor(maxValue / d); if out.last != v { out.append(v) } }
        return out
    }
}

/// A key for circles sized by a `SqrtScale`, drawn under the map.
public struct SizeLegend: Sendable {
    public var title: String
    public var scale: SqrtScale
    public var values: [Double]
    public var color: String
    /// `values` default to `scale.legendValues`.
    public init(title: String, scale: SqrtScale, values: [Double]? = nil, color: String = "#bbbbbb") {
        self.title = title; self.scale = scale; self.values = values ?? scale.legendValues; self.color = color
    }

    func render() -> String {
        let px = ChartText.px, fs = 11.0
        let maxR = values.map { scale.radius($0) }.max() ?? 0
        let h = ceil(2 * maxR) + 18
        var x = 2.0, body = ""
        for v in values {
            let r = scale.radius(v), label = ChartText.value(v)
            let w = max(2 * r, ChartText.width(label, fontSize: fs))
            let cx = x + w / 2
            body += "<circle cx=\"\(px(cx))\" cy=\"\(px(h - 16 - r))\" r=\"\(px(r))\" fill=\"\(HTML.escape(color))\" stroke=\"#666\"/>"
            body += "<text x=\"\(px(cx))\" y=\"\(px(h - 3))\" text-anchor=\"middle\" font-size=\"\(Int(fs))\">\(label)</text>"
            x += w + 12
        }
        let w = Int(ceil(x))
        return "<span class=\"key\">\(HTML.escape(title))</span><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(Int(h))\" viewBox=\"0 0 \(w) \(Int(h))\" style=\"vertical-align:middle\">\(body)</svg>"
    }
}

public struct LegendEntry: Sendable {
    public var label: String
    public var color: String
    public init(_ label: String, _ color: String) { self.label = label; self.color = color }
}

public enum SVGMap {
    /// Draws features in an equirectangular view scaled by cos(latitude), so
    /// shapes keep their proportions at Beijing's latitude. Small features are
    /// drawn at least 2 px wide so a 10 m parking area stays visible city-wide.
    ///
    /// `points` (venues, mines, devices) are drawn above every polygon, the
    /// largest first so small ones stay visible, then their labels: right of
    /// the point, else left, above or below, wherever it overlaps no earlier
    /// label (in the order given) and no other marker; a label with no room is
    /// left out, its point's tooltip still names it. With points the view is
    /// centred and never narrower than 0.01°. `sizeLegend` adds a circle-size key.
    public static func render(_ features: [MapFeature], background: [MapFeature] = [], points: [MapFeature] = [],
                              legend: [LegendEntry], sizeLegend: SizeLegend? = nil,
                              width: Double = 900, height: Double = 640) -> String {
        // The view fits the features; background (district boundaries) is drawn
        // only where it falls inside, so a few streets don't shrink to a dot.
        let framing = features.isEmpty && points.isEmpty ? background : features + points
        guard var env = framing.compactMap({ $0.shape.envelope }).first else { return "<p class=\"note\">Nothing to draw.</p>" }
        for f in framing { if let e = f.shape.envelope { env = env.union(e) } }
        if !points.isEmpty { env = centred(env, minSpan: 0.01, aspect: width / height) }
        let mx = (env.maxX - env.minX) * 0.04, my = (env.maxY - env.minY) * 0.04
        env = Envelope(minX: env.minX - mx, minY: env.minY - my, maxX: env.maxX + mx, maxY: env.maxY + my)
        let k = cos((env.minY + env.maxY) / 2 * .pi / 180)
        let w = max((env.maxX - env.minX) * k, 1e-9), hgt = max(env.maxY - env.minY, 1e-9)
        let pad = max(12.0, (points.compactMap(\.radius).max() ?? 0) + 2)
        let scale = min((width - 2 * pad) / w, (height - 2 * pad) / hgt)
        func px(_ c: Coordinate) -> (Double, Double) {
            (pad + (c.x - env.minX) * k * scale, height - pad - (c.y - env.minY) * scale)
        }
        func fmt(_ d: Double) -> String { String(format: "%.1f", d) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"map\" role=\"img\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#f7f7f4\"/>"
        func draw(_ f: MapFeature, stroke: String, minPx: Double, styled: Bool = false) {
            switch f.shape {
            case .point(let c):
                let (x, y) = px(c)
                if f.isClassicDot && !styled {
                    svg += "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"3\" fill=\"\(f.fill)\"><title>\(HTML.escape(f.title))</title></circle>"
                } else {
                    svg += styledPoint(f, x: x, y: y)
                }
            case .multiPolygon(let polys):
                guard let e = f.shape.envelope else { return }
                let sizePx = max((e.maxX - e.minX) * k, e.maxY - e.minY) * scale
                if sizePx < minPx {
                    let (x, y) = px(Coordinate((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2))
                    svg += "<rect x=\"\(fmt(x - minPx / 2))\" y=\"\(fmt(y - minPx / 2))\" width=\"\(fmt(minPx))\" height=\"\(fmt(minPx))\" fill=\"\(f.fill)\"><title>\(HTML.escape(f.title))</title></rect>"
                    return
                }
                var d = ""
                for p in polys {
                    for ring in p.rings where !ring.isEmpty {
                        d += ring.enumerated().map { i, c in
                            let (x, y) = px(c)
                            return (i == 0 ? "M" : "L") + fmt(x) + " " + fmt(y)
                        }.joined() + "Z"
                    }
                }
                svg += "<path d=\"\(d)\" fill=\"\(f.fill)\" fill-rule=\"evenodd\" stroke=\"\(stroke)\" stroke-width=\"0.6\"><title>\(HTML.escape(f.title))</title></path>"
            }
        }
        for f in background { draw(f, stroke: "#999", minPx: 0) }
        for f in features { draw(f, stroke: "#333", minPx: 3) }
        let bySize = points.indices.sorted { a, b in
            let ra = points[a].radius ?? 3, rb = points[b].radius ?? 3
            return ra != rb ? ra > rb : a < b
        }
        for i in bySize { draw(points[i], stroke: "#333", minPx: 3, styled: true) }
        let marks = (features + points).compactMap { f -> (x: Double, y: Double, r: Double, label: String?)? in
            guard case .point(let c) = f.shape else { return nil }
            let (x, y) = px(c)
            return (x, y, f.radius ?? 3, f.label)
        }
        if marks.contains(where: { $0.label != nil }) { svg += placeLabels(marks, width: width, height: height) }
        svg += "</svg>"
        var legendHTML = legend.map {
            "<span class=\"key\"><i style=\"background:\($0.color)\"></i>\(HTML.escape($0.label))</span>"
        }.joined()
        if let sizeLegend { legendHTML += sizeLegend.render() }
        return svg + "<div class=\"legend\">\(legendHTML)</div>"
    }

    /// The envelope grown about its centre to at least `minSpan` degrees and
    /// to the view's width:height (after the cos(latitude) squeeze), so a few
    /// points sit in the middle rather than along an edge.
    static func centred(_ e: Envelope, minSpan: Double, aspect: Double) -> Envelope {
        let cx = (e.minX + e.maxX) / 2, cy = (e.minY + e.maxY) / 2
        let k = cos(cy * .pi / 180)
        var w = max(e.maxX - e.minX, minSpan) * k, h = max(e.maxY - e.minY, minSpan)
        if w / h < aspect { w = h * aspect } else { h = w / aspect }
        return Envelope(minX: cx - w / k / 2, minY: cy - h / 2, maxX: cx + w / k / 2, maxY: cy + h / 2)
    }

    /// A sized, outlined or flagged point.
    static func styledPoint(_ f: MapFeature, x: Double, y: Double) -> String {
        let px = ChartText.px, esc = HTML.escape
        let r = f.radius ?? 3
        let title = "<title>\(esc(f.title))</title>"
        switch f.marker {
        case .dot:
            let stroke = f.stroke.map { " stroke=\"\(esc($0))\" stroke-width=\"\(px(f.strokeWidth))\"" } ?? ""
            return "<circle cx=\"\(px(x))\" cy=\"\(px(y))\" r=\"\(px(r))\" fill=\"\(esc(f.fill))\"\(stroke)>\(title)</circle>"
        case .ring:
            return "<circle cx=\"\(px(x))\" cy=\"\(px(y))\" r=\"\(px(r))\" fill=\"none\" stroke=\"\(esc(f.fill))\" stroke-width=\"2\" pointer-events=\"all\">\(title)</circle>"
        case .cross:
            let a = max(r, 3) * 0.8
            let d = "M\(px(x - a)) \(px(y - a))L\(px(x + a)) \(px(y + a))M\(px(x - a)) \(px(y + a))L\(px(x + a)) \(px(y - a))"
            return "<path d=\"\(d)\" stroke=\"#fff\" stroke-width=\"4.5\" stroke-linecap=\"round\"/>"
                + "<path d=\"\(d)\" stroke=\"\(esc(f.fill))\" stroke-width=\"2.5\" stroke-linecap=\"round\" pointer-events=\"all\">\(title)</path>"
        }
    }

    /// Point labels, greedily in the order given: right of the point, else
    /// left, above, below; a place is taken when it would overlap a label
    /// already placed, another point's marker (except one the point lies
    /// in, which no place could avoid) or the edge. No place, no label.
    static func placeLabels(_ marks: [(x: Double, y: Double, r: Double, label: String?)], width: Double, height: Double) -> String {
        typealias Box = (x0: Double, y0: Double, x1: Double, y1: Double)
        let px = ChartText.px, fs = 11.0, hh = fs / 2 + 1  // half a line, plus 1 px between labels
        func overlaps(_ a: Box, _ b: Box) -> Bool { a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }
        var placed: [Box] = []
        var out = ""
        for (i, m) in marks.enumerated() {
            guard let label = m.label else { continue }
            let obstacles: [Box] = marks.indices.compactMap { j in
                let o = marks[j]
                guard j != i, (o.x - m.x) * (o.x - m.x) + (o.y - m.y) * (o.y - m.y) >= o.r * o.r else { return nil }
                return (o.x - o.r, o.y - o.r, o.x + o.r, o.y + o.r)
            }
            let w = ChartText.width(label, fontSize: fs)
            let above = m.y - m.r - 4 - hh, below = m.y + m.r + 4 + hh
            // (box, text x, text-anchor, centre y)
            let candidates: [(Box, Double, String, Double)] = [
                ((m.x + m.r + 3, m.y - hh, m.x + m.r + 3 + w, m.y + hh), m.x + m.r + 3, "", m.y),
                ((m.x - m.r - 3 - w, m.y - hh, m.x - m.r - 3, m.y + hh), m.x - m.r - 3, " text-anchor=\"end\"", m.y),
                ((m.x - w / 2, above - hh, m.x + w / 2, above + hh), m.x, " text-anchor=\"middle\"", above),
                ((m.x - w / 2, below - hh, m.x + w / 2, below + hh), m.x, " text-anchor=\"middle\"", below),
            ]
            guard let c = candidates.first(where: { c in
                c.0.x0 >= 0 && c.0.x1 <= width && c.0.y0 >= 0 && c.0.y1 <= height
                    && !placed.contains { overlaps($0, c.0) } && !obstacles.contains { overlaps($0, c.0) }
            }) else { continue }
            placed.append(c.0)
            out += "<text x=\"\(px(c.1))\" y=\"\(px(c.3 + 4))\"\(c.2) font-size=\"\(Int(fs))\" fill=\"#222\" \(ChartText.halo)>\(HTML.escape(label))</text>"
        }
        return out
    }
}

public enum BarChart {
    /// Horizontal bars with labels and values.
    /// `mark` draws a labelled vertical line at that value (e.g. the 0.90 bar).
    public static func render(_ bars: [(label: String, value: Double, color: String)], unit: String = "",
                              mark: (value: Double, label: String)? = nil, maxValue: Double? = nil) -> String {
        guard let maxV = maxValue ?? bars.map(\.value).max(), maxV > 0 else { return "<p class=\"note\">No data.</p>" }
        let rowH = 24.0, labelW = 280.0, barW = 480.0
        let height = Double(bars.count) * rowH + 8
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(labelW + barW + 80)) \(Int(height))\" class=\"chart\" role=\"img\">"
        for (i, b) in bars.enumerated() {
            let y = Double(i) * rowH + 4
            let w = max(1, b.value / maxV * barW)
            let v = b.value == b.value.rounded() ? String(Int(b.value)) : String(format: "%.4f", b.value)
            svg += "<text x=\"\(Int(labelW - 6))\" y=\"\(Int(y + 16))\" text-anchor=\"end\" font-size=\"13\">\(HTML.escape(b.label))</text>"
            svg += "<rect x=\"\(Int(labelW))\" y=\"\(Int(y + 3))\" width=\"\(String(format: "%.1f", w))\" height=\"\(Int(rowH - 8))\" fill=\"\(b.color)\"><title>\(HTML.escape(b.label)): \(v)\(unit)</title></rect>"
            svg += "<text x=\"\(String(format: "%.1f", labelW + w + 6))\" y=\"\(Int(y + 16))\" font-size=\"13\">\(v)\(unit)</text>"
        }
        if let mark {
            let x = labelW + mark.value / maxV * barW
            svg += "<line x1=\"\(String(format: "%.1f", x))\" y1=\"0\" x2=\"\(String(format: "%.1f", x))\" y2=\"\(Int(height))\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(String(format: "%.1f", x + 3))\" y=\"\(Int(height) - 2)\" font-size=\"11\">\(HTML.escape(mark.label))</text>"
        }
        return svg + "</svg>"
    }
}
