import Foundation
import ZonalCore
import ZonalIO
import ZonalStore

/// `race_results` (成绩单): laps, gun and chip time, fastest lap, status and
/// rank of every athlete of every race, and every counted crossing
/// (`race_laps`); split mats of point-to-point races in `race_splits`.
/// Laps that look wrong are flagged for the judge, never corrected silently.
public struct RaceResultsTask: ZonalTask {
    public init() {}
    public let name = "race_results"
    public let summary = "laps counted from RFID reads (min_lap_s debounce from the gun), gun and chip time, cutoff, FIN/DNF/DNS, ranks with ties to the millisecond, fastest lap; suspect laps for the judge"
    public let inputs = ["race_athletes", "race_reads"]
    public var params: [ParamSpec] { [RaceParams.races.spec] }
    public let rules = [
        RuleNote("crossing", "a read counts as a crossing when it is at least min_lap_s after the athlete's previous counted crossing (the gun counts as the first); a crossing after the cutoff does not count, one at the cutoff does"),
        RuleNote("chip_time", "finish - the athlete's first start-line read at or after the gun (the gun when there is none)"),
        RuleNote("status", "FIN: all laps by the cutoff; DNS: no read at or after the gun at any reader of the race; DNF: otherwise"),
        RuleNote("rank", "standard competition ranking (1, 2, 2, 4) by rank_by time; equal to the millisecond share a rank"),
        RuleNote("suspect", "a lap over 1.8 x the athlete's median lap (missed read) or under plausible_lap_s (doubtful read)"),
        RuleNote("reader_down", "no read for more than reader_gap_s (default 180) while athletes pass: a lap race's finish line from the gun to the cutoff or last finish; a point-to-point mat within the middle 90 % of its reads"),
    ]

    static let results = ReportSpec("race_results", columns: [
        ReportColumn("event", .text, zh: "项目"), ReportColumn("rank", .integer, zh: "名次"), ReportColumn("bib", .text, zh: "号码"),
        ReportColumn("name", .text, zh: "姓名"), ReportColumn("gender", .text, zh: "性别"), ReportColumn("laps", .integer, zh: "圈数"),
        ReportColumn("gun_time", .text, zh: "枪声成绩"), ReportColumn("chip_time", .text, zh: "净成绩"),
        ReportColumn("fastest_lap", .text, zh: "最快圈"), ReportColumn("fastest_lap_no", .integer, zh: "最快圈序"),
        ReportColumn("status", .text, zh: "状态"), ReportColumn("behind", .text, zh: "落后"),
        ReportColumn("gender_rank", .integer, zh: "性别名次"), ReportColumn("group_rank", .integer, zh: "组别名次"),
        ReportColumn("suspect", .text, zh: "待核查"),
    ], sortBy: ["event", "rank", "status", "bib"], key: ["event", "bib"], problem: { $0[14] != .empty && $0[14] != .text("") })
    static let laps = ReportSpec("race_laps", columns: [
        ReportColumn("event", .text, zh: "项目"), ReportColumn("bib", .text, zh: "号码"), ReportColumn("lap", .integer, zh: "圈"),
        ReportColumn("split", .text, zh: "累计用时"), ReportColumn("lap_time", .text, zh: "单圈用时"), ReportColumn("time", .time, zh: "过线时刻"),
    ], key: ["event", "bib", "lap"])
    static let splits = ReportSpec("race_splits", columns: [
        ReportColumn("event", .text, zh: "项目"), ReportColumn("bib", .text, zh: "号码"), ReportColumn("split_no", .integer, zh: "分段"),
        ReportColumn("reader", .text, zh: "计时点"), ReportColumn("gun_elapsed", .text, zh: "枪声用时"), ReportColumn("chip_elapsed", .text, zh: "净用时"),
        ReportColumn("time", .time, zh: "时刻"),
    ], key: ["event", "bib", "split_no"])
    public var reports: [ReportSpec] { [Self.results, Self.laps, Self.splits] }

