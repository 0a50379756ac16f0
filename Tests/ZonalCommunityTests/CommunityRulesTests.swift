import Foundation
import XCTest
@testable import ZonalCommunity
import ZonalCore
import ZonalIO
import ZonalStore

/// Seed 001's code tables and the rules of CONTRACT §7 "Communities", with
/// values worked out by hand.
final class CommunityRulesTests: XCTestCase {
    let clock = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-community-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func ms(_ s: String) -> Int64 { clock.parse(s)! }

    // MARK: code tables

    /// The data file holds all of 附录 C: table sizes as the seed prints them.
    func testCodeTablesFileIsTheWholeAppendix() throws {
        let t = try CodeTables(contentsOf: try CommunityCodes.resourceURL())
        XCTAssertEqual(t.order, (1...18).map { "C.\($0)" })
        XCTAssertEqual(try (1...18).map { try t.table("C.\($0)").entries.count }, [30, 12, 6, 2, 3, 2, 7, 2, 4, 2, 11, 2, 2, 2, 3, 6, 3, 5])
        XCTAssertEqual(try t.table("C.1").name(of: "-1"), "其他")
        XCTAssertEqual(try t.table("C.11").name(of: "10"), "无感知")
        XCTAssertEqual(try t.table("C.15").name(of: "01"), "非出租房屋")
        XCTAssertEqual(try t.table("C.17").name(of: "3"), "故障")
        XCTAssertEqual(try t.table("C.3").name(of: "10"), "使用中")
    }

    /// Loads one CSV through field specs; the rejects' fields, in line order.
    func rejectedFields(_ csv: String, _ specs: [FieldSpec]) throws -> [String?] {
        let url = dir.appendingPathComponent("t.csv")
        try csv.write(to: url, atomically: true, encoding: .utf8)
        return try CSVTableLoader(specs, quotesValues: false).load(path: url.path, shown: "t.csv", times: clock, progress: nil) { _ in }.rejects.map(\.field)
    }

    /// Each checked code: the table's last and edge codes pass, a code next to them is a reject.
    func testEveryCodeIsCheckedAgainstItsTable() throws {
        let c = try CommunityCodes.load()
        let person = PersonAccessLoader.fields(c)
        let head = "ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm\n"
        let ok = ",DA1,9,99,2,2,D1,,2026-05-01 08:00:00,0,TJ01"
        XCTAssertEqual(try rejectedFields(head + ok + "\n", person), [])
        XCTAssertEqual(try rejectedFields(head + [
            ",DA1,8,99,2,2,D1,,2026-05-01 08:00:00,0,TJ01",     // zhlx C.7 has 0–5 and 9
            ",DA1,9,11,2,2,D1,,2026-05-01 08:00:00,0,TJ01",     // kmfs C.11 has 1–10 and 99
            ",DA1,9,99,3,2,D1,,2026-05-01 08:00:00,0,TJ01",     // kmzt C.12 has 1, 2
            ",DA1,9,99,2,0,D1,,2026-05-01 08:00:00,0,TJ01",     // crlx C.6 has 1, 2
            ",DA1,9,99,2,2,D1,,2026-05-01 08:00:00,2,TJ01",     // sfbxq C.4 has 0, 1
        ].joined(separator: "\n") + "\n", person), ["zhlx", "kmfs", "kmzt", "crlx", "sfbxq"])

        let vehicle = VehicleAccessLoader.fields(c)
        let vhead = "cphm,tclx,crlx,sbbm,jrsj,lksj,txqk,sfbxq,ptzcm,clpp,cllx\n"
        XCTAssertEqual(try rejectedFields(vhead + "津A12345,2,1,D1,2026-05-01 08:00:00,,0,1,TJ01,-1,14\n", vehicle), [])
        XCTAssertEqual(try rejectedFields(vhead + [
            "津A12345,3,1,D1,2026-05-01 08:00:00,,0,1,TJ01,-1,14",     // tclx C.5 has 0–2
            "津A12345,2,1,D1,2026-05-01 08:00:00,,0,1,TJ01,29,14",     // clpp C.1 has −1, 0–28
            "津A12345,2,1,D1,2026-05-01 08:00:00,,0,1,TJ01,-1,13",     // cllx C.2 has 0–6, 10–12, 14, 99
            "津A12345,2,1,D1,2026-05-01 08:00:00,,2,1,TJ01,-1,14",     // txqk 1 成功 / 0 失败
            "津A 1234,2,1,D1,2026-05-01 08:00:00,,1,1,TJ01,-1,14",     // a plate has no space
        ].joined(separator: "\n") + "\n", vehicle), ["tclx", "clpp", "cllx", "txqk", "cphm"])

        let device = CommunityTables.deviceFields(c)
        let dhead = "sbbm,sbmc,sblx,zxzt,syzt,sbjd,sbwd,ptzcm\n"
        XCTAssertEqual(try rejectedFields(dhead + [
            "D1,门禁,6,3,90,,,TJ01",
            "D2,门禁,7,3,90,,,TJ01",      // sblx C.16 has 1–6
            "D3,门禁,6,4,90,,,TJ01",      // zxzt C.17 has 1–3
            "D4,门禁,6,3,60,,,TJ01",      // syzt C.3 has 10–50 and 90
        ].joined(separator: "\n") + "\n", device), ["sblx", "zxzt", "syzt"])
    }

