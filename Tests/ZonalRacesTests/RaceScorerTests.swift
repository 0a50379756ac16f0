import XCTest
@testable import ZonalCore
@testable import ZonalRaces
import ZonalIO

/// Each rule of CONTRACT §7 "Races" as a small scene, with results worked out
/// by hand. Times are milliseconds after the gun (gun = 0 here, so results
/// read directly).
final class RaceScorerTests: XCTestCase {
    static let gun: Int64 = 1_777_597_200_000   // 2026-05-01 09:00:00 Beijing

    /// The race's readers in RaceDefinition.readers order (start, splits, finish); every scene has
    /// a start mat "s" (without a read on it, an athlete starts at the gun).
    static let readerList = ["s", "f", "f2"]

    func race(_ kind: RaceDefinition.Kind = .laps, laps: Int = 3, minLap: Int64 = 40_000, cutoff: Int64? = nil,
              rankBy: RaceDefinition.RankBy = .gun, start: [String] = ["s"], plausible: Int64? = nil) -> RaceDefinition {
        RaceDefinition(event: "E", kind: kind, laps: laps, gun: Self.gun, finishReaders: ["f", "f2"], startReaders: start, splitReaders: [],
                       minLapMs: minLap, cutoff: cutoff.map { Self.gun + $0 }, rankBy: rankBy, plausibleLapMs: plausible, readerGapMs: 180_000)
    }

    func athlete(_ bib: String, gender: String = "1", group: String? = nil) -> Athlete {
        Athlete(bib: bib, card: "00000:\(String(repeating: "0", count: 5 - bib.count))\(bib)", name: "A\(bib)", gender: gender, event: "E", ageGroup: group)
    }

    /// Reads of athlete `bib` at reader `reader`, at these offsets from the gun.
    func reads(_ bib: String, _ offsets: [Int64], at reader: String = "f") -> [TimedRead] {
        offsets.map { TimedRead(reader: Self.readerList.firstIndex(of: reader)!, ms: Self.gun + $0, card: RaceFields.number(athlete(bib).card)!) }
    }

    func score(_ r: RaceDefinition, _ athletes: [Athlete], _ reads: [TimedRead]) -> [String: AthleteResult] {
        Dictionary(uniqueKeysWithValues: RaceScorer(race: r).score(athletes: athletes, reads: reads).map { ($0.athlete.bib, $0) })
    }

    /// Debounce from the gun: a read counts when it is at least min_lap_s
    /// after the previous counted crossing; antenna duplicates and reads
    /// before gun + min_lap_s do not.
    func testDebounce() {
        // min_lap 40 s. Reads: 10 s (too soon after the gun), 62.000, 62.300 and 62.900 (duplicates),
        // 101.999 (39.999 s after 62.000: a duplicate), 102.000 (exactly 40 s: counts), 150.5 (48.5 s: counts).
        let r = score(race(), [athlete("1")], reads("1", [10_000, 62_000, 62_300, 62_900, 101_999, 102_000, 150_500]))["1"]!
        XCTAssertEqual(r.crossings.map { $0 - Self.gun }, [62_000, 102_000, 150_500])
        XCTAssertEqual(r.status, AthleteResult.Status.fin)
        XCTAssertEqual(r.gunMs, 150_500)
        XCTAssertEqual(r.lapMs, [62_000, 40_000, 48_500])
        XCTAssertEqual(r.fastest?.ms, 40_000)
        XCTAssertEqual(r.fastest?.lap, 2)
    }

    /// Two antennas on one line are one line: their reads merge before the debounce.
    func testAntennasMerge() {
        let all = reads("1", [62_000, 150_000], at: "f") + reads("1", [62_400, 102_000, 102_200, 150_100], at: "f2")
        let r = score(race(), [athlete("1")], all)["1"]!
        XCTAssertEqual(r.crossings.map { $0 - Self.gun }, [62_000, 102_000, 150_000], "f2 alone saw lap 2")
    }

