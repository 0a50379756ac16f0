import Foundation
import ZonalCore
import ZonalFences
import ZonalGeo
import ZonalIO
import ZonalStore

/// Loads a day of lock events and joins each to the fences as it streams in.
/// A reading thread parses records in place (`EventBytes`: numbers, codes
/// and times straight from the bytes, no String per field), joins each chunk
/// of 64k events to the fences on every core, and hands typed columns to this
/// thread, which owns the store and inserts them with multi-row INSERTs.
/// Joining at load time means millions of events are read and written once;
/// the in-fence tasks then only aggregate. The fences must be loaded first
/// (`requires`).
struct EventLoader: DatasetLoader {
    static let chunkSize = 65_536

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let fences = try FenceSet.read(from: ctx.store)
        // Layers in the join, in this order: zones, parking areas (with the tolerance), no-parking zones.
        let zones = fences.layer(.management), parkingAreas = fences.layer(.parking), noParkingZones = fences.layer(.noParking)
        let join = PointJoin([PointJoin.Target(zones),
                              PointJoin.Target(parkingAreas, toleranceM: ctx.params[BikeParams.toleranceM]),
                              PointJoin.Target(noParkingZones)])
        let path = input.url.path, shown = input.written
        let times = ctx.times, progress = ctx.progress
        let clock = StageClock()
        var insertSeconds = 0.0
        var counts: [Int64: (events: Int64, inParking: Int64)] = [:]
        var firstMs: Int64?
        let loadStart = Date()
        let (read, replaced) = try ctx.store.replaceRows(BikeRepository.events) { ins in
            try ChunkPipeline.run(produce: { emit in
                try Self.read(path: path, shown: shown, times: times, progress: progress, join: join, clock: clock) { batch in
                    let waitStart = Date()
                    try emit([batch])
                    clock.add(wait: Date().timeIntervalSince(waitStart))
                }
            }, consume: { (batches: [EventBatch]) in
                let insertStart = Date()
                defer { insertSeconds += Date().timeIntervalSince(insertStart) }
                for b in batches {
                    if firstMs == nil { firstMs = b.ms.first }
                    try Self.insert(b, into: ins, zones: zones, parkingAreas: parkingAreas, counts: &counts)
                }
            })
        }
        try ctx.store.replaceRows(BikeRepository.companies) { ins in
            for (i, name) in read.companies.enumerated() { try ins.insert([.integer(Int64(i + 1)), .text(name)]) }
        }
        try ctx.store.replaceRows(BikeRepository.eventFences) { ins in
            var id: Int64 = 0
            for (layer, name) in [(zones, "MANAGEMENT"), (parkingAreas, "PARKING"), (noParkingZones, "NOPARKING")] {
                for code in layer.codes { id += 1; try ins.insert([.integer(id), .text(name), .text(code)]) }
            }
        }
        try ctx.store.replaceRows(BikeRepository.eventCounts) { ins in
            for (key, v) in counts {
                let zone = Int(key >> 40) - 1, company = Int(key >> 20 & 0xFFFFF) - 1, noParking = Int(key & 0xFFFFF) - 1
                try ins.insert([zone >= 0 ? .text(zones.codes[zone]) : .null, .text(read.companies[company]),
                                noParking >= 0 ? .text(noParkingZones.codes[noParking]) : .null, .integer(v.events), .integer(v.inParking)])
            }
        }
        try ctx.store.ensureSpatialView(Self.viewName, as: Self.viewSelect(utcOffsetMs: times.utcOffsetMs(at: firstMs ?? 0), ctx.store.dialect),
                                        geometry: .point, rowid: "fid")
        var warnings: [Warning] = []
        if fences.management.isEmpty {
            warnings.append(Warning(file: input.written, reason: "the fences have no MANAGEMENT layer, so no event is in a zone"))
        }
        return LoadResult(rows: read.loaded, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: read.dataRows,
                                             rejects: read.rejects.count, encoding: "UTF-8")],
                          rejects: read.rejects, warnings: warnings,
                          notes: clock.summary(total: Date().timeIntervalSince(loadStart), insert: insertSeconds))
    }

    /// Every event as the file gave it: company by name, the clock time as
    /// the reports print it (milliseconds only when there are some), and a
    /// point for QGIS. The clock time uses the job zone's offset at the
    /// first event (exact for China, which keeps no daylight saving).
    static let viewName = "parking_events_view"
    static func viewSelect(utcOffsetMs: Int64, _ dialect: SQLDialect) -> String {
        let local = "(e.time_ms + \(utcOffsetMs))"
        let (seconds, millis, point): (String, String, String)
        switch dialect {
        case .sqlite:
            seconds = "strftime('%Y-%m-%d %H:%M:%S', \(local) / 1000, 'unixepoch')"
            millis = "printf('.%03d', \(local) % 1000)"
            point = "MakePoint(e.lon, e.lat, 4490)"
        case .postgis:
            seconds = "to_char(to_timestamp(\(local) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
            millis = "'.' || lpad((\(local) % 1000)::text, 3, '0')"
            // Typed, so PostGIS lists the view as a Point layer in EPSG:4490.
            point = "ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4490)::geometry(Point, 4490)"
        }
        return """
            SELECT e.fid AS fid, e.line AS line, e.event_id AS event_id, e.bike_id AS bike_id, c.company AS company,
                   e.lon AS lon, e.lat AS lat,
                   \(seconds) || CASE WHEN e.time_ms % 1000 != 0 THEN \(millis) ELSE '' END AS time,
                   e.time_ms AS time_ms, e.accuracy_m AS accuracy_m, m.code AS management_code,
                   p.code AS parking_code, n.code AS noparking_code, e.in_parking AS in_parking,
                   e.parking_distance_m AS parking_distance_m, \(point) AS geom
            FROM parking_events e
            LEFT JOIN parking_event_companies c ON c.company_id = e.company_id
            LEFT JOIN parking_event_fences m ON m.fence_id = e.management_id
            LEFT JOIN parking_event_fences p ON p.fence_id = e.parking_id
            LEFT JOIN parking_event_fences n ON n.fence_id = e.noparking_id
            """
    }

    /// What the reading thread found besides the events it handed on.
    struct ReadOutcome {
        var dataRows = 0, loaded = 0
        var rejects: [Reject] = []
        /// Company names; an event's `company` is a position here.
        var companies: [String] = []
    }

    /// Reads, checks and joins the file in chunks, handing each on.
    static func read(path: String, shown: String, times: TimeParser, progress: ProgressDisplay, join: PointJoin,
                     clock: StageClock, emit: (EventBatch) throws -> Void) throws -> ReadOutcome {
        let loader = CSVTableLoader(BikeInputs.events)
        let reader = try CSVReader(path: path, displayName: shown)
        let index = try loader.columnIndex(header: reader.header, shown: shown)
        let width = reader.header.count
        var bytes = EventBytes(index: index, width: width, times: times)
        var out = ReadOutcome()
        var batch = EventBatch(capacity: chunkSize)
        func flush() throws {
            guard batch.count > 0 else { return }
            let joinStart = Date()
            batch.matches = try join.assign(zip(batch.lon, batch.lat).map { Coordinate($0, $1) })
            clock.add(join: Date().timeIntervalSince(joinStart))
            out.loaded += batch.count
            progress.advance(by: batch.count)
            try emit(batch)
            batch = EventBatch(capacity: chunkSize)
        }
        progress.start("load \(shown)")
        while let step = try reader.nextRaw({ bytes.append($0, to: &batch) }) {
            out.dataRows += 1
            if case .parsed(let row) = step {
                let (values, reject) = loader.check(row, index: index, width: width, shown: shown, times: times)
                if let reject { out.rejects.append(reject) } else if let values { bytes.append(checked: values, to: &batch) }
            }
            if batch.count == chunkSize { try flush() }
        }
        try flush()
        progress.finish()
        out.companies = bytes.companies.map { String(decoding: $0, as: UTF8.self) }
        return out
    }

    /// Inserts one chunk with what each event was joined to, and counts it.
    static func insert(_ b: EventBatch, into ins: RowInserter, zones: PolygonLayer, parkingAreas: PolygonLayer,
                       counts: inout [Int64: (events: Int64, inParking: Int64)]) throws {
        guard let m = b.matches else { return }
        try b.text.withUnsafeBufferPointer { text in
            try ins.insert(count: b.count) { bind, k in
                let idStart = k == 0 ? 0 : Int(b.textEnd[2 * k - 1]), idEnd = Int(b.textEnd[2 * k]), bikeEnd = Int(b.textEnd[2 * k + 1])
                let zone = m[k, 0], parking = m[k, 1], noParking = m[k, 2]
                try bind.int(1, b.line[k])
                try bind.text(2, UnsafeBufferPointer(rebasing: text[idStart..<idEnd]))
                try bind.text(3, UnsafeBufferPointer(rebasing: text[idEnd..<bikeEnd]))
                try bind.int(4, Int64(b.company[k]) + 1)
                try bind.real(5, b.lon[k]); try bind.real(6, b.lat[k]); try bind.int(7, b.ms[k])
                if !b.accuracy[k].isNaN { try bind.real(8, b.accuracy[k]) }
                // Fence ids as parking_event_fences numbers them: zones, then parking areas, then no-parking zones.
                // 0: in no zone. Never NULL: it is the distribution column on a Citus server.
                try bind.int(9, Int64((zone.index ?? -1) + 1))
                if let p = parking.index { try bind.int(10, Int64(zones.count + p + 1)) }
                if let n = noParking.index { try bind.int(11, Int64(zones.count + parkingAreas.count + n + 1)) }
                try bind.int(12, parking.index != nil ? 1 : 0)
                if let d = parking.distanceM { try bind.real(13, d) }
            }
        }
        for k in 0..<b.count {
            let zone = m[k, 0].index ?? -1, noParking = m[k, 2].index ?? -1
            let key = Int64(zone + 1) << 40 | Int64(b.company[k] + 1) << 20 | Int64(noParking + 1)
            counts[key, default: (0, 0)].events += 1
            if m[k, 1].index != nil { counts[key, default: (0, 0)].inParking += 1 }
        }
    }
}