    // MARK: the 30-day window

    /// as_of 2026-05-31 20:00:00: the window is (05-01 20:00:00, 05-31 20:00:00].
    func testWindowEndsAreOutAndIn() {
        let w = SuspectWindow(asOf: ms("2026-05-31 20:00:00"), threshold: 1)
        XCTAssertFalse(w.contains(ms("2026-05-01 20:00:00")))
        XCTAssertTrue(w.contains(ms("2026-05-01 20:00:01")))
        XCTAssertTrue(w.contains(ms("2026-05-31 20:00:00")))
        XCTAssertFalse(w.contains(ms("2026-05-31 20:00:01")))
    }

    /// Nine entries in the window, then the edges: exactly 30 days before
    /// does not make ten; a second later does; one at as_of counts, one after does not.
    func testThresholdAtAndAroundItsValue() {
        let w = SuspectWindow(asOf: ms("2026-05-31 20:00:00"), threshold: 10)
        let nine = (10...18).map { ms("2026-05-\($0) 08:00:00") }
        XCTAssertNil(w.standing(nine, clock: clock))
        XCTAssertNil(w.standing([ms("2026-05-01 20:00:00")] + nine, clock: clock))
        XCTAssertNil(w.standing(nine + [ms("2026-05-31 20:00:01")], clock: clock))
        let ten = w.standing([ms("2026-04-02 09:00:00"), ms("2026-05-01 20:00:00"), ms("2026-05-01 20:00:01")] + nine, clock: clock)
        XCTAssertEqual(ten, SuspectWindow.Standing(firstSeen: ms("2026-04-02 09:00:00"), entries: 10, lastSeen: ms("2026-05-18 08:00:00"), days: 10))
        let eleven = w.standing(nine + [ms("2026-05-31 19:00:00"), ms("2026-05-31 20:00:00"), ms("2026-05-31 21:00:00")], clock: clock)
        XCTAssertEqual(eleven, SuspectWindow.Standing(firstSeen: ms("2026-05-10 08:00:00"), entries: 11, lastSeen: ms("2026-05-31 20:00:00"), days: 10))
    }

