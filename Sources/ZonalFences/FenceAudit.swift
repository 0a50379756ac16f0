import Foundation
import ZonalCore
import ZonalGeo
import ZonalIO
import ZonalStore

/// One audit finding (rule ids F001–F017 are part of the contract).
struct Finding {
    var layer: String
    var code: String
    var rule: String
    var message: String
    var at: Coordinate?
    var record: Int?

    static let warningRules: Set<String> = ["F007", "F014", "F015"]
    var severity: String { Self.warningRules.contains(rule) ? "warning" : "error" }
}

/// `fence_audit`: checks every fence against the spec (seed 002 §5, CONTRACT §4/§7).
public struct FenceAuditTask: ZonalTask {
    public init() {}
    public let name = "fence_audit"
    public let summary = "checks every fence against seed 002 §5: codes, geometry, COORDS, sizes, overlaps, attributes (rules F001–F017)"
    public let inputs = ["fences"]
    public let optionalInputs = ["districts"]
    public let rules = [FenceRules.area, FenceRules.capacity, RuleNote.boundary,
                        RuleNote("invalid_polygons", "a polygon GEOS finds invalid (F004) is not judged for area, capacity or relations GEOS cannot compute on it")]

    static let report = ReportSpec("fence_audit", columns: [
        ReportColumn("layer", .text, zh: "图层"), ReportColumn("code", .text, zh: "编码"), ReportColumn("rule", .text, zh: "规则"), ReportColumn("severity", .text, zh: "严重程度"),
        ReportColumn("message", .text, zh: "说明"), ReportColumn("lon", .decimal(places: 8), zh: "经度"), ReportColumn("lat", .decimal(places: 8), zh: "纬度"),
        ReportColumn("feature", .integer, zh: "要素序号"),
    ], geometry: .point, key: ["layer", "code", "rule", "feature"], problem: { $0[3] == .text("error") })
    public var reports: [ReportSpec] { [Self.report] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        let repo = FenceRepository(store: ctx.store)
        let findings = try FenceAuditor(layers: try repo.layers(), features: try repo.features(), attributes: try repo.attributes(),
                                        districts: ctx.has(input: "districts") ? try repo.districts() : nil,
                                        progress: ctx.progress).audit()
        let rows = findings.map { f -> ReportRow in
            let lon: Cell = f.at.map { Cell.decimal($0.x, places: 8) } ?? .empty
            let lat: Cell = f.at.map { Cell.decimal($0.y, places: 8) } ?? .empty
            let record: Cell = f.record.map { Cell.integer(Int64($0)) } ?? .empty
            let cells: [Cell] = [.text(f.layer), .text(f.code), .text(f.rule), .text(f.severity), .text(f.message), lon, lat, record]
            return ReportRow(cells, shape: f.at.map { Shape.point($0) })
        }
        try ctx.write(Self.report, rows: rows)
        let errors = findings.filter { $0.severity == "error" }.count
        return TaskResult(reportRows: [Self.report.name: rows.count], message: "\(errors) errors, \(findings.count - errors) warnings")
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] {
        try FencePresentation.audit(ctx)
    }
}

/// The rules, over features already in memory, checked on every core. GEOS
/// work goes through the shared polygon layers and each thread's workspace.
///
/// GEOS failures are errors, with one stated exception: GEOS may refuse a
/// relation (overlap, containment) or a measurement on a polygon that is
/// itself invalid. That polygon already has its F004 finding with GEOS's
/// reason, so the relation is not judged, as F011/F012 are not.
struct FenceAuditor {
    let layers: [LayerInfo]
    let features: [FenceFeature]
    let attributes: [FenceAttributes]
    let districts: [District]?
    let progress: ProgressDisplay?

    let geod = Geodesic.cgcs2000

    /// One fence layer's features as a polygon layer, with their feature numbers.
    struct Layer: Sendable {
        let ids: [Int]
        let polygons: PolygonLayer
        init(_ layer: FenceLayer, _ features: [FenceFeature]) {
            ids = features.indices.filter { features[$0].layer == layer }
            polygons = PolygonLayer(name: layer.rawValue, codes: ids.map { features[$0].code }, shapes: ids.map { features[$0].shape })
        }
    }

