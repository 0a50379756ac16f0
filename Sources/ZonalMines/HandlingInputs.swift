import Foundation
import ZonalCore
import ZonalIO
import ZonalStore

/// `mine_videos`: evidence videos (证据视频) by name — a folder of the files,
/// or a text file listing their names. Only names are read: a name says
/// which mine, camera, analysis, count and second the video shows.
struct MineVideosLoader: DatasetLoader {
    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let mines = Set(try MineRepository(store: ctx.store).mines().map(\.id))
        let names = try Self.names(input)
        var rejects: [Reject] = []
        var seen = Set<String>()
        var kept = 0
        let file = SQLValue.text(input.written), clock = ctx.times
        let (_, replaced) = try ctx.store.replaceRows(MineTables.videos) { ins in
            for (line, name) in names {
                guard seen.insert(name).inserted else { continue }
                let r: AIReport
                do throws(BodyProblem) {
                    r = try EvidenceVideo.decode(name, mines: mines, clock: clock).report
                } catch {
                    rejects.append(Reject(file: input.written, line: line, field: error.field, reason: error.reason))
                    continue
                }
                try ins.insert([file, .integer(Int64(line)), .text(name), .text(r.alarmId(clock)), .text(r.mineId), .text(r.cameraId),
                                .text(r.type.rawValue), r.countText.map(SQLValue.text) ?? .null, .text(clock.format(r.time)), .integer(r.time)])
                kept += 1
            }
        }
        return LoadResult(rows: kept, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: names.count, rejects: rejects.count, encoding: "UTF-8")],
                          rejects: rejects)
    }

    /// The names with their line: a folder's regular files (not hidden, not
    /// in sub-folders) in byte order, numbered from 1; or a list's non-blank
    /// lines, each cut to its last path component, with their line number.
    static func names(_ input: JobInput) throws -> [(line: Int, name: String)] {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: input.url.path, isDirectory: &isFolder)
        if isFolder.boolValue {
            let entries = try FileManager.default.contentsOfDirectory(at: input.url, includingPropertiesForKeys: [.isRegularFileKey])
            var files: [String] = []
            for url in entries where !url.lastPathComponent.hasPrefix(".") {
                if try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true { files.append(url.lastPathComponent) }
            }
            files.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return files.enumerated().map { ($0.offset + 1, $0.element) }
        }
        let data = try Data(contentsOf: input.url)
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var out: [(Int, String)] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            line = Substring(line.trimmingCharacters(in: .whitespaces))
            guard !line.isEmpty else { continue }
            let name = line.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? String(line)
            out.append((i + 1, name))
        }
        return out
    }
}

/// `alarm_disposals`: how each alarm was handled (报警处置). An id Zonal did
/// not raise, or a disposal before its alarm, is a reject; of several
/// disposals of one alarm the latest stands and the others are kept marked
/// `replaced`.
struct AlarmDisposalsLoader: DatasetLoader {
    static let alarmId = FieldKind.custom(FieldRule(storeType: .text) { v in
        MineFieldCheck.isDigits(v, 30) ? .store(.text(v))
            : .reject("'\(Quote.prefix(v))' is not an alarm id: 30 digits, mineId 12 + cameraId 2 + aiTypeCode 2 (00 offline) + yyyyMMddHHmmss")
    })
    static let fields = [
        FieldSpec("alarm_id", alarmId), FieldSpec("disposed_at", .time),
        FieldSpec("disposal_type", .oneOf(DisposalType.allCases.map(\.rawValue))),
        FieldSpec("department", .text, required: false), FieldSpec("note", .text, required: false),
    ]
    static let table = TableSchema(name: "alarm_disposals", columns: CSVTableLoader(fields).columns + [TableColumn("replaced", .integer)])

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let raised = try MineRepository(store: ctx.store).alarmTimes()
        let loader = CSVTableLoader(Self.fields)
        var rows: [[SQLValue]] = []
        var outcome = try loader.load(path: input.url.path, shown: input.written, times: ctx.times, progress: ctx.progress) { rows += $0 }
        let lineAt = loader.position(of: "line"), idAt = loader.position(of: "alarm_id"), atAt = loader.position(of: "disposed_at_ms")
        var kept: [[SQLValue]] = []
        for r in rows {
            let id = r[idAt].text ?? "", line = Int(r[lineAt].int ?? 0), at = r[atAt].int ?? 0
            guard let time = raised[id] else {
                outcome.rejects.append(Reject(file: input.written, line: line, field: "alarm_id",
                                              reason: "\(id) is not an alarm raised from mine_reports (mineId \(id.prefix(12)), camera \(id.dropFirst(12).prefix(2)), type \(id.dropFirst(14).prefix(2)), time \(id.suffix(14)))"))
                continue
            }
            guard at >= time else {
                outcome.rejects.append(Reject(file: input.written, line: line, field: "disposed_at",
                                              reason: "\(ctx.times.format(at)) is before the alarm was raised (\(ctx.times.format(time)))"))
                continue
            }
            kept.append(r)
        }
        // The latest disposal of an alarm stands (equal times: the later line).
        var latest: [String: (at: Int64, line: Int64)] = [:]
        for r in kept {
            let id = r[idAt].text ?? "", candidate = (at: r[atAt].int ?? 0, line: r[lineAt].int ?? 0)
            if let l = latest[id], (l.at, l.line) > (candidate.at, candidate.line) { continue }
            latest[id] = candidate
        }
        var replacedCount = 0
        let (_, replaced) = try ctx.store.replaceRows(Self.table) { ins in
            for r in kept {
                let stands = latest[r[idAt].text ?? ""]?.line == r[lineAt].int
                if !stands { replacedCount += 1 }
                try ins.insert(r + [.integer(stands ? 0 : 1)])
            }
        }
        outcome.rejects.sort { ($0.line ?? 0) < ($1.line ?? 0) }
        var warnings: [Warning] = []
        if replacedCount > 0 {
            warnings.append(Warning(file: input.written, reason: "\(replacedCount) disposals are replaced by a later disposal of the same alarm"))
        }
        return LoadResult(rows: kept.count, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows, rejects: outcome.rejects.count, encoding: "UTF-8")],
                          rejects: outcome.rejects, warnings: warnings)
    }
}