    /// Laps after the finish (a cool-down lap) are not counted.
    func testReadsAfterTheFinishAreIgnored() {
        let r = score(race(), [athlete("1")], reads("1", [60_000, 120_000, 180_000, 240_000, 300_000]))["1"]!
        XCTAssertEqual(r.crossings.count, 3)
        XCTAssertEqual(r.gunMs, 180_000)
    }

    /// A crossing at the cutoff counts; after it, not. DNF keeps the laps before the cutoff.
    func testCutoff() {
        let all: [TimedRead] = reads("1", [60_000, 120_000, 180_000]) + reads("2", [60_000, 120_000, 180_001])
        let rs = score(race(cutoff: 180_000), [athlete("1"), athlete("2")], all)
        XCTAssertEqual(rs["1"]!.status, AthleteResult.Status.fin, "finishing exactly at the cutoff is in time")
        XCTAssertEqual(rs["2"]!.status, AthleteResult.Status.dnf)
        XCTAssertEqual(rs["2"]!.crossings.count, 2)
        XCTAssertNil(rs["2"]!.rank)
        XCTAssertNil(rs["2"]!.gunMs)
        XCTAssertNil(rs["2"]!.fastest)
    }

    /// DNS: no read at or after the gun (reads only before it count for nothing). DNF: some read after it.
    func testDNSAndDNF() {
        let all: [TimedRead] = reads("1", [-300_000, -1]) + reads("3", [5_000])
        let rs = score(race(), [athlete("1"), athlete("2"), athlete("3")], all)
        XCTAssertEqual(rs["1"]!.status, AthleteResult.Status.dns, "reads only before the gun")
        XCTAssertEqual(rs["2"]!.status, AthleteResult.Status.dns, "no read at all")
        XCTAssertEqual(rs["3"]!.status, AthleteResult.Status.dnf, "a read after the gun that never became a lap")
        XCTAssertEqual(rs["3"]!.crossings.count, 0)
    }

    /// Chip time from the first start-line read at or after the gun; a
    /// start read before the gun does not count; without one, chip = gun.
    func testChipAndGunTime() {
        let r = race(.pointToPoint, laps: 1, minLap: 600_000, start: ["s"])
        var all: [TimedRead] = reads("1", [-20_000, 4_321, 4_800], at: "s")
        all += reads("1", [1_000_000])
        all += reads("2", [-5_000], at: "s")
        all += reads("2", [1_100_000])
        all += reads("3", [0], at: "s")
        all += reads("3", [1_000_000])
        let rs = score(r, [athlete("1"), athlete("2"), athlete("3")], all)
        XCTAssertEqual(rs["1"]!.gunMs, 1_000_000)
        XCTAssertEqual(rs["1"]!.chipMs, 1_000_000 - 4_321, "the first start read after the gun")
        XCTAssertEqual(rs["2"]!.chipMs, 1_100_000, "a start read before the gun only: chip = gun")
        XCTAssertEqual(rs["3"]!.chipMs, 1_000_000, "a start read exactly at the gun counts")
        XCTAssertEqual(rs["1"]!.lapMs, [1_000_000 - 4_321], "one lap, from the athlete's start")
    }

    /// Standard competition ranking with ties to the millisecond, behind the winner.
    func testTiesAndBehind() {
        var all: [TimedRead] = reads("1", [60_000])
        all += reads("2", [61_234])
        all += reads("3", [61_234])
        all += reads("4", [61_235])
        all += reads("5", [10])
        let rs = score(race(laps: 1, minLap: 1_000), ["1", "2", "3", "4", "5"].map { athlete($0) }, all)
        XCTAssertEqual(["1", "2", "3", "4"].map { rs[$0]!.rank }, [1, 2, 2, 4])
        XCTAssertEqual(["1", "2", "3", "4"].map { rs[$0]!.behindMs }, [0, 1_234, 1_234, 1_235])
        XCTAssertEqual(rs["5"]!.status, AthleteResult.Status.dnf, "a read 10 ms after the gun is before min_lap_s")
        XCTAssertEqual(RaceResultsTask.resultCells(rs["2"]!, race: race(laps: 1))[11], .text("0:00:01.234"))
        XCTAssertEqual(RaceResultsTask.resultCells(rs["1"]!, race: race(laps: 1))[11], .text("0:00:00.000"), "the winner is 0:00:00.000 behind")
    }

