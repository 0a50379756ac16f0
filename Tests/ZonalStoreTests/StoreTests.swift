import XCTest
@testable import ZonalStore
import ZonalGeo

final class StoreTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    let schema = TableSchema(name: "things", columns: [TableColumn("code", .text)], geometry: .multiPolygon)
    let square = Shape.multiPolygon([Polygon(exterior: [Coordinate(116, 39), Coordinate(116, 40), Coordinate(117, 40), Coordinate(117, 39)])])

    func testGeometryColumnsAreSRID4490WithASpatialIndex() throws {
        let store = try Store(path: dir.appendingPathComponent("s.sqlite").path)
        try store.inserter(schema).insert([.text("A")], shape: square)
        let row = try store.db.rows("SELECT srid, geometry_type, spatial_index_enabled FROM geometry_columns WHERE f_table_name = 'things'")
        XCTAssertEqual(row.first, [.integer(4490), .integer(6), .integer(1)])
        XCTAssertEqual(try store.db.scalar("SELECT ST_Area(geom) FROM things"), .real(1.0))
        XCTAssertEqual(try store.db.scalar("SELECT count(*) FROM idx_things_geom"), .integer(1))
    }

    func testAFailedStepRollsBackAndAFailedRunLeavesTheStoreAsItWas() throws {
        let store = try Store(path: dir.appendingPathComponent("s.sqlite").path)
        try store.inserter(schema).insert([.text("kept")], shape: square)
        try store.beginRun()
        struct Boom: Error {}
        XCTAssertThrowsError(try store.step("load") {
            try store.inserter(schema).insert([.text("gone")], shape: square)
            throw Boom()
        })
        XCTAssertEqual(try store.count("things"), 1)
        try store.step("load2") { try store.deleteRows("things") }
        XCTAssertEqual(try store.count("things"), 0)
        store.rollbackRun()
        XCTAssertEqual(try store.db.rows("SELECT code FROM things"), [[.text("kept")]])
    }

    func testSecondLockerIsToldWhoHoldsTheStore() throws {
        let path = dir.appendingPathComponent("s.sqlite").path
        guard case .acquired(let first) = try StoreLock.acquire(storePath: path, holder: "job a (pid 1)", waitSeconds: 0) else {
            return XCTFail("first lock must be acquired")
        }
        let start = Date()
        guard case .busy(let who) = try StoreLock.acquire(storePath: path, holder: "job b", waitSeconds: 0.3) else {
            return XCTFail("second lock must be refused")
        }
        XCTAssertEqual(who.text, "job a (pid 1)")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.3)
        withExtendedLifetime(first) {}
    }
}
