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

    static let report = ReportSpec("fence_audit", columns: [
        ReportColumn("layer", .text), ReportColumn("code", .text), ReportColumn("rule", .text), ReportColumn("severity", .text),
        ReportColumn("message", .text), ReportColumn("lon", .decimal(places: 8)), ReportColumn("lat", .decimal(places: 8)),
        ReportColumn("feature", .integer),
    ], geometry: .point, sortKeyCount: 3)
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

/// The rules, over features already in memory. One GEOS context, on the calling thread.
struct FenceAuditor {
    let layers: [LayerInfo]
    let features: [FenceFeature]
    let attributes: [FenceAttributes]
    let districts: [District]?
    let progress: ProgressDisplay?

    let geod = Geodesic.cgcs2000

    /// Plain-value lookups every worker shares (no GEOS objects: those are per thread).
    struct Lookup: @unchecked Sendable {
        let attrsByKey: [String: [FenceAttributes]]
        let attributeLayers: Set<FenceLayer>
        let mgmt: (ids: [Int], index: SpatialIndex)
        let parking: (ids: [Int], index: SpatialIndex)
        let noParking: (ids: [Int], index: SpatialIndex)
    }

    /// GEOS objects one worker thread builds for itself.
    final class WorkerGeometry {
        let geos = GEOSContext()
        var geoms: [Geometry?] = []
        var valid: [Bool] = []
        var reps: [Coordinate?] = []
        var preparedZones: [Int: PreparedGeometry] = [:]
        var districts: [(District, PreparedGeometry)] = []
    }

