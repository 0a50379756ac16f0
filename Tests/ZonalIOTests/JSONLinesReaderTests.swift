import Foundation
import XCTest
@testable import ZonalIO

final class JSONLinesReaderTests: TemporaryDirectoryTestCase {

    private func readAll(_ reader: JSONLinesReader) throws -> [Result<JSONLinesObject, InputError>] {
        var out: [Result<JSONLinesObject, InputError>] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    /// The message for a one-line file holding `line`, or "ok".
    private func problem(_ line: String) throws -> String {
        try problem(Array(line.utf8))
    }

    private func problem(_ bytes: [UInt8]) throws -> String {
        let results = try readAll(JSONLinesReader(path: try file("one.jsonl", bytes), displayName: "r.jsonl"))
        XCTAssertEqual(results.count, 1)
        switch results.first {
        case .failure(let p): return "\(p)"
        default: return "ok"
        }
    }

    /// The fields of a one-line file holding `line`.
    private func fields(_ line: String) throws -> [(key: String, value: JSONScalar)] {
        let results = try readAll(JSONLinesReader(path: try file("one.jsonl", line)))
        guard results.count == 1, case .success(let object) = results[0] else {
            XCTFail("not one object: \(results)")
            return []
        }
        return object.fields
    }

    // MARK: well-formed lines

    func testTheThreeRequestBodiesOfSeed004() throws {
        let text = """
        {"mineId":"140121000001","cameraId":"10","aiTypeCode":"01","inWellNumber":3,"time":"2026-05-01 08:00:00"}
        {"mineId":"140121000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:05:00"}

        {"mineId":"140121000001","cameraId":"10","liveUrl":"127.0.0.1:33390","time":"2026-05-01 08:00:00"}
        """
        let results = try readAll(JSONLinesReader(path: try file("reports.jsonl", text)))
        let objects = try results.map { try $0.get() }
        XCTAssertEqual(objects.map(\.line), [1, 2, 4])
        XCTAssertEqual(objects[0].fields.map(\.key), ["mineId", "cameraId", "aiTypeCode", "inWellNumber", "time"])
        XCTAssertEqual(objects[0]["inWellNumber"], .number(raw: "3", value: 3))
        XCTAssertEqual(objects[0]["aiTypeCode"], .string("01"))
        XCTAssertEqual(objects[1].fields.map(\.key), ["mineId", "cameraId", "alarm", "time"])
        XCTAssertEqual(objects[1]["alarm"]?.text, "1")
        XCTAssertEqual(objects[1]["time"], .string("2026-05-01 08:05:00"))
        XCTAssertNil(objects[1]["aiTypeCode"])
        XCTAssertEqual(objects[2]["liveUrl"], .string("127.0.0.1:33390"))
        XCTAssertEqual(objects[2]["mineId"]?.text, "140121000001")
    }

    /// Read in place, a plain line gives the same keys and values as the
    /// full parse; any other line falls back to it, with the same result.
    func testReadingInPlaceAgreesWithTheFullParse() throws {
        let lines = [
            #"{"mineId":"140421007866","cameraId":"10","alarm":1,"time":"2026-05-01 08:00:00"}"#,
            #"  { "time" : "2026-05-01 08:05:00" , "alarm":0,"cameraId":"10","mineId":140421007866 }  "#,
            #"{"a":true,"b":false,"c":null,"d":-12,"e":0,"f":""}"#,
            #"{}"#,
            #"{"mineId":"1404\u0032","alarm":1}"#,           // an escape: full parse
            #"{"name":"山西","alarm":1}"#,                    // not ASCII: full parse
            #"{"x":1.5,"y":1e3,"z":007}"#,                   // not whole numbers / leading zeros: full parse
            #"{"alarm":1,"alarm":0}"#,                       // duplicate key: the full parse's error
            #"{"alarm":1,}"#,                                // trailing comma: the full parse's error
            #"{"nested":{"a":1}}"#,
            #"not json"#,
        ]
        let path = try file("raw.jsonl", lines.joined(separator: "\n"))
        let full = try readAll(JSONLinesReader(path: path))
        let reader = try JSONLinesReader(path: path)
        for k in ["mineId", "cameraId", "alarm", "time", "a", "b", "c", "d", "e", "f"] { _ = reader.keyID(k) }
        var keys: [String: Int] = [:]
        for k in ["mineId", "cameraId", "alarm", "time", "a", "b", "c", "d", "e", "f"] { keys[k] = reader.keyID(k) }
        let names = Dictionary(keys.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var inPlace: [Int] = [], results: [Result<JSONLinesObject, InputError>] = []
        while let step = try reader.nextRaw({ o in
            // Rebuild what the full parse gives, from the bytes.
            var fields: [(key: String, value: JSONScalar)] = []
            for i in 0..<o.count {
                let v = o.value(at: i), text = String(decoding: v.bytes, as: UTF8.self)
                let value: JSONScalar
                switch v.kind {
                case .string: value = .string(text)
                case .number: value = .number(raw: text, value: Double(text)!)
                case .bool: value = .bool(text == "true")
                case .null: value = .null
                }
                fields.append((names[o.key(at: i)]!, value))
            }
            results.append(.success(JSONLinesObject(line: o.line, fingerprint: o.fingerprint, fields: fields)))
            inPlace.append(o.line)
            return true
        }) {
            if case .parsed(let r) = step { results.append(r) }
        }
        XCTAssertEqual(inPlace, [1, 2, 3, 4])
        XCTAssertEqual(results.count, full.count)
        for (a, b) in zip(results, full) {
            switch (a, b) {
            case (.success(let x), .success(let y)): XCTAssertEqual(x, y)
            case (.failure(let x), .failure(let y)): XCTAssertEqual(x, y)
            default: XCTFail("\(a) vs \(b)")
            }
        }
        // A visitor that declines gets the full parse.
        let declined = try JSONLinesReader(path: path)
        var parsed = 0
        while let step = try declined.nextRaw({ _ in false }) { if case .parsed = step { parsed += 1 } }
        XCTAssertEqual(parsed, full.count)
    }

    func testEscapesAndSurrogatePairsDecodeExactly() throws {
        let f = try fields(#"{"s":"\"\\\/\b\f\n\r\t\u00e9\u4E2D\ud83d\ude00 end","k\u0041":"\u0000"}"#)
        XCTAssertEqual(f.count, 2)
        XCTAssertEqual(f[0].value, .string("\"\\/\u{08}\u{0C}\n\r\t\u{E9}中😀 end"))
        XCTAssertEqual(f[1].key, "kA")
        XCTAssertEqual(f[1].value, .string("\u{0}"))
    }

    func testUTF8TextAsWritten() throws {
        let f = try fields(#"{"名称":"东城区 𠀋","note":""}"#)
        XCTAssertEqual(f.map(\.key), ["名称", "note"])
        XCTAssertEqual(f[0].value, .string("东城区 𠀋"))
        XCTAssertEqual(f[1].value, .string(""))
    }

    func testNumbersKeepTheirTextAndValue() throws {
        let f = try fields(#"{"a":3,"b":3.0,"c":-0,"d":1E2,"e":12345678901234567890,"f":0.1,"g":-12.5e-1,"h":140121000001}"#)
        XCTAssertEqual(f.map(\.value), [
            .number(raw: "3", value: 3), .number(raw: "3.0", value: 3), .number(raw: "-0", value: 0),
            .number(raw: "1E2", value: 100), .number(raw: "12345678901234567890", value: 12345678901234567890),
            .number(raw: "0.1", value: 0.1), .number(raw: "-12.5e-1", value: -1.25),
            .number(raw: "140121000001", value: 140121000001),
        ])
        if case .number(_, let zero) = f[2].value { XCTAssertEqual(zero.sign, .minus) }
    }

    func testLiteralsEmptyObjectAndSpaces() throws {
        XCTAssertEqual(try fields(" \t{ \"t\" : true ,\"f\":false,\t\"n\":null } \t").map(\.value), [.bool(true), .bool(false), .null])
        XCTAssertEqual(try fields("{}").count, 0)
        XCTAssertEqual(try fields("{ }").count, 0)
        XCTAssertEqual(JSONScalar.null.text, nil)
        XCTAssertEqual(JSONScalar.bool(false).text, "false")
    }

    func testLinesOfOnlySpacesAreSkippedButCounted() throws {
        let results = try readAll(JSONLinesReader(path: try file("s.jsonl", "  \n\t\n{\"a\":1}\r\n")))
        XCTAssertEqual(results.count, 1)
        XCTAssertEqual(try results[0].get().line, 3)
    }

    /// Keys are interned; reordered keys, new keys and more keys than the
    /// intern table holds must still come out right.
    func testKeysStayRightWhenTheyChangeOrderOrOverflowTheInternTable() throws {
        let many = (0..<70).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let text = """
        {"a":1,"b":2}
        {"b":3,"a":4,"c":5}
        {"\(String(repeating: "x", count: 20))":1,"a":2}
        {\(many)}
        {\(many)}
        {\(many),"k69":0}
        {\(many),"k1":0}
        {"a":1,"b":2}
        """
        let results = try readAll(JSONLinesReader(path: try file("k.jsonl", text), displayName: "k.jsonl"))
        XCTAssertEqual(try results[0].get().fields.map(\.key), ["a", "b"])
        XCTAssertEqual(try results[1].get().fields.map(\.key), ["b", "a", "c"])
        XCTAssertEqual(try results[1].get()["a"], .number(raw: "4", value: 4))
        XCTAssertEqual(try results[2].get().fields.map(\.key), [String(repeating: "x", count: 20), "a"])
        for r in results[3...4] {
            let o = try r.get()
            XCTAssertEqual(o.fields.map(\.key), (0..<70).map { "k\($0)" })
            XCTAssertEqual(o["k69"], .number(raw: "69", value: 69))
        }
        // k69 is past the intern table, k1 in it: both duplicates are found.
        guard case .failure(let late) = results[5], case .failure(let early) = results[6] else { return XCTFail("\(results)") }
        XCTAssertEqual("\(late)", "k.jsonl line 6 field k69: the key appears twice (at bytes \(many.utf8.count - 6) and \(many.utf8.count + 3))")
        XCTAssertEqual(early.field, "k1")
        XCTAssertEqual(try results[7].get().fields.map(\.key), ["a", "b"])
    }

    /// Same bytes, same fingerprint, whatever the line ending; one space
    /// more is another line.
    func testExactDuplicateLinesShareAFingerprint() throws {
        let heartbeat = #"{"mineId":"140121000001","cameraId":"10","alarm":1,"time":"2026-05-01 08:05:00"}"#
        let spaced = #"{"mineId":"140121000001", "cameraId":"10","alarm":1,"time":"2026-05-01 08:05:00"}"#
        let text = heartbeat + "\n" + spaced + "\r\n" + heartbeat + "\n\r" + heartbeat
        let objects = try readAll(JSONLinesReader(path: try file("d.jsonl", text))).map { try $0.get() }
        XCTAssertEqual(objects.count, 4)
        XCTAssertEqual(objects[0].fingerprint, objects[2].fingerprint)
        XCTAssertEqual(objects[0].fingerprint, objects[3].fingerprint)
        XCTAssertNotEqual(objects[0].fingerprint, objects[1].fingerprint)
        XCTAssertEqual(objects[0].fingerprint, LineFingerprint(low: 0xbd64_5b89_f605_9a6c, high: 0xd547_c224_2055_2e81))
        XCTAssertEqual(Set(objects.map(\.fingerprint)).count, 2)
    }

    func testGzipAndTinyChunksReadTheSame() throws {
        var text = ""
        for i in 0..<3000 {
            text += #"{"mineId":"1401210000\#(i % 100)","cameraId":"\#(i % 7)","alarm":\#(i % 2),"time":"2026-05-01 08:05:00"}"#
            text += i % 2 == 0 ? "\r\n" : "\n"
            if i % 500 == 0 { text += "{bad}\n" }
        }
        let plain = try file("m.jsonl", text)
        func summary(_ reader: JSONLinesReader) throws -> [String] {
            try readAll(reader).map { r in
                switch r {
                case .success(let o): return "\(o.line) \(o.fields.map { "\($0.key)=\($0.value.text ?? "null")" }.joined(separator: " "))"
                case .failure(let p): return "\(p)"
                }
            }
        }
        let expected = try summary(JSONLinesReader(path: plain, displayName: "m.jsonl"))
        XCTAssertEqual(expected.count, 3006)
        XCTAssertEqual(expected[1], "m.jsonl line 2: expected a key in double quotes at byte 2, found 'b'")
        XCTAssertEqual(try summary(JSONLinesReader(path: try gzipped(plain), displayName: "m.jsonl")), expected)
        let tiny = try LineReader(path: plain, displayName: "m.jsonl", lineLimit: LineReader.defaultLineLimit, chunkSize: 5)
        XCTAssertEqual(try summary(JSONLinesReader(lines: tiny)), expected)
    }

    // MARK: malformed lines

    func testStructureProblems() throws {
        XCTAssertEqual(try problem("[1,2]"), "r.jsonl line 1: expected '{' at byte 1, found '['; each line must be one JSON object")
        XCTAssertEqual(try problem("  \"a\""), "r.jsonl line 1: expected '{' at byte 3, found '\"'; each line must be one JSON object")
        XCTAssertEqual(try problem(#"{"a":1"#), "r.jsonl line 1 field a: the line ends at byte 6 before the object is closed with '}'")
        XCTAssertEqual(try problem(#"{"a":"#), "r.jsonl line 1 field a: the line ends at byte 5 before the object is closed with '}'")
        XCTAssertEqual(try problem("{"), "r.jsonl line 1: the line ends at byte 1 before the object is closed with '}'")
        XCTAssertEqual(try problem(#"{"a":1,}"#), "r.jsonl line 1: trailing comma before '}' at byte 8")
        XCTAssertEqual(try problem("{a:1}"), "r.jsonl line 1: expected a key in double quotes at byte 2, found 'a'")
        XCTAssertEqual(try problem(#"{"a" 1}"#), "r.jsonl line 1 field a: expected ':' after the key at byte 6, found '1'")
        XCTAssertEqual(try problem(#"{"a":1 "b":2}"#), "r.jsonl line 1 field a: expected ',' or '}' after the value at byte 8, found '\"'")
        XCTAssertEqual(try problem(#"{"a":1} x"#), "r.jsonl line 1: unexpected text after the object at byte 9: 'x'")
        XCTAssertEqual(try problem(#"{"a":1}{"b":2}"#), "r.jsonl line 1: unexpected text after the object at byte 8: '{\"b\":2}'")
        XCTAssertEqual(try problem(#"{"a":}"#), "r.jsonl line 1 field a: expected a value at byte 6, found '}'")
    }

    func testNestedValuesAreRejectedNamingTheKey() throws {
        XCTAssertEqual(try problem(#"{"mineId":"1","loc":{"x":1}}"#),
                       "r.jsonl line 1 field loc: nested objects/arrays are not supported (an object starts at byte 21)")
        XCTAssertEqual(try problem(#"{"ids":[1,2]}"#),
                       "r.jsonl line 1 field ids: nested objects/arrays are not supported (an array starts at byte 8)")
    }

    func testDuplicateKeysAreRejected() throws {
        XCTAssertEqual(try problem(#"{"a":1,"b":2,"a":3}"#), "r.jsonl line 1 field a: the key appears twice (at bytes 2 and 14)")
        // The same key written with an escape is the same key.
        XCTAssertEqual(try problem(#"{"a":1,"\u0061":2}"#), "r.jsonl line 1 field a: the key appears twice (at bytes 2 and 8)")
    }

    func testNonJSONNumbersAreRejected() throws {
        let cases = [
            "01": "'01' at byte 6 is not a JSON number: no leading zeros",
            "-01": "'-01' at byte 6 is not a JSON number: no leading zeros",
            "+1": "'+1' at byte 6 is not a JSON number: no leading '+'",
            ".5": "'.5' at byte 6 is not a JSON number: a digit must come before '.'",
            "1.": "'1.' at byte 6 is not a JSON number: a digit must follow '.'",
            "1.e5": "'1.e5' at byte 6 is not a JSON number: a digit must follow '.'",
            "1e": "'1e' at byte 6 is not a JSON number: the exponent needs digits",
            "1e+": "'1e+' at byte 6 is not a JSON number: the exponent needs digits",
            "-": "'-' at byte 6 is not a JSON number: a digit must follow '-'",
            "NaN": "'NaN' at byte 6 is not a JSON number: NaN and Infinity are not allowed",
            "Infinity": "'Infinity' at byte 6 is not a JSON number: NaN and Infinity are not allowed",
            "-Infinity": "'-Infinity' at byte 6 is not a JSON number: NaN and Infinity are not allowed",
            "0x1F": "'0x1F' at byte 6 is not a JSON number",
            "1.2.3": "'1.2.3' at byte 6 is not a JSON number",
            "1e400": "'1e400' at byte 6 is too large for a number",
        ]
        for (written, reason) in cases {
            XCTAssertEqual(try problem("{\"n\":\(written)}"), "r.jsonl line 1 field n: \(reason)", written)
        }
    }

    func testBareWordsAreRejectedAndQuotedShort() throws {
        XCTAssertEqual(try problem(#"{"s":abc}"#), "r.jsonl line 1 field s: 'abc' at byte 6 is not a JSON value; text needs double quotes")
        XCTAssertEqual(try problem(#"{"b":tru}"#), "r.jsonl line 1 field b: 'tru' at byte 6 is not a JSON value; text needs double quotes")
        XCTAssertEqual(try problem(#"{"b":True}"#), "r.jsonl line 1 field b: 'True' at byte 6 is not a JSON value; text needs double quotes")
        XCTAssertEqual(try problem(#"{"b":nullx}"#), "r.jsonl line 1 field b: 'nullx' at byte 6 is not a JSON value; text needs double quotes")
        let long = String(repeating: "x", count: 100_000)
        XCTAssertEqual(try problem("{\"s\":\(long)}"),
                       "r.jsonl line 1 field s: '\(String(repeating: "x", count: 40))…' at byte 6 is not a JSON value; text needs double quotes")
        XCTAssertEqual(try problem("{\"s\":1} \(long)"),
                       "r.jsonl line 1: unexpected text after the object at byte 9: '\(String(repeating: "x", count: 40))…'")
    }

    func testStringProblems() throws {
        XCTAssertEqual(try problem(#"{"s":"abc}"#), "r.jsonl line 1 field s: the string that starts at byte 6 is not closed with '\"'")
        XCTAssertEqual(try problem(#"{"s":"abc\"#), "r.jsonl line 1 field s: the string that starts at byte 6 is not closed with '\"'")
        XCTAssertEqual(try problem(#"{"s":"a\qb"}"#), #"r.jsonl line 1 field s: invalid escape '\q' at byte 8"#)
        XCTAssertEqual(try problem(#"{"s":"\u12G4"}"#), #"r.jsonl line 1 field s: invalid escape '\u12G4' at byte 7: \u needs 4 hex digits"#)
        XCTAssertEqual(try problem(#"{"s":"\u12"}"#), #"r.jsonl line 1 field s: invalid escape '\u12' at byte 7: \u needs 4 hex digits"#)
        XCTAssertEqual(try problem(#"{"s":"\uD83D"}"#), #"r.jsonl line 1 field s: unpaired surrogate '\uD83D' at byte 7"#)
        XCTAssertEqual(try problem(#"{"s":"\uD83D\u0041"}"#), #"r.jsonl line 1 field s: unpaired surrogate '\uD83D' at byte 7"#)
        XCTAssertEqual(try problem(#"{"s":"x\uDE00"}"#), #"r.jsonl line 1 field s: unpaired surrogate '\uDE00' at byte 8"#)
        XCTAssertEqual(try problem("{\"s\":\"a\tb\"}"), "r.jsonl line 1 field s: control character 0x09 at byte 8 must be escaped inside a string")
        XCTAssertEqual(try problem(#"{"\x":1}"#), #"r.jsonl line 1: invalid escape '\x' at byte 3"#)
    }

    func testInvalidUTF8IsRejectedWhereItIs() throws {
        // 0xC4 0xE3 is "你" in GBK: a file saved from Excel as "ANSI".
        XCTAssertEqual(try problem(Array(#"{"s":"a"#.utf8) + [0xC4, 0xE3] + Array(#""}"#.utf8)),
                       "r.jsonl line 1 field s: invalid UTF-8 at byte 8 (save the file as UTF-8)")
        // An encoded surrogate (ED A0 80) and an overlong "/" (C0 AF) are not UTF-8 either.
        XCTAssertEqual(try problem(Array(#"{"s":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)),
                       "r.jsonl line 1 field s: invalid UTF-8 at byte 7 (save the file as UTF-8)")
        XCTAssertEqual(try problem(Array(#"{""#.utf8) + [0xC0, 0xAF] + Array(#"":1}"#.utf8)),
                       "r.jsonl line 1: invalid UTF-8 at byte 3 (save the file as UTF-8)")
        XCTAssertEqual(try problem([0xFF] + Array(#"{"a":1}"#.utf8)),
                       "r.jsonl line 1: expected '{' at byte 1, found byte 0xFF; each line must be one JSON object")
        XCTAssertEqual(try problem(#"{"a":1,中}"#), "r.jsonl line 1: expected a key in double quotes at byte 8, found '中'")
    }

    func testProblemsCarryTheirLineNumberAndReadingGoesOn() throws {
        let text = "{\"a\":1}\n\n{\"a\":01}\r\n{\"a\":2}\n\r" + "{\"a\":\"" + String(repeating: "y", count: 50) + "\"}\n{\"a\":3}"
        let reader = try JSONLinesReader(path: try file("p.jsonl", text), displayName: "p.jsonl", lineLimit: 40)
        let results = try readAll(reader)
        XCTAssertEqual(results.count, 5)
        XCTAssertEqual(try results[0].get().line, 1)
        XCTAssertEqual(results[1], .failure(InputError(file: "p.jsonl", line: 3, field: "a", reason: "'01' at byte 6 is not a JSON number: no leading zeros")))
        XCTAssertEqual(try results[2].get().line, 4)
        XCTAssertEqual(results[3], .failure(InputError(file: "p.jsonl", line: 5,
                                                        reason: "is 58 bytes long, over the 40-byte limit for one line; the line was skipped")))
        XCTAssertEqual(try results[4].get()["a"], .number(raw: "3", value: 3))
        XCTAssertEqual(try results[4].get().line, 6)
    }

    func testFolderIsNotAFile() throws {
        XCTAssertThrowsError(try JSONLinesReader(path: dir.path, displayName: "mine_reports")) { error in
            XCTAssertEqual("\(error)", "mine_reports: is a folder, not a file; give the path of a regular file")
        }
    }

    // MARK: speed

    /// Prints lines/s for a million ~92-byte request bodies. Not a timed
    /// assertion (machines differ): run `bash bench/jsonl.sh`, which sets
    /// ZONAL_BENCH=1 and builds in release mode.
    func testBenchmarkMillionLines() throws {
        guard ProcessInfo.processInfo.environment["ZONAL_BENCH"] == "1" else {
            throw XCTSkip("set ZONAL_BENCH=1 to run (bench/jsonl.sh)")
        }
        let count = 1_000_000
        let path = dir.appendingPathComponent("bench.jsonl").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var chunk = ""
        var bytes = 0
        for i in 0..<count {
            let time = String(format: "2026-05-01 %02d:%02d:%02d", i / 3600 % 24, i / 60 % 60, i % 60)
            if i % 2 == 0 {
                chunk += #"{"mineId":"1401210000\#(10 + i % 90)","cameraId":"\#(10 + i % 20)","alarm":1,"time":"\#(time)"}"# + "\n"
            } else {
                chunk += #"{"mineId":"1401210000\#(10 + i % 90)","cameraId":"\#(10 + i % 20)","aiTypeCode":"01","inWellNumber":\#(i % 50),"time":"\#(time)"}"# + "\n"
            }
            if chunk.utf8.count > 1 << 20 { bytes += chunk.utf8.count; out.write(Data(chunk.utf8)); chunk = "" }
        }
        bytes += chunk.utf8.count
        out.write(Data(chunk.utf8))
        try out.close()

        var best = Double.infinity
        for _ in 0..<3 {
            let reader = try JSONLinesReader(path: path)
            let started = DispatchTime.now().uptimeNanoseconds
            var objects = 0, fields = 0
            while let r = try reader.next() {
                if case .success(let o) = r { objects += 1; fields += o.fields.count }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            XCTAssertEqual(objects, count)
            XCTAssertEqual(fields, count / 2 * 4 + count / 2 * 5)
            best = min(best, seconds)
        }
        print(String(format: "JSON Lines: %d lines (%.1f MB, %.0f bytes a line) in %.3f s: %.0f lines/s, %.0f MB/s",
                     count, Double(bytes) / 1e6, Double(bytes) / Double(count), best, Double(count) / best, Double(bytes) / 1e6 / best))
    }
}