    /// Plain values every worker shares.
    struct Lookup: Sendable {
        let attrsByKey: [String: [FenceAttributes]]
        let attributeLayers: Set<FenceLayer>
        let byLayer: [FenceLayer: Layer]
        /// Each feature's position in its layer.
        let position: [Int]
        /// GEOS validity of every feature (false when GEOS cannot build it).
        let valid: [Bool]
        let districts: PolygonLayer?
    }

    func audit() throws -> [Finding] {
        var out: [Finding] = []
        progress?.start("fence_audit", total: features.count)
        // Layer-level: F007.
        for l in layers where l.epsg != 4490 {
            out.append(Finding(layer: l.layer.rawValue, code: "", rule: "F007",
                               message: "\(l.file): coordinate system is \(l.crs), not CGCS2000 geographic (EPSG:4490); Zonal transformed it with PROJ", at: nil, record: nil))
        }
        var byLayer: [FenceLayer: Layer] = [:]
        var position = [Int](repeating: 0, count: features.count)
        for l in FenceLayer.allCases {
            let layer = Layer(l, features)
            for (pos, id) in layer.ids.enumerated() { position[id] = pos }
            byLayer[l] = layer
        }
        let partial = Lookup(attrsByKey: [:], attributeLayers: [], byLayer: byLayer, position: position, valid: [], districts: nil)
        // Validity first, on every core: relations between two features need both.
        let valid: [Bool] = try Parallel.slices(features.count) { range in
            let ws = GEOSWorkspace.current
            return try range.map { i in try geometry(i, partial, ws)?.isValid() ?? false }
        }
        let lookup = Lookup(attrsByKey: Dictionary(grouping: attributes) { "\($0.layer.rawValue)|\($0.code)" },
                            attributeLayers: Set(layers.filter { $0.attributeFile != nil }.map(\.layer)),
                            byLayer: byLayer, position: position, valid: valid,
                            districts: districts.map { ds in PolygonLayer(name: "districts", codes: ds.map(\.adcode), shapes: ds.map(\.shape)) })
        // F002 depends on feature order, so it is decided here, before the parallel part.
        var seenCodes: [String: Int] = [:]
        let ws = GEOSWorkspace.current
        for (i, f) in features.enumerated() {
            let key = "\(f.layer.rawValue)|\(f.code)"
            if let first = seenCodes[key] {
                out.append(Finding(layer: f.layer.rawValue, code: f.code, rule: "F002",
                                   message: "CODE \(f.code) is also used by feature \(first) of \(f.layer.rawValue); codes must be unique in a layer",
                                   at: try representativePoint(i, lookup, ws), record: f.record))
            } else { seenCodes[key] = f.record }
        }
        // Per-feature rules on every core, each worker a contiguous slice.
        out += try Parallel.slices(features.count) { range in
            let ws = GEOSWorkspace.current
            var found: [Finding] = []
            for i in range {
                try checkFeature(i, lookup, ws, &found)
                progress?.advance()
            }
            return found
        }
        // F016 rows without features
        let featureKeys = Set(features.map { "\($0.layer.rawValue)|\($0.code)" })
        for a in attributes where !featureKeys.contains("\(a.layer.rawValue)|\(a.code)") {
            out.append(Finding(layer: a.layer.rawValue, code: a.code, rule: "F016",
                               message: "\(a.file) line \(a.line) has no feature with CODE \(a.code) in the \(a.layer.rawValue) layer", at: nil, record: nil))
        }
        progress?.finish()
        return out
    }

    private func geometry(_ i: Int, _ lookup: Lookup, _ ws: GEOSWorkspace) throws -> Geometry? {
        try lookup.byLayer[features[i].layer]!.polygons.geometry(lookup.position[i], in: ws)
    }

