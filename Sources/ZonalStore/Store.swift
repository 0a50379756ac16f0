import Foundation
import ZonalGeo

/// Column types a Zonal table uses.
public enum ColumnType: String, Sendable {
    case text = "TEXT", integer = "INTEGER", real = "REAL"
}

public struct TableColumn: Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    public init(_ name: String, _ type: ColumnType) { self.name = name; self.type = type }
}

/// Geometry column kinds; every one is registered with SRID 4490 (CGCS2000).
public enum GeometryKind: String, Sendable {
    case point = "POINT"
    case multiPolygon = "MULTIPOLYGON"
}

/// A table the store keeps: dataset rows or a report.
public struct TableSchema: Sendable, Equatable {
    public var name: String
    public var columns: [TableColumn]
    public var geometry: GeometryKind?
    public init(name: String, columns: [TableColumn], geometry: GeometryKind? = nil) {
        self.name = name
        self.columns = columns
        self.geometry = geometry
    }
}

/// Zonal's SpatiaLite store. Everything spatial is SRID 4490 with a spatial
/// index, so `spatialite`, QGIS and ogr2ogr open it as it is.
///
/// Writes happen inside one outer transaction per run (`beginRun`), with a
/// savepoint per dataset load and per task: a failed run rolls back whole,
/// so the store keeps the state it had before the run.
public final class Store {
    public static let srid = 4490
    public static let geometryColumn = "geom"

    public let db: Database
    public var path: String { db.path }
    private var known: [String: TableSchema] = [:]

    public init(path: String) throws {
        db = try Database(path: path)
        try db.execute("PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF")
        if try !db.tableExists("spatial_ref_sys") {
            // InitSpatialMetaData(1) runs in its own transaction: call it before ours.
            try db.execute("SELECT InitSpatialMetaData(1)")
        }
        try db.execute("""
            CREATE TABLE IF NOT EXISTS zonal_runs (
                run_id INTEGER PRIMARY KEY, job TEXT NOT NULL, status TEXT NOT NULL,
                started TEXT NOT NULL, ended TEXT, summary TEXT);
            CREATE TABLE IF NOT EXISTS zonal_datasets (
                dataset TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT,
                rows INTEGER NOT NULL, rejects INTEGER NOT NULL, encoding TEXT, crs TEXT,
                replaced_rows INTEGER NOT NULL, run_id INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS rejects (
                dataset TEXT NOT NULL, file TEXT NOT NULL, line INTEGER, field TEXT, reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS zonal_warnings (
                dataset TEXT NOT NULL, file TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL);
            """)
    }

    public func close() throws { try db.close() }

    // MARK: transactions

    public func beginRun() throws { try db.execute("BEGIN IMMEDIATE") }
    public func commitRun() throws { try db.execute("COMMIT") }
    public func rollbackRun() { try? db.execute("ROLLBACK") }

