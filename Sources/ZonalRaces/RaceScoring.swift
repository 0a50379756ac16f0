import ZonalCore
import ZonalIO

/// One athlete's race, as the rules of CONTRACT §7 "Races" make it.
struct AthleteResult: Sendable, Equatable {
    enum Status: String, Sendable { case fin = "FIN", dnf = "DNF", dns = "DNS" }
    struct Suspect: Sendable, Equatable {
        enum Why: String, Sendable { case missedRead = "missed read", doubtfulRead = "doubtful read" }
        var lap: Int
        var why: Why
        var lapMs: Int64
    }
    var athlete: Athlete
    var status: Status
    /// Counted crossings at or before the cutoff, up to the finish (epoch ms).
    var crossings: [Int64]
    /// The athlete's start: the first start-line read at or after the gun, else the gun.
    var start: Int64
    var finish: Int64?
    var gunMs: Int64?
    var chipMs: Int64?
    /// Lap k: crossing k − crossing k−1, lap 1 from the start.
    var lapMs: [Int64]
    var rank: Int?
    var behindMs: Int64?
    var genderRank: Int?
    var groupRank: Int?
    var suspects: [Suspect]
    /// First read at each split mat after the start, in course order (nil when missed).
    var splits: [Int64?]

    var fastest: (ms: Int64, lap: Int)? {
        guard status == .fin, let m = lapMs.min() else { return nil }
        return (m, lapMs.firstIndex(of: m)! + 1)
    }
}

/// Counts laps and ranks one race. Pure: reads in, results out.
struct RaceScorer {
    let race: RaceDefinition

    /// `reads` are every read of the race's readers, any order.
    /// `reads` are every read of the race's readers, any order; a read's
    /// `reader` is its position in `race.readers`.
    func score(athletes: [Athlete], reads: [TimedRead]) -> [AthleteResult] {
        let readers = race.readers
        let finishSet = Set(readers.indices.filter { race.finishReaders.contains(readers[$0]) })
        let startSet = Set(readers.indices.filter { race.startReaders.contains(readers[$0]) })
        let runners = athletes.filter { $0.event == race.event }
        // Each athlete's reads side by side in one array (a counting sort by
        // athlete, reads keeping their order), then in time order: a
        // marathon's 1.8 million reads cost no array per athlete.
        var slot: [Int64: Int] = [:]
        slot.reserveCapacity(runners.count)
        for (i, a) in runners.enumerated() { if let c = RaceFields.number(a.card) { slot[c] = i } }
        var bounds = [Int](repeating: 0, count: runners.count + 1)
        var owner = [Int32](repeating: -1, count: reads.count)
        for (k, r) in reads.enumerated() {
            if let i = slot[r.card] { owner[k] = Int32(i); bounds[i + 1] += 1 }
        }
        for i in runners.indices { bounds[i + 1] += bounds[i] }
        var next = bounds
        var grouped = [TimedRead](repeating: TimedRead(reader: 0, ms: 0, card: 0), count: bounds[runners.count])
        for (k, r) in reads.enumerated() where owner[k] >= 0 {
            let i = Int(owner[k])
            grouped[next[i]] = r
            next[i] += 1
        }
        var results: [AthleteResult] = []
        results.reserveCapacity(runners.count)
        for (i, a) in runners.enumerated() {
            grouped[bounds[i]..<bounds[i + 1]].sort { $0.ms < $1.ms }
            results.append(score(a, grouped[bounds[i]..<bounds[i + 1]], finishSet, startSet))
        }
        rank(&results)
        return results
    }

    private func score(_ a: Athlete, _ reads: ArraySlice<TimedRead>, _ finishSet: Set<Int>, _ startSet: Set<Int>) -> AthleteResult {
        let gun = race.gun
        // Crossings: debounced from the gun, up to `laps`, none after the cutoff.
        var crossings: [Int64] = []
        var previous = gun
        for r in reads where finishSet.contains(r.reader) {
            guard crossings.count < race.laps else { break }
            if r.ms - previous >= race.minLapMs {
                if let cutoff = race.cutoff, r.ms > cutoff { break }
                crossings.append(r.ms)
                previous = r.ms
            }
        }
        let start = reads.first { startSet.contains($0.reader) && $0.ms >= gun }?.ms ?? gun
        let anyRead = reads.contains { $0.ms >= gun }
        let finished = crossings.count == race.laps
        let status: AthleteResult.Status = finished ? .fin : (anyRead ? .dnf : .dns)
        var laps: [Int64] = []
        var prev = start
        for c in crossings { laps.append(c - prev); prev = c }
        let splits = race.splitReaders.map { mat in
            let k = race.readers.firstIndex(of: mat)!
            return reads.first { $0.reader == k && $0.ms >= start }?.ms
        }
        let finish = finished ? crossings.last : nil
        return AthleteResult(athlete: a, status: status, crossings: crossings, start: start, finish: finish,
                             gunMs: finish.map { $0 - gun }, chipMs: finish.map { $0 - start }, lapMs: laps,
                             rank: nil, behindMs: nil, genderRank: nil, groupRank: nil,
                             suspects: suspects(laps), splits: splits)
    }

