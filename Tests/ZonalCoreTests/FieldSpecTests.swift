import Foundation
import XCTest
@testable import ZonalCore
import ZonalIO
import ZonalStore
#if canImport(Glibc)
import Glibc
#endif

/// The shared field vocabulary (CONTRACT §3 common rules, §3.3, §3.4, §3.6):
/// every kind's accepted values, stored form and reject reason, exactly.
final class FieldSpecTests: XCTestCase {
    var dir: URL!
    let times = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-fields-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Seed 001 表 C.11 开门方式, abridged, in the data-file form.
    static let codeTableText = """
        # table\ttitle\tcode\tname
        C.11\t开门方式\t1\t刷卡开门
        C.11\t开门方式\t9\t人脸开门
        C.11\t开门方式\t99\t其他
        C.12\t开门状态\t1\t成功
        C.12\t开门状态\t2\t失败

        """

    func load(_ csv: String, _ specs: [FieldSpec]) throws -> (rows: [[SQLValue]], rejects: [Reject]) {
        let url = dir.appendingPathComponent("in.csv")
        try csv.write(to: url, atomically: true, encoding: .utf8)
        var rows: [[SQLValue]] = []
        let out = try CSVTableLoader(specs).load(path: url.path, shown: "in.csv", times: times, progress: nil) { rows += $0 }
        return (rows, out.rejects)
    }

    func testOneOfCodeTableDigitsAndPrefix() throws {
        let tables = try CodeTables(text: Self.codeTableText, file: "codes.tsv")
        let specs = [FieldSpec("source", .oneOf(["gate", "face", "qr"])), FieldSpec("kmfs", .code(try tables.table("C.11"))),
                     FieldSpec("venue", .digits(12)), FieldSpec("cod", .prefixed("XT"))]
        let (rows, rejects) = try load("""
            source,kmfs,venue,cod
            face,9,110105011001,XT01
            lidar,9,110105011001,XT01
            gate,8,110105011001,XT01
            qr,1,11010501100,XT01
            qr,1,11010501100A,XT01
            qr,99,110105011001,DD01

            """, specs)
        XCTAssertEqual(rows, [[.integer(2), .text("face"), .text("9"), .text("110105011001"), .text("XT01")]])
        XCTAssertEqual(rejects.map(\.line), [3, 4, 5, 6, 7])
        XCTAssertEqual(rejects.map(\.field), ["source", "kmfs", "venue", "venue", "cod"])
        XCTAssertEqual(rejects.map(\.reason), [
            "'lidar' must be one of gate, face, qr",
            "'8' is not a code of table C.11 开门方式 (1 刷卡开门, 9 人脸开门, 99 其他)",
            "'11010501100' must be 12 digits (it has 11)",
            "'11010501100A' must be 12 digits",
            "'DD01' does not start with XT",
        ])
    }

    func testNumbersQuantitiesAndTimes() throws {
        let specs = [FieldSpec("n", .integer(min: 0, max: 10)), FieldSpec("pct", .quantity(Quantity(unit: "%", noun: "share", example: "40", min: 0, max: 100))),
                     FieldSpec("t", .time), FieldSpec("x", .number(min: nil, max: nil), required: false)]
        let (rows, rejects) = try load("""
            n,pct,t,x
            3,40%,2026-05-01T00:00:00Z,
            11,40,2026-05-01 08:00:00,1
            -1,40,2026-05-01 08:00:00,1
            3,140%,20260501080000,1
            3,40,2026-05-01 08:00:00.250,nan

            """, specs)
        // 2026-05-01T00:00:00Z is 08:00 in Beijing; epoch 1777593600 s.
        XCTAssertEqual(rows, [[.integer(2), .integer(3), .real(40), .text("2026-05-01 08:00:00"), .integer(1_777_593_600_000), .null]])
        XCTAssertEqual(rejects.map(\.reason), ["11 is above 10", "-1 is below 0", "140% is outside 0–100 %", "'nan' is not a number"])
    }