    /// rank_by chip ranks by chip time; behind is in chip time.
    func testRankByChip() {
        let r = race(.pointToPoint, laps: 1, minLap: 600_000, rankBy: .chip, start: ["s"])
        var all: [TimedRead] = reads("1", [1_000], at: "s")
        all += reads("1", [1_000_000])
        all += reads("2", [90_000], at: "s")
        all += reads("2", [1_050_000])
        let rs = score(r, [athlete("1"), athlete("2")], all)
        XCTAssertEqual(rs["2"]!.rank, 1, "960 s chip beats 999 s chip although 2 crossed the line later")
        XCTAssertEqual(rs["1"]!.rank, 2)
        XCTAssertEqual(rs["1"]!.behindMs, 999_000 - 960_000)
    }

    /// Ranks within gender and within age group; no group, no group rank.
    func testGenderAndGroupRanks() {
        let people = [athlete("1", gender: "1", group: "M35"), athlete("2", gender: "2", group: "W40"),
                      athlete("3", gender: "1", group: "M35"), athlete("4", gender: "2"), athlete("5", gender: "2", group: "W40")]
        var all: [TimedRead] = reads("1", [50_000])
        all += reads("2", [51_000])
        all += reads("3", [52_000])
        all += reads("4", [53_000])
        all += reads("5", [51_000])
        let rs = score(race(laps: 1, minLap: 1_000), people, all)
        XCTAssertEqual(["1", "2", "3", "4", "5"].map { rs[$0]!.rank }, [1, 2, 4, 5, 2])
        XCTAssertEqual(["1", "2", "3", "4", "5"].map { rs[$0]!.genderRank }, [1, 1, 2, 3, 1])
        XCTAssertEqual(["1", "2", "3", "4", "5"].map { rs[$0]!.groupRank }, [1, 1, 2, nil, 1])
    }

    /// A lap over 1.8× the median is a missed read; under plausible_lap_s a doubtful read.
    func testSuspects() {
        // Laps 60, 62, 61, 124 (missed read: 124 > 1.8 × 61.5 = 110.7), 44 (doubtful: < 55), 63 → median of
        // [44, 60, 61, 62, 63, 124] = (61 + 62) / 2 = 61.5.
        let offsets: [Int64] = [60, 122, 183, 307, 351, 414].map { $0 * 1000 }
        let r = score(race(laps: 6, plausible: 55_000), [athlete("1")], reads("1", offsets))["1"]!
        XCTAssertEqual(r.lapMs, [60, 62, 61, 124, 44, 63].map { $0 * 1000 })
        XCTAssertEqual(r.suspects, [.init(lap: 4, why: .missedRead, lapMs: 124_000), .init(lap: 5, why: .doubtfulRead, lapMs: 44_000)])
        XCTAssertEqual(RaceResultsTask.resultCells(r, race: race(laps: 6))[14], .text("lap 4: missed read; lap 5: doubtful read"))
        // At the edge: exactly 1.8 × the median is not over it (median 60: 108 s is fine, 108.001 s is not).
        let edge = RaceScorer(race: race(laps: 3))
        XCTAssertEqual(edge.suspects([60_000, 60_000, 108_000]), [])
        XCTAssertEqual(edge.suspects([60_000, 60_000, 108_001]).map(\.lap), [3])
    }

    /// A reader silent for more than reader_gap_s while athletes lap is reported.
    func testReaderGap() {
        let r = race(laps: 10, cutoff: 3_600_000)
        let all = reads("1", [60_000, 120_000, 480_000, 540_000])   // 360 s gap between 120 and 480 s
        let results = RaceScorer(race: r).score(athletes: [athlete("1")], reads: all)
        let gaps = RaceScorer(race: r).readerGaps(all, results: results)
        XCTAssertEqual(gaps.map { "\($0.reader) \($0.from - Self.gun) \($0.to - Self.gun)" }, ["f 120000 480000"])
    }
}

