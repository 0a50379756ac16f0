import XCTest
@testable import ZonalCore
@testable import ZonalIO
@testable import ZonalMines

/// Request bodies (seed 004 §5.3) and evidence video names (table 5-25).
final class MineBodiesTests: XCTestCase {
    let clock = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    lazy var decoder = MineBodyDecoder(mines: ["140421007866"], clock: clock)

    func object(_ line: String) -> JSONLinesObject {
        var p = FlatObjectParser()
        let bytes = Array(line.utf8)
        return try! bytes.withUnsafeBufferPointer { p.parse($0, line: 3, file: "r.jsonl") }!.get()
    }
    func decode(_ line: String) -> Result<MineBody, BodyProblem> {
        do throws(BodyProblem) { return .success(try decoder.decode(object(line)).body) } catch { return .failure(error) }
    }
    func problem(_ line: String) -> BodyProblem? { if case .failure(let p) = decode(line) { return p }; return nil }

    func testTheSeedsBodies() {
        let t = clock.parse("2020-09-09 12:00:00")!
        XCTAssertEqual(try decode(#"{"mineId":"140421007866","cameraId":"10","aiTypeCode":"01","inWellNumber":"0001","time":"2020-09-09 12:00:00"}"#).get(),
                       .report(AIReport(mineId: "140421007866", cameraId: "10", type: .persons, count: 1, belt: nil, time: t)))
        XCTAssertEqual(try decode(#"{"mineId":"140421007866","cameraId":"30","aiTypeCode":"02","outMineNumber":"0012","time":"2020-09-09 12:00:00"}"#).get(),
                       .report(AIReport(mineId: "140421007866", cameraId: "30", type: .trucks, count: 12, belt: nil, time: t)))
        XCTAssertEqual(try decode(#"{"mineId":"140421007866","cameraId":"10","aiTypeCode":"03","beltStatus":"0002","time":"2020-09-09 12:00:00"}"#).get(),
                       .report(AIReport(mineId: "140421007866", cameraId: "10", type: .belt, count: nil, belt: .runningEmpty, time: t)))
        XCTAssertEqual(try decode(#"{"mineId":"140421007866","cameraId":"40","aiTypeCode":"06","time":"2020-09-09 12:00:00"}"#).get(),
                       .report(AIReport(mineId: "140421007866", cameraId: "40", type: .dispatchRoomEmpty, count: nil, belt: nil, time: t)))
        XCTAssertEqual(try decode(#"{"mineId":"140421007866","cameraId":"10","alarm":1,"time":"2020-09-09 12:00:00"}"#).get(),
                       .heartbeat(mineId: "140421007866", cameraId: "10", online: true, time: t))
        XCTAssertEqual(try decode(#"{"mineId":"140421007866","cameraId":"10","alarm":"0","time":"2020-09-09 12:00:00"}"#).get(),
                       .heartbeat(mineId: "140421007866", cameraId: "10", online: false, time: t))
        XCTAssertEqual(try decode(#"{"mineId":"140421007866","cameraId":"10","liveUrl":"127.0.0.1:33390","time":"2020-09-09 12:00:00"}"#).get(),
                       .live(mineId: "140421007866", cameraId: "10", url: "127.0.0.1:33390", time: t))
        // Counts sent as JSON numbers are counts; a 12-digit mine code sent as a number keeps its digits.
        XCTAssertEqual(try decode(#"{"mineId":140421007866,"cameraId":"10","aiTypeCode":"01","inWellNumber":5,"time":"2020-09-09 12:00:00"}"#).get(),
                       .report(AIReport(mineId: "140421007866", cameraId: "10", type: .persons, count: 5, belt: nil, time: t)))
    }

    func testBadBodiesNameTheKeyAndWhy() {
        let base = #""mineId":"140421007866","cameraId":"10","time":"2026-05-01 08:00:00""#
        XCTAssertEqual(problem("{\(base),\"aiTypeCode\":\"07\"}")?.field, "aiTypeCode")
        XCTAssertEqual(problem("{\(base),\"aiTypeCode\":\"01\"}"), BodyProblem(field: "inWellNumber", reason: "missing; this body needs inWellNumber"))
        XCTAssertEqual(problem("{\(base),\"aiTypeCode\":\"01\",\"inWellNumber\":\"12\"}")?.reason, "'12' is not a count: 4 digits, 0001 for one (table 5-25)")
        XCTAssertEqual(problem("{\(base),\"aiTypeCode\":\"03\",\"beltStatus\":\"0004\"}")?.field, "beltStatus")
        XCTAssertEqual(problem("{\(base),\"aiTypeCode\":\"04\",\"inWellNumber\":\"0001\"}")?.field, "inWellNumber")
        XCTAssertEqual(problem("{\(base),\"alarm\":2}")?.reason, "'2' is not a camera state: 1 online, 0 offline (table 5-8)")
        XCTAssertEqual(problem("{\(base)}")?.field, nil)
        XCTAssertEqual(problem(#"{"mineId":"140421007899","cameraId":"10","alarm":1,"time":"2026-05-01 08:00:00"}"#),
                       BodyProblem(field: "mineId", reason: "mine 140421007899 is not in mines"))
        XCTAssertEqual(problem(#"{"mineId":"14042100786","cameraId":"10","alarm":1,"time":"2026-05-01 08:00:00"}"#)?.field, "mineId")
        XCTAssertEqual(problem(#"{"mineId":"140421007866","cameraId":"50","alarm":1,"time":"2026-05-01 08:00:00"}"#)?.field, "cameraId")
        XCTAssertEqual(problem(#"{"mineId":"140421007866","cameraId":"1","alarm":1,"time":"2026-05-01 08:00:00"}"#)?.field, "cameraId")
        XCTAssertEqual(problem(#"{"mineId":"140421007866","cameraId":"10","alarm":1,"time":"2026-02-30 08:00:00"}"#)?.field, "time")
        XCTAssertEqual(problem(#"{"mineId":"140421007866","cameraId":"10","alarm":1}"#)?.field, "time")
        XCTAssertEqual(problem(#"{"mineId":"140421007866","cameraId":"10","liveUrl":"","time":"2026-05-01 08:00:00"}"#)?.field, "liveUrl")
    }

    func testUnusedKeysAreReported() throws {
        let d = try decoder.decode(object(#"{"mineId":"140421007866","cameraId":"10","alarm":1,"time":"2026-05-01 08:00:00","remark":"x"}"#))
        XCTAssertEqual(d.unused, ["remark"])
    }

    func testTheSeedsVideoNames() throws {
        let mines: Set<String> = ["140421007866"]
        func decode(_ n: String) throws -> EvidenceVideo { try EvidenceVideo.decode(n, mines: mines, clock: clock) }
        // 5 persons at the auxiliary shaft, 2021-01-04 22:45:15 (seed §5.2 table 5-2).
        var v = try decode("1404210078662001000520210104224515.MP4")
        XCTAssertEqual(v.report, AIReport(mineId: "140421007866", cameraId: "20", type: .persons, count: 5, belt: nil, time: clock.parse("2021-01-04 22:45:15")!))
        XCTAssertEqual(v.report.alarmId(clock), "140421007866200120210104224515")
        v = try decode("1404210078663002000220210105200820.MP4")
        XCTAssertEqual(v.report.count, 2)
        v = try decode("1404210078661003000120210104121546.MP4")
        XCTAssertEqual(v.report.belt, .runningWithCoal)
        v = try decode("140421007866400620210104094515.MP4")
        XCTAssertEqual(v.report.type, .dispatchRoomEmpty)
        XCTAssertEqual(v.report.alarmId(clock), "140421007866400620210104094515")
        XCTAssertEqual(try decode("140421007866200420210104094515.mp4").report.type, .occlusion)   // any case
    }

    func testBadVideoNames() {
        let mines: Set<String> = ["140421007866"]
        func reason(_ n: String) -> String? {
            do throws(BodyProblem) { _ = try EvidenceVideo.decode(n, mines: mines, clock: clock); return nil } catch { return error.reason }
        }
        XCTAssertEqual(reason("140421007866400620210104094515.AVI"), "'140421007866400620210104094515.AVI' is not an evidence video: the name must end in .MP4")
        XCTAssertEqual(reason("14042100786640062021010409451.MP4"), "'14042100786640062021010409451.MP4' is 29 digits; a type 06 video has 30 (mineId 12, cameraId 2, aiTypeCode 2, time 14)")
        XCTAssertEqual(reason("140421007866200120210104224515.MP4"), "'140421007866200120210104224515.MP4' is 30 digits; a type 01 video has 34 (mineId 12, cameraId 2, aiTypeCode 2, count 4, time 14)")
        XCTAssertEqual(reason("140421007866400720210104094515.MP4"), "'140421007866400720210104094515.MP4' has analysis type 07, not 01–06")
        XCTAssertEqual(reason("140421007866400620210230094515.MP4"), "'140421007866400620210230094515.MP4' has time 20210230094515, which is no real time (yyyyMMddHHmmss)")
        XCTAssertEqual(reason("140421007899400620210104094515.MP4"), "'140421007899400620210104094515.MP4' is of mine 140421007899, which is not in mines")
        XCTAssertEqual(reason("1404210078661003000420210104121546.MP4")?.contains("is not a belt state"), true)
        XCTAssertEqual(reason("14042100786640A620210104094515.MP4"), "'14042100786640A620210104094515.MP4' must be digits before .MP4 (mineId, cameraId, aiTypeCode, count, time; table 5-25)")
    }
}
