import Foundation
import ZonalGeo

/// Small builders for the self-contained report.html: escaping, tables, an
/// SVG map and an SVG bar chart. Nothing is fetched: it must open offline.
/// The page's one inline script (`HTML.script`) makes tables sortable and
/// filterable and maps zoomable; everything reads as it is without it.
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

    /// A report table for the page script (`HTML.script`): a filter box, sortable
    /// headings, and at most `limit` rows with a note pointing at the full file.
    ///
    /// With `problems` (one flag per row), the rows a supervisor must act on
    /// come first, each marked with a "problem" pill in a leading `flag`
    /// column; they are never cut by the limit (all of them are shown, then
    /// the others in the given order fill up to `limit`). Columns whose cells
    /// are all numbers (or empty) sort numerically.
    public static func table(header: [String], rows: [[Cell]], limit: Int, fullFile: String, problems: [Bool]? = nil) -> String {
        let flagged = problems != nil
        func isProblem(_ i: Int) -> Bool { problems.map { i < $0.count && $0[i] } ?? false }
        let problemRows = rows.indices.filter(isProblem)
        let others = rows.indices.filter { !isProblem($0) }
        let shown = problemRows + others.prefix(max(0, limit - problemRows.count))
        let numeric: [Bool] = header.indices.map { c in
            var any = false
            for r in rows where c < r.count {
                switch r[c] {
                case .integer, .decimal: any = true
                case .empty: continue
                case .text(let s) where s.isEmpty: continue
                default: return false
                }
            }
            return any
        }
        var h = "<div class=\"ztable\"><div class=\"zctl\" hidden><input type=\"search\" class=\"zf\" placeholder=\"Filter rows\" aria-label=\"Filter rows\">"
        h += "<span class=\"zn\">\(shown.count) of \(shown.count) rows</span><span class=\"note\">Click a heading to sort (again to reverse, a third time for the report's order).</span></div>"
        h += "<div class=\"tablewrap\"><table class=\"zt\"><thead><tr>"
        if flagged { h += "<th title=\"rows a supervisor must act on\">flag</th>" }
        h += zip(header, numeric).map { "<th\($1 ? " class=\"num\"" : "")>\(escape($0))</th>" }.joined()
        h += "</tr></thead><tbody>"
        for i in shown {
            let p = isProblem(i)
            h += p ? "<tr class=\"problem\">" : "<tr>"
            if flagged { h += p ? "<td class=\"flag\"><span class=\"pill\">problem</span></td>" : "<td class=\"flag\"></td>" }
            h += rows[i].map { cell in
                let text = cell.display
                let cls: String
                switch cell {
                case .integer, .decimal: cls = " class=\"num\""
                // Printed pages wrap long text (messages, names), and only that.
                default: cls = text.count > 20 ? " class=\"long\"" : ""
                }
                return "<td\(cls)>\(escape(text))</td>"
            }.joined() + "</tr>"
        }
        h += "</tbody></table></div>"
        if shown.count < rows.count {
            let which = problemRows.isEmpty ? "the first \(shown.count) in report order"
                : "all \(problemRows.count) problem rows, then the first \(shown.count - problemRows.count) others in report order"
            h += "<p class=\"note\">Showing \(shown.count) of \(rows.count) rows (\(which)); the other \(rows.count - shown.count) are in <code>\(escape(fullFile))</code>.</p>"
        } else if rows.isEmpty {
            h += "<p class=\"note\">No rows.</p>"
        }
        return h + "</div>"
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
    /// Point styling (polygons ignore all but `label`). With all defaults a
    /// point is the classic 3-px dot. `radius` in px (see `SqrtScale`),
    /// `stroke` an outline colour for dots, `label` text drawn beside the
    /// point, or inside a polygon (see `SVGMap.render`).
    public var radius: Double? = nil
    public var stroke: String? = nil
    public var strokeWidth: Double = 1
    public var label: String? = nil
    public var marker: PointMarker = .dot
    /// A polygon too small to see on the whole map is ringed (see
    /// `SVGMap.render`); false for context (clean, or grey) features, so
    /// the rings single out what needs attention.
    public var ringWhenTiny = true
    public init(shape: Shape, fill: String, title: String, label: String? = nil, ringWhenTiny: Bool = true) {
        self.shape = shape; self.fill = fill; self.title = title; self.label = label; self.ringWhenTiny = ringWhenTiny
    }
    /// A styled point: sized, outlined, labelled or flagged.
    public init(point: Coordinate, fill: String, title: String, radius: Double? = nil, stroke: String? = nil,
                strokeWidth: Double = 1, label: String? = nil, marker: PointMarker = .dot) {
        self.shape = .point(point); self.fill = fill; self.title = title
        self.radius = radius; self.stroke = stroke; self.strokeWidth = strokeWidth; self.label = label; self.marker = marker
    }

    /// The plain 3-px dot, in `features`.
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

/// One key under a map: a colour swatch and what it means.
public struct LegendEntry: Sendable {
    public enum Swatch: Sendable {
        /// A filled square (with `stroke`, outlined): an area's fill.
        case box
        /// A hollow circle in the colour: the ring around areas too small to see.
        case ring
        /// No swatch: the label starts a new row of keys (a group's name).
        case heading
    }
    public var label: String
    public var color: String
    public var stroke: String?
    public var swatch: Swatch
    public init(_ label: String, _ color: String, stroke: String? = nil, swatch: Swatch = .box) {
        self.label = label; self.color = color; self.stroke = stroke; self.swatch = swatch
    }
    /// A group's name, starting a new row of keys.
    public static func heading(_ label: String) -> LegendEntry { LegendEntry(label, "", swatch: .heading) }

    /// Keys in rows: a new row at each heading.
    static func render(_ entries: [LegendEntry]) -> String {
        var out = "", open = false
        for e in entries {
            switch e.swatch {
            case .heading:
                if open { out += "</div>" }
                out += "<div class=\"lrow\"><span class=\"kh\">\(HTML.escape(e.label))</span>"
                open = true
            case .box:
                let border = e.stroke.map { ";border:1px solid \(HTML.escape($0))" } ?? ""
                out += "<span class=\"key\"><i style=\"background:\(HTML.escape(e.color))\(border)\"></i>\(HTML.escape(e.label))</span>"
            case .ring:
                out += "<span class=\"key\"><i class=\"ring\" style=\"border-color:\(HTML.escape(e.color))\"></i>\(HTML.escape(e.label))</span>"
            }
        }
        return open ? out + "</div>" : out
    }
}

public enum SVGMap {
    /// The deepest zoom the page script allows, × the whole map.
    public static let maxZoom = 256.0
    /// A polygon smaller than this (px, whole map) is ringed, so it can be found.
    static let minPx = 3.0
    /// Radius of that ring, in px whatever the zoom.
    static let hintRadius = 4.5

    /// Draws features in an equirectangular view scaled by cos(latitude), so
    /// shapes keep their proportions at Beijing's latitude.
    ///
    /// Polygons are always drawn as their shape, with an outline that stays
    /// one pixel wide at any zoom; one smaller than 3 px on the whole map is
    /// outlined in its own colour and ringed (a hollow circle, hidden once
    /// zooming makes the shape itself that big), so a 10 m parking area can
    /// be found city-wide and seen as it is when zoomed in.
    ///
    /// Labels: a `background` polygon's label (a district's name) sits at the
    /// centre of the largest circle inside the part of it in view; a
    /// feature polygon's label (a fence's code) at the same place in the
    /// feature, shown from the zoom at which the feature is as wide as the
    /// label. Both keep their size on screen while zooming.
    ///
    /// `points` (venues, mines, devices) are drawn above every polygon, the
    /// largest first so small ones stay visible, then their labels: right of
    /// the point, else left, above or below, wherever it overlaps no earlier
    /// label (in the order given) and no other marker; a label with no room is
    /// left out, its point's tooltip still names it. With points the view is
    /// centred and never narrower than 0.01°. `sizeLegend` adds a circle-size key.
    /// The legend gets a key for the rings (`ringKey`) when there are any,
    /// and for the bare ground (`groundKey`) when some of it shows.
    ///
    /// The page script (`HTML.script`) adds zoom and pan (wheel, drag,
    /// buttons) by changing the viewBox; without it the map is the same
    /// picture, unzoomed.
    public static func render(_ features: [MapFeature], background: [MapFeature] = [], points: [MapFeature] = [],
                              legend: [LegendEntry], sizeLegend: SizeLegend? = nil,
                              ringKey: String = "ring: an area too small to see at this zoom, in its colour",
                              groundKey: String? = nil,
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
        // What the whole viewBox shows, in lon/lat: wider or taller than env.
        let view = Envelope(minX: env.minX - pad / (k * scale), minY: env.minY - pad / scale,
                            maxX: env.minX + (width - pad) / (k * scale), maxY: env.minY + (height - pad) / scale)
        func fmt(_ d: Double) -> String { String(format: "%.1f", d) }
        // Features keep three decimals (a 2 m wide parking area is 0.2 px on
        // the whole map and 50 px at the deepest zoom), the background two.
        func path(_ polys: [Polygon], clip: Bool) -> String {
            let num = clip ? ChartText.px2 : ChartText.px3
            var d = ""
            for p in polys {
                for ring in p.rings where !ring.isEmpty {
                    var pts = ring.map(px)
                    if clip { pts = clipRing(pts, x0: -2, y0: -2, x1: width + 2, y1: height + 2) }
                    guard !pts.isEmpty else { continue }
                    for (i, q) in pts.enumerated() {
                        d += (i == 0 ? "M" : "L") + num(q.0) + " " + num(q.1)
                    }
                    d += "Z"
                }
            }
            return d
        }
        var svg = "<figure class=\"zmap\"><div class=\"mapctl\" hidden><button type=\"button\" data-act=\"in\" title=\"Zoom in\">+</button>"
            + "<button type=\"button\" data-act=\"out\" title=\"Zoom out\">\u{2212}</button><button type=\"button\" data-act=\"reset\" title=\"Whole map\">Reset</button>"
            + "<span class=\"note\">Wheel or double-click to zoom, drag to pan; labels appear as you zoom in.</span></div>"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"map\" role=\"img\" data-maxz=\"\(Int(maxZoom))\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#f7f7f4\"/>"
        for f in background where !f.shape.polygons.isEmpty {
            let d = path(f.shape.polygons, clip: true)
            if d.isEmpty { continue }
            svg += "<path d=\"\(d)\" fill=\"\(HTML.escape(f.fill))\" fill-rule=\"evenodd\" stroke=\"#999\" stroke-width=\"0.8\"><title>\(HTML.escape(f.title))</title></path>"
        }
        // District names: under the fences, in the part of the district in
        // view, clear of the features where there is room.
        func unpx(_ x: Double, _ y: Double) -> Coordinate {
            Coordinate(env.minX + (x - pad) / (k * scale), env.minY + (height - pad - y) / scale)
        }
        var taken: [Box] = features.compactMap { f in
            guard let e = f.shape.envelope else { return nil }
            let (x0, y1) = px(Coordinate(e.minX, e.minY)), (x1, y0) = px(Coordinate(e.maxX, e.maxY))
            return Box(x0: x0 - 2, y0: y0 - 2, x1: x1 + 2, y1: y1 + 2)
        }
        var names = ""
        for f in background {
            guard let label = f.label, !label.isEmpty,
                  let at = nameAnchor(f.shape, label: label, fontSize: 14, view: view, width: width, height: height,
                                      taken: taken, px: px, unpx: unpx) else { continue }
            taken.append(at.box)
            names += "<text x=\"\(ChartText.px2(at.x))\" y=\"\(ChartText.px2(at.y))\">\(HTML.escape(label))</text>"
        }
        if !names.isEmpty { svg += labelGroup(fontSize: 14, fill: "#7a7a7a", halo: 3) + names + "</g>" }
        var hints = "", labels = ""
        for f in features {
            switch f.shape {
            case .point(let c):
                let (x, y) = px(c)
                svg += f.isClassicDot ? "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"3\" fill=\"\(HTML.escape(f.fill))\"><title>\(HTML.escape(f.title))</title></circle>"
                    : styledPoint(f, x: x, y: y)
            case .multiPolygon(let polys):
                guard let e = f.shape.envelope else { continue }
                let wpx = (e.maxX - e.minX) * k * scale, hpx = (e.maxY - e.minY) * scale
                let sizePx = max(wpx, hpx)
                let fill = HTML.escape(f.fill), title = "<title>\(HTML.escape(f.title))</title>"
                let d = path(polys, clip: false)
                if sizePx < minPx {
                    svg += "<path d=\"\(d)\" fill=\"\(fill)\" fill-rule=\"evenodd\" stroke=\"\(fill)\" stroke-width=\"1.6\">\(title)</path>"
                    if f.ringWhenTiny {
                        let (x, y) = px(Coordinate((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2))
                        let hz = sizePx > 0 ? min(maxZoom, minPx / sizePx) : maxZoom
                        hints += "<circle class=\"hint\" cx=\"\(ChartText.px2(x))\" cy=\"\(ChartText.px2(y))\" r=\"\(fmt(hintRadius))\" stroke=\"\(fill)\" data-hz=\"\(fmt(hz))\">\(title)</circle>"
                    }
                } else {
                    svg += "<path d=\"\(d)\" fill=\"\(fill)\" fill-rule=\"evenodd\" stroke=\"#333\" stroke-width=\"0.6\">\(title)</path>"
                }
                if let label = f.label, !label.isEmpty {
                    // Shown once the feature's long side is 60 % of the label
                    // and its short side 4 px: inside it, or just overhanging.
                    let need = max(0.6 * ChartText.width(label, fontSize: 10) / max(sizePx, 1e-9), 4 / max(min(wpx, hpx), 1e-9))
                    guard need <= maxZoom else { continue }
                    let a = labelAnchor(f.shape) ?? Coordinate((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2)
                    let (x, y) = px(a)
                    let z = need > 1 ? " data-z=\"\(fmt(need))\" display=\"none\"" : ""
                    labels += "<text x=\"\(ChartText.px2(x))\" y=\"\(ChartText.px2(y))\"\(z)>\(HTML.escape(label))</text>"
                }
            }
        }
        if !hints.isEmpty { svg += "<g fill=\"none\" stroke-width=\"1.2\">" + hints + "</g>" }
        if !labels.isEmpty { svg += labelGroup(fontSize: 10, fill: "#222", halo: 2.5) + labels + "</g>" }
        let bySize = points.indices.sorted { a, b in
            let ra = points[a].radius ?? 3, rb = points[b].radius ?? 3
            return ra != rb ? ra > rb : a < b
        }
        for i in bySize {
            guard case .point(let c) = points[i].shape else { continue }
            let (x, y) = px(c)
            svg += styledPoint(points[i], x: x, y: y)
        }
        let marks = (features + points).compactMap { f -> (x: Double, y: Double, r: Double, label: String?)? in
            guard case .point(let c) = f.shape else { return nil }
            let (x, y) = px(c)
            return (x, y, f.radius ?? 3, f.label)
        }
        if marks.contains(where: { $0.label != nil }) { svg += placeLabels(marks, width: width, height: height) }
        svg += "</svg>"
        // The ground and the rings are the map's own; their keys come with
        // them, the ground's only where the background leaves some showing.
        var keys = legend
        if let groundKey, !covers(background, view) {
            keys.append(LegendEntry(groundKey, "#f7f7f4", stroke: "#ccc"))
        }
        if !hints.isEmpty {
            if keys.contains(where: { $0.swatch == .heading }) { keys.append(.heading("Small areas")) }
            keys.append(LegendEntry(ringKey, "#555", swatch: .ring))
        }
        var legendHTML = LegendEntry.render(keys)
        if let sizeLegend { legendHTML += sizeLegend.render() }
        return svg + "<figcaption class=\"legend\">\(legendHTML)</figcaption></figure>"
    }

    /// A group of labels the page script keeps at `fontSize` px on screen
    /// (it divides font size and halo by the zoom), centred on their anchor.
    static func labelGroup(fontSize: Double, fill: String, halo: Double) -> String {
        let fs = ChartText.px(fontSize), sw = ChartText.px(halo)
        return "<g class=\"zs\" font-size=\"\(fs)\" data-fs=\"\(fs)\" fill=\"\(fill)\" stroke=\"#fff\" stroke-width=\"\(sw)\" data-sw=\"\(sw)\" "
            + "stroke-linejoin=\"round\" paint-order=\"stroke\" text-anchor=\"middle\" dominant-baseline=\"central\" pointer-events=\"none\">"
    }

    /// Whether the background polygons (districts, which don't overlap)
    /// cover the whole view; false when GEOS can't say.
    static func covers(_ background: [MapFeature], _ view: Envelope) -> Bool {
        let ctx = GEOSWorkspace.current.context
        var area = 0.0
        for f in background where !f.shape.polygons.isEmpty {
            guard let part = try? ctx.geometry(f.shape).clipped(to: view), let a = try? part.planarArea() else { return false }
            area += a
        }
        return area >= (view.maxX - view.minX) * (view.maxY - view.minY) * (1 - 1e-6)
    }

    /// A label's or a feature's box on the map, in px.
    struct Box {
        var x0, y0, x1, y1: Double
        func overlaps(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
    }

    /// Where a background polygon's name goes (px): the centre of the largest
    /// circle inside its part in view when the label there is clear of
    /// `taken`, else the nearest point of a 10-px grid where the label lies
    /// wholly inside that part and clear; nil when the part is too small
    /// for the label or GEOS can't say.
    static func nameAnchor(_ shape: Shape, label: String, fontSize: Double, view: Envelope, width: Double, height: Double,
                           taken: [Box], px: (Coordinate) -> (Double, Double),
                           unpx: (Double, Double) -> Coordinate) -> (x: Double, y: Double, box: Box)? {
        guard !shape.polygons.isEmpty else { return nil }
        let w = ChartText.width(label, fontSize: fontSize) + 6, h = fontSize + 6
        do {
            let part = try GEOSWorkspace.current.context.geometry(shape).clipped(to: view)
            if part.isEmpty { return nil }
            let inside = try part.prepared()
            func fits(_ x: Double, _ y: Double) throws -> Box? {
                let b = Box(x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2)
                guard b.x0 >= 4, b.y0 >= 4, b.x1 <= width - 4, b.y1 <= height - 4, !taken.contains(where: { $0.overlaps(b) }) else { return nil }
                for (cx, cy) in [(b.x0, b.y0), (b.x1, b.y0), (b.x0, b.y1), (b.x1, b.y1), (x, y)] {
                    let c = unpx(cx, cy)
                    guard try inside.coversXY(c.x, c.y) else { return nil }
                }
                return b
            }
            let centre = px(try part.maximumInscribedCircle(tolerance: max(view.maxX - view.minX, view.maxY - view.minY) / 1000).centre)
            if let b = try fits(centre.0, centre.1) { return (centre.0, centre.1, b) }
            var best: (d: Double, x: Double, y: Double, box: Box)?
            for gy in stride(from: 10.0, to: height, by: 10) {
                for gx in stride(from: 10.0, to: width, by: 10) {
                    let d = (gx - centre.0) * (gx - centre.0) + (gy - centre.1) * (gy - centre.1)
                    if let b = best, d >= b.d { continue }
                    if let box = try fits(gx, gy) { best = (d, gx, gy, box) }
                }
            }
            return best.map { ($0.x, $0.y, $0.box) }
        } catch {
            return nil
        }
    }

    /// Where a feature's label goes: the centre of the largest circle
    /// inside it; nil when GEOS can't say (an invalid ring).
    static func labelAnchor(_ shape: Shape) -> Coordinate? {
        guard let e = shape.envelope, !shape.polygons.isEmpty else { return nil }
        return try? GEOSWorkspace.current.context.geometry(shape)
            .maximumInscribedCircle(tolerance: max(e.maxX - e.minX, e.maxY - e.minY) / 500).centre
    }

    /// A ring clipped to a rectangle (Sutherland–Hodgman). A concave ring may
    /// keep edges along the rectangle's sides; they lie outside the view.
    static func clipRing(_ ring: [(Double, Double)], x0: Double, y0: Double, x1: Double, y1: Double) -> [(Double, Double)] {
        var pts = ring
        if let f = pts.first, let l = pts.last, pts.count > 1, f == l { pts.removeLast() }
        if pts.allSatisfy({ $0.0 >= x0 && $0.0 <= x1 && $0.1 >= y0 && $0.1 <= y1 }) { return pts }
        // Each side: is a point inside, and where the segment a→b crosses it.
        let sides: [(inside: ((Double, Double)) -> Bool, cross: ((Double, Double), (Double, Double)) -> (Double, Double))] = [
            ({ $0.0 >= x0 }, { a, b in (x0, a.1 + (b.1 - a.1) * (x0 - a.0) / (b.0 - a.0)) }),
            ({ $0.0 <= x1 }, { a, b in (x1, a.1 + (b.1 - a.1) * (x1 - a.0) / (b.0 - a.0)) }),
            ({ $0.1 >= y0 }, { a, b in (a.0 + (b.0 - a.0) * (y0 - a.1) / (b.1 - a.1), y0) }),
            ({ $0.1 <= y1 }, { a, b in (a.0 + (b.0 - a.0) * (y1 - a.1) / (b.1 - a.1), y1) }),
        ]
        for side in sides {
            guard let last = pts.last else { return [] }
            var out: [(Double, Double)] = []
            var prev = last
            for cur in pts {
                let ci = side.inside(cur), pi = side.inside(prev)
                if ci {
                    if !pi { out.append(side.cross(prev, cur)) }
                    out.append(cur)
                } else if pi {
                    out.append(side.cross(prev, cur))
                }
                prev = cur
            }
            pts = out
        }
        return pts.count >= 3 ? pts : []
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
    /// Labels get 280 px, more (up to 420, taken from the bars) when one
    /// needs it, e.g. a code with its name; a longer one is cut with "…"
    /// (its tooltip has it whole).
    public static func render(_ bars: [(label: String, value: Double, color: String)], unit: String = "",
                              mark: (value: Double, label: String)? = nil, maxValue: Double? = nil) -> String {
        guard let maxV = maxValue ?? bars.map(\.value).max(), maxV > 0 else { return "<p class=\"note\">No data.</p>" }
        let widest = bars.map { ChartText.width($0.label, fontSize: 13) }.max() ?? 0
        let rowH = 24.0, labelW = min(420, max(280, ceil(widest) + 12)), barW = 760 - labelW
        let height = Double(bars.count) * rowH + 8
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(labelW + barW + 80)) \(Int(height))\" class=\"chart\" role=\"img\">"
        for (i, b) in bars.enumerated() {
            let y = Double(i) * rowH + 4
            let w = max(1, b.value / maxV * barW)
            let v = b.value == b.value.rounded() ? String(Int(b.value)) : String(format: "%.4f", b.value)
            let shown = ChartText.truncated(b.label, fontSize: 13, width: labelW - 12)
            svg += "<text x=\"\(Int(labelW - 6))\" y=\"\(Int(y + 16))\" text-anchor=\"end\" font-size=\"13\">\(HTML.escape(shown))</text>"
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