    /// Days are local dates: 23:59:59 and 00:00:00 Beijing time are two days
    /// (15:59:59 and 16:00:00 UTC); entries only after as_of give nothing.
    func testDaysAreLocalDatesAndLaterEntriesAreNotFirstSeen() {
        let w = SuspectWindow(asOf: ms("2026-05-31 20:00:00"), threshold: 2)
        XCTAssertEqual(w.standing([ms("2026-05-20 23:59:59"), ms("2026-05-21 00:00:00")], clock: clock)?.days, 2)
        XCTAssertEqual(w.standing([ms("2026-05-21 00:00:00"), ms("2026-05-21 23:59:59")], clock: clock)?.days, 1)
        XCTAssertNil(w.standing([ms("2026-05-31 21:00:00"), ms("2026-05-31 22:00:00")], clock: clock))
    }

    // MARK: footfall hours

    func testPassesGoToTheirLocalHour() {
        var t = AccessTally()
        t.pass(community: 0, ms: ms("2026-05-31 23:59:59"), clock: clock, entering: true, succeeded: true)
        t.pass(community: 0, ms: ms("2026-06-01 00:00:00"), clock: clock, entering: false, succeeded: true)
        t.pass(community: 0, ms: ms("2026-06-01 00:30:00"), clock: clock, entering: true, succeeded: false)
        let rows = AccessReading(communities: ["TJ01"]).hourRows(t)
        XCTAssertEqual(rows, [
            [.text("TJ01"), .text("2026-05-31"), .integer(23), .integer(1), .integer(0), .integer(0), .integer(1), .integer(ms("2026-05-31 23:59:59"))],
            [.text("TJ01"), .text("2026-06-01"), .integer(0), .integer(0), .integer(1), .integer(1), .integer(2), .integer(ms("2026-06-01 00:30:00"))],
        ])
    }

    // MARK: devices

    /// In use = syzt 10; of those only zxzt 1 is online (fault 3 is not).
    func testDeviceOnlineCountsInUseAndFaultIsNotOnline() throws {
        let c = try CommunityCodes.load()
        func d(_ n: String, _ sblx: String, _ zxzt: String, _ syzt: String) -> CommunityDevice {
            CommunityDevice(sbbm: n, sbmc: n, sblx: sblx, zxzt: zxzt, syzt: syzt, point: nil, ptzcm: "TJ01")
        }
        let rows = DeviceUptime.rows([d("a", "4", "1", "10"), d("b", "4", "3", "10"), d("c", "4", "2", "10"), d("e", "4", "1", "20"),
                                      d("f", "6", "1", "40")], codes: c).map { $0.cells.map(\.display) }.sorted { $0[1] < $1[1] }
        XCTAssertEqual(rows, [["TJ01", "4", "3", "1", "0.3333", "门禁", "1", "1", "1"],
                              ["TJ01", "6", "0", "0", "", "人脸抓拍机", "0", "0", "1"]])
    }

    // MARK: address audit

    func testAddressAuditRules() {
        let communities = [Community(ptzcm: "TJ01", xqmc: "和平小区", adminCode: "120101", point: nil)]
        func a(_ line: Int, _ dzbm: String, xqmc: String = "和平小区", ldph: String = "1号楼", dyhxh: String = "1", dyh: String = "1单元",
               fjhxh: String = "3", fjh: String = "103室", djsj: String = "2026-01-01 00:00:00", ptzcm: String? = nil) -> StandardAddress {
            StandardAddress(line: line, dzbm: dzbm, xz: "详址", xqmc: xqmc, ldphxlh: "1", ldph: ldph, dyhxh: dyhxh, dyh: dyh, lch: "1",
                            fjhxh: fjhxh, fjh: fjh, djsj: djsj, ptzcm: ptzcm)
        }
        let f = AddressAudit(communities: communities).findings([
            a(2, "A1"),
            a(3, "A1", fjhxh: "4", fjh: "104室"),                  // same code, another room
            a(4, "A2"),                                            // same place as line 2 under another code
            a(5, "A3", dyh: "", djsj: ""),                         // dyhxh without dyh, no djsj
            a(6, "A4", xqmc: "河西花园", fjhxh: "5", fjh: "105室"),     // no such community by name
            a(7, "A5", fjhxh: "6", fjh: "106室", ptzcm: "TJ09"),    // no such community by code
            a(8, "A6", fjhxh: "7", fjh: "107室", ptzcm: "TJ01"),
        ])
        XCTAssertEqual(f.map { "\($0.address.line) \($0.rule.rawValue) \($0.ptzcm): \($0.message)" }, [
            "3 duplicate_code TJ01: dzbm A1 is also on line 2",
            "4 duplicate_address TJ01: the same place as line 2 (dzbm A1): 和平小区 1号楼 1单元 1 103室",
            "5 missing_part TJ01: missing dyh (单元号), djsj (登记时间)",
            "6 unknown_community : xqmc 河西花园 is no community's xqmc in communities",
            "7 unknown_community TJ09: ptzcm TJ09 is not in communities",
        ])
    }
}