    /// GEOS's point on the surface; the first vertex when GEOS cannot build
    /// the polygon or, for an invalid one (F004), cannot compute it.
    private func representativePoint(_ i: Int, _ lookup: Lookup, _ ws: GEOSWorkspace) throws -> Coordinate? {
        let firstVertex = features[i].shape.polygons.first?.exterior.first
        guard let g = try geometry(i, lookup, ws) else { return firstVertex }
        return try judged(lookup.valid[i]) { try g.pointOnSurface() } ?? firstVertex
    }

    /// Runs a GEOS relation or measurement; when an input is invalid (F004) a
    /// GEOS failure means "not judged" (nil), otherwise it is an error.
    private func judged<T>(_ inputsValid: Bool, _ body: () throws -> T) throws -> T? {
        if inputsValid { return try body() }
        return try? body()
    }

    private func checkFeature(_ i: Int, _ lookup: Lookup, _ ws: GEOSWorkspace, _ out: inout [Finding]) throws {
        let f = features[i]
        let layer = f.layer.rawValue
        let geom = try geometry(i, lookup, ws)
        let isValid = lookup.valid[i]
        let rep = try representativePoint(i, lookup, ws)
        func add(_ rule: String, _ msg: String, at: Coordinate? = nil) {
            out.append(Finding(layer: layer, code: f.code, rule: rule, message: msg, at: at ?? rep, record: f.record))
        }
        // F001 code format
        if let msg = codeProblem(f.code, f.layer) { add("F001", msg) }
        // F003 one closed area (MANAGEMENT)
        if f.layer == .management, f.shape.polygons.count > 1 {
            add("F003", "has \(f.shape.polygons.count) separate parts; a MANAGEMENT zone must be one closed area (§5.3.1)")
        }
        // F004 validity
        if geom == nil {
            add("F004", "invalid geometry: GEOS cannot build it (a ring with fewer than 4 points)")
        } else if !isValid, let v = try geom?.validity() {
            add("F004", "invalid geometry: \(v.reason ?? "GEOS gives no reason")" + (v.location.map { " at \(fmt8($0.x)), \(fmt8($0.y))" } ?? ""), at: v.location)
        }
        // F005 distinct vertices
        let distinct = Set(f.shape.polygons.flatMap { $0.exterior.openRing }).count
        if distinct < 4 { add("F005", "has only \(distinct) distinct vertices; at least 4 are required (§5.3.3, §5.4.3, §5.5.3)") }
        // F006 COORDS
        if let c = f.coords, !c.isEmpty, let msg = coordsProblem(c, f.shape) { add("F006", msg) }
        // F008 size (MANAGEMENT)
        if f.layer == .management, let geom, let rect = try judged(isValid, { try geom.minimumRotatedRectangle() }),
           let pts = try judged(isValid, { try rect.exteriorCoordinates() }), pts.count >= 4 {
            let a = geod.distance(pts[0], pts[1]), b = geod.distance(pts[1], pts[2])
            let (len, wid) = (max(a, b), min(a, b))
            if wid < 30 {
                add("F008", "is \(fmt2(len)) m long and \(fmt2(wid)) m wide (minimum rotated rectangle); length and width must be at least 30 m (§5.3.1)")
            }
        }
        // Attributes: F011, F012, F013, F016 (feature side)
        let key = "\(layer)|\(f.code)"
        let attrRows = lookup.attrsByKey[key] ?? []
        if lookup.attributeLayers.contains(f.layer), attrRows.isEmpty {
            add("F016", "feature has no row in the attribute table \(layers.first { $0.layer == f.layer }?.attributeFile ?? "")")
        }
        // A self-intersecting polygon has no meaningful area (a bow-tie's halves
        // cancel), so its area and capacity attributes are not judged; F004 says why.
        if let a = attrRows.first, isValid {
            checkAttributes(a, feature: f, area: geod.area(f.shape.polygons), add: { add($0, $1) })
        }
        // F014 name pattern
        let pattern = NamePattern.of(f.layer)
        if let nm = (f.name?.isEmpty == false ? f.name : nil) ?? attrRows.first?.values["name"] {
            if !pattern.matches(nm) { add("F014", "name '\(nm)' does not follow the pattern \(pattern.description)") }
        } else {
            add("F014", "has no name (NAME / 名称); the pattern is \(pattern.description)")
        }
        // F010 (PARKING in MANAGEMENT)
        let zones = lookup.byLayer[.management]!
        if f.layer == .parking, let geom, let env = f.shape.envelope {
            var inside: String?
            var partly: [String] = []
            try zones.polygons.candidates(env) { j in
                guard let p = try zones.polygons.prepared(j, in: ws) else { return }
                let both = isValid && lookup.valid[zones.ids[j]]
                if try judged(both, { try p.covers(geom) }) == true { inside = inside ?? zones.polygons.codes[j] }
                else if try judged(both, { try p.base.relate(geom, pattern: "2********") }) == true { partly.append(zones.polygons.codes[j]) }
            }
            let attrZone = attrRows.first?.values["management_code"]
            if inside == nil, !partly.isEmpty {
                add("F010", "lies partly inside MANAGEMENT zone \(partly.sorted().joined(separator: ", ")); a parking area must be wholly inside one zone or outside all")
            } else if !attrRows.isEmpty, (attrZone ?? "") != (inside ?? "") {
                add("F010", "入栏管理区编码 is '\(attrZone ?? "")' but the area lies " + (inside.map { "in MANAGEMENT zone \($0)" } ?? "in no MANAGEMENT zone"))
            }
        }
        // F017 district: characters 4–9 of the code vs the district covering the representative point
        if let districts = lookup.districts, let rep, f.code.count >= 9 {
            let claimed = String(Array(f.code)[3..<9])
            // The district list is ordered by adcode, so "smallest code wins" is "first listed".
            if let d = try districts.covering(rep, in: ws) {
                let name = self.districts?[d].name ?? ""
                if districts.codes[d] != claimed { add("F017", "code says district \(claimed) but the feature lies in \(districts.codes[d]) \(name)") }
            } else {
                add("F017", "code says district \(claimed) but the feature lies in none of the districts given")
            }
        }
        // F009 and F015: overlaps with positive area (touching is not overlapping).
        guard let geom, let env = f.shape.envelope else { return }
        if f.layer == .noParking {
            let parking = lookup.byLayer[.parking]!
            var hits: [Int] = []
            parking.polygons.candidates(env) { hits.append($0) }
            for j in hits.sorted(by: { parking.ids[$0] < parking.ids[$1] }) {
                let both = isValid && lookup.valid[parking.ids[j]]
                guard let h = try parking.polygons.geometry(j, in: ws),
                      try judged(both, { try geom.relate(h, pattern: "2********") }) == true else { continue }
                add("F009", "overlaps PARKING area \(parking.polygons.codes[j])\(try overlapArea(geom, h, both)); a no-parking zone must not contain parking areas (§5.5.1)")
            }
        }
        // Same-layer overlaps: each pair once, reported on the lower record.
        let same = lookup.byLayer[f.layer]!
        var hits: [Int] = []
        same.polygons.candidates(env) { if same.ids[$0] > i { hits.append($0) } }
        for j in hits.sorted(by: { same.ids[$0] < same.ids[$1] }) {
            let other = features[same.ids[j]]
            let both = isValid && lookup.valid[same.ids[j]]
            guard let h = try same.polygons.geometry(j, in: ws),
                  try judged(both, { try geom.relate(h, pattern: "2********") }) == true else { continue }
            add("F015", "overlaps \(layer) feature \(other.code) (feature \(other.record))\(try overlapArea(geom, h, both))")
        }
    }

