import Foundation
import XCTest
@testable import ZonalIO

/// Reading workbook parts with every declared size bounded: damage is an
/// error naming the part, never a hang (fuzz/run.sh xlsx found one in
/// ZIPFoundation) or a crash.
final class ZipArchiveTests: XCTestCase {
    static let workbook = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Datasets/beijing/fences/PARKING.xlsx")

    func testReadsAWorkbooksParts() throws {
        let z = try ZipArchive(path: Self.workbook.path)
        XCTAssertTrue(z.names.contains("xl/workbook.xml"))
        let xml = try XCTUnwrap(try z.data("xl/workbook.xml"))
        XCTAssertTrue(String(decoding: xml, as: UTF8.self).contains("<sheet "))
        XCTAssertNil(try z.data("no/such/part.xml"))
    }

    /// Every byte flipped in turn, and the file cut at every length: each
    /// part read either comes out whole (CRC-checked) or fails with a reason.
    func testDamageIsAnErrorNeverAHang() throws {
        let good = Array(try Data(contentsOf: Self.workbook))
        let names = try ZipArchive(bytes: good).names
        let wanted = try names.map { try ZipArchive(bytes: good).data($0) }
        for at in stride(from: 0, to: good.count, by: max(1, good.count / 400)) {
            var bad = good
            bad[at] ^= 0x5A
            for cut in [bad, Array(good[0..<at])] {
                guard let z = try? ZipArchive(bytes: cut) else { continue }
                for (k, n) in names.enumerated() {
                    if let d = try? z.data(n) { XCTAssertEqual(d, wanted[k], "byte \(at), part \(n)") }
                }
            }
        }
    }

    func testReasons() throws {
        XCTAssertThrowsError(try ZipArchive(bytes: Array("not a zip at all, just text".utf8))) { XCTAssertEqual("\($0)", "is not a zip archive") }
        var good = Array(try Data(contentsOf: Self.workbook))
        let z = try ZipArchive(bytes: good)
        // Flip a byte inside workbook.xml's deflate data: its CRC or its inflate fails.
        let start = try XCTUnwrap(Self.find(Array("xl/workbook.xml".utf8), in: good))   // the local header's name
        good[start + 40] ^= 0xFF
        XCTAssertThrowsError(try ZipArchive(bytes: good).data("xl/workbook.xml")) {
            XCTAssertTrue("\($0)".hasPrefix("xl/workbook.xml "), "\($0)")
        }
        _ = z
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i + needle.count }
        return nil
    }
}
