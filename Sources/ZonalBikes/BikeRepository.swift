import ZonalCore
import ZonalStore

/// Everything the bike tasks read from the store, and the tables the event
/// loader writes. All bike SQL lives here, in SQL any store speaks.
struct BikeRepository {
    let store: Store

    /// Lock events with what each was joined to: the zone, parking area and
    /// no-parking zone covering it, and whether it counts as parked in a fence.
    /// A city day is millions of rows, so repeated text is kept once: the
    /// company as `company_id` into `parking_event_companies`, each fence as
    /// `management_id`, `parking_id`, `noparking_id` into
    /// `parking_event_fences` (the codes as this load saw them), the time as
    /// `time_ms` only. The view `parking_events_view` shows every event with
    /// its company, codes, clock time and a point geometry (see `EventLoader`).
    /// `management_id` is 0 for a lock in no zone. On a PostgreSQL server the
    /// table is partitioned by day and, under Citus, distributed by zone.
    static let events = TableSchema(name: "parking_events", columns: [
        TableColumn("line", .integer), TableColumn("event_id", .text), TableColumn("bike_id", .text), TableColumn("company_id", .integer),
        TableColumn("lon", .real), TableColumn("lat", .real), TableColumn("time_ms", .integer), TableColumn("accuracy_m", .real),
        TableColumn("management_id", .integer), TableColumn("parking_id", .integer), TableColumn("noparking_id", .integer),
        TableColumn("in_parking", .integer), TableColumn("parking_distance_m", .real),
    ], layout: .facts(dayColumn: "time_ms", distributeBy: "management_id"))
    /// The companies of `parking_events.company_id`.
    static let companies = TableSchema(name: "parking_event_companies", columns: [
        TableColumn("company_id", .integer), TableColumn("company", .text),
    ], layout: .reference)
    /// The fences of `parking_events.management_id`, `parking_id` and
    /// `noparking_id`: layer (MANAGEMENT, PARKING, NOPARKING) and code.
    static let eventFences = TableSchema(name: "parking_event_fences", columns: [
        TableColumn("fence_id", .integer), TableColumn("layer", .text), TableColumn("code", .text),
    ], layout: .reference)
    /// Lock counts per zone, company and no-parking zone, written with the events
    /// so the in-fence reports need not scan millions of rows again.
    static let eventCounts = TableSchema(name: "parking_event_counts", columns: [
        TableColumn("management_code", .text), TableColumn("company", .text), TableColumn("noparking_code", .text),
        TableColumn("events", .integer), TableColumn("in_parking", .integer),
    ])

    struct Count { var zone: String; var company: String?; var events: Int64; var inParking: Int64 }

    /// Locks per management zone (company nil), or per zone and company.
    func zoneCounts(byCompany: Bool) throws -> [Count] {
        let group = byCompany ? "management_code, company" : "management_code"
        return try store.query("SELECT \(group), sum(events), sum(in_parking) FROM \(Self.eventCounts.name) WHERE management_code IS NOT NULL GROUP BY \(group)").map { r in
            byCompany ? Count(zone: r[0].text ?? "", company: r[1].text ?? "", events: r[2].int ?? 0, inParking: r[3].int ?? 0)
                : Count(zone: r[0].text ?? "", company: nil, events: r[1].int ?? 0, inParking: r[2].int ?? 0)
        }
    }

    /// Locks per no-parking zone and company.
    func noParkingCounts() throws -> [(code: String, company: String, events: Int64)] {
        try store.query("SELECT noparking_code, company, sum(events) FROM \(Self.eventCounts.name) WHERE noparking_code IS NOT NULL GROUP BY noparking_code, company").map {
            ($0[0].text ?? "", $0[1].text ?? "", $0[2].int ?? 0)
        }
    }

