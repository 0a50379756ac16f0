import XCTest
@testable import ZonalCore
import ZonalIO

/// A race definition as a structured parameter would decode it (the shape of
/// CONTRACT §3.5's `params.races`), to test key-path errors.
struct DemoRace: Sendable, Equatable {
    var event: String
    var laps: Int
    var gunTime: Int64
    var finishReader: String

    static func decode(_ node: ParamNode) throws -> [DemoRace] {
        try node.list().map { item in
            let f = try item.fields(allowed: ["event", "laps", "gun_time", "finish_reader"])
            func need(_ k: String) throws -> ParamNode {
                guard let v = f[k] else { throw item.fail("needs \(k)") }
                return v
            }
            let reader = try need("finish_reader")
            let name = try reader.string()
            let readers = item.context.inputParts["things"] ?? []
            guard readers.contains(name) else { throw reader.fail("'\(name)' is not among the readers of inputs.things (\(readers.joined(separator: ", ")))") }
            return DemoRace(event: try need("event").string(), laps: try need("laps").integer(min: 1), gunTime: try need("gun_time").time(),
                            finishReader: name)
        }
    }
}

final class JobParserTests: XCTestCase {
    struct NoopLoader: DatasetLoader {
        func load(_ input: JobInput, _ context: LoadContext) throws -> LoadResult { LoadResult(rows: 0, replacedRows: 0, files: []) }
    }
    static let tolerance = NumberParam("tolerance_m", min: 0, max: 1000, default: 0, "metres")
    static let asOf = TimeParam("as_of", "the time statistics are taken at")
    static let races = StructuredParam<[DemoRace]>("races", "race definitions", decode: DemoRace.decode)
    struct DemoTask: ZonalTask {
        let name = "demo"
        let summary = "demo"
        let inputs = ["things"]
        let reports: [ReportSpec] = []
        let params = [JobParserTests.tolerance.spec, JobParserTests.asOf.spec, JobParserTests.races.spec]
        let rules = [RuleNote.boundary, RuleNote("demo", "a demo rule")]
        func run(_ context: TaskContext) throws -> TaskResult { TaskResult(reportRows: [:]) }
    }
    let registry = try! Registry(modules: [DomainModule(name: "demo", inputs: [InputKind(key: "things", summary: "", loader: NoopLoader(), parts: .any)], tasks: [DemoTask()])])

    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-job-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("things.csv").path, contents: Data("a\n".utf8))
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func parse(_ yaml: String) throws -> Job {
        let f = dir.appendingPathComponent("job.yaml")
        try yaml.write(to: f, atomically: true, encoding: .utf8)
        return try JobParser.parse(file: f, registry: registry)
    }

    func message(_ yaml: String) -> String {
        do { _ = try parse(yaml); return "parsed" } catch { return "\(error)" }
    }

    func testDefaultsAndResolvedPaths() throws {
        let job = try parse("job: demo-job\ninputs:\n  things: things.csv\ntasks: [demo]\n")
        XCTAssertEqual(job.version, 1)
        XCTAssertEqual(job.timezone.identifier, "Asia/Shanghai")
        XCTAssertEqual(job.outURL.path, dir.deletingLastPathComponent().appendingPathComponent("Outputs/demo-job").standardizedFileURL.path)
        XCTAssertEqual(job.store, .file(job.outURL.appendingPathComponent("zonal.sqlite").path))
        XCTAssertEqual(job.formats, [.csv, .xlsx, .html], "without formats: the CSVs, the workbook and the page")
        XCTAssertEqual(job.params[Self.tolerance], 0)
        XCTAssertEqual(job.params[RunParams.maxRejectRate], 0.01)
        XCTAssertNil(job.params[Self.asOf], "a time parameter without a default is absent")
        XCTAssertNil(job.params[Self.races])
        XCTAssertEqual(job.inputs["things"]?.url.path, dir.appendingPathComponent("things.csv").path)
    }

    func testErrorsNameTheKeyPathAndTheAllowedValues() {
        let base = "job: demo-job\ninputs:\n  things: things.csv\n"
        XCTAssertTrue(message(base + "tasks: [demo, infence]\n").hasSuffix("at `tasks[1]`: 'infence' is not a task; must be one of demo"))
        XCTAssertTrue(message(base + "tasks: [demo]\ntaks: 1\n").hasSuffix("at `taks`: unknown key 'taks'; must be one of version, job, store, out, timezone, inputs, params, tasks, formats"))
        XCTAssertTrue(message(base + "tasks: [demo]\nformats: [csv, pdf]\n").hasSuffix("at `formats[1]`: 'pdf' is not a format; must be one of csv, xlsx, geojson, shp, html"))
        XCTAssertTrue(message(base + "tasks: [demo]\nparams: {tolerence_m: 1}\n").contains("at `params.tolerence_m`: unknown parameter 'tolerence_m'; must be one of as_of, assume_crs, headers, max_reject_rate, races, tolerance_m"))
        XCTAssertTrue(message(base + "tasks: [demo]\nparams: {tolerance_m: -1}\n").hasSuffix("at `params.tolerance_m`: -1 is below the smallest allowed value 0"))
        XCTAssertTrue(message("job: demo-job\ninputs:\n  things: nope.csv\ntasks: [demo]\n").contains("at `inputs.things`: the path 'nope.csv' does not exist"))
        XCTAssertTrue(message("job: demo-job\ntasks: [demo]\n").hasSuffix("at `inputs`: task demo needs the input 'things', which the job does not name"))
        XCTAssertTrue(message("job: Demo_Job\ntasks: [demo]\n").hasSuffix("at `job`: 'Demo_Job' must use only a-z, 0-9 and '-'"))
        XCTAssertTrue(message("version: 2\njob: d\ntasks: [demo]\n").hasSuffix("at `version`: job schema version 2 is not supported; this zonal reads version 1"))
    }

    /// Non-finite numbers would switch a check off (a NaN reject limit rejects nothing).
    func testNonFiniteNumbersAreRefused() {
        let base = "job: demo-job\ninputs:\n  things: things.csv\ntasks: [demo]\n"
        XCTAssertTrue(message(base + "params: {max_reject_rate: .nan}\n").hasSuffix("at `params.max_reject_rate`: must be a finite number, not .nan"))
        XCTAssertTrue(message(base + "params: {tolerance_m: .inf}\n").hasSuffix("at `params.tolerance_m`: must be a finite number, not .inf"))
        XCTAssertTrue(message(base + "params: {tolerance_m: [1]}\n").hasSuffix("at `params.tolerance_m`: must be a number"))
    }

    /// `.time` parameters are read when the job is, in the job's time zone.
    func testTimeParametersAreCheckedWhenTheJobIsRead() throws {
        let base = "job: demo-job\ninputs:\n  things: things.csv\ntasks: [demo]\n"
        XCTAssertTrue(message(base + "params: {as_of: '2026-05-01 25:00:00'}\n")
            .hasSuffix("at `params.as_of`: '2026-05-01 25:00:00' is not a time; use yyyy-MM-dd HH:mm:ss[.SSS], yyyyMMddHHmmss or ISO 8601 with offset"))
        // 2026-05-01 08:00:00 Beijing = 2026-05-01T00:00:00Z = 1777593600 s.
        XCTAssertEqual(try parse(base + "params: {as_of: '2026-05-01 08:00:00'}\n").params[Self.asOf], 1_777_593_600_000)
        XCTAssertEqual(try parse(base + "timezone: UTC\nparams: {as_of: '2026-05-01 00:00:00'}\n").params[Self.asOf], 1_777_593_600_000)
        XCTAssertEqual(try parse(base + "params: {as_of: '2026-05-01T00:00:00Z'}\n").params[Self.asOf], 1_777_593_600_000)
    }

    /// A structured parameter decodes into its type, every error naming the key path.
    func testStructuredParametersDecodeWithKeyPaths() throws {
        let base = "job: demo-job\ninputs:\n  things: {finish: things.csv, start: things.csv}\ntasks: [demo]\n"
        let ok = try parse(base + "params:\n  races:\n    - {event: 10000m, laps: 25, gun_time: '2026-05-01 09:00:00', finish_reader: finish}\n")
        XCTAssertEqual(ok.params[Self.races], [DemoRace(event: "10000m", laps: 25, gunTime: 1_777_597_200_000, finishReader: "finish")])
        let race = "params:\n  races:\n    - {event: 5000m, laps: 12, gun_time: '2026-05-01 09:00:00', finish_reader: finish}\n"
        XCTAssertTrue(message(base + race + "    - {event: 10000m, lap: 25}\n")
            .hasSuffix("at `params.races[1].lap`: unknown key 'lap'; must be one of event, laps, gun_time, finish_reader"))
        XCTAssertTrue(message(base + race + "    - {event: 10000m, laps: 25, gun_time: '9:00', finish_reader: finish}\n")
            .hasSuffix("at `params.races[1].gun_time`: '9:00' is not a time; use yyyy-MM-dd HH:mm:ss[.SSS], yyyyMMddHHmmss or ISO 8601 with offset"))
        XCTAssertTrue(message(base + race + "    - {event: 10000m, laps: 25, gun_time: '2026-05-01 09:00:00', finish_reader: lap}\n")
            .hasSuffix("at `params.races[1].finish_reader`: 'lap' is not among the readers of inputs.things (finish, start)"))
        XCTAssertTrue(message(base + race + "    - {event: 10000m, laps: 0.5, gun_time: '2026-05-01 09:00:00', finish_reader: finish}\n")
            .hasSuffix("at `params.races[1].laps`: 0.5 is below the smallest allowed value 1"))
        XCTAssertTrue(message(base + "params:\n  races: {event: x}\n").hasSuffix("at `params.races`: must be a list"))
    }

    func testRulesOfTheJobsTasks() {
        XCTAssertEqual(registry.rules(of: ["demo"]).map(\.name), ["boundary", "demo"])
        XCTAssertEqual(registry.rules(of: []), [])
    }
}