    /// A plate is masked on read; anything else in a plate column is a reject
    /// that does not repeat the value.
    func testPlateMasking() {
        XCTAssertEqual(Masking.plate.mask("京A12345"), "京A***45")
        XCTAssertEqual(Masking.plate.mask("京AD12345"), "京A***45", "new-energy plates have 8 characters")
        XCTAssertEqual(Masking.plate.mask("津B9X7Y2"), "津B***Y2")
        XCTAssertNil(Masking.plate.mask("京A1"))
        XCTAssertNil(Masking.plate.mask("京A***45"), "an already masked plate is not a plate")
    }

    /// Dropped fields keep nothing and may be missing from the header; masked
    /// fields keep only the mask; neither appears in a reject reason.
    func testDroppedAndMaskedFields() throws {
        let specs = [FieldSpec("ryId", .text), FieldSpec("xm", .dropped), FieldSpec("zjhm", .dropped),
                     FieldSpec("cphm", .masked(.plate)), FieldSpec("kmzt", .oneOf(["1", "2"]))]
        XCTAssertEqual(CSVTableLoader(specs).columns.map(\.name), ["line", "ryid", "cphm", "kmzt"])
        let (rows, rejects) = try load("""
            ryId,xm,zjhm,cphm,kmzt
            R1,测试张三,11010119900101123X,京A12345,1
            R2,测试李四,110101199001011234,ABC,1
            R3,测试王五,110101199001015678,京B54321,3

            """, specs)
        XCTAssertEqual(rows, [[.integer(2), .text("R1"), .text("京A***45"), .text("1")]])
        XCTAssertEqual(rejects, [Reject(file: "in.csv", line: 3, field: "cphm", reason: "is not a plate number"),
                                 Reject(file: "in.csv", line: 4, field: "kmzt", reason: "'3' must be 1 or 2")])
        let noHeader = try load("ryId,cphm,kmzt\nR1,京A12345,2\n", specs)
        XCTAssertEqual(noHeader.rows, [[.integer(2), .text("R1"), .text("京A***45"), .text("2")]], "dropped columns may be absent")
    }

    /// A card `HHHHH:PPPPP` (seed 003) as a domain's own rule.
    func testCustomRule() throws {
        let card = FieldRule(storeType: .text) { v in
            let ok = v.utf8.count == 11 && v.utf8.enumerated().allSatisfy { i, b in i == 5 ? b == 58 : (b >= 48 && b <= 57) }
            return ok ? .store(.text(v)) : .reject("'\(v)' must be HHHHH:PPPPP")
        }
        let (rows, rejects) = try load("card\n00102:00012\n102:12\n", [FieldSpec("card", .custom(card))])
        XCTAssertEqual(rows, [[.integer(2), .text("00102:00012")]])
        XCTAssertEqual(rejects.map(\.reason), ["'102:12' must be HHHHH:PPPPP"])
    }

