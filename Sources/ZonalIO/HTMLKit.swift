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

/// One thing drawn on a map.
public struct MapFeature: Sendable {
    public var shape: Shape
    public var fill: String
    public var title: String
    public init(shape: Shape, fill: String, title: String) { self.shape = shape; self.fill = fill; self.title = title }
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
    public static func render(_ features: [MapFeature], background: [MapFeature] = [], legend: [LegendEntry],
                              width: Double = 900, height: Double = 640) -> String {
        // The view fits the features; background (district boundaries) is drawn
        // only where it falls inside, so a few streets don't shrink to a dot.
        let framing = features.isEmpty ? background : features
        guard var env = framing.compactMap({ $0.shape.envelope }).first else { return "<p class=\"note\">Nothing to draw.</p>" }
        for f in framing { if let e = f.shape.envelope { env = env.union(e) } }
        let mx = (env.maxX - env.minX) * 0.04, my = (env.maxY - env.minY) * 0.04
        env = Envelope(minX: env.minX - mx, minY: env.minY - my, maxX: env.maxX + mx, maxY: env.maxY + my)
        let k = cos((env.minY + env.maxY) / 2 * .pi / 180)
        let w = max((env.maxX - env.minX) * k, 1e-9), hgt = max(env.maxY - env.minY, 1e-9)
        let pad = 12.0
        let scale = min((width - 2 * pad) / w, (height - 2 * pad) / hgt)
        func px(_ c: Coordinate) -> (Double, Double) {
            (pad + (c.x - env.minX) * k * scale, height - pad - (c.y - env.minY) * scale)
        }
        func fmt(_ d: Double) -> String { String(format: "%.1f", d) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"map\" role=\"img\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#f7f7f4\"/>"
        func draw(_ f: MapFeature, stroke: String, minPx: Double) {
            switch f.shape {
            case .point(let c):
                let (x, y) = px(c)
                svg += "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"3\" fill=\"\(f.fill)\"><title>\(HTML.escape(f.title))</title></circle>"
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
        svg += "</svg>"
        let legendHTML = legend.map {
            "<span class=\"key\"><i style=\"background:\($0.color)\"></i>\(HTML.escape($0.label))</span>"
        }.joined()
        return svg + "<div class=\"legend\">\(legendHTML)</div>"
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