/// A chunk of lock events as typed columns: no String or `[SQLValue]` per event.
struct EventBatch: Sendable {
    var line: [Int64] = []
    /// event_id and bike_id bytes, back to back; `textEnd` has two ends per event.
    var text: [UInt8] = []
    var textEnd: [Int32] = []
    /// Position in the companies read so far.
    var company: [Int32] = []
    var lon: [Double] = [], lat: [Double] = []
    var ms: [Int64] = []
    /// NaN: not given.
    var accuracy: [Double] = []
    /// What each event was joined to, set when the chunk is full.
    var matches: PointJoin.Matches?
    var count: Int { line.count }

    init(capacity: Int) {
        line.reserveCapacity(capacity); textEnd.reserveCapacity(2 * capacity); company.reserveCapacity(capacity)
        lon.reserveCapacity(capacity); lat.reserveCapacity(capacity); ms.reserveCapacity(capacity); accuracy.reserveCapacity(capacity)
        text.reserveCapacity(20 * capacity)
    }

    mutating func append(line: Int, eventID: UnsafeBufferPointer<UInt8>, bikeID: UnsafeBufferPointer<UInt8>, company: Int,
                         lon: Double, lat: Double, ms: Int64, accuracy: Double) {
        self.line.append(Int64(line))
        text.append(contentsOf: eventID); textEnd.append(Int32(text.count))
        text.append(contentsOf: bikeID); textEnd.append(Int32(text.count))
        self.company.append(Int32(company))
        self.lon.append(lon); self.lat.append(lat); self.ms.append(ms); self.accuracy.append(accuracy)
    }
}