/// The in-place byte path and the checked path give one result: the same
/// counts, strangers, plates and rejects, over rows mutated in every way the
/// byte path must notice (spaces, quotes, tabs, signs, leading zeros, other
/// scripts, wrong widths, every time form, plates of every shape).
final class AccessFastPathTests: XCTestCase {
    let clock = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-fastpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A small deterministic generator (SplitMix64).
    struct Dice { var s: UInt64; mutating func next(_ n: Int) -> Int { s &+= 0x9E37_79B9_7F4A_7C15; var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return Int((z ^ (z >> 31)) % UInt64(n)) } }

    static let variants: [[String]] = [
        ["TJ01", "TJ02", " TJ01", "TJ01 ", "TJ03", "", "\"TJ01\"", "TJ０1"],                                   // ptzcm
        ["1", "2", "01", "3", "+1", " 1", ""],                                                                // crlx
        ["2026-05-01 08:00:00", "20260501080000", "2026-05-01T08:00:00+08:00", "2026-05-01T00:00:00Z", "2026-05-01 08:00:00.250",
         "2026-05-01 08:00", "2026-02-30 08:00:00", "", " 2026-05-01 08:00:00", "2026-05-31 23:59:59", "2026-06-01 00:00:00"],  // times
        ["0", "1", "", "2", "00", "\t0"],                                                                      // sfbxq
    ]

    /// A variant of column kind `k`: the usual value two times in three, else any.
    func pick(_ d: inout Dice, _ k: Int) -> String { one(&d, Self.variants[k]) }
    func one(_ d: inout Dice, _ values: [String]) -> String { d.next(3) < 2 ? values[0] : values[d.next(values.count)] }

