import Foundation
import ZonalCore
import ZonalIO
import ZonalStore

/// The race domain's words for the shared field vocabulary (seed 003).
enum RaceFields {
    /// The reader's output for a card: 5-digit decimal HID, `:`, 5-digit decimal PID (`00102:00012`).
    static let card = FieldKind.custom(FieldRule(storeType: .text) { v in
        isCard(v) ? .store(.text(v)) : .reject("'\(Quote.prefix(v))' must be HHHHH:PPPPP, two groups of 5 digits")
    })
    /// 性别 GB/T 2261.1: 1 male, 2 female.
    static let gender = FieldKind.oneOf(["1", "2"])

    static func isCard(_ v: String) -> Bool { number(v) != nil }

    /// A card as one number, HID × 100000 + PID (`00102:00012` → 10200012), or nil when it is not a card.
    static func number<S: Sequence>(_ bytes: S) -> Int64? where S.Element == UInt8 {
        var n: Int64 = 0, count = 0
        for b in bytes {
            if count == 5 { guard b == 58 else { return nil } } else {
                guard b >= 48 && b <= 57 else { return nil }
                n = n * 10 + Int64(b - 48)
            }
            count += 1
            if count > 11 { return nil }
        }
        return count == 11 ? n : nil
    }

    static func number(_ s: String) -> Int64? { number(s.utf8) }

    /// A card number as the reader writes it (10200012 → `00102:00012`).
    static func text(_ number: Int64) -> String {
        func five(_ n: Int64) -> String { let d = String(n); return String(repeating: "0", count: max(0, 5 - d.count)) + d }
        return five(number / 100_000) + ":" + five(number % 100_000)
    }
}

/// `race_athletes`: bib, card, name, gender, event, age_group. A bib or a
/// card listed twice, or an athlete of an event no race defines, is a
/// reject (the first row stands).
struct AthletesLoader: DatasetLoader {
    static let fields = [
        FieldSpec("bib", .text), FieldSpec("card", RaceFields.card), FieldSpec("name", .text),
        FieldSpec("gender", RaceFields.gender), FieldSpec("event", .text), FieldSpec("age_group", .text, required: false),
    ]
    static let table = TableSchema(name: "race_athletes", columns: CSVTableLoader(fields).columns)

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let loader = CSVTableLoader(Self.fields)
        var rows: [[SQLValue]] = []
        var outcome = try loader.load(path: input.url.path, shown: input.written, times: ctx.times, progress: ctx.progress) { rows += $0 }
        let events = Set((ctx.params[RaceParams.races] ?? []).map(\.event))
        let lineAt = loader.position(of: "line"), bibAt = loader.position(of: "bib"), cardAt = loader.position(of: "card"), eventAt = loader.position(of: "event")
        var bibs: [String: Int64] = [:], cards: [String: Int64] = [:]
        var kept: [[SQLValue]] = []
        for r in rows {
            let line = Int(r[lineAt].int ?? 0), bib = r[bibAt].text ?? "", card = r[cardAt].text ?? "", event = r[eventAt].text ?? ""
            func reject(_ field: String, _ why: String) { outcome.rejects.append(Reject(file: input.written, line: line, field: field, reason: why)) }
            if let first = bibs[bib] { reject("bib", "bib \(Quote.prefix(bib)) is also on line \(first); each athlete has one bib"); continue }
            if let first = cards[card] { reject("card", "card \(card) is also on line \(first); a card belongs to one athlete"); continue }
            if !events.contains(event) {
                reject("event", "'\(Quote.prefix(event))' is not the event of any race in params.races (\(events.sorted().joined(separator: ", ")))"); continue
            }
            bibs[bib] = Int64(line); cards[card] = Int64(line)
            kept.append(r)
        }
        let (_, replaced) = try ctx.store.replaceRows(Self.table) { ins in for r in kept { try ins.insert(r) } }
        outcome.rejects.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        return LoadResult(rows: kept.count, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows, rejects: outcome.rejects.count, encoding: "UTF-8")],
                          rejects: outcome.rejects)
    }
}

