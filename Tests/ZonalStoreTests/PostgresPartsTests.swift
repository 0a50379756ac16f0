import XCTest
@testable import ZonalStore
import ZonalGeo

/// The PostgreSQL store's parts that need no server: the store URL, SQL
/// placeholders, EWKB, day partitions and bytea. The server itself is
/// exercised end to end in EndToEndTests/PostGISStoreTests.
final class PostgresPartsTests: XCTestCase {

    func testStoreURLKeepsConnectionParametersAndTakesTheSchema() throws {
        let t = try PostgresTarget(url: "postgresql://analyst@db.city.local:5433/platform?schema=bikes_2026&sslmode=require")
        XCTAssertEqual(t.schema, "bikes_2026")
        XCTAssertEqual(t.conninfo, "postgresql://analyst@db.city.local:5433/platform?sslmode=require")
        let d = try PostgresTarget(url: "postgres://analyst@%2Fvar%2Frun%2Fpostgresql/platform")
        XCTAssertEqual(d.schema, "zonal", "no ?schema= means the schema zonal")
        XCTAssertEqual(d.conninfo, "postgres://analyst@%2Fvar%2Frun%2Fpostgresql/platform")
    }

    func testStoreURLWithAPasswordIsRefusedWithoutRepeatingIt() {
        for url in ["postgresql://analyst:s3cret@db/platform", "postgresql://analyst@db/platform?password=s3cret&schema=x"] {
            XCTAssertThrowsError(try PostgresTarget(url: url)) { e in
                let text = "\(e)"
                XCTAssertTrue(text.contains("PGPASSWORD") && text.contains("~/.pgpass"), text)
                XCTAssertFalse(text.contains("s3cret"), "the message must not repeat the password: \(text)")
            }
        }
        // An @ in the path is not a password.
        XCTAssertNoThrow(try PostgresTarget(url: "postgresql://analyst@db:5432/platform"))
    }

    func testSchemaNamesAreLowerCaseIdentifiers() {
        for bad in ["Bikes", "1bikes", "pg_temp", "bikes-2026", "", String(repeating: "a", count: 64)] {
            XCTAssertThrowsError(try PostgresTarget(url: "postgresql://u@h/db?schema=\(bad)"), "schema '\(bad)' must be refused")
        }
        for good in ["_x", "a", "bikes_2026", String(repeating: "a", count: 63)] {
            XCTAssertNoThrow(try PostgresTarget(url: "postgresql://u@h/db?schema=\(good)"), good)
        }
    }

    func testPlaceholdersOutsideQuotesAreNumbered() {
        XCTAssertEqual(PGConnection.numbered("SELECT a FROM t WHERE b = ? AND c = '?' AND \"d?\" = ? LIMIT ?"),
                       "SELECT a FROM t WHERE b = $1 AND c = '?' AND \"d?\" = $2 LIMIT $3")
        XCTAssertEqual(PGConnection.numbered("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1")
    }

    /// EWKB of POINT(116.5 39.25) in SRID 4490, written out by hand from the
    /// PostGIS format: byte order 1, type 1 | 0x20000000, SRID, x, y.
    func testPointEWKBCarriesTheSRID() {
        var expected: [UInt8] = [0x01, 0x01, 0x00, 0x00, 0x20, 0x8A, 0x11, 0x00, 0x00]
        expected += withUnsafeBytes(of: (116.5).bitPattern.littleEndian, Array.init)
        expected += withUnsafeBytes(of: (39.25).bitPattern.littleEndian, Array.init)
        XCTAssertEqual(EWKB.encode(.point(Coordinate(x: 116.5, y: 39.25)), srid: 4490), expected)
    }

    func testMultiPolygonEWKBFlagsOnlyTheTopLevel() {
        let square = Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)])
        let bytes = EWKB.encode(.multiPolygon([square]), srid: 4490)
        XCTAssertEqual(Array(bytes[0..<9]), [0x01, 0x06, 0x00, 0x00, 0x20, 0x8A, 0x11, 0x00, 0x00])
        // The member polygon: plain WKB type 3, no SRID.
        XCTAssertEqual(Array(bytes[13..<18]), [0x01, 0x03, 0x00, 0x00, 0x00])
        XCTAssertEqual(bytes.count, 9 + 4 + 5 + 4 + 4 + 4 * 16)
    }

    /// Partitions hold China Standard Time days: 2026-11-20 00:00 +08:00 is
    /// 1795104000000 ms (2026-11-19 16:00 UTC); day numbers count UTC+8 days since 1970-01-01.
    func testDayPartitionsStartAtBeijingMidnight() {
        let midnight: Int64 = 1_795_104_000_000
        let day = PGCopyBuffer.day(ofMs: midnight)
        XCTAssertEqual(day, 20_777, "2026-11-20 is day 20777 after 1970-01-01")
        XCTAssertEqual(PGCopyBuffer.day(ofMs: midnight - 1), day - 1, "23:59:59.999 the evening before")
        XCTAssertEqual(PGCopyBuffer.day(ofMs: midnight + 86_400_000 - 1), day)
        XCTAssertEqual(PGCopyBuffer.day(ofMs: midnight + 86_400_000), day + 1)
        XCTAssertEqual(PGCopyBuffer.day(ofMs: -8 * 3_600_000), 0, "1970-01-01 00:00 +08:00")
        XCTAssertEqual(PGCopyBuffer.day(ofMs: -8 * 3_600_000 - 1), -1)
    }

    func testByteaTextFormIsDecoded() {
        let text = "\\x00ff10Ab"
        let bytes = text.withCString { PGResult.bytea($0, count: text.utf8.count) }
        XCTAssertEqual(bytes, [0x00, 0xFF, 0x10, 0xAB])
    }

    func testServerColumnTypesCompareTextByBytes() {
        XCTAssertEqual(Store.serverType(.text), "TEXT COLLATE \"C\"")
        XCTAssertEqual(Store.serverType(.integer), "BIGINT")
        XCTAssertEqual(Store.serverType(.real), "DOUBLE PRECISION")
        XCTAssertEqual(Store.serverType(.blob), "BYTEA")
    }

    func testCitusStatementsFollowTheLayout() {
        let facts = TableSchema(name: "parking_events", columns: [TableColumn("time_ms", .integer), TableColumn("management_id", .integer)],
                                layout: .facts(dayColumn: "time_ms", distributeBy: "management_id"))
        XCTAssertEqual(Store.citusStatement(facts), "SELECT create_distributed_table('parking_events', 'management_id');")
        XCTAssertEqual(Store.citusStatement(TableSchema(name: "fence_features", columns: [], layout: .reference)),
                       "SELECT create_reference_table('fence_features');")
    }
}