    func testPersonsAgreeOnBothPaths() throws {
        var d = Dice(s: 20260501)
        var text = "ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm,xm\n"
        for i in 0..<4000 {
            let ry = one(&d, ["", "R\(i % 50)", " ", "R 1"]), dabh = one(&d, ["FK\(i % 40)", "", "FK\(i % 7) ", "档案\(i % 5)"])
            let zhlx = one(&d, ["5", "9", "8", "05", "-1"]), kmfs = one(&d, ["9", "10", "99", "11", "09", "1"]), kmzt = one(&d, ["1", "2", "3", " 1"])
            let crlx = pick(&d, 1), t = pick(&d, 2), other = one(&d, ["", "2026-05-01 07:00:00", "bad"])
            var row = [ry, dabh, zhlx, kmfs, kmzt, crlx, one(&d, ["D1", ""]), crlx == "2" ? other : t, crlx == "2" ? t : other, pick(&d, 3), pick(&d, 0), "测试张三"]
            if d.next(40) == 0 { row.removeLast() }
            if d.next(60) == 0 { row.append("x") }
            text += row.joined(separator: ",") + (d.next(10) == 0 ? "\r\n" : "\n")
        }
        let path = dir.appendingPathComponent("p.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let codes = try CommunityCodes.load(), reading = AccessReading(communities: ["TJ01", "TJ02"])
        let fast = try PersonAccessLoader.fold(path: path, shown: "p.csv", codes: codes, reading: reading, clock: clock, progress: nil)
        let slow = try PersonAccessLoader.fold(path: path, shown: "p.csv", codes: codes, reading: reading, clock: clock, progress: nil, inPlace: false)
        XCTAssertGreaterThan(fast.outcome.loaded, 300)
        XCTAssertGreaterThan(fast.outcome.rejects.count, 300)
        assertSame(fast, slow)
    }

    func testVehiclesAgreeOnBothPaths() throws {
        var d = Dice(s: 20260531)
        var text = "cphm,tclx,crlx,sbbm,jrsj,lksj,txqk,sfbxq,ptzcm,clpp,cllx,czxm\n"
        let plates = ["津B10045", "津B99945", "京AD12345", "AB123", "津A1234", "津 A12345", "津A***45", "WJ12345678", "津A12345678",
                      "津a12345", "津Ａ12345", "津A12345\u{301}", "", " 津B10045"]
        for _ in 0..<4000 {
            let crlx = pick(&d, 1), t = pick(&d, 2), other = one(&d, ["", "2026-05-01 07:00:00", "bad"])
            var row = [d.next(2) == 0 ? plates[d.next(3)] : plates[d.next(plates.count)], one(&d, ["1", "0", "2", "3", ""]), crlx, one(&d, ["D1", "", " "]),
                       crlx == "2" ? other : t, crlx == "2" ? t : other, one(&d, ["1", "0", "2", " 1"]), one(&d, ["0", "1", "", "2", "00", "\t0"]), pick(&d, 0),
                       one(&d, ["", "-1", "0", "28", "29"]), one(&d, ["", "14", "99", "13", "07"]), "测试赵六"]
            if d.next(50) == 0 { row.removeLast() }
            text += row.joined(separator: ",") + "\n"
        }
        let path = dir.appendingPathComponent("v.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let codes = try CommunityCodes.load(), reading = AccessReading(communities: ["TJ01", "TJ02"])
        let hash = KeyedHash(key: [UInt8](repeating: 7, count: 32))
        let fast = try VehicleAccessLoader.fold(path: path, shown: "v.csv", codes: codes, reading: reading, clock: clock, hash: hash, progress: nil)
        let slow = try VehicleAccessLoader.fold(path: path, shown: "v.csv", codes: codes, reading: reading, clock: clock, hash: hash, progress: nil, inPlace: false)
        XCTAssertGreaterThan(fast.outcome.loaded, 300)
        XCTAssertGreaterThan(fast.tally.strangers.count, 3)
        assertSame(fast, slow)
    }

    func assertSame(_ a: (tally: AccessTally, outcome: CSVTableLoader.Outcome, parts: Int),
                    _ b: (tally: AccessTally, outcome: CSVTableLoader.Outcome, parts: Int), file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.tally.hours, b.tally.hours, file: file, line: line)
        XCTAssertEqual(a.tally.methods.mapValues { [$0.opens, $0.failures] }, b.tally.methods.mapValues { [$0.opens, $0.failures] }, file: file, line: line)
        XCTAssertEqual(a.tally.strangers.mapValues { $0.sorted() }, b.tally.strangers.mapValues { $0.sorted() }, file: file, line: line)
        XCTAssertEqual(a.tally.plates, b.tally.plates, file: file, line: line)
        XCTAssertEqual(a.outcome.loaded, b.outcome.loaded, file: file, line: line)
        XCTAssertEqual(a.outcome.dataRows, b.outcome.dataRows, file: file, line: line)
        XCTAssertEqual(a.outcome.rejects.sorted { ($0.line ?? 0) < ($1.line ?? 0) }, b.outcome.rejects.sorted { ($0.line ?? 0) < ($1.line ?? 0) }, file: file, line: line)
    }
}