/// `race_reads`: every read of every reader, kept whole (the seed's "keep the
/// whole record"). Reader logs, one file per reader named in the job
/// (`race_reads: {finish: finish.log, start: start.log}`, each line
/// `2026-05-01 09:03:12.345 00102:00012`), or one CSV `time,reader,card`. A
/// malformed line, a time that is not a real time, an unknown card or a
/// reader no race uses is a reject.
///
/// A marathon's reads run to millions, so a read is stored as four integers
/// (its source, line, epoch milliseconds and card number) and the files and
/// readers once each in `race_read_sources`; the view `race_read_log` shows
/// every read with its file, reader, clock time and card as written.
struct ReadsLoader: DatasetLoader {
    /// One row per file and reader the reads came from (a CSV gives one per
    /// reader named in it). `utc_offset_ms`: the job's time zone at the
    /// source's first read, for `race_read_log`'s clock times.
    static let sources = TableSchema(name: "race_read_sources", columns: [
        TableColumn("source", .integer), TableColumn("file", .text), TableColumn("reader", .text), TableColumn("utc_offset_ms", .integer),
    ])
    /// `card_no`: the card as HID × 100000 + PID (`00102:00012` → 10200012).
    static let table = TableSchema(name: "race_reads", columns: [
        TableColumn("source", .integer), TableColumn("line", .integer), TableColumn("time_ms", .integer), TableColumn("card_no", .integer),
    ])
    /// Every read as the reader wrote it. The clock time is in the zone's
    /// offset at the source's first read: exact for China (no daylight
    /// saving), and a reader log spans one race day.
    static let readLogName = "race_read_log"
    static func readLogSelect(_ dialect: SQLDialect) -> String {
        let local = "(r.time_ms + s.utc_offset_ms)"
        let (time, card): (String, String)
        switch dialect {
        case .sqlite:
            time = "strftime('%Y-%m-%d %H:%M:%f', \(local) / 1000.0, 'unixepoch')"
            card = "printf('%05d:%05d', r.card_no / 100000, r.card_no % 100000)"
        case .postgis:
            time = "to_char(to_timestamp(\(local) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')"
            card = "lpad((r.card_no / 100000)::text, 5, '0') || ':' || lpad((r.card_no % 100000)::text, 5, '0')"
        }
        return """
            SELECT s.file AS file, r.line AS line, s.reader AS reader, \(time) AS time, r.time_ms AS time_ms,
                   \(card) AS card, r.card_no AS card_no
            FROM race_reads r JOIN race_read_sources s ON s.source = r.source
            """
    }
    static let csvFields = [FieldSpec("time", .time), FieldSpec("reader", .text), FieldSpec("card", RaceFields.card)]