/// params.races is read when the job is: every mistake is exit 2 with its key path.
final class RaceParamsTests: XCTestCase {
    func message(_ races: String, reads: String = "{finish: r.log, start: r.log}") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-race-params-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        FileManager.default.createFile(atPath: dir.appendingPathComponent("r.log").path, contents: Data())
        FileManager.default.createFile(atPath: dir.appendingPathComponent("a.csv").path, contents: Data())
        let yaml = "job: r\ninputs: {race_athletes: a.csv, race_reads: \(reads)}\ntasks: [race_results]\nparams:\n  races:\n\(races)"
        try? yaml.write(to: dir.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        do {
            let registry = try Registry(modules: [RacesModule.module])
            let job = try JobParser.parse(file: dir.appendingPathComponent("job.yaml"), registry: registry)
            return "parsed \(job.params[RaceParams.races]?.count ?? 0)"
        } catch { return "\(error)" }
    }

    let good = "    - {event: 10000m, kind: laps, laps: 25, gun_time: '2026-05-01 09:00:00', finish_reader: finish, min_lap_s: 40}\n"

    func testGoodRacesParse() {
        XCTAssertEqual(message(good), "parsed 1")
        XCTAssertEqual(message(good + "    - {event: 5km, kind: point_to_point, gun_time: '2026-05-01 10:00:00', start_reader: start, finish_reader: [finish], min_lap_s: 600, rank_by: chip}\n"), "parsed 2")
    }

    func testMistakesNameTheKeyPath() {
        XCTAssertTrue(message("    - {event: x, kind: laps, laps: 25, gun_time: '2026-05-01 09:00:00', finish_reader: finish, min_lap_s: 40, cutof: '2026-05-01 10:00:00'}\n")
            .hasSuffix("at `params.races[0].cutof`: unknown key 'cutof'; must be one of event, kind, laps, gun_time, finish_reader, start_reader, split_readers, min_lap_s, cutoff, rank_by, plausible_lap_s, reader_gap_s"))
        XCTAssertTrue(message("    - {event: x, kind: laps, laps: 25, gun_time: '9:00', finish_reader: finish, min_lap_s: 40}\n")
            .hasSuffix("at `params.races[0].gun_time`: '9:00' is not a time; use yyyy-MM-dd HH:mm:ss[.SSS], yyyyMMddHHmmss or ISO 8601 with offset"))
        XCTAssertTrue(message("    - {event: x, kind: laps, laps: 25, gun_time: '2026-05-01 09:00:00', finish_reader: [finish, lap], min_lap_s: 40}\n")
            .hasSuffix("at `params.races[0].finish_reader`: 'lap' is not among the readers of inputs.race_reads (finish, start)"))
        XCTAssertTrue(message("    - {event: x, kind: relay, gun_time: '2026-05-01 09:00:00', finish_reader: finish, min_lap_s: 40}\n")
            .hasSuffix("at `params.races[0].kind`: 'relay' must be one of laps, point_to_point"))
        XCTAssertTrue(message("    - {event: x, kind: laps, gun_time: '2026-05-01 09:00:00', finish_reader: finish, min_lap_s: 40}\n")
            .hasSuffix("at `params.races[0]`: needs laps"))
        XCTAssertTrue(message(good + good).hasSuffix("at `params.races[1].event`: event '10000m' is also races[0]; each race has its own event"))
        XCTAssertTrue(message("    - {event: x, kind: laps, laps: 2, gun_time: '2026-05-01 09:00:00', cutoff: '2026-05-01 08:00:00', finish_reader: finish, min_lap_s: 40}\n")
            .hasSuffix("at `params.races[0].cutoff`: the cutoff must be after the gun_time"))
        XCTAssertTrue(message("    - {event: x, kind: laps, laps: 2, gun_time: '2026-05-01 09:00:00', finish_reader: finish, min_lap_s: -1}\n")
            .hasSuffix("at `params.races[0].min_lap_s`: -1 is below the smallest allowed value 0"))
    }
}