    public func run(_ ctx: TaskContext) throws -> TaskResult {
        guard let races = ctx.params[RaceParams.races] else {
            throw RaceSetupError(message: "the job has no params.races: give each race's event, kind, laps, gun_time, finish_reader and min_lap_s")
        }
        let repo = RaceRepository(store: ctx.store)
        let athletes = try repo.athletes()
        var resultRows: [ReportRow] = [], lapRows: [ReportRow] = [], splitRows: [ReportRow] = []
        var finishers = 0, suspects = 0
        let clock = ctx.job.times
        for race in races {
            let reads = try repo.reads(readers: race.readers)
            let scorer = RaceScorer(race: race)
            let results = scorer.score(athletes: athletes, reads: reads)
            if results.isEmpty {
                ctx.warnings.append(Warning(file: "params.races", reason: "race \(race.event) has no athletes in race_athletes"))
            }
            // Result rows in report order (rank, then status, then bib), so
            // writing them needs no sort; laps and splits stay in athlete order.
            let keys = results.map { (rank: $0.rank ?? Int.max, status: $0.status.rawValue, bibLength: $0.athlete.bib.count, bib: $0.athlete.bib) }
            for i in results.indices.sorted(by: { keys[$0] < keys[$1] }) {
                resultRows.append(ReportRow(Self.resultCells(results[i], race: race)))
            }
            for r in results {
                for (k, c) in r.crossings.enumerated() {
                    lapRows.append(ReportRow([.text(race.event), .text(r.athlete.bib), .integer(Int64(k + 1)), .text(DecimalFormat.raceTime(milliseconds: c - race.gun)),
                                              .text(DecimalFormat.raceTime(milliseconds: r.lapMs[k])), .text(clock.format(c, milliseconds: true))]))
                }
                for (k, s) in r.splits.enumerated() {
                    guard let s else { continue }
                    splitRows.append(ReportRow([.text(race.event), .text(r.athlete.bib), .integer(Int64(k + 1)), .text(race.splitReaders[k]),
                                                .text(DecimalFormat.raceTime(milliseconds: s - race.gun)), .text(DecimalFormat.raceTime(milliseconds: s - r.start)),
                                                .text(clock.format(s, milliseconds: true))]))
                }
                if r.status == .fin { finishers += 1 }
                if !r.suspects.isEmpty {
                    suspects += 1
                    ctx.warnings.append(Warning(file: "race \(race.event)", reason: Self.suspectWarning(r, race: race)))
                }
            }
            for gap in scorer.readerGaps(reads, results: results) {
                ctx.warnings.append(Warning(file: "race \(race.event)", reason: "reader \(gap.reader) read nothing from \(clock.format(gap.from, milliseconds: true)) to \(clock.format(gap.to, milliseconds: true)) (\(DecimalFormat.raceTime(milliseconds: gap.to - gap.from))) while athletes were passing; check the reader and the laps counted then"))
            }
        }
        try ctx.write(Self.results, rows: resultRows)
        try ctx.write(Self.laps, rows: lapRows)
        try ctx.write(Self.splits, rows: splitRows)
        return TaskResult(reportRows: [Self.results.name: resultRows.count, Self.laps.name: lapRows.count, Self.splits.name: splitRows.count],
                          message: "\(races.count) races, \(finishers) finishers, \(suspects) athletes with suspect laps")
    }

    static func resultCells(_ r: AthleteResult, race: RaceDefinition) -> [Cell] {
        func t(_ ms: Int64?) -> Cell { ms.map { .text(DecimalFormat.raceTime(milliseconds: $0)) } ?? .empty }
        func i(_ n: Int?) -> Cell { n.map { .integer(Int64($0)) } ?? .empty }
        let fastest = r.fastest
        return [.text(race.event), i(r.rank), .text(r.athlete.bib), .text(r.athlete.name), .text(r.athlete.gender),
                .integer(Int64(r.crossings.count)), t(r.gunMs), t(r.chipMs), t(fastest?.ms), i(fastest?.lap),
                .text(r.status.rawValue), t(r.behindMs), i(r.genderRank), i(r.groupRank),
                r.suspects.isEmpty ? .empty : .text(r.suspects.map { "lap \($0.lap): \($0.why.rawValue)" }.joined(separator: "; "))]
    }

    static func suspectWarning(_ r: AthleteResult, race: RaceDefinition) -> String {
        "bib \(r.athlete.bib) \(r.athlete.name): " + r.suspects.map { s in
            switch s.why {
            case .missedRead: return "lap \(s.lap) took \(DecimalFormat.raceTime(milliseconds: s.lapMs)), over 1.8× the athlete's median lap: a read was probably missed, so the lap count may be one short"
            case .doubtfulRead: return "lap \(s.lap) took \(DecimalFormat.raceTime(milliseconds: s.lapMs)), under the plausible \(DecimalFormat.raceTime(milliseconds: race.plausibleLapMs ?? 0)): a stray read may have counted a lap"
            }
        }.joined(separator: "; ") + "; check before signing (\(r.status.rawValue), \(r.crossings.count) laps counted)"
    }

    public func present(_ ctx: PresentContext) throws -> [HTMLSection] {
        try RacePresentation.sections(ctx)
    }
}

/// A race job that cannot be scored as written.
struct RaceSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