    /// A read as loaded: four integers, no strings.
    struct LoadedRead: Sendable {
        var source: Int32
        var line: Int32
        var ms: Int64
        var card: Int64
    }

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let cards = Set(try RaceRepository(store: ctx.store).cards().compactMap(RaceFields.number))
        let readers = Set((ctx.params[RaceParams.races] ?? []).flatMap(\.readers))
        let times = ctx.times
        var sources: [[SQLValue]] = []
        func source(_ file: String, _ reader: String, firstMs: Int64) -> Int32 {
            sources.append([.integer(Int64(sources.count + 1)), .text(file), .text(reader), .integer(times.utcOffsetMs(at: firstMs))])
            return Int32(sources.count)
        }
        try ctx.store.deleteRows(Self.sources.name)
        let (loaded, replaced) = try ctx.store.replaceRows(Self.table) { reads -> Loaded in
            func insert(_ rows: [LoadedRead]) throws {
                try reads.insert(count: rows.count) { b, k in
                    let r = rows[k]
                    try b.int(1, Int64(r.source)); try b.int(2, Int64(r.line)); try b.int(3, r.ms); try b.int(4, r.card)
                }
            }
            let loaded = input.parts.isEmpty
                ? try loadCSV(input, ctx, cards: cards, readers: readers, source: source, insert: insert)
                : try loadReaderLogs(input, ctx, cards: cards, readers: readers, insert: insert)
            for (k, part) in input.parts.enumerated() {
                sources.append([.integer(Int64(k + 1)), .text(part.written), .text(part.name), .integer(times.utcOffsetMs(at: loaded.firstMs[k] ?? 0))])
            }
            return loaded
        }
        let sourceRows = try ctx.store.inserter(Self.sources)
        for s in sources { try sourceRows.insert(s) }
        try ctx.store.ensureView(Self.readLogName, as: Self.readLogSelect(ctx.store.dialect))
        return LoadResult(rows: loaded.rows, replacedRows: replaced, files: loaded.files, rejects: loaded.rejects, warnings: loaded.warnings)
    }

    struct Loaded {
        var rows = 0
        var files: [LoadedFile] = []
        var rejects: [Reject] = []
        var warnings: [Warning] = []
        /// Per reader log, the time of its first read.
        var firstMs: [Int64?] = []
    }

    /// Reader logs: parsed in place on one thread while this one inserts.
    private func loadReaderLogs(_ input: JobInput, _ ctx: LoadContext, cards: Set<Int64>, readers: Set<String>,
                                insert: ([LoadedRead]) throws -> Void) throws -> Loaded {
        var out = Loaded()
        for part in input.parts where !readers.isEmpty && !readers.contains(part.name) {
            out.warnings.append(Warning(file: part.written, reason: "reader '\(part.name)' is not a reader of any race in params.races; its reads are kept but count for nothing"))
        }
        let parts = input.parts.map { (written: $0.written, path: $0.url.path) }
        let times = ctx.times, progress = ctx.progress
        let parsed = try ChunkPipeline.run(depth: 4, produce: { emit -> [ParsedLog] in
            var done: [ParsedLog] = []
            for (k, part) in parts.enumerated() {
                let reader = try ReaderLogReader(path: part.path, displayName: part.written)
                let source = Int32(k + 1)
                var chunk: [LoadedRead] = []
                chunk.reserveCapacity(Self.chunkSize)
                var rejects: [Reject] = [], lines = 0, firstMs: Int64?
                progress.start("load \(part.written)")
                try reader.forEachRead({ line, time, card in
                    lines += 1
                    if lines & 16_383 == 0 { progress.advance(by: 16_384) }
                    guard let ms = times.parse(bytes: time) else {
                        rejects.append(Reject(file: part.written, line: line, field: "time",
                                              reason: "'\(String(decoding: time, as: UTF8.self))' is not a real time (no such day or hour)"))
                        return
                    }
                    guard cards.contains(card) else { rejects.append(Self.unknownCard(part.written, line, RaceFields.text(card))); return }
                    if firstMs == nil { firstMs = ms }
                    chunk.append(LoadedRead(source: source, line: Int32(truncatingIfNeeded: line), ms: ms, card: card))
                    if chunk.count == Self.chunkSize { try emit(chunk); chunk.removeAll(keepingCapacity: true) }
                }, problem: { p in lines += 1; rejects.append(Reject(p)) })
                if !chunk.isEmpty { try emit(chunk) }
                progress.finish()
                done.append(ParsedLog(lines: lines, rejects: rejects, firstMs: firstMs))
            }
            return done
        }, consume: { chunk in
            try insert(chunk)
            out.rows += chunk.count
        })
        for (k, p) in parsed.enumerated() {
            let part = input.parts[k]
            out.files.append(LoadedFile(written: part.written, url: part.url, dataRows: p.lines, rejects: p.rejects.count, encoding: "UTF-8"))
            out.rejects += p.rejects
            out.firstMs.append(p.firstMs)
        }
        return out
    }

    static let chunkSize = 65_536

    /// What parsing one reader log found besides its reads.
    struct ParsedLog: Sendable {
        var lines: Int
        var rejects: [Reject]
        var firstMs: Int64?
    }

    /// One CSV `time,reader,card`: a source per reader named in it.
    private func loadCSV(_ input: JobInput, _ ctx: LoadContext, cards: Set<Int64>, readers: Set<String>,
                         source: (String, String, Int64) -> Int32, insert: ([LoadedRead]) throws -> Void) throws -> Loaded {
        var out = Loaded()
        let loader = CSVTableLoader(Self.csvFields)
        let lineAt = loader.position(of: "line"), msAt = loader.position(of: "time_ms")
        let readerAt = loader.position(of: "reader"), cardAt = loader.position(of: "card")
        var sourceOf: [String: Int32] = [:]
        var fileRejects: [Reject] = []
        let result = try loader.load(path: input.url.path, shown: input.written, times: ctx.times, progress: ctx.progress) { chunk in
            var kept: [LoadedRead] = []
            for r in chunk {
                let line = Int(r[lineAt].int ?? 0), reader = r[readerAt].text ?? "", card = r[cardAt].text ?? "", ms = r[msAt].int ?? 0
                if !readers.isEmpty, !readers.contains(reader) {
                    fileRejects.append(Reject(file: input.written, line: line, field: "reader",
                                              reason: "'\(Quote.prefix(reader))' is not a reader of any race (finish_reader, start_reader or split_readers in params.races)"))
                    continue
                }
                guard let number = RaceFields.number(card), cards.contains(number) else {
                    fileRejects.append(Self.unknownCard(input.written, line, card)); continue
                }
                let id: Int32
                if let known = sourceOf[reader] { id = known } else { id = source(input.written, reader, ms); sourceOf[reader] = id }
                kept.append(LoadedRead(source: id, line: Int32(truncatingIfNeeded: line), ms: ms, card: number))
            }
            try insert(kept)
            out.rows += kept.count
        }
        out.rejects = result.rejects + fileRejects
        out.files.append(LoadedFile(written: input.written, url: input.url, dataRows: result.dataRows, rejects: out.rejects.count, encoding: "UTF-8"))
        return out
    }

    static func unknownCard(_ file: String, _ line: Int, _ card: String) -> Reject {
        Reject(file: file, line: line, field: "card", reason: "card \(card) is not in race_athletes")
    }
}