/// A lock event read in place from its bytes, accepting only what the field
/// specs (`BikeInputs.events`) accept exactly so: a field with spaces around
/// it, a number in any form but plain decimals, a value out of range, a text
/// that is not ASCII or a company not seen before goes to the checked path
/// instead, which also words any reject.
struct EventBytes {
    let width: Int
    let eventID, bikeID, company, lon, lat, time: Int
    /// -1: the file has no accuracy_m column.
    let accuracy: Int
    let times: TimeParser
    /// Companies seen so far, as bytes (checked once by the checked path).
    private(set) var companies: [[UInt8]] = []

    init(index: [Int], width: Int, times: TimeParser) {
        // In BikeInputs.events order.
        (eventID, bikeID, company, lon, lat, time, accuracy) = (index[0], index[1], index[2], index[3], index[4], index[5], index[6])
        self.width = width
        self.times = times
    }

    mutating func append(_ rec: CSVReader.RawRecord, to batch: inout EventBatch) -> Bool {
        guard rec.count == width else { return false }
        let id = rec[eventID], bike = rec[bikeID]
        guard Self.isPlainASCII(id), Self.isPlainASCII(bike),
              let c = companyIndex(rec[company]),
              let x = Self.plainDecimal(rec[lon]), x >= -180, x <= 180,
              let y = Self.plainDecimal(rec[lat]), y >= -90, y <= 90,
              let ms = times.parse(bytes: rec[time]) else { return false }
        var acc = Double.nan
        if accuracy >= 0, !rec[accuracy].isEmpty {
            guard let a = Self.plainDecimal(rec[accuracy]), a >= 0 else { return false }
            acc = a
        }
        batch.append(line: rec.line, eventID: id, bikeID: bike, company: c, lon: x, lat: y, ms: ms, accuracy: acc)
        return true
    }

