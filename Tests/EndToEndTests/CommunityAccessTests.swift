import Foundation
import XCTest
import XLSXTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The community domain through the CLI: the Tianjin sample against an
/// independent Python implementation (Datasets/tianjin/check_community.py →
/// expected/), the personal-data scan, and bad inputs.
final class CommunityAccessTests: XCTestCase {
    static let tianjin = repoRoot.appendingPathComponent("Datasets/tianjin")
    static let reports = ["community_footfall", "access_methods", "suspected_residents", "suspected_vehicles", "device_online", "address_audit"]

    func workspace(_ label: String) throws -> URL { try domainWorkspace("community", label) }
    func sampleWorkspace(_ label: String) throws -> URL { try sampleWorkspace(dataset: "tianjin", job: "tianjin-community", label) }

    func rows(_ url: URL) throws -> [[String]] { try CSVTable(url: url).rawRows }

    func assertMatchesReference(_ out: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        try assertMatchesReference(out, dataset: "tianjin", reports: Self.reports, keyed: ("vehicle_id", "^[0-9a-f]{12}$"), file: file, line: line)
    }

    func testSampleMatchesTheIndependentReference() throws {
        let ws = try sampleWorkspace("golden")
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let out = ws.appendingPathComponent("out")
        try assertMatchesReference(out)
        // The same when the access files are read in parts on several cores.
        let p = try runZonal(["run", "job.yaml", "--out", "out-parts"], cwd: ws, environment: ["ZONAL_TEST_PART_BYTES": "1"])
        XCTAssertEqual(p.status, 0, p.output)
        XCTAssertTrue(readText(ws.appendingPathComponent("out-parts/summary.json")).contains("parts in parallel")
                      || ProcessInfo.processInfo.activeProcessorCount == 1)
        try assertMatchesReference(ws.appendingPathComponent("out-parts"))
        // The GBK device file was read as GBK, the others as UTF-8.
        let summary = readText(out.appendingPathComponent("summary.json"))
        XCTAssertTrue(summary.contains("\"encoding\" : \"GBK\"") || summary.contains("\"encoding\": \"GBK\""), summary)
        let html = readText(out.appendingPathComponent("report.html"))
        for heading in ["Community access (智慧平安社区)", "Passes by hour of day", "Failure rate by opening method",
                        "Devices online among those in use", "Map: communities and their devices", "Suspected resident vehicles"] {
            XCTAssertTrue(html.contains(heading), heading)
        }
        // The plate key is beside the store, owner-only, and not inside it.
        let key = ws.appendingPathComponent("out/zonal.sqlite.plates.key")
        let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)
        let keyText = readText(key).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(Self.contains(Array((try? Data(contentsOf: out.appendingPathComponent("zonal.sqlite"))) ?? Data()), Array(keyText.utf8)))
    }

    /// No fake personal value of the sample — name, ID number, phone, clear
    /// plate — is in any file the run wrote, in the store's bytes, inside the
    /// XLSX's parts or in the log, as UTF-8, GBK, UTF-16LE or UTF-16BE.
    func testNoPersonalValueLeavesTheReader() throws {
        let ws = try sampleWorkspace("privacy")
        let r = try runZonal(["run", "job.yaml", "--verbose", "--log-format", "json"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        let v = try runZonal(["validate", "job.yaml"], cwd: ws)
        let i = try runZonal(["inspect", "tianjin/person_access.csv"], cwd: ws)
        let secrets = readText(Self.tianjin.appendingPathComponent("fake_personal_values.txt"))
            .split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        XCTAssertGreaterThan(secrets.count, 20)
        // The scan finds what it looks for: the inputs hold every value.
        let inputs = try ["person_access.csv", "vehicle_access.csv"].map { Array(try Data(contentsOf: Self.tianjin.appendingPathComponent($0))) }
        let inInputs = Set(inputs.flatMap { NeedleFinder(secrets.map { ($0, Array($0.utf8)) }).find(in: $0) })
        XCTAssertEqual(Set(secrets).subtracting(inInputs), [], "not in the inputs")

        var haystacks: [(String, [UInt8])] = [("run log", Array(r.output.utf8)), ("validate", Array(v.output.utf8)), ("inspect", Array(i.output.utf8))]
        let out = ws.appendingPathComponent("out")
        let files = FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for f in files where !f.hasDirectoryPath {
            haystacks.append((f.lastPathComponent, Array(try Data(contentsOf: f))))
            if f.pathExtension == "xlsx" {
                let x = try XLSXInspector(path: f.path)
                for part in x.partPaths { haystacks.append(("\(f.lastPathComponent):\(part)", try x.partBytes(part))) }
            }
        }
        XCTAssertTrue(haystacks.contains { $0.0 == "zonal.sqlite" })
        XCTAssertTrue(haystacks.contains { $0.0.hasSuffix(":xl/sharedStrings.xml") || $0.0.contains(":xl/worksheets/") })
        var needles: [(label: String, bytes: [UInt8])] = []
        for secret in secrets { for (encoding, bytes) in Self.encodings(secret) { needles.append(("\(secret) (\(encoding))", bytes)) } }
        let finder = NeedleFinder(needles)
        // …and in every encoding it scans for.
        let probe = try XCTUnwrap(secrets.first { $0.hasPrefix("测试") })
        for (encoding, bytes) in Self.encodings(probe) { XCTAssertEqual(finder.find(in: [0x41] + bytes + [0x42]), ["\(probe) (\(encoding))"]) }
        var found: [String] = []
        for (name, bytes) in haystacks { found += finder.find(in: bytes).map { "\($0) in \(name)" } }
        XCTAssertEqual(found, [])
    }

    /// Bad inputs: a missing column names it; rejects quote no value; a key
    /// file others can read stops the run before anything is written.
    func testBadInputsGetClearErrors() throws {
        let ws = try workspace("bad")
        func write(_ name: String, _ text: String) throws { try text.write(to: ws.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try write("communities.csv", "ptzcm,xqmc,admin_code\nTJ01,和平小区,120101\n")
        try write("devices.csv", "sbbm,sbmc,sblx,zxzt,syzt,sbjd,sbwd,ptzcm\nD1,门禁,4,1,10,,,TJ01\n")
        try write("person.csv", "ryId,dabh,zhlx,kmfs,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm,xm\nR1,,2,9,1,D1,2026-05-01 08:00:00,,1,TJ01,测试张三\n")
        try write("job.yaml", """
            job: bad
            out: out
            inputs: {communities: communities.csv, community_devices: devices.csv, person_access: person.csv}
            tasks: [community_access]
            """)
        let missing = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(missing.status, 1, missing.output)
        XCTAssertContains(missing.output, ["person.csv", "kmzt", "the header has no kmzt column"])
        XCTAssertFalse(missing.output.contains("测试张三"))

        try write("person.csv", "ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm,xm\n"
                  + (1...300).map { "R\($0),,2,9,1,1,D1,2026-05-01 08:00:00,,1,TJ01,测试张三" }.joined(separator: "\n")
                  + "\nR9,,2,测试李四,1,1,D1,2026-05-01 08:00:00,,1,TJ01,测试李四\n,,2,9,1,1,D1,2026-05-01 08:00:00,,0,TJ01,测试王五\n")
        let ok = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(ok.status, 0, ok.output)
        XCTAssertEqual(try rows(ws.appendingPathComponent("out/rejects.csv")), [
            ["person.csv", "302", "kmfs", "is not a code of table C.11 开门方式 (1 刷卡开门, 2 指纹开门, 3 远程开门, 4 按钮开门, 5 钥匙开门, 6 身份证开门, 7 二维码开门, 8 动态密码开门, 9 人脸开门, 10 无感知, 99 其他)"],
            ["person.csv", "303", "dabh", "is empty and so is ryId; a record names a registered person (ryId) or a stranger's file (dabh)"],
        ])
        for name in ["测试张三", "测试李四", "测试王五"] { XCTAssertFalse(ok.output.contains(name)) }

        try write("vehicles.csv", "cphm,crlx,sbbm,jrsj,lksj,txqk,sfbxq,ptzcm\n津A12345,1,D1,2026-05-01 08:00:00,,1,0,TJ01\n")
        try write("job.yaml", """
            job: bad
            out: out
            inputs: {communities: communities.csv, community_devices: devices.csv, person_access: person.csv, vehicle_access: vehicles.csv}
            tasks: [community_access]
            """)
        let keyPath = ws.appendingPathComponent("out/zonal.sqlite.plates.key").path
        XCTAssertFalse(FileManager.default.fileExists(atPath: keyPath))
        XCTAssertEqual(try runZonal(["run", "job.yaml"], cwd: ws).status, 0)
        chmod(keyPath, 0o644)
        let open = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(open.status, 1, open.output)
        XCTAssertContains(open.output, ["zonal.sqlite.plates.key", "may be read by others (mode 644); run chmod 600"])
    }

    /// A person file saved as GBK (what Excel writes for "CSV" on a Chinese
    /// Windows) is told from UTF-8 and read whole, in parts too: a stranger's
    /// Chinese file number comes out right and the name column stays behind.
    func testGBKAccessFileIsReadAsGBK() throws {
        let ws = try workspace("gbk")
        func write(_ name: String, _ text: String) throws { try text.write(to: ws.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try write("communities.csv", "ptzcm,xqmc,admin_code\nTJ01,和平小区,120101\n")
        try write("devices.csv", "sbbm,sbmc,sblx,zxzt,syzt,sbjd,sbwd,ptzcm\nD1,门禁,4,1,10,,,TJ01\n")
        var text = "ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm,xm\n"
        for day in 10...21 { text += ",陌生人档案七,5,9,1,1,D1,2026-05-\(day) 08:00:00,,0,TJ01,测试王五\n" }
        text += "R1,,2,9,1,2,D1,,2026-05-21 09:00:00,1,TJ01,测试张三\n"
        try Data(try XCTUnwrap(Self.iconvBytes(text, to: "GBK"))).write(to: ws.appendingPathComponent("person.csv"))
        try write("job.yaml", """
            job: gbk
            out: out
            inputs: {communities: communities.csv, community_devices: devices.csv, person_access: person.csv}
            params: {as_of: "2026-05-31 20:00:00"}
            tasks: [community_access]
            """)
        for (label, env) in [("whole", [String: String]()), ("parts", ["ZONAL_TEST_PART_BYTES": "1"])] {
            let r = try runZonal(["run", "job.yaml", "--out", "out-\(label)"], cwd: ws, environment: env)
            XCTAssertEqual(r.status, 0, r.output)
            XCTAssertEqual(try rows(ws.appendingPathComponent("out-\(label)/suspected_residents.csv")),
                           [["TJ01", "陌生人档案七", "2026-05-10 08:00:00", "12", "2026-05-21 08:00:00", "12"]], label)
            let summary = readText(ws.appendingPathComponent("out-\(label)/summary.json"))
            XCTAssertTrue(summary.contains("GBK"), label)
            XCTAssertFalse(summary.contains("测试"), label)
            XCTAssertEqual(try rows(ws.appendingPathComponent("out-\(label)/rejects.csv")), [], label)
        }
    }

    /// Community boundaries: a polygon per ptzcm is drawn on the map in place
    /// of the community's point; an unknown ptzcm or a missing polygon is a
    /// reject naming the feature.
    func testBoundariesAreDrawnAndCheckedAgainstCommunities() throws {
        let ws = try workspace("boundaries")
        func write(_ name: String, _ text: String) throws { try text.write(to: ws.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try write("communities.csv", "ptzcm,xqmc,admin_code,lon,lat\nTJ01,和平小区,120101,117.20,39.12\nTJ02,河西花园,120103,117.22,39.10\n")
        try write("devices.csv", "sbbm,sbmc,sblx,zxzt,syzt,sbjd,sbwd,ptzcm\nD1,门禁,4,1,10,117.2005,39.1205,TJ01\n")
        try write("person.csv", "ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm\nR1,,2,9,1,1,D1,2026-05-01 08:00:00,,1,TJ01\n")
        func square(_ code: String, _ x: Double) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"ptzcm\":\"\(code)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(x),39.12],[\(x + 0.002),39.12],[\(x + 0.002),39.122],[\(x),39.122],[\(x),39.12]]]}}"
        }
        try write("boundaries.geojson", "{\"type\":\"FeatureCollection\",\"features\":[\(square("TJ01", 117.199)),\(square("TJ09", 117.3)),"
                  + "{\"type\":\"Feature\",\"properties\":{\"ptzcm\":\"TJ02\"},\"geometry\":null}]}")
        try write("job.yaml", """
            job: boundaries
            out: out
            inputs: {communities: communities.csv, community_boundaries: boundaries.geojson, community_devices: devices.csv, person_access: person.csv}
            params: {max_reject_rate: 1}
            tasks: [community_access]
            """)
        let r = try runZonal(["run", "job.yaml"], cwd: ws)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(try rows(ws.appendingPathComponent("out/rejects.csv")), [
            ["boundaries.geojson", "2", "ptzcm", "'TJ09' is not a ptzcm of communities"],
            ["boundaries.geojson", "3", "geometry", "community TJ02 has no polygon"],
        ])
        let html = readText(ws.appendingPathComponent("out/report.html"))
        XCTAssertTrue(html.contains("TJ01 和平小区"))          // the boundary's title
        XCTAssertTrue(html.contains("community boundary"))    // the legend says what is drawn
    }

    /// The value in UTF-8, GBK, UTF-16LE and UTF-16BE.
    static func encodings(_ s: String) -> [(String, [UInt8])] {
        var out = [("UTF-8", Array(s.utf8))]
        if let gbk = iconvBytes(s, to: "GBK"), gbk != Array(s.utf8) { out.append(("GBK", gbk)) }
        out.append(("UTF-16LE", s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
        out.append(("UTF-16BE", s.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
        return out
    }

    static func iconvBytes(_ s: String, to encoding: String) -> [UInt8]? {
        guard let cd = iconv_open(encoding, "UTF-8"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = Array(s.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 4 + 4)
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
        let first = needle[0], last = hay.count - needle.count
        var i = 0
        while i <= last {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    func XCTAssertContains(_ text: String, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for p in parts where !text.contains(p) { XCTFail("missing '\(p)' in: \(text)", file: file, line: line) }
    }
}

/// Finds any of thousands of short byte strings in megabytes at once: one
/// pass; a position is looked at only when its first 3 bytes begin some
/// needle (a 16M-entry table), then each needle length is one set lookup
/// (the fake ID numbers share their first 14 digits, so a prefix alone
/// would leave hundreds of candidates). Needles are at least 3 bytes long.
struct NeedleFinder {
    let labels: [[UInt8]: [String]]
    let lengths: [Int]
    var starts: [Bool]

    init(_ needles: [(label: String, bytes: [UInt8])]) {
        precondition(needles.allSatisfy { $0.bytes.count >= 3 })
        var labels: [[UInt8]: [String]] = [:]
        var starts = [Bool](repeating: false, count: 1 << 24)
        for n in needles {
            labels[n.bytes, default: []].append(n.label)
            starts[Int(n.bytes[0]) | Int(n.bytes[1]) << 8 | Int(n.bytes[2]) << 16] = true
        }
        self.labels = labels
        lengths = Set(needles.map(\.bytes.count)).sorted()
        self.starts = starts
    }

    func find(in hay: [UInt8]) -> [String] {
        guard hay.count >= 3 else { return [] }
        var out: [String] = []
        starts.withUnsafeBufferPointer { st in
            for i in 0...(hay.count - 3) where st[Int(hay[i]) | Int(hay[i + 1]) << 8 | Int(hay[i + 2]) << 16] {
                for n in lengths where i + n <= hay.count {
                    if let hit = labels[Array(hay[i..<(i + n)])] { out += hit }
                }
            }
        }
        return out
    }
}