    /// Bikes counted per zone and report time (B.6 via each sniffer's B.1
    /// Zone). A sniffer listed twice counts once; its first-listed zone wins.
    func occupancy() throws -> [(zone: String, time: String, bikes: Int64, sniffers: Int64)] {
        // What `SELECT s.zone, c.time, sum(c.bikenumber), count(*) FROM bike_counts c
        // JOIN <each sniffer's first row> s ON s.cod = c.cod_xt GROUP BY s.zone, c.time_ms`
        // gives, in one typed pass: the SQL spent most of its time making a row
        // of values for each of a city day's 56,000 groups.
        guard try store.exists("bike_counts"), try store.exists("bt_sniffers") else { return [] }
        var zones: [String] = [], zoneAt: [String: Int32] = [:], zoneOf: [String: Int32] = [:]
        try store.scan("SELECT cod, zone FROM bt_sniffers ORDER BY fid") { c in
            guard let cod = c.value(0).text, zoneOf[cod] == nil else { return }
            let zone = c.value(1).text ?? ""
            if zoneAt[zone] == nil { zoneAt[zone] = Int32(zones.count); zones.append(zone) }
            zoneOf[cod] = zoneAt[zone]
        }
        struct Key: Hashable { var zone: Int32; var ms: Int64 }
        var groups: [Key: (time: String, bikes: Int64, sniffers: Int64)] = [:]
        try store.scan("SELECT cod_xt, time_ms, bikenumber, time FROM bike_counts") { c in
            guard let cod = c.value(0).text, let zone = zoneOf[cod] else { return }
            let key = Key(zone: zone, ms: c.int(1))
            if let g = groups[key] {
                groups[key] = (g.time, g.bikes + c.int(2), g.sniffers + 1)
            } else {
                groups[key] = (c.value(3).text ?? "", c.int(2), 1)
            }
        }
        return groups.sorted { a, b in zones[Int(a.key.zone)] != zones[Int(b.key.zone)] ? zones[Int(a.key.zone)] < zones[Int(b.key.zone)] : a.key.ms < b.key.ms }
            .map { (zones[Int($0.key.zone)], $0.value.time, $0.value.bikes, $0.value.sniffers) }
    }

    func sniffers() throws -> [(code: String, lon: Double, lat: Double, zone: String)] {
        try store.query("SELECT cod, lon, lat, zone FROM bt_sniffers ORDER BY line").map {
            ($0[0].text ?? "", $0[1].double ?? 0, $0[2].double ?? 0, $0[3].text ?? "")
        }
    }

    func studs() throws -> [(code: String, sniffer: String, parkingArea: String)] {
        guard try store.exists("bt_studs") else { return [] }
        return try store.query("SELECT cod_dd, cod_xt, cod_tfq FROM bt_studs ORDER BY line").map {
            ($0[0].text ?? "", $0[1].text ?? "", $0[2].text ?? "")
        }
    }

    /// A device's status reports (B.2, B.4): the last one and the counts.
    struct Status { var time: String?; var condition: String?; var electricity: Double?; var faults: Int64; var reports: Int64 }

    /// Each device's last report (by time; the later line wins a tie), its
    /// fault count and report count, in one pass over the status table.
    func statuses(table: String, code: String) throws -> [String: Status] {
        guard try store.exists(table) else { return [:] }
        var out: [String: Status] = [:]
        var lastMs: [String: Int64] = [:]
        let fault = [Array("异常".utf8)]
        // A cursor, not an array of values per report; the condition is
        // compared as bytes, and time and condition become Strings only for
        // a report that is the device's latest so far.
        try store.scan("SELECT \(code), time_ms, condition, electricity, time FROM \(table) ORDER BY line") { c in
            let device = c.value(0).text ?? ""
            let ms = c.value(1).int ?? Int64.min
            var s = out[device] ?? Status(time: nil, condition: nil, electricity: nil, faults: 0, reports: 0)
            s.reports += 1
            if c.which(2, of: fault) != nil { s.faults += 1 }
            if ms >= lastMs[device, default: Int64.min] {
                lastMs[device] = ms
                s.time = c.value(4).text; s.condition = c.value(2).text; s.electricity = c.value(3).double
            }
            out[device] = s
        }
        return out
    }
}