    /// A row the checked path accepted: its values are `line`, then the specs' columns.
    mutating func append(checked v: [SQLValue], to batch: inout EventBatch) {
        // line, event_id, bike_id, company, lon, lat, time, time_ms, accuracy_m
        let name = Array((v[3].text ?? "").utf8)
        let c: Int
        if let known = companies.firstIndex(of: name) { c = known } else { companies.append(name); c = companies.count - 1 }
        let id = Array((v[1].text ?? "").utf8), bike = Array((v[2].text ?? "").utf8)
        id.withUnsafeBufferPointer { idBytes in
            bike.withUnsafeBufferPointer { bikeBytes in
                batch.append(line: Int(v[0].int ?? 0), eventID: idBytes, bikeID: bikeBytes, company: c,
                             lon: v[4].double ?? 0, lat: v[5].double ?? 0, ms: v[7].int ?? 0, accuracy: v[8].double ?? .nan)
            }
        }
    }

    /// The company's position when its bytes are a company already seen.
    private func companyIndex(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !b.isEmpty else { return nil }
        for (i, c) in companies.enumerated() where c.count == b.count {
            if c.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }) { return i }
        }
        return nil
    }

    /// Not empty, no space or control byte at either end, ASCII only.
    static func isPlainASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = b.first, let l = b.last, f > 0x20, l > 0x20 else { return false }
        for c in b where c >= 0x80 { return false }
        return true
    }

    static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }

    /// `-?digits[.digits]` with at most 15 digits in all, as the double
    /// `Double(String)` gives: the digits as an integer (exact below 2^53)
    /// divided by a power of ten (exact up to 10^22) is one correctly rounded
    /// operation. Anything else is nil, for the checked path.
    static func plainDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0, negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0, digits = 0, decimals = 0, dot = false
        while i < b.count {
            let c = b[i]
            if c &- 48 < 10 {
                mantissa = mantissa * 10 + UInt64(c - 48)
                digits += 1
                if dot { decimals += 1 }
            } else if c == UInt8(ascii: "."), !dot, digits > 0 {
                dot = true
            } else {
                return nil
            }
            i += 1
            if digits > 15 { return nil }
        }
        guard digits > 0, !dot || decimals > 0 else { return nil }
        let v = Double(mantissa) / powersOfTen[decimals]
        return negative ? -v : v
    }
}

/// Where a long event load spends its time, for the step message: the
/// reading thread (parse and check, join, waiting for the inserter) and the
/// inserting thread.
final class StageClock: @unchecked Sendable {
    private let lock = NSLock()
    private var join = 0.0, wait = 0.0
    func add(join j: Double = 0, wait w: Double = 0) { lock.lock(); join += j; wait += w; lock.unlock() }
    func summary(total: Double, insert: Double) -> String {
        lock.lock(); defer { lock.unlock() }
        let read = max(0, total - join - wait)
        func f(_ d: Double) -> String { String(format: "%.2f s", d) }
        return "reading thread: parse and check \(f(read)), join \(f(join)), waiting on inserts \(f(wait)); inserting thread: insert \(f(insert))"
    }
}