/// The registry is the one list of tasks, inputs and parameters; it refuses
/// two declarations that disagree, so a default cannot differ between tasks.
final class RegistryTests: XCTestCase {
    struct Task: ZonalTask {
        let name: String
        let summary = ""
        let inputs: [String] = []
        let reports: [ReportSpec] = []
        let params: [ParamSpec]
        func run(_ context: TaskContext) throws -> TaskResult { TaskResult(reportRows: [:]) }
    }

    func registry(_ tasks: [Task]) throws -> Registry {
        try Registry(modules: tasks.map { DomainModule(name: "module of \($0.name)", inputs: [], tasks: [$0]) })
    }

    func message(_ tasks: [Task]) -> String {
        do { _ = try registry(tasks); return "accepted" } catch { return "\(error)" }
    }

    func testSharedParameterMustAgree() throws {
        let a = NumberParam("as_of_hours", min: 0, max: nil, default: 24, "")
        let b = NumberParam("as_of_hours", min: 0, max: nil, default: 12, "")
        XCTAssertNoThrow(try registry([Task(name: "a", params: [a.spec]), Task(name: "b", params: [a.spec])]))
        XCTAssertEqual(message([Task(name: "a", params: [a.spec]), Task(name: "b", params: [b.spec])]),
                       "internal error in the task registry: parameter as_of_hours is number[0.0…] default 24 for task a but number[0.0…] default 12 for task b; declare it once and share it")
        XCTAssertEqual(message([Task(name: "a", params: [TimeParam("x", "").spec]), Task(name: "b", params: [TextParam("x", "").spec])]),
                       "internal error in the task registry: parameter x is time default none for task a but text default none for task b; declare it once and share it")
        XCTAssertTrue(message([Task(name: "a", params: [NumberParam("max_reject_rate", min: 0, max: 1, default: 0.05, "").spec])])
            .contains("parameter max_reject_rate is number[0.0…1.0] default 0.01 for every job"))
    }

