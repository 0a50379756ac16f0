import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ZonalIO
import ZonalStore

/// The job's `out` folder, written so that what is in it always comes from
/// one complete, committed run, and nothing Zonal did not write is touched:
///
/// - a run writes its files into a staging folder inside `out`
///   (`.zonal-run-<id>-XXXXXX`, private), marks it complete, commits the
///   store, and only then renames each file into place;
/// - a failed run leaves the last good reports as they are and writes its
///   summary.json and rejects.csv to `out/failed-run/`;
/// - staging folders a killed run left behind are finished (complete and
///   committed) or removed by the next run;
/// - `.zonal-manifest` lists the names Zonal wrote; a file of the same name
///   that is not in it is the user's, and the run refuses rather than
///   overwrite it.
struct OutputFolder {
    let out: URL
    static let manifestName = ".zonal-manifest"
    static let stagingPrefix = ".zonal-run-"
    static let completeMarker = ".complete"
    static let failedFolder = "failed-run"

    /// Folders Zonal must never own: the root, the system's, a home itself.
    static func checkOwnable(_ out: URL) throws {
        let p = out.standardizedFileURL.resolvingSymlinksInPath().path
        let system = ["/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/root", "/run", "/sbin", "/sys",
                      "/usr", "/var", "/tmp", "/home", "/opt", "/srv", "/mnt", "/media"]
        let home = FileManager.default.homeDirectoryForCurrentUser.standardizedFileURL.resolvingSymlinksInPath().path
        if system.contains(p) || p == home {
            throw OutputError(file: p, reason: "cannot be the output folder: Zonal writes and replaces report files in `out`, and this folder is not one it can own. Choose a folder of its own, e.g. out: ./reports")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue {
            throw OutputError(file: p, reason: "is a file, not a folder; choose another `out` (or --out)")
        }
    }

    /// Every name a run of these tasks may write into `out`.
    static func names(job: Job, tasks: [any ZonalTask]) -> Set<String> {
        var names: Set<String> = ["summary.json", "rejects.csv", "report.html", "\(job.name).xlsx"]
        for r in tasks.flatMap(\.reports) {
            names.insert("\(r.name).csv")
            names.insert("\(r.name).geojson")
            for ext in ["shp", "shx", "dbf", "prj", "cpg"] { names.insert("\(r.name).\(ext)") }
        }
        return names
    }

    func manifest() -> Set<String> {
        guard let text = try? String(contentsOf: out.appendingPathComponent(Self.manifestName), encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// Refuses when `out` holds a file the run would replace that Zonal did
    /// not write. A folder from a Zonal without the manifest (it has Zonal's
    /// summary.json) is adopted as Zonal's.
    func checkNotForeign(_ names: Set<String>) throws {
        var ours = manifest()
        if ours.isEmpty, let s = try? String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8), s.contains("\"zonal_version\"") {
            ours = names
        }
        let theirs = names.filter { !ours.contains($0) && FileManager.default.fileExists(atPath: out.appendingPathComponent($0).path) }.sorted()
        guard theirs.isEmpty else {
            throw OutputError(file: out.path, reason: "holds \(theirs.prefix(5).joined(separator: ", "))\(theirs.count > 5 ? " and \(theirs.count - 5) more" : "") that Zonal did not write; Zonal never overwrites such files. Move them, or choose another `out` (or --out)")
        }
    }

    /// A private, fresh staging folder for this run's files.
    func stage(runID: Int64) throws -> URL {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var template = Array(out.appendingPathComponent("\(Self.stagingPrefix)\(runID)-XXXXXX").path.utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw OutputError(file: out.path, reason: "cannot create a folder inside it (\(String(cString: strerror(errno)))); check it is writable")
        }
        return URL(fileURLWithPath: String(cString: made))
    }

    /// Marks a staging folder as a complete set of run `runID`'s files.
    func markComplete(_ staging: URL, runID: Int64) throws {
        try AtomicFile.write(Data("\(runID)\n".utf8), to: staging.appendingPathComponent(Self.completeMarker).path)
    }

    /// Moves every file of a complete staging folder into `out`, one rename
    /// each, summary.json last; records the names in the manifest.
    @discardableResult
    func publish(_ staging: URL) throws -> [String] {
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: staging.path).filter { $0 != Self.completeMarker }
            .sorted { ($0 == "summary.json" ? 1 : 0, $0) < ($1 == "summary.json" ? 1 : 0, $1) }
        var names = manifest()
        names.formUnion(files)
        try AtomicFile.write(Data((names.sorted().joined(separator: "\n") + "\n").utf8), to: out.appendingPathComponent(Self.manifestName).path)
        for f in files {
            guard rename(staging.appendingPathComponent(f).path, out.appendingPathComponent(f).path) == 0 else {
                throw OutputError(file: out.appendingPathComponent(f).path, reason: "could not be put in place (\(String(cString: strerror(errno)))); the run's files are in \(staging.path)")
            }
            TestHooks.point("publish")
        }
        try? fm.removeItem(at: staging)
        return files.map { out.appendingPathComponent($0).path }
    }

    /// After a failed run: its summary.json and complete rejects.csv go to
    /// `out/failed-run/`; the last good reports stay as they are.
    func keepFailed(summary: Data, rejects: [Reject]) -> URL? {
        let dir = out.appendingPathComponent(Self.failedFolder)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try AtomicFile.write(summary, to: dir.appendingPathComponent("summary.json").path)
            let rows = rejects.map { [Cell.text($0.file), $0.line.map { .integer(Int64($0)) } ?? .empty, $0.field.map(Cell.text) ?? .empty, .text($0.reason)] }
            try CSVWriter.write(path: dir.appendingPathComponent("rejects.csv").path, header: rejectsReport.columns.map(\.name),
                                rows: ReportTable.sorted(rows.map { ReportRow($0) }, by: rejectsReport).map(\.cells))
            return dir
        } catch {
            return nil
        }
    }

    /// Staging folders left by killed runs: finished when complete and the
    /// run committed (the kill came while files were being put in place),
    /// removed otherwise. Returns what was done, for the log.
    func recover(committed: (Int64) -> Bool) -> [String] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: out.path) else { return [] }
        var done: [String] = []
        for n in names.sorted() where n.hasPrefix(Self.stagingPrefix) {
            let dir = out.appendingPathComponent(n)
            let marker = (try? String(contentsOf: dir.appendingPathComponent(Self.completeMarker), encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if let id = marker.flatMap({ Int64($0) }), committed(id), (try? publish(dir)) != nil {
                done.append("finished putting run \(id)'s reports in place (that run was stopped while doing it)")
            } else {
                try? fm.removeItem(at: dir)
                done.append("removed \(n), left by a run that was stopped before it finished")
            }
        }
        return done
    }
}
