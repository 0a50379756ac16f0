import ZonalCore

/// One race of the day (CONTRACT §3.5 `params.races`): which athletes (its
/// event), where it is timed (readers), how it is counted and ranked.
public struct RaceDefinition: Sendable, Equatable {
    public enum Kind: String, Sendable { case laps, pointToPoint = "point_to_point" }
    public enum RankBy: String, Sendable { case gun, chip }

    public var event: String
    public var kind: Kind
    /// Crossings that make the finish: `laps` for a lap race, 1 point to point.
    public var laps: Int
    /// Epoch milliseconds.
    public var gun: Int64
    /// Readers on the finish line; several antennas on one line merge.
    public var finishReaders: [String]
    /// Readers on the start line (chip start), if any.
    public var startReaders: [String]
    /// Intermediate mats of a point-to-point race (race_splits), in course order.
    public var splitReaders: [String]
    /// The debounce: a read counts as a crossing only this long after the
    /// previous counted crossing (the gun counts as the first).
    public var minLapMs: Int64
    public var cutoff: Int64?
    public var rankBy: RankBy
    /// A lap shorter than this is suspect (a doubtful read).
    public var plausibleLapMs: Int64?
    /// A reader with no read for longer than this while the race runs is reported as down.
    public var readerGapMs: Int64

    /// Every reader the race listens to.
    public var readers: [String] { startReaders + splitReaders + finishReaders }

    static let keys = ["event", "kind", "laps", "gun_time", "finish_reader", "start_reader", "split_readers", "min_lap_s",
                       "cutoff", "rank_by", "plausible_lap_s", "reader_gap_s"]

    /// Decodes `params.races`, checking each race against the job: every
    /// reader must be one the job names under `race_reads` (when they are
    /// named there), events are unique, a point-to-point race has one lap.
    static func decodeAll(_ node: ParamNode) throws -> [RaceDefinition] {
        let races = try node.list().map(decode)
        var seen: [String: Int] = [:]
        for (i, r) in races.enumerated() {
            if let j = seen[r.event] { throw try node.list()[i].field("event").fail("event '\(r.event)' is also races[\(j)]; each race has its own event") }
            seen[r.event] = i
        }
        guard !races.isEmpty else { throw node.fail("must list at least one race") }
        return races
    }

    static func decode(_ item: ParamNode) throws -> RaceDefinition {
        let f = try item.fields(allowed: keys)
        func need(_ k: String) throws -> ParamNode {
            guard let v = f[k] else { throw item.fail("needs \(k)") }
            return v
        }
        let kind = Kind(rawValue: try need("kind").oneOf(["laps", "point_to_point"]))!
        var laps = 1
        if kind == .laps { laps = try need("laps").integer(min: 1, max: 1000) } else if let l = f["laps"], try l.integer() != 1 {
            throw l.fail("a point_to_point race has one lap; leave laps out")
        }
        let gun = try need("gun_time").time()
        let readers = Set(item.context.inputParts["race_reads"] ?? [])
        func readerList(_ k: String) throws -> [String] {
            guard let v = f[k] else { return [] }
            let names = try v.strings()
            // Readers are named in the job when race_reads maps names to files; a CSV names them in its rows.
            if !readers.isEmpty, let unknown = names.first(where: { !readers.contains($0) }) {
                throw v.fail("'\(unknown)' is not among the readers of inputs.race_reads (\(readers.sorted().joined(separator: ", ")))")
            }
            return names
        }
        let finish = try readerList("finish_reader")
        guard !finish.isEmpty else { throw item.fail("needs finish_reader") }
        let splits = try readerList("split_readers")
        if kind == .laps, let s = f["split_readers"], !splits.isEmpty { throw s.fail("split mats belong to point_to_point races") }
        let cutoff = try f["cutoff"].map { try $0.time() }
        if let cutoff, cutoff <= gun, let c = f["cutoff"] { throw c.fail("the cutoff must be after the gun_time") }
        return RaceDefinition(
            event: try need("event").string(), kind: kind, laps: laps, gun: gun, finishReaders: finish,
            startReaders: try readerList("start_reader"), splitReaders: splits,
            minLapMs: Int64((try need("min_lap_s").number(min: 0, max: 86_400) * 1000).rounded()),
            cutoff: cutoff, rankBy: RankBy(rawValue: try f["rank_by"]?.oneOf(["gun", "chip"]) ?? "gun")!,
            plausibleLapMs: try f["plausible_lap_s"].map { Int64((try $0.number(min: 0, max: 86_400) * 1000).rounded()) },
            readerGapMs: Int64((try f["reader_gap_s"]?.number(min: 1, max: 86_400) ?? 180) * 1000))
    }
}

/// The race domain's parameters.
enum RaceParams {
    static let races = StructuredParam<[RaceDefinition]>(
        "races", "the races of the day: event, kind (laps|point_to_point), laps, gun_time, finish_reader, start_reader, split_readers, min_lap_s, cutoff, rank_by (gun|chip), plausible_lap_s, reader_gap_s",
        decode: RaceDefinition.decodeAll)
}