    func testDuplicateTaskNames() {
        XCTAssertEqual(message([Task(name: "a", params: []), Task(name: "a", params: [])]),
                       "internal error in the task registry: task a is declared by both module of a and module of a")
    }
}

final class ReportSortTests: XCTestCase {
    func testStarFirstNumbersNumericallyEmptyLast() {
        let rows = [["b", "10"], ["", "1"], ["*", "5"], ["a", "9"], ["a", "10"]].map { r in
            ReportRow([r[0].isEmpty ? .empty : .text(r[0]), .integer(Int64(r[1])!)])
        }
        let spec = ReportSpec("t", columns: [ReportColumn("k", .text), ReportColumn("n", .integer)])
        let sorted = ReportTable.sorted(rows, by: spec).map { $0.cells.map(\.display).joined(separator: ",") }
        XCTAssertEqual(sorted, ["*,5", "a,9", "a,10", "b,10", ",1"])
    }

    /// Codes written as digits (bibs) sort as numbers; codes with letters as text.
    func testDigitTextSortsNumerically() {
        let rows = ["10", "9", "009", "100", "A2", "A10", "1"].map { ReportRow([.text($0)]) }
        let spec = ReportSpec("t", columns: [ReportColumn("bib", .text)])
        XCTAssertEqual(ReportTable.sorted(rows, by: spec).map { $0.cells[0].display }, ["1", "009", "9", "10", "100", "A10", "A2"])
    }

    /// A report may sort by a later column first (a worklist by time), then the rest left to right.
    func testSortByNamedColumnsFirst() {
        let rows = [["x", "3"], ["y", "1"], ["a", "3"], ["b", "2"]].map { ReportRow([.text($0[0]), .integer(Int64($0[1])!)]) }
        let spec = ReportSpec("t", columns: [ReportColumn("id", .text), ReportColumn("age", .integer)], sortBy: ["age"])
        XCTAssertEqual(ReportTable.sorted(rows, by: spec).map { $0.cells[0].display }, ["y", "b", "a", "x"])
    }
}