    /// " by about N m²" for an overlap GEOS can measure; the overlap of a
    /// polygon with several parts (a multipolygon) is not measured.
    private func overlapArea(_ a: Geometry, _ b: Geometry, _ bothValid: Bool) throws -> String {
        guard let inter = try judged(bothValid, { try a.intersection(b) }), !inter.isEmpty else { return "" }
        guard inter.isPolygon else { return "" }
        let polys = [Polygon(exterior: try inter.exteriorCoordinates())]
        let m2 = geod.area(polys)
        return m2 > 0 ? " by about \(fmt2(m2)) m²" : ""
    }

    func codeProblem(_ code: String, _ layer: FenceLayer) -> String? {
        let want = layer.codePrefix.count + layer.codeDigits
        if code.count != want {
            return "CODE \"\(code)\" has \(code.count) characters; a \(layer.rawValue) code is \(layer.codeDescription)"
        }
        if !code.hasPrefix(layer.codePrefix) {
            return "CODE \"\(code)\" does not start with \(layer.codePrefix); a \(layer.rawValue) code is \(layer.codeDescription)"
        }
        if !code.dropFirst(3).allSatisfy({ $0.isASCII && $0.isNumber }) {
            return "CODE \"\(code)\" has non-digits after \(layer.codePrefix); a \(layer.rawValue) code is \(layer.codeDescription)"
        }
        return nil
    }

