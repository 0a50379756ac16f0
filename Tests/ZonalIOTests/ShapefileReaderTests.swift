import XCTest
@testable import ZonalIO
import ZonalGeo

/// Encoding triage on real files: the Beijing sample's three DBFs are GBK and
/// tell it three different ways (.cpg "GBK", .cpg "CP936", language-driver
/// byte 0x4D); UTF-8 files are written here with ShapefileWriter.
final class ShapefileReaderTests: XCTestCase {
    static let fences = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Datasets/beijing/fences").standardizedFileURL

    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-shp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func copyLayer(_ name: String, skipping: Set<String> = []) throws -> String {
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] where !skipping.contains(ext) {
            let src = Self.fences.appendingPathComponent("\(name).\(ext)")
            if FileManager.default.fileExists(atPath: src.path) {
                try FileManager.default.copyItem(at: src, to: dir.appendingPathComponent("\(name).\(ext)"))
            }
        }
        return dir.appendingPathComponent("\(name).shp").path
    }

    func testGBKFromCpgGBK() throws {
        let r = try ShapefileReader(path: Self.fences.appendingPathComponent("MANAGEMENT.shp").path)
        XCTAssertEqual(r.encoding, .gbk)
        XCTAssertEqual(r.encodingDecidedBy, ".cpg says GBK")
        XCTAssertEqual(try r.feature(0).attributes["NAME"]?.hasSuffix("入栏管理区"), true)
        XCTAssertEqual(r.count, 34)
    }

    func testGBKFromCpgCP936() throws {
        let r = try ShapefileReader(path: Self.fences.appendingPathComponent("NOPARKING.shp").path)
        XCTAssertEqual(r.encodingDecidedBy, ".cpg says CP936")
        XCTAssertEqual(try r.feature(0).attributes["NAME"]?.hasSuffix("禁停区"), true)
    }

    func testGBKFromLanguageDriverByte() throws {
        let r = try ShapefileReader(path: Self.fences.appendingPathComponent("PARKING.shp").path)
        XCTAssertEqual(r.encoding, .gbk)
        XCTAssertEqual(r.encodingDecidedBy, "DBF language driver byte 0x4D (code page 936, GBK)")
        XCTAssertEqual(try r.feature(1).attributes["NAME"], "王府井停车点")
    }

    func testGBKByTrialWhenNothingSaysSo() throws {
        let path = try copyLayer("PARKING")
        let dbf = dir.appendingPathComponent("PARKING.dbf")
        var bytes = try Data(contentsOf: dbf)
        bytes[29] = 0
        try bytes.write(to: dbf)
        let r = try ShapefileReader(path: path)
        XCTAssertEqual(r.encodingDecidedBy, "no .cpg or language driver; text is not valid UTF-8, so GBK")
        XCTAssertEqual(try r.feature(1).attributes["NAME"], "王府井停车点")
    }

    func writeUTF8Layer(keepCpg: Bool) throws -> String {
        let path = dir.appendingPathComponent("U.shp").path
        let w = try ShapefileWriter(path: path, point: false, header: ["CODE", "NAME"], sample: [.text(""), .text("")], textWidths: [20, 80])
        try w.write(cells: [.text("TFQ1101010010001"), .text("东城区东华门街道金鱼胡同停放区")],
                    shape: .multiPolygon([Polygon(exterior: [Coordinate(116.41, 39.914), Coordinate(116.4101, 39.914), Coordinate(116.4101, 39.9141), Coordinate(116.41, 39.9141)])]))
        w.close()
        if !keepCpg { try FileManager.default.removeItem(atPath: dir.appendingPathComponent("U.cpg").path) }
        return path
    }

    func testUTF8FromCpgAndByTrial() throws {
        let withCpg = try ShapefileReader(path: try writeUTF8Layer(keepCpg: true))
        XCTAssertEqual(withCpg.encoding, .utf8)
        XCTAssertEqual(withCpg.encodingDecidedBy, ".cpg says UTF-8")
        XCTAssertEqual(try withCpg.feature(0).attributes["NAME"], "东城区东华门街道金鱼胡同停放区")
        let f = try withCpg.feature(0)
        XCTAssertEqual(f.shape?.polygons.first?.exterior.count, 5)
        XCTAssertEqual(try CRSCatalog.identify(prj: withCpg.prjText ?? "").epsg, 4490)
    }

    func testUTF8ByTrial() throws {
        let r = try ShapefileReader(path: try writeUTF8Layer(keepCpg: false))
        XCTAssertEqual(r.encodingDecidedBy, "no .cpg or language driver; text is valid UTF-8")
        XCTAssertEqual(try r.feature(0).attributes["NAME"], "东城区东华门街道金鱼胡同停放区")
    }

    func testLyingCpgNamesRecordFieldAndFix() throws {
        let path = try copyLayer("PARKING")
        try "UTF-8".write(to: dir.appendingPathComponent("PARKING.cpg"), atomically: true, encoding: .utf8)
        let r = try ShapefileReader(path: path, displayName: "fences/PARKING.shp")
        XCTAssertThrowsError(try r.feature(0)) { e in
            let err = e as! InputError
            XCTAssertEqual(err.file, "fences/PARKING.dbf")
            XCTAssertEqual(err.line, 1)
            XCTAssertEqual(err.field, "NAME")
            XCTAssertTrue(err.reason.contains("are not valid UTF-8 text (encoding chosen by .cpg says UTF-8)"), err.reason)
        }
    }

    func testMissingShxAndTruncatedShp() throws {
        let noShx = try copyLayer("PARKING", skipping: ["shx"])
        XCTAssertThrowsError(try ShapefileReader(path: noShx, displayName: "PARKING.shp")) { e in
            XCTAssertTrue("\(e)".hasPrefix("PARKING.shp: the index file PARKING.shx is missing"), "\(e)")
        }
        try FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = try copyLayer("PARKING")
        let shp = URL(fileURLWithPath: path)
        let data = try Data(contentsOf: shp)
        try data.prefix(data.count - 100).write(to: shp)
        let r = try ShapefileReader(path: path, displayName: "PARKING.shp")
        XCTAssertNoThrow(try r.feature(0))
        XCTAssertThrowsError(try r.feature(r.count - 1)) { e in
            let err = e as! InputError
            XCTAssertEqual(err.line, 305)
            XCTAssertEqual(err.field, "geometry")
            XCTAssertTrue(err.reason.contains("truncated"), err.reason)
        }
    }

    func testRingsAreAssembledIntoExteriorsAndHoles() {
        let outer = [Coordinate(0, 0), Coordinate(0, 10), Coordinate(10, 10), Coordinate(10, 0), Coordinate(0, 0)]  // clockwise
        let hole = [Coordinate(2, 2), Coordinate(4, 2), Coordinate(4, 4), Coordinate(2, 4), Coordinate(2, 2)]        // counter-clockwise
        let other = [Coordinate(20, 0), Coordinate(20, 1), Coordinate(21, 1), Coordinate(21, 0), Coordinate(20, 0)]
        let polys = ShapefileReader.assemble([outer, hole, other])
        XCTAssertEqual(polys.count, 2)
        XCTAssertEqual(polys[0].holes, [hole])
        XCTAssertEqual(polys[1].exterior, other)
    }
}