final class NumberFormatTests: XCTestCase {
    func testRatesRoundHalfAwayOnTheExactFraction() {
        XCTAssertEqual(DecimalFormat.ratio(1431, 2400).display, "0.5963")   // exactly 0.59625
        XCTAssertEqual(DecimalFormat.ratio(1, 3).display, "0.3333")
        XCTAssertEqual(DecimalFormat.ratio(2, 3).display, "0.6667")
        XCTAssertEqual(DecimalFormat.ratio(7, 7).display, "1.0000")
        XCTAssertEqual(DecimalFormat.ratio(0, 5).display, "0.0000")
        XCTAssertEqual(DecimalFormat.ratio(3, 0), .empty)
        XCTAssertEqual(DecimalFormat.ratio(42, 192).display, "0.2188")      // 0.21875
    }

    /// Race times print `H:MM:SS.mmm` (CONTRACT §7 Races).
    func testRaceTimes() {
        XCTAssertEqual(DecimalFormat.raceTime(milliseconds: 0), "0:00:00.000")
        XCTAssertEqual(DecimalFormat.raceTime(milliseconds: 1_652_007), "0:27:32.007")
        XCTAssertEqual(DecimalFormat.raceTime(milliseconds: 3_600_000 + 59_999), "1:00:59.999")
        XCTAssertEqual(DecimalFormat.raceTime(milliseconds: 36 * 3_600_000 + 5), "36:00:00.005")
        XCTAssertEqual(DecimalFormat.raceTime(milliseconds: -1500), "-0:00:01.500")
    }

    /// Means of durations round on the exact fraction, not on a rounded mean.
    func testMeanMinutesAndHours() {
        // (60 000 + 120 001) / 2 = 90 000.5 ms = 1.5000083 min → 1.50
        XCTAssertEqual(DecimalFormat.minutes(totalMilliseconds: 180_001, count: 2).display, "1.50")
        // 3 durations totalling 0.015 min × 3 = 2 700 ms: mean 0.015 min exactly → 0.02 (half away)
        XCTAssertEqual(DecimalFormat.minutes(totalMilliseconds: 2_700, count: 3).display, "0.02")
        XCTAssertEqual(DecimalFormat.minutes(totalMilliseconds: 2_699, count: 3).display, "0.01")
        XCTAssertEqual(DecimalFormat.minutes(totalMilliseconds: 5, count: 0), .empty)
        XCTAssertEqual(DecimalFormat.hours(milliseconds: 18_000).display, "0.01")        // 0.005 h → 0.01
        XCTAssertEqual(DecimalFormat.hours(milliseconds: 17_999).display, "0.00")
        XCTAssertEqual(DecimalFormat.hours(milliseconds: 86_400_000).display, "24.00")
        XCTAssertEqual(DecimalFormat.hours(milliseconds: -5_418_000).display, "-1.51")  // -1.505 h
    }

    /// `_min` columns: minutes with 2 places, half away from zero.
    func testMinutes() {
        XCTAssertEqual(DecimalFormat.minutes(milliseconds: 90_000).display, "1.50")
        XCTAssertEqual(DecimalFormat.minutes(milliseconds: 300).display, "0.01")      // 0.005 → 0.01
        XCTAssertEqual(DecimalFormat.minutes(milliseconds: 86_400_000).display, "1440.00")
        XCTAssertEqual(DecimalFormat.minutes(milliseconds: -90_300).display, "-1.51")   // -1.505 → -1.51
        XCTAssertEqual(DecimalFormat.fixed(2.5, places: 0), "3")
        XCTAssertEqual(DecimalFormat.fixed(-2.5, places: 0), "-3")
        XCTAssertEqual(DecimalFormat.trimmed(90), "90")
        XCTAssertEqual(DecimalFormat.trimmed(0.5), "0.5")
    }
}

/// Work split across cores reports a failure instead of losing it.
final class ParallelTests: XCTestCase {
    struct Boom: Error, Equatable { let at: Int }

    func testSlicesKeepOrderAndRethrow() throws {
        XCTAssertEqual(try Parallel.slices(10_000, minimumPerSlice: 100) { Array($0) }, Array(0..<10_000))
        XCTAssertThrowsError(try Parallel.slices(10_000, minimumPerSlice: 100) { range -> [Int] in
            if range.contains(7_777) { throw Boom(at: 7_777) }
            return Array(range)
        }) { XCTAssertEqual($0 as? Boom, Boom(at: 7_777)) }
    }
}