    /// COORDS (§5.3.3): `X1,Y1|X2,Y2|…`, 8 decimals, vertex i matching geometry vertex i within 0.01 m.
    func coordsProblem(_ text: String, _ shape: Shape) -> String? {
        var pts: [Coordinate] = []
        if let fast = Self.plainCoords(text) {
            pts = fast
        } else {
            // The general reading, which also words what is wrong.
            for (k, p) in text.split(separator: "|", omittingEmptySubsequences: false).enumerated() {
            let xy = p.split(separator: ",", omittingEmptySubsequences: false)
            guard xy.count == 2 else { return "COORDS vertex \(k + 1) '\(p)' is not X,Y" }
            var values: [Double] = []
            for n in xy {
                let s = n.trimmedSpace
                guard let v = Double(s) else { return "COORDS vertex \(k + 1) value '\(s)' is not a number" }
                let dec = s.utf8.firstIndex(of: UInt8(ascii: ".")).map { s.utf8.distance(from: $0, to: s.utf8.endIndex) - 1 } ?? 0
                if dec != 8 { return "COORDS vertex \(k + 1) value '\(s)' has \(dec) decimals; 8 are required (§5.3.3)" }
                values.append(v)
            }
            pts.append(Coordinate(values[0], values[1]))
            }
        }
        let listed = pts.openRing
        let geomRing = shape.polygons.first?.exterior.openRing ?? []
        if listed.count != geomRing.count {
            return "COORDS lists \(listed.count) vertices but the geometry's exterior ring has \(geomRing.count)"
        }
        for k in 0..<listed.count {
            // A geodesic is no longer than the way along the parallel and then the
            // meridian, and a degree of either is at most 111.70 km on CGCS2000:
            // vertices this close are within 0.01 m without asking PROJ.
            if (abs(listed[k].x - geomRing[k].x) + abs(listed[k].y - geomRing[k].y)) * 111_700 <= 0.0099 { continue }
            let d = geod.distance(listed[k], geomRing[k])
            if d > 0.01 {
                return "COORDS vertex \(k + 1) (\(fmt8(listed[k].x)),\(fmt8(listed[k].y))) is \(fmt2(d)) m from the geometry's vertex \(k + 1); at most 0.01 m is allowed"
            }
        }
        return nil
    }