    public func step<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try db.savepoint(name, body)
    }

    // MARK: tables

    /// Creates the table (and its geometry column and spatial index) unless it exists.
    public func ensure(_ schema: TableSchema) throws {
        if known[schema.name] == schema { return }
        if try !db.tableExists(schema.name) {
            let cols = schema.columns.map { "\"\($0.name)\" \($0.type.rawValue)" }.joined(separator: ", ")
            try db.execute("CREATE TABLE \"\(schema.name)\" (fid INTEGER PRIMARY KEY, \(cols))")
            if let g = schema.geometry {
                let ok = try db.scalar("SELECT AddGeometryColumn(?, ?, ?, ?, 'XY')",
                                       [.text(schema.name), .text(Self.geometryColumn), .integer(Int64(Self.srid)), .text(g.rawValue)])
                guard ok.int == 1 else { throw StoreError("SpatiaLite refused the geometry column of \(schema.name)") }
                _ = try db.scalar("SELECT CreateSpatialIndex(?, ?)", [.text(schema.name), .text(Self.geometryColumn)])
            }
        } else {
            // A table from an older Zonal gets the columns this version added.
            let existing = Set(try db.rows("SELECT name FROM pragma_table_info(?)", [.text(schema.name)]).compactMap { $0[0].text })
            for c in schema.columns where !existing.contains(c.name) {
                try db.execute("ALTER TABLE \"\(schema.name)\" ADD COLUMN \"\(c.name)\" \(c.type.rawValue)")
            }
        }
        known[schema.name] = schema
    }

    /// Deletes rows (all, or those matching `whereSQL`) and returns how many went.
    @discardableResult
    public func deleteRows(_ table: String, where whereSQL: String? = nil, _ args: [SQLValue] = []) throws -> Int {
        guard try db.tableExists(table) else { return 0 }
        try db.run("DELETE FROM \"\(table)\"" + (whereSQL.map { " WHERE \($0)" } ?? ""), args)
        return db.changes
    }

    /// A prepared bulk inserter; geometry goes in as WKB through GeomFromWKB.
    public func inserter(_ schema: TableSchema) throws -> RowInserter {
        try ensure(schema)
        var names = schema.columns.map { "\"\($0.name)\"" }
        var marks = Array(repeating: "?", count: schema.columns.count)
        if let g = schema.geometry {
            names.append(Self.geometryColumn)
            marks.append("?")
        }
        let sql = "INSERT INTO \"\(schema.name)\" (\(names.joined(separator: ", "))) VALUES (\(marks.joined(separator: ", ")))"
        return RowInserter(statement: try db.prepare(sql), schema: schema)
    }

    /// Replaces rows (all, or those matching `whereSQL`) in bulk: the spatial
    /// index is dropped first and rebuilt from all rows at the end, which is
    /// about twice as fast as SpatiaLite's per-row R*Tree triggers, for the
    /// deletes as much as the inserts. Inside the run's transaction, so a
    /// failure rolls the index back with everything else.
    @discardableResult
    public func replaceRows<T>(_ schema: TableSchema, where whereSQL: String? = nil, _ args: [SQLValue] = [],
                               _ body: (RowInserter) throws -> T) throws -> (result: T, deleted: Int) {
        let mark = try historyMark()
        try suspendSpatialIndex(schema)
        let deleted = try deleteRows(schema.name, where: whereSQL, args)
        let result = try body(try inserter(schema))
        try rebuildSpatialIndex(schema)
        try forgetHistory(after: mark)
        return (result, deleted)
    }

    /// SpatiaLite logs every Disable/CreateSpatialIndex in `spatialite_history`;
    /// a bulk rebuild is not an event worth keeping, and re-runs must leave
    /// every table's row count as it was, so those entries are removed again.
    public func historyMark() throws -> Int64 {
        guard try db.tableExists("spatialite_history") else { return Int64.max }
        return try db.scalar("SELECT coalesce(max(event_id), 0) FROM spatialite_history").int ?? 0
    }

    public func forgetHistory(after mark: Int64) throws {
        guard mark != Int64.max else { return }
        try db.run("DELETE FROM spatialite_history WHERE event_id > ?", [.integer(mark)])
    }

    /// Drops the table's spatial index and its triggers until `rebuildSpatialIndex`.
    public func suspendSpatialIndex(_ schema: TableSchema) throws {
        try ensure(schema)
        guard schema.geometry != nil else { return }
        _ = try db.scalar("SELECT DisableSpatialIndex(?, ?)", [.text(schema.name), .text(Self.geometryColumn)])
        try db.execute("DROP TABLE IF EXISTS \"idx_\(schema.name)_\(Self.geometryColumn)\"")
    }

    /// Builds the spatial index from every row of the table.
    public func rebuildSpatialIndex(_ schema: TableSchema) throws {
        guard schema.geometry != nil else { return }
        let ok = try db.scalar("SELECT CreateSpatialIndex(?, ?)", [.text(schema.name), .text(Self.geometryColumn)])
        guard ok.int == 1 else { throw StoreError("SpatiaLite could not rebuild the spatial index of \(schema.name)") }
    }

    public func count(_ table: String, where whereSQL: String? = nil, _ args: [SQLValue] = []) throws -> Int {
        guard try db.tableExists(table) else { return 0 }
        return Int(try db.scalar("SELECT count(*) FROM \"\(table)\"" + (whereSQL.map { " WHERE \($0)" } ?? ""), args).int ?? 0)
    }
}

public final class RowInserter {
    private let statement: Statement
    public let schema: TableSchema

    init(statement: Statement, schema: TableSchema) {
        self.statement = statement
        self.schema = schema
    }

    public func insert(_ values: [SQLValue], shape: Shape? = nil) throws {
        var all = values
        if schema.geometry != nil {
            all.append(shape.map { .blob(SpatiaLiteBlob.encode($0, srid: Int32(Store.srid))) } ?? .null)
        }
        try statement.execute(all)
    }
}
