import XCTest
@testable import ZonalCore

final class JobParserTests: XCTestCase {
    struct NoopLoader: DatasetLoader {
        func load(_ input: JobInput, _ context: LoadContext) throws -> LoadResult { LoadResult(rows: 0, replacedRows: 0, files: []) }
    }
    struct DemoTask: ZonalTask {
        let name = "demo"
        let summary = "demo"
        let inputs = ["things"]
        let reports: [ReportSpec] = []
        let params = [ParamSpec("tolerance_m", .number(min: 0, max: 1000), default: .number(0), "metres")]
        func run(_ context: TaskContext) throws -> TaskResult { TaskResult(reportRows: [:]) }
    }
    let registry = Registry(modules: [DomainModule(name: "demo", inputs: [InputKind(key: "things", summary: "", loader: NoopLoader())], tasks: [DemoTask()])])

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
        XCTAssertEqual(job.storeURL.lastPathComponent, "zonal.sqlite")
        XCTAssertEqual(job.formats, [.csv])
        XCTAssertEqual(job.params.double("tolerance_m"), 0)
        XCTAssertEqual(job.params.double("max_reject_rate"), 0.01)
        XCTAssertEqual(job.inputs["things"]?.url.path, dir.appendingPathComponent("things.csv").path)
    }

    func testErrorsNameTheKeyPathAndTheAllowedValues() {
        let base = "job: demo-job\ninputs:\n  things: things.csv\n"
        XCTAssertTrue(message(base + "tasks: [demo, infence]\n").hasSuffix("at `tasks[1]`: 'infence' is not a task; must be one of demo"))
        XCTAssertTrue(message(base + "tasks: [demo]\ntaks: 1\n").hasSuffix("at `taks`: unknown key 'taks'; must be one of version, job, store, out, timezone, inputs, params, tasks, formats"))
        XCTAssertTrue(message(base + "tasks: [demo]\nformats: [csv, pdf]\n").hasSuffix("at `formats[1]`: 'pdf' is not a format; must be one of csv, xlsx, geojson, shp, html"))
        XCTAssertTrue(message(base + "tasks: [demo]\nparams: {tolerence_m: 1}\n").contains("at `params.tolerence_m`: unknown parameter 'tolerence_m'; must be one of assume_crs, max_reject_rate, tolerance_m"))
        XCTAssertTrue(message(base + "tasks: [demo]\nparams: {tolerance_m: -1}\n").hasSuffix("at `params.tolerance_m`: -1.0 is below the smallest allowed value 0.0"))
        XCTAssertTrue(message("job: demo-job\ninputs:\n  things: nope.csv\ntasks: [demo]\n").contains("at `inputs.things`: the path 'nope.csv' does not exist"))
        XCTAssertTrue(message("job: demo-job\ntasks: [demo]\n").hasSuffix("at `inputs`: task demo needs the input 'things', which the job does not name"))
        XCTAssertTrue(message("job: Demo_Job\ntasks: [demo]\n").hasSuffix("at `job`: 'Demo_Job' must use only a-z, 0-9 and '-'"))
        XCTAssertTrue(message("version: 2\njob: d\ntasks: [demo]\n").hasSuffix("at `version`: job schema version 2 is not supported; this zonal reads version 1"))
    }
}

final class ReportSortTests: XCTestCase {
    func testStarFirstNumbersNumericallyEmptyLast() {
        let rows = [["b", "10"], ["", "1"], ["*", "5"], ["a", "9"], ["a", "10"]].map { r in
            ReportRow([r[0].isEmpty ? .empty : .text(r[0]), .integer(Int64(r[1])!)])
        }
        let sorted = ReportTable.sorted(rows, keys: 2).map { $0.cells.map(\.display).joined(separator: ",") }
        XCTAssertEqual(sorted, ["*,5", "a,9", "a,10", "b,10", ",1"])
    }
}

final class RatioTests: XCTestCase {
    func testRatesRoundHalfAwayOnTheExactFraction() {
        XCTAssertEqual(Ratio.cell(1431, 2400).display, "0.5963")   // exactly 0.59625
        XCTAssertEqual(Ratio.cell(1, 3).display, "0.3333")
        XCTAssertEqual(Ratio.cell(2, 3).display, "0.6667")
        XCTAssertEqual(Ratio.cell(7, 7).display, "1.0000")
        XCTAssertEqual(Ratio.cell(0, 5).display, "0.0000")
        XCTAssertEqual(Ratio.cell(3, 0), .empty)
        XCTAssertEqual(Ratio.cell(42, 192).display, "0.2188")      // 0.21875
    }
}