    /// COORDS as its writers write it, `X,Y|X,Y|…` with `-?digits.dddddddd`
    /// and no spaces, read from the bytes: the digits as an integer over 10⁸
    /// is the double `Double(String)` gives (both exact below 2⁵³, one
    /// rounding). Nil for anything else, which the general reading handles.
    static func plainCoords(_ text: String) -> [Coordinate]? {
        var out: [Coordinate] = []
        var x: Double?
        var mantissa: UInt64 = 0, digits = 0, decimals = -1, negative = false
        func finish() -> Double? {
            guard decimals == 8, digits <= 15 else { return nil }
            let v = Double(mantissa) / 1e8
            return negative ? -v : v
        }
        var fresh = true
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "-") where fresh: negative = true; fresh = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mantissa = mantissa &* 10 &+ UInt64(b - 48); digits += 1; fresh = false
                if decimals >= 0 { decimals += 1 }
            case UInt8(ascii: ".") where decimals < 0 && digits > 0: decimals = 0
            case UInt8(ascii: ","):
                guard x == nil, let v = finish() else { return nil }
                x = v
                mantissa = 0; digits = 0; decimals = -1; negative = false; fresh = true
            case UInt8(ascii: "|"):
                guard let px = x, let v = finish() else { return nil }
                out.append(Coordinate(px, v))
                x = nil; mantissa = 0; digits = 0; decimals = -1; negative = false; fresh = true
            default: return nil
            }
        }
        guard let px = x, let v = finish() else { return nil }
        out.append(Coordinate(px, v))
        return out
    }

    func checkAttributes(_ a: FenceAttributes, feature f: FenceFeature, area: Double, add: (String, String) -> Void) {
        // F011 area, m² (km² for MANAGEMENT, §5.3.2)
        if let text = a.values["area"] {
            if let v = PlainNumber.parse(text) {
                let km2 = f.layer == .management
                let computed = km2 ? area / 1e6 : area
                let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
                let halfUnit = 0.5 / DecimalFormat.pow10(decimals)
                let tolM2 = max(0.5, 0.01 * area, halfUnit * (km2 ? 1e6 : 1))
                if abs(v * (km2 ? 1e6 : 1) - area) > tolM2 {
                    let unit = km2 ? "km²" : "m²"
                    add("F011", "面积 is \(text) \(unit) but the geodesic area is \(km2 ? String(format: "%.4f", computed) : fmt2(computed)) \(unit) (allowed difference \(km2 ? String(format: "%.4f", tolM2 / 1e6) : fmt2(tolM2)) \(unit))")
                }
            } else {
                add("F011", "面积 '\(Quote.prefix(text))' is not a number")
            }
        }
        // F012 capacity (PARKING)
        if f.layer == .parking, let text = a.values["capacity"] {
            let cap = ParkingCapacity.capacity(area: area)
            if Int64(text) != cap && PlainNumber.parse(text).map({ $0 != Double(cap) }) ?? true {
                add("F012", "可容纳车辆 is \(Quote.prefix(text)) but ⌊\(fmt2(area)) m² / 1.14⌋ = \(cap) (§5.4.2)")
            }
        }
        // F013 enumerations
        let enums: [(String, String, ClosedRange<Int>, FenceLayer)] = [
            ("position", "位置", 1...7, .parking), ("land_use", "用地类型", 1...9, .parking),
            ("nature", "性质", 1...2, .parking), ("reason", "设置原因", 1...3, .noParking),
        ]
        for (col, label, range, layer) in enums where layer == f.layer {
            guard let text = a.values[col] else { continue }
            // Int(exactly:): a 1e19 or NaN is out of range, not a crash.
            if let n = Int(text) ?? PlainNumber.parse(text).flatMap({ Int(exactly: $0) }), range.contains(n) { continue }
            add("F013", "\(label) is '\(Quote.prefix(text))'; it must be a code from \(range.lowerBound) to \(range.upperBound)")
        }
    }
}

/// The naming rules of §5.3.2, §5.4.2 and §5.5.2, compiled once.
struct NamePattern: @unchecked Sendable {
    let regex: NSRegularExpression
    let description: String

    init(_ pattern: String, _ description: String) {
        regex = try! NSRegularExpression(pattern: pattern)   // constant patterns below
        self.description = description
    }

    func matches(_ s: String) -> Bool {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static let management = NamePattern("^.+区.+入栏管理区$", "X区Y入栏管理区 (e.g. 东城区王府井入栏管理区)")
    static let parking = NamePattern("^.+区(.+街道)?.+停放区$", "X区Y街道Z停放区 or X区Z停放区 (e.g. 丰台区太平桥街道首发大原停放区)")
    static let noParking = NamePattern("^.+区.+街道.+禁停区$", "X区Y街道Z禁停区 (e.g. 东城区景山街道故宫博物院禁停区)")

    static func of(_ layer: FenceLayer) -> NamePattern {
        switch layer {
        case .management: return management
        case .parking: return parking
        case .noParking: return noParking
        }
    }
}

func fmt2(_ d: Double) -> String { DecimalFormat.fixed(d, places: 2) }
func fmt8(_ d: Double) -> String { DecimalFormat.fixed(d, places: 8) }