    func audit() throws -> [Finding] {
        var out: [Finding] = []
        progress?.start("fence_audit", total: features.count)
        // Layer-level: F007.
        for l in layers where l.epsg != 4490 {
            out.append(Finding(layer: l.layer.rawValue, code: "", rule: "F007",
                               message: "\(l.file): coordinate system is \(l.crs), not CGCS2000 geographic (EPSG:4490); Zonal transformed it with PROJ", at: nil, record: nil))
        }
        func indexOf(_ layer: FenceLayer) -> (ids: [Int], index: SpatialIndex) {
            let ids = features.indices.filter { features[$0].layer == layer }
            return (ids, SpatialIndex(ids.map { features[$0].shape.envelope ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0) }))
        }
        let lookup = Lookup(attrsByKey: Dictionary(grouping: attributes) { "\($0.layer.rawValue)|\($0.code)" },
                            attributeLayers: Set(layers.filter { $0.attributeFile != nil }.map(\.layer)),
                            mgmt: indexOf(.management), parking: indexOf(.parking), noParking: indexOf(.noParking))
        // F002 depends on feature order, so it is decided here, before the parallel part.
        var seenCodes: [String: Int] = [:]
        let geos = GEOSContext()
        for f in features {
            let key = "\(f.layer.rawValue)|\(f.code)"
            if let first = seenCodes[key] {
                let rep = (try? geos.geometry(f.shape).pointOnSurface()) ?? f.shape.polygons.first?.exterior.first
                out.append(Finding(layer: f.layer.rawValue, code: f.code, rule: "F002",
                                   message: "CODE \(f.code) is also used by feature \(first) of \(f.layer.rawValue); codes must be unique in a layer",
                                   at: rep, record: f.record))
            } else { seenCodes[key] = f.record }
        }
        // Per-feature rules on every core: each worker owns a GEOS context and
        // the geometries built in it, and checks a contiguous slice of features.
        out += Parallel.slices(features.count) { range in
            let g = prepareGeometry()
            var found: [Finding] = []
            for i in range {
                checkFeature(i, g, lookup, &found)
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

    private func prepareGeometry() -> WorkerGeometry {
        let g = WorkerGeometry()
        g.geoms.reserveCapacity(features.count)
        for f in features {
            let geom = try? g.geos.geometry(f.shape)
            g.geoms.append(geom)
        }
        for (i, f) in features.enumerated() where f.layer == .management {
            if let p = try? g.geoms[i]?.prepared() { g.preparedZones[i] = p }
        }
        g.districts = (districts ?? []).compactMap { d in (try? g.geos.geometry(d.shape).prepared()).map { (d, $0) } }
        return g
    }

    private func checkFeature(_ i: Int, _ g: WorkerGeometry, _ lookup: Lookup, _ out: inout [Finding]) {
        let f = features[i]
        let layer = f.layer.rawValue
        let geom = g.geoms[i]
        let v = (try? geom?.validity()) ?? nil
        let isValid = v?.valid ?? false
        let rep = (try? geom?.pointOnSurface()) ?? f.shape.polygons.first?.exterior.first
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
        } else if let v, !v.valid {
            add("F004", "invalid geometry: \(v.reason ?? "GEOS gives no reason")" + (v.location.map { " at \(fmt8($0.x)), \(fmt8($0.y))" } ?? ""), at: v.location)
        }
        // F005 distinct vertices
        let distinct = Set(f.shape.polygons.flatMap { $0.exterior.openRing }).count
        if distinct < 4 { add("F005", "has only \(distinct) distinct vertices; at least 4 are required (§5.3.3, §5.4.3, §5.5.3)") }
        // F006 COORDS
        if let c = f.coords, !c.isEmpty, let msg = coordsProblem(c, f.shape) { add("F006", msg) }
        // F008 size (MANAGEMENT)
        if f.layer == .management, let geom, let rect = try? geom.minimumRotatedRectangle(),
           let pts = try? rect.exteriorCoordinates(), pts.count >= 4 {
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
        if f.layer == .parking, let geom, let env = f.shape.envelope {
            var inside: String?
            var partly: [String] = []
            lookup.mgmt.index.query(env) { j in
                let m = lookup.mgmt.ids[j]
                guard let p = g.preparedZones[m] else { return }
                if (try? p.covers(geom)) == true { inside = inside ?? features[m].code }
                else if (try? p.base.relate(geom, pattern: "2********")) == true { partly.append(features[m].code) }
            }
            let attrZone = attrRows.first?.values["management_code"]
            if inside == nil, !partly.isEmpty {
                add("F010", "lies partly inside MANAGEMENT zone \(partly.sorted().joined(separator: ", ")); a parking area must be wholly inside one zone or outside all")
            } else if !attrRows.isEmpty, (attrZone ?? "") != (inside ?? "") {
                add("F010", "入栏管理区编码 is '\(attrZone ?? "")' but the area lies " + (inside.map { "in MANAGEMENT zone \($0)" } ?? "in no MANAGEMENT zone"))
            }
        }
        // F017 district: characters 4–9 of the code vs the district covering the representative point
        if districts != nil, let rep, f.code.count >= 9, let pt = try? g.geos.point(rep) {
            let claimed = String(Array(f.code)[3..<9])
            let d = g.districts.first { (try? $0.1.covers(pt)) == true }?.0
            if let d, d.adcode != claimed {
                add("F017", "code says district \(claimed) but the feature lies in \(d.adcode) \(d.name)")
            } else if d == nil {
                add("F017", "code says district \(claimed) but the feature lies in none of the districts given")
            }
        }
        // F009 and F015: overlaps with positive area (touching is not overlapping).
        guard let geom, let env = f.shape.envelope else { return }
        if f.layer == .noParking {
            var hits: [Int] = []
            lookup.parking.index.query(env) { hits.append(lookup.parking.ids[$0]) }
            for j in hits.sorted() {
                guard let h = g.geoms[j], (try? geom.relate(h, pattern: "2********")) == true else { continue }
                add("F009", "overlaps PARKING area \(features[j].code)\(overlapArea(geom, h)); a no-parking zone must not contain parking areas (§5.5.1)")
            }
        }
        // Same-layer overlaps: each pair once, reported on the lower record.
        let same = f.layer == .parking ? lookup.parking : (f.layer == .management ? lookup.mgmt : lookup.noParking)
        var hits: [Int] = []
        same.index.query(env) { let j = same.ids[$0]; if j > i { hits.append(j) } }
        for j in hits.sorted() {
            guard let h = g.geoms[j], (try? geom.relate(h, pattern: "2********")) == true else { continue }
            add("F015", "overlaps \(layer) feature \(features[j].code) (feature \(features[j].record))\(overlapArea(geom, h))")
        }
    }

    private func overlapArea(_ a: Geometry, _ b: Geometry) -> String {
        guard let inter = try? a.intersection(b), !inter.isEmpty else { return "" }
        let polys = ((try? inter.exteriorCoordinates()).map { [Polygon(exterior: $0)] }) ?? []
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
        let listed = pts.openRing
        let geomRing = shape.polygons.first?.exterior.openRing ?? []
        if listed.count != geomRing.count {
            return "COORDS lists \(listed.count) vertices but the geometry's exterior ring has \(geomRing.count)"
        }
        for k in 0..<listed.count {
            let d = geod.distance(listed[k], geomRing[k])
            if d > 0.01 {
                return "COORDS vertex \(k + 1) (\(fmt8(listed[k].x)),\(fmt8(listed[k].y))) is \(fmt2(d)) m from the geometry's vertex \(k + 1); at most 0.01 m is allowed"
            }
        }
        return nil
    }

    func checkAttributes(_ a: FenceAttributes, feature f: FenceFeature, area: Double, add: (String, String) -> Void) {
        // F011 area, m² (km² for MANAGEMENT, §5.3.2)
        if let text = a.values["area"] {
            if let v = Double(text) {
                let km2 = f.layer == .management
                let computed = km2 ? area / 1e6 : area
                let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
                let halfUnit = 0.5 * pow(10, -Double(decimals))
                let tolM2 = max(0.5, 0.01 * area, halfUnit * (km2 ? 1e6 : 1))
                if abs(v * (km2 ? 1e6 : 1) - area) > tolM2 {
                    let unit = km2 ? "km²" : "m²"
                    add("F011", "面积 is \(text) \(unit) but the geodesic area is \(km2 ? String(format: "%.4f", computed) : fmt2(computed)) \(unit) (allowed difference \(km2 ? String(format: "%.4f", tolM2 / 1e6) : fmt2(tolM2)) \(unit))")
                }
            } else {
                add("F011", "面积 '\(text)' is not a number")
            }
        }
        // F012 capacity (PARKING)
        if f.layer == .parking, let text = a.values["capacity"] {
            let cap = ParkingCapacity.capacity(area: area)
            if Int64(text) != cap && Double(text).map({ $0 != Double(cap) }) ?? true {
                add("F012", "可容纳车辆 is \(text) but ⌊\(fmt2(area)) m² / 1.14⌋ = \(cap) (§5.4.2)")
            }
        }
        // F013 enumerations
        let enums: [(String, String, ClosedRange<Int>, FenceLayer)] = [
            ("position", "位置", 1...7, .parking), ("land_use", "用地类型", 1...9, .parking),
            ("nature", "性质", 1...2, .parking), ("reason", "设置原因", 1...3, .noParking),
        ]
        for (col, label, range, layer) in enums where layer == f.layer {
            guard let text = a.values[col] else { continue }
            if let n = Int(text) ?? Double(text).flatMap({ $0 == $0.rounded() ? Int($0) : nil }), range.contains(n) { continue }
            add("F013", "\(label) is '\(text)'; it must be a code from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    func namePattern(_ layer: FenceLayer) -> NamePattern { NamePattern.of(layer) }
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
