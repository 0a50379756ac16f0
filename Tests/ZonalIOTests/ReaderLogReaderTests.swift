import Foundation
import XCTest
@testable import ZonalIO

final class ReaderLogReaderTests: TemporaryDirectoryTestCase {

    private func readAll(_ reader: ReaderLogReader) throws -> [Result<CardRead, InputError>] {
        var out: [Result<CardRead, InputError>] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    /// The message for a one-line log holding `line`, or "ok".
    private func problem(_ line: String) throws -> String {
        let results = try readAll(ReaderLogReader(path: try file("one.log", line), displayName: "finish.log"))
        XCTAssertEqual(results.count, 1, line)
        switch results.first {
        case .failure(let p): return "\(p)"
        default: return "ok"
        }
    }

    /// The reader's own [LF][CR] after each read, as the PC logs it, plus an
    /// empty line: line numbers are the ones an editor shows.
    func testValidLogWithLFCREndingsGivesTheRightLineNumbers() throws {
        let text = "2026-05-01 09:03:12.345 00102:00012\n\r"
            + "2026-05-01 09:03:12 00102:00013\n\r"
            + "\n\r"
            + "2026-05-01 09:03:13.5\t00102:00014\n\r"
            + "  2026-05-01 09:03:14.12   00102:00015  \n\r"
            + "2026-05-01 09:03:15.000 \t 99999:00000"
        let results = try readAll(ReaderLogReader(path: try file("finish.log", text)))
        XCTAssertEqual(try results.map { try $0.get() }, [
            CardRead(line: 1, time: "2026-05-01 09:03:12.345", card: "00102:00012"),
            CardRead(line: 2, time: "2026-05-01 09:03:12", card: "00102:00013"),
            CardRead(line: 4, time: "2026-05-01 09:03:13.5", card: "00102:00014"),
            CardRead(line: 5, time: "2026-05-01 09:03:14.12", card: "00102:00015"),
            CardRead(line: 6, time: "2026-05-01 09:03:15.000", card: "99999:00000"),
        ])
    }

    /// The in-place reading the loader uses finds the same reads and words
    /// the same problems as `next()`, for every shape a line may take.
    func testForEachReadAgreesWithNext() throws {
        let text = "2026-05-01 09:03:12.345 00102:00012\n\r"
            + "2026-05-01 09:03:12 00102:00013\r\n"
            + "  2026-05-01 09:03:14.12   00102:00015  \n"
            + "2026-05-01\t09:03:13.5\t00102:00014\n"
            + "\n"
            + "2026-05-01 09:03:12.345 0102:00012\n"
            + "2026-05-01 09:03:12.3456 00102:00012\n"
            + "00102:00012\n"
            + "2026-05-01 09:03:15.000 99999:00000 extra\n"
            + "2026-05-01 09:03:15.000 \t 99999:00000"
        let path = try file("mixed.log", text)
        var viaNext: [String] = []
        let reader = try ReaderLogReader(path: path)
        while let r = try reader.next() {
            switch r {
            case .success(let read): viaNext.append("\(read.line) \(read.time) \(RaceCard.number(read.card))")
            case .failure(let p): viaNext.append("\(p)")
            }
        }
        var inPlace: [String] = []
        try ReaderLogReader(path: path).forEachRead({ line, time, card in
            inPlace.append("\(line) \(String(decoding: time, as: UTF8.self)) \(card)")
        }, problem: { inPlace.append("\($0)") })
        XCTAssertEqual(inPlace, viaNext)
        XCTAssertEqual(inPlace.count, 9)
        XCTAssertEqual(inPlace.first, "1 2026-05-01 09:03:12.345 10200012")
        XCTAssertEqual(inPlace.last, "10 2026-05-01 09:03:15.000 9999900000")
    }

    /// HID × 100000 + PID, written out by hand.
    private enum RaceCard {
        static func number(_ card: String) -> Int64 {
            let parts = card.split(separator: ":")
            return Int64(parts[0])! * 100_000 + Int64(parts[1])!
        }
    }

    func testGzipLogReadsTheSame() throws {
        var text = ""
        for i in 1...5000 { text += "2026-05-01 09:\(String(format: "%02d:%02d", i / 60 % 60, i % 60)).\(i % 1000) \(String(format: "%05d", i)):00012\n\r" }
        let plain = try file("start.log", text)
        let expected = try readAll(ReaderLogReader(path: plain))
        XCTAssertEqual(expected.count, 5000)
        XCTAssertEqual(try expected.last?.get(), CardRead(line: 5000, time: "2026-05-01 09:23:20.0", card: "05000:00012"))
        XCTAssertEqual(try readAll(ReaderLogReader(path: try gzipped(plain))), expected)
    }

    func testMalformedLinesSayWhatIsWrong() throws {
        let cases = [
            "2026-05-01 09:03:12.345 0102:00012":
                "finish.log line 1 field card: '0102:00012' must be HHHHH:PPPPP, two groups of 5 digits",
            "2026-05-01 09:03:12.345 00102-00012":
                "finish.log line 1 field card: '00102-00012' must be HHHHH:PPPPP, two groups of 5 digits",
            "2026-05-01 09:03:12.345 00102:0001A":
                "finish.log line 1 field card: '00102:0001A' must be HHHHH:PPPPP, two groups of 5 digits",
            "2026-05-01 09:03:12.345 001020:00012":
                "finish.log line 1 field card: '001020:00012' must be HHHHH:PPPPP, two groups of 5 digits",
            "2026-05-01 09:03:12.345":
                "finish.log line 1: no card after the time",
            "2026-05-01 09:03:12.345 \t ":
                "finish.log line 1: no card after the time",
            "00102:00012":
                "finish.log line 1: no time before the card",
            "hello":
                "finish.log line 1: 'hello' is not a time and a card (yyyy-MM-dd HH:mm:ss[.SSS] HHHHH:PPPPP)",
            "2026-05-01 9:03:12 00102:00012":
                "finish.log line 1 field time: '2026-05-01 9:03:12' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "2026-05-01 9:03:12":
                "finish.log line 1 field time: '2026-05-01 9:03:12' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "2026/05/01 09:03:12 00102:00012":
                "finish.log line 1 field time: '2026/05/01 09:03:12' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "2026-05-01T09:03:12 00102:00012":
                "finish.log line 1 field time: '2026-05-01T09:03:12' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "09:03:12.345 00102:00012":
                "finish.log line 1 field time: '09:03:12.345' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "2026-05-01 09:03:12.3456 00102:00012":
                "finish.log line 1 field time: '2026-05-01 09:03:12.3456' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "2026-05-01 09:03:12. 00102:00012":
                "finish.log line 1 field time: '2026-05-01 09:03:12.' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "2026-05-01  09:03:12 00102:00012":
                "finish.log line 1 field time: '2026-05-01  09:03:12' is not yyyy-MM-dd HH:mm:ss[.SSS]",
            "2026-05-01 09:03:12 00102:00012 00102:00013":
                "finish.log line 1: unexpected text after the card: '00102:00013'",
            "2026-05-01 09:03:12 00102 :00012":
                "finish.log line 1 field card: '00102' must be HHHHH:PPPPP, two groups of 5 digits",
        ]
        for (line, message) in cases {
            XCTAssertEqual(try problem(line), message, line)
        }
    }

    func testLongJunkIsQuotedShort() throws {
        let junk = String(repeating: "#", count: 5000)
        XCTAssertEqual(try problem("2026-05-01 09:03:12 \(junk)"),
                       "finish.log line 1 field card: '\(String(repeating: "#", count: 40))…' must be HHHHH:PPPPP, two groups of 5 digits")
    }

    func testProblemsCarryTheirLineNumberAndReadingGoesOn() throws {
        let text = "2026-05-01 09:03:12.345 00102:00012\n\r\n\r2026-05-01 09:03:12.345 0102:00012\n\r2026-05-01 09:03:13 00102:00012\n\r"
        let results = try readAll(ReaderLogReader(path: try file("f.log", text), displayName: "f.log"))
        XCTAssertEqual(results.count, 3)
        XCTAssertEqual(try results[0].get().line, 1)
        XCTAssertEqual(results[1], .failure(InputError(file: "f.log", line: 3, field: "card",
                                                        reason: "'0102:00012' must be HHHHH:PPPPP, two groups of 5 digits")))
        XCTAssertEqual(try results[2].get(), CardRead(line: 4, time: "2026-05-01 09:03:13", card: "00102:00012"))
    }

    func testOverLongLineIsAProblem() throws {
        let text = "2026-05-01 09:03:12 00102:00012\n" + String(repeating: "0", count: 100) + "\n2026-05-01 09:03:13 00102:00012\n"
        let results = try readAll(ReaderLogReader(path: try file("l.log", text), displayName: "l.log", lineLimit: 64))
        XCTAssertEqual(results.count, 3)
        XCTAssertEqual(results[1], .failure(InputError(file: "l.log", line: 2,
                                                        reason: "is 100 bytes long, over the 64-byte limit for one line; the line was skipped")))
        XCTAssertEqual(try results[2].get().line, 3)
    }

    func testFolderIsNotAFile() throws {
        XCTAssertThrowsError(try ReaderLogReader(path: dir.path, displayName: "race_reads")) { error in
            XCTAssertEqual("\(error)", "race_reads: is a folder, not a file; give the path of a regular file")
        }
    }

    /// Prints lines/s for a million reads; see bench/jsonl.sh.
    func testBenchmarkMillionReads() throws {
        guard ProcessInfo.processInfo.environment["ZONAL_BENCH"] == "1" else {
            throw XCTSkip("set ZONAL_BENCH=1 to run (bench/jsonl.sh)")
        }
        let count = 1_000_000
        let line = Array("2026-05-01 09:03:12.345 00102:00012\n\r".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.count * count)
        for _ in 0..<count { bytes += line }
        let path = try file("bench.log", bytes)
        var best = Double.infinity
        for _ in 0..<3 {
            let reader = try ReaderLogReader(path: path)
            let started = DispatchTime.now().uptimeNanoseconds
            var reads = 0
            while let r = try reader.next() { if case .success = r { reads += 1 } }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            XCTAssertEqual(reads, count)
        }
        print(String(format: "reader log: %d lines in %.3f s: %.0f lines/s", count, best, Double(count) / best))
    }
}
