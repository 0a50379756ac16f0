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
        try store.beginRun()
        try store.inserter(schema).insert([.text("A")], shape: square)
        try store.commitRun()
        let row = try store.db.rows("SELECT srid, geometry_type, spatial_index_enabled FROM geometry_columns WHERE f_table_name = 'things'")
        XCTAssertEqual(row.first, [.integer(4490), .integer(6), .integer(1)])
        XCTAssertEqual(try store.db.scalar("SELECT ST_Area(geom) FROM things"), .real(1.0))
        XCTAssertEqual(try store.db.scalar("SELECT count(*) FROM idx_things_geom"), .integer(1))
    }

    /// Rows bound by position go in whole and in order, across the
    /// multi-row statements (64 rows each here) and the rows left over;
    /// what a row does not bind is NULL, never the previous row's value.
    func testBulkInsertKeepsEveryRowInOrder() throws {
        let store = try Store(path: dir.appendingPathComponent("s.sqlite").path)
        let table = TableSchema(name: "reads", columns: [TableColumn("n", .integer), TableColumn("label", .text), TableColumn("x", .real)])
        try store.beginRun()
        let count = 64 * 2 + 5
        try store.inserter(table).insert(count: count) { b, k in
            try b.int(1, Int64(k * 3))
            if k % 2 == 0 { try b.text(2, "r\(k)") }
            try b.real(3, Double(k) / 4)
        }
        try store.commitRun()
        let rows = try store.db.rows("SELECT n, label, x FROM reads ORDER BY fid")
        XCTAssertEqual(rows.count, count)
        for (k, row) in rows.enumerated() {
            XCTAssertEqual(row, [.integer(Int64(k * 3)), k % 2 == 0 ? .text("r\(k)") : .null, .real(Double(k) / 4)], "row \(k)")
        }
    }

    /// A bulk replace drops SpatiaLite's per-row insert triggers for its
    /// inserts and puts them back; a shape of the wrong type is refused by
    /// the inserter instead.
    func testBulkReplaceKeepsTheGeometryTriggersAndChecksTypes() throws {
        let store = try Store(path: dir.appendingPathComponent("s.sqlite").path)
        try store.beginRun()
        try store.replaceRows(schema) { ins in try ins.insert(rows: [[.text("A")], [.text("B")]], shapes: [square, square]) }
        let triggers = try store.db.rows("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'things' ORDER BY name").compactMap { $0[0].text }
        XCTAssertEqual(triggers.filter { $0.hasPrefix("ggi_") || $0.hasPrefix("tmi_") }, ["ggi_things_geom", "tmi_things_geom"])
        XCTAssertEqual(try store.db.scalar("SELECT count(*) FROM idx_things_geom"), .integer(2))
        XCTAssertNotEqual(try store.db.scalar("SELECT last_insert FROM geometry_columns_time WHERE f_table_name = 'things'"), .null)
        // As a run does it: in a step, whose failure rolls the replace back.
        XCTAssertThrowsError(try store.step("bad") { try store.replaceRows(schema) { ins in try ins.insert([.text("P")], shape: .point(Coordinate(116, 39))) } }) { error in
            XCTAssertEqual("\(error)", "store: a POINT cannot go into things.geom, a MULTIPOLYGON column")
        }
        try store.commitRun()
        // Outside a bulk replace SpatiaLite's own trigger still guards the column.
        XCTAssertThrowsError(try store.db.run("INSERT INTO things (code, geom) VALUES ('Q', MakePoint(116, 39, 4490))"))
        XCTAssertEqual(try store.db.scalar("SELECT count(*) FROM things"), .integer(2))
    }

    func testAFailedStepRollsBackAndAFailedRunLeavesTheStoreAsItWas() throws {
        let store = try Store(path: dir.appendingPathComponent("s.sqlite").path)
        try store.beginRun()
        try store.inserter(schema).insert([.text("kept")], shape: square)
        try store.commitRun()
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

    /// A store carries Zonal's mark; any other SQLite file is refused before
    /// anything is written, and so is a file that is not SQLite at all.
    func testOnlyZonalStoresAreOpened() throws {
        let foreign = dir.appendingPathComponent("theirs.sqlite").path
        let db = try Database(path: foreign)
        try db.execute("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('keep me')")
        try db.close()
        XCTAssertThrowsError(try Store(path: foreign)) { e in
            XCTAssertEqual("\(e)", "store: \(foreign) is an SQLite database that Zonal did not create (it has tables notes); Zonal will not write into it. Choose another path with `store:` in the job or --store, e.g. a new file beside it")
        }
        let text = dir.appendingPathComponent("notes.txt").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        XCTAssertThrowsError(try Store(path: text)) { e in XCTAssertTrue("\(e)".contains("is not an SQLite database"), "\(e)") }
        XCTAssertEqual(try String(contentsOfFile: text, encoding: .utf8), "hello", "untouched")

        // An empty file may become a store; it then carries the mark.
        let empty = dir.appendingPathComponent("empty.sqlite").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let s = try Store(path: empty)
        XCTAssertTrue(s.isNew)
        try s.beginRun(); try s.commitRun(); try s.close()
        let again = try Store(path: empty)
        XCTAssertFalse(again.isNew)
        XCTAssertEqual(try again.db.scalar("PRAGMA application_id").int, Int64(Store.applicationID))
        XCTAssertEqual(try again.db.scalar("SELECT value FROM zonal_store WHERE key = 'created_by'"), .text("zonal"))
    }

    /// A store made by Zonal before the mark existed (it has the run ledger) is still Zonal's.
    func testStoreFromBeforeTheMarkIsAccepted() throws {
        let path = dir.appendingPathComponent("old.sqlite").path
        let db = try Database(path: path)
        try db.execute("CREATE TABLE zonal_runs (run_id INTEGER PRIMARY KEY, job TEXT NOT NULL, status TEXT NOT NULL, started TEXT NOT NULL, ended TEXT, summary TEXT); CREATE TABLE zonal_datasets (dataset TEXT PRIMARY KEY)")
        try db.close()
        let store = try Store(path: path)
        try store.beginRun(); try store.commitRun()
        XCTAssertEqual(try store.db.scalar("PRAGMA application_id").int, Int64(Store.applicationID), "marked at its first run")
    }

    /// A failed first run rolls back the store's creation with everything else.
    func testFailedFirstRunLeavesNoTables() throws {
        let path = dir.appendingPathComponent("new.sqlite").path
        let store = try Store(path: path)
        try store.beginRun()
        XCTAssertTrue(try store.exists("spatial_ref_sys"))
        store.rollbackRun()
        XCTAssertFalse(try store.exists("spatial_ref_sys"))
        XCTAssertFalse(try store.exists("zonal_runs"))
        store.discardNewStore()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
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
