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
struct ReadsLoader: DatasetLoader {
    /// `time` as the reader log (or CSV) wrote it; `card_no` the card as a number, for the scoring.
    static let table = TableSchema(name: "race_reads", columns: [
        TableColumn("file", .text), TableColumn("line", .integer), TableColumn("reader", .text),
        TableColumn("time", .text), TableColumn("time_ms", .integer), TableColumn("card", .text), TableColumn("card_no", .integer),
    ])
    static let csvFields = [FieldSpec("time", .time), FieldSpec("reader", .text), FieldSpec("card", RaceFields.card)]

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let cards = try RaceRepository(store: ctx.store).cards()
        let readers = Set((ctx.params[RaceParams.races] ?? []).flatMap(\.readers))
        var files: [LoadedFile] = []
        var rejects: [Reject] = []
        var warnings: [Warning] = []
        let times = ctx.times
        let (total, replaced) = try ctx.store.replaceRows(Self.table) { ins -> Int in
            var total = 0
            if input.parts.isEmpty {
                let loader = CSVTableLoader(Self.csvFields)
                let lineAt = loader.position(of: "line"), timeAt = loader.position(of: "time"), msAt = loader.position(of: "time_ms")
                let readerAt = loader.position(of: "reader"), cardAt = loader.position(of: "card")
                var fileRejects: [Reject] = []
                let out = try loader.load(path: input.url.path, shown: input.written, times: times, progress: ctx.progress) { chunk in
                    for r in chunk {
                        let line = Int(r[lineAt].int ?? 0), reader = r[readerAt].text ?? "", card = r[cardAt].text ?? ""
                        if !readers.isEmpty, !readers.contains(reader) {
                            fileRejects.append(Reject(file: input.written, line: line, field: "reader",
                                                      reason: "'\(Quote.prefix(reader))' is not a reader of any race (finish_reader, start_reader or split_readers in params.races)"))
                        } else if !cards.contains(card) {
                            fileRejects.append(Self.unknownCard(input.written, line, card))
                        } else {
                            try ins.insert([.text(input.written), r[lineAt], .text(reader), r[timeAt], r[msAt], .text(card),
                                            .integer(RaceFields.number(card) ?? 0)])
                            total += 1
                        }
                    }
                }
                let all = out.rejects + fileRejects
                rejects += all
                files.append(LoadedFile(written: input.written, url: input.url, dataRows: out.dataRows, rejects: all.count, encoding: "UTF-8"))
                return total
            }
            for part in input.parts {
                if !readers.isEmpty, !readers.contains(part.name) {
                    warnings.append(Warning(file: part.written, reason: "reader '\(part.name)' is not a reader of any race in params.races; its reads are kept but count for nothing"))
                }
                let reader = try ReaderLogReader(path: part.url.path, displayName: part.written)
                let file = SQLValue.text(part.written), readerName = SQLValue.text(part.name)
                ctx.progress.start("load \(part.written)")
                var lines = 0, fileRejects = 0
                while let next = try reader.next() {
                    lines += 1
                    ctx.progress.advance()
                    switch next {
                    case .failure(let problem):
                        rejects.append(Reject(problem)); fileRejects += 1
                    case .success(let read):
                        guard let ms = times.parse(read.time) else {
                            rejects.append(Reject(file: part.written, line: read.line, field: "time", reason: "'\(read.time)' is not a real time (no such day or hour)"))
                            fileRejects += 1
                            continue
                        }
                        guard cards.contains(read.card) else {
                            rejects.append(Self.unknownCard(part.written, read.line, read.card)); fileRejects += 1
                            continue
                        }
                        try ins.insert([file, .integer(Int64(read.line)), readerName, .text(read.time), .integer(ms), .text(read.card),
                                        .integer(RaceFields.number(read.card) ?? 0)])
                        total += 1
                    }
                }
                ctx.progress.finish()
                files.append(LoadedFile(written: part.written, url: part.url, dataRows: lines, rejects: fileRejects, encoding: "UTF-8"))
            }
            return total
        }
        return LoadResult(rows: total, replacedRows: replaced, files: files, rejects: rejects, warnings: warnings)
    }

    static func unknownCard(_ file: String, _ line: Int, _ card: String) -> Reject {
        Reject(file: file, line: line, field: "card", reason: "card \(card) is not in race_athletes")
    }
}
