import XCTest

/// The README's task and report names come from the same registry that
/// `zonal tasks` prints; this fails when one of them drifts.
final class DocsTests: XCTestCase {
    func testReadmeNamesEveryTaskReportAndInput() throws {
        let r = try runZonal(["tasks"], cwd: repoRoot)
        XCTAssertEqual(r.status, 0)
        let readme = readText(repoRoot.appendingPathComponent("README.md"))
        var names: [String] = []
        for line in r.stdout.split(separator: "\n") {
            if !line.hasPrefix(" "), !line.isEmpty, !line.contains(" ") { names.append(String(line)) }              // task names
            if line.hasPrefix("  report ") { names.append(String(line.dropFirst(9).prefix { $0 != ":" })) }          // report names
        }
        XCTAssertTrue(names.contains("fence_audit") && names.contains("infence_rate"), r.stdout)
        for n in names where n != "inputs" {
            XCTAssertTrue(readme.contains("`\(n)`"), "README.md does not mention `\(n)`, which `zonal tasks` lists")
        }
    }
}