    /// A lap over 1.8× the athlete's median lap: a read was probably missed.
    /// A lap under the race's plausible lap: a doubtful (stray) read.
    func suspects(_ laps: [Int64]) -> [AthleteResult.Suspect] {
        guard laps.count >= 2 else { return [] }
        let sorted = laps.sorted()
        let n = sorted.count
        // Twice the median, so an even count's mean of the middle two stays exact.
        let twiceMedian = n % 2 == 1 ? 2 * sorted[n / 2] : sorted[n / 2 - 1] + sorted[n / 2]
        var out: [AthleteResult.Suspect] = []
        for (i, l) in laps.enumerated() {
            // l > 1.8 × median  ⇔  10·l > 9·(2·median)
            if 10 * l > 9 * twiceMedian { out.append(.init(lap: i + 1, why: .missedRead, lapMs: l)) }
            else if let p = race.plausibleLapMs, l < p { out.append(.init(lap: i + 1, why: .doubtfulRead, lapMs: l)) }
        }
        return out
    }

    func time(_ r: AthleteResult) -> Int64? { race.rankBy == .chip ? r.chipMs : r.gunMs }

    /// Standard competition ranking (1, 2, 2, 4) of the finishers by the
    /// race's ranking time, equal to the millisecond sharing a rank; then
    /// the same within gender and within age group.
    private func rank(_ results: inout [AthleteResult]) {
        // Plain keys, so sorting thousands of finishers never copies a result.
        let keys = results.map { (time: time($0) ?? 0, bibLength: $0.athlete.bib.count, bib: $0.athlete.bib) }
        func competition(_ idx: [Int]) -> [Int: Int] {
            let order = idx.sorted { (keys[$0].time, keys[$0].bibLength, keys[$0].bib) < (keys[$1].time, keys[$1].bibLength, keys[$1].bib) }
            var ranks: [Int: Int] = [:]
            for (pos, i) in order.enumerated() {
                if pos > 0, keys[order[pos - 1]].time == keys[i].time { ranks[i] = ranks[order[pos - 1]] } else { ranks[i] = pos + 1 }
            }
            return ranks
        }
        let finishers = results.indices.filter { results[$0].status == .fin }
        let overall = competition(finishers)
        let winner = finishers.map { keys[$0].time }.min()
        for i in finishers {
            results[i].rank = overall[i]
            results[i].behindMs = winner.map { keys[i].time - $0 }
        }
        for g in Set(finishers.map { results[$0].athlete.gender }) {
            for (i, r) in competition(finishers.filter { results[$0].athlete.gender == g }) { results[i].genderRank = r }
        }
        for group in Set(finishers.compactMap { results[$0].athlete.ageGroup }) where !group.isEmpty {
            for (i, r) in competition(finishers.filter { results[$0].athlete.ageGroup == group }) { results[i].groupRank = r }
        }
    }

    /// Readers that went quiet for longer than `reader_gap_s` while athletes
    /// were passing them: (reader, last read before, first read after). On a
    /// lap race the finish line is passed all race long, so every gap from
    /// the gun to the cutoff (or the last finish) counts; a start mat, a split
    /// mat or the finish of a point-to-point race sees a crowd and then
    /// stragglers, so only gaps within the middle 90 % of its reads count.
    func readerGaps(_ reads: [TimedRead], results: [AthleteResult]) -> [(reader: String, from: Int64, to: Int64)] {
        let end = race.cutoff ?? results.compactMap(\.finish).max() ?? race.gun
        var out: [(String, Int64, Int64)] = []
        let watched = race.kind == .laps ? race.finishReaders : race.splitReaders + race.finishReaders
        var times = [[Int64]](repeating: [], count: race.readers.count)
        for r in reads where r.ms >= race.gun && r.ms <= end { times[r.reader].append(r.ms) }
        for reader in watched {
            var ts = times[race.readers.firstIndex(of: reader)!].sorted()
            if race.kind == .pointToPoint, ts.count >= 20 {
                ts = Array(ts[(ts.count / 20)...(ts.count - 1 - ts.count / 20)])
            }
            for (a, b) in zip(ts, ts.dropFirst()) where b - a > race.readerGapMs { out.append((reader, a, b)) }
        }
        return out
    }
}