    func testCodeTableFile() throws {
        let tables = try CodeTables(text: Self.codeTableText, file: "codes.tsv")
        XCTAssertEqual(tables.order, ["C.11", "C.12"])
        let c12 = try tables.table("C.12")
        XCTAssertEqual(c12.title, "开门状态")
        XCTAssertEqual(c12.codes, ["1", "2"])
        XCTAssertEqual(c12.name(of: "2"), "失败")
        XCTAssertNil(c12.name(of: "3"))
        XCTAssertEqual("\(try XCTUnwrap({ () -> Error? in do { _ = try tables.table("C.99"); return nil } catch { return error } }()))",
                       "codes.tsv: has no code table C.99; it has C.11, C.12")
        func problem(_ text: String) -> String {
            do { _ = try CodeTables(text: text, file: "codes.tsv"); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(problem("C.1\t车辆品牌\t0\n"), "codes.tsv line 1: must be table<TAB>title<TAB>code<TAB>name")
        XCTAssertEqual(problem("C.1\t车辆品牌\t0\t未识别\nC.1\t车辆品牌\t0\t其他\n"), "codes.tsv line 2 field code: code 0 appears twice in table C.1")
        XCTAssertEqual(problem("C.1\t车辆品牌\t0\t未识别\nC.1\t品牌\t1\t奥迪\n"), "codes.tsv line 2 field title: table C.1 is titled '车辆品牌' above, '品牌' here")
    }
    /// A file of personal records: no reason quotes a value, whatever column
    /// a name strayed into; the rules themselves are unchanged.
    func testReasonsWithoutValues() throws {
        let tables = try CodeTables(text: Self.codeTableText, file: "CodeTables.tsv")
        let url = dir.appendingPathComponent("p.csv")
        try "kmfs,n,t\n测试王五,1,2026-05-01 08:00:00\n9,13800138000,2026-05-01 08:00:00\n9,1,11010119900101123X\n".write(to: url, atomically: true, encoding: .utf8)
        let specs = [FieldSpec("kmfs", .code(try tables.table("C.11"))), FieldSpec("n", .integer(min: 0, max: 10)), FieldSpec("t", .time)]
        let out = try CSVTableLoader(specs, quotesValues: false).load(path: url.path, shown: "p.csv", times: times, progress: nil) { _ in }
        XCTAssertEqual(out.rejects.map(\.reason), [
            "is not a code of table C.11 开门方式 (1 刷卡开门, 9 人脸开门, 99 其他)",
            "is above 10",
            "is not a time; use yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601 with offset",
        ])
    }

    /// loadParts folds rows into a part, and rejects across fields get the file's line.
    func testLoadPartsFoldsAndRejectsWithLines() throws {
        let url = dir.appendingPathComponent("parts.csv")
        try "a,b\n1,2\n3,x\n\n5,6\n7,0\n".write(to: url, atomically: true, encoding: .utf8)
        let loader = CSVTableLoader([FieldSpec("a", .integer(min: nil, max: nil)), FieldSpec("b", .integer(min: nil, max: nil))], encoding: .detect)
        let (parts, out) = try loader.loadParts(path: url.path, shown: "parts.csv", times: times, progress: nil,
                                                makePart: { header in (header: header, sum: Int64(0)) }) { part, v, _ in
            if v[2].int == 0 { return ("b", "must not be 0") }
            part.sum += v[1].int! * v[2].int!
            return nil
        }
        XCTAssertEqual(parts.map(\.sum).reduce(0, +), 1 * 2 + 5 * 6)
        XCTAssertEqual(parts.first?.header, ["a", "b"])
        XCTAssertEqual(out.dataRows, 4)
        XCTAssertEqual(out.loaded, 2)
        XCTAssertEqual(out.encoding, "UTF-8")
        XCTAssertEqual(out.rejects, [Reject(file: "parts.csv", line: 3, field: "b", reason: "'x' is not a whole number"),
                                     Reject(file: "parts.csv", line: 6, field: "b", reason: "must not be 0")])
    }
}

/// Personal data never leaves the reader (seed 001 §7.5.8, §7.13): a whole
/// run through the runner, then the store file's bytes, the reports,
/// summary.json and every log line are searched for each personal value in
/// UTF-8, GBK and UTF-16.
final class PersonalDataTests: XCTestCase {
    static let people = CSVDatasetLoader(table: "person_access", fields: [
        FieldSpec("ryId", .text), FieldSpec("xm", .dropped), FieldSpec("zjhm", .dropped), FieldSpec("lxfs", .dropped),
        FieldSpec("cphm", .masked(.plate)), FieldSpec("kmzt", .oneOf(["1", "2"])),
    ])

    /// Lists the stored rows as a report, so the masked plates reach the CSV too.
    struct ListTask: ZonalTask {
        let name = "list_people"
        let summary = "lists the stored access rows"
        let inputs = ["person_access"]
        static let report = ReportSpec("people", columns: [ReportColumn("ryid", .text), ReportColumn("cphm", .text), ReportColumn("kmzt", .text)])
        var reports: [ReportSpec] { [Self.report] }
        func run(_ ctx: TaskContext) throws -> TaskResult {
            let rows = try ctx.store.query("SELECT ryid, cphm, kmzt FROM person_access").map { r in ReportRow(r.map { .text($0.text ?? "") }) }
            return TaskResult(reportRows: [Self.report.name: try ctx.write(Self.report, rows: rows)])
        }
    }

    static let secrets = ["测试张三", "11010119900101123X", "13800138000", "京A12345", "测试李四", "110101199001011234", "13900139000", "京B54321"]

    func testNothingPersonalIsKeptAnywhere() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-privacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            ryId,xm,zjhm,lxfs,cphm,kmzt
            R1,测试张三,11010119900101123X,13800138000,京A12345,1
            R2,测试李四,110101199001011234,13900139000,京B54321,9
            R3,测试张三,11010119900101123X,13800138000,京A12345

            """.write(to: dir.appendingPathComponent("access.csv"), atomically: true, encoding: .utf8)
        try """
            job: privacy
            out: out
            inputs: {person_access: access.csv}
            params: {max_reject_rate: 1}
            tasks: [list_people]
            formats: [csv, html]
            """.write(to: dir.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
        let registry = try Registry(modules: [DomainModule(name: "people", inputs: [InputKind(key: "person_access", summary: "", loader: Self.people)],
                                                           tasks: [ListTask()])])
        let lines = LockedLines()
        var options = RunOptions(jobPath: dir.appendingPathComponent("job.yaml").path)
        options.logOutput = { lines.append($0) }
        let outcome = Runner(registry: registry).run(options)
        XCTAssertEqual(outcome.exitCode, 0, lines.all.joined(separator: "\n"))

        let out = dir.appendingPathComponent("out")
        // (Foundation drops the BOM when it decodes.)
        let rejects = try String(contentsOf: out.appendingPathComponent("rejects.csv"), encoding: .utf8)
        XCTAssertEqual(rejects, "file,line,field,reason\r\naccess.csv,3,kmzt,'9' must be 1 or 2\r\naccess.csv,4,,has 5 fields but the header has 6; check for stray commas or quotes\r\n")
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("people.csv"), encoding: .utf8).contains("R1,京A***45,1"))

        var haystacks: [(String, [UInt8])] = [("log", Array(lines.all.joined(separator: "\n").utf8))]
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            haystacks.append((name, Array(try Data(contentsOf: out.appendingPathComponent(name)))))
        }
        XCTAssertTrue(haystacks.contains { $0.0 == "zonal.sqlite" })
        for secret in Self.secrets {
            for (encoding, needle) in Self.encodings(secret) {
                for (name, bytes) in haystacks {
                    XCTAssertFalse(Self.contains(bytes, needle), "\(secret) (\(encoding)) found in \(name)")
                }
            }
        }
    }

    /// The value in UTF-8, GBK, UTF-16LE and UTF-16BE.
    static func encodings(_ s: String) -> [(String, [UInt8])] {
        var out = [("UTF-8", Array(s.utf8))]
        if let gbk = iconvBytes(s, to: "GBK") { out.append(("GBK", gbk)) }
        out.append(("UTF-16LE", s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        out.append(("UTF-16BE", s.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
        return out
    }

    static func iconvBytes(_ s: String, to encoding: String) -> [UInt8]? {
        guard let cd = iconv_open(encoding, "UTF-8"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = Array(s.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 4)
        let produced: Int? = input.withUnsafeMutableBufferPointer { ip in
            output.withUnsafeMutableBufferPointer { op in
                var inP = ip.baseAddress, inLeft = ip.count
                var outP = op.baseAddress, outLeft = op.count
                guard iconv(cd, &inP, &inLeft, &outP, &outLeft) != -1 else { return nil }
                return op.count - outLeft
            }
        }
        return produced.map { output[0..<$0].map { UInt8(bitPattern: $0) } }
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ l: String) { lock.lock(); lines.append(l); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
