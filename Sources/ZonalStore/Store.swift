import Foundation
import ZonalGeo

/// Column types a Zonal table uses.
public enum ColumnType: String, Sendable {
    /// Integers are declared BIGINT: SQLite stores 64 bits either way (the
    /// affinity is INTEGER), but GDAL, and so QGIS and ogr2ogr, read a column
    /// declared INTEGER as 32-bit and overflow on epoch milliseconds and card
    /// numbers. (`fid INTEGER PRIMARY KEY` stays: that spelling makes it the rowid.)
    case text = "TEXT", integer = "BIGINT", real = "REAL", blob = "BLOB"
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
    /// Whether the geometry column gets a spatial index. A table whose rows
    /// repeat a few shapes (a zone's polygon at every report time) is better
    /// read whole than through an R-tree as large as the table.
    public var spatialIndex: Bool
    /// How the table is laid out on a PostgreSQL server (ignored by SpatiaLite).
    public var layout: ServerLayout
    public init(name: String, columns: [TableColumn], geometry: GeometryKind? = nil, spatialIndex: Bool = true,
                layout: ServerLayout = .local) {
        self.name = name
        self.columns = columns
        self.geometry = geometry
        self.spatialIndex = spatialIndex
        self.layout = layout
    }

    /// Where a column sits in the values an inserter takes, so rows are read
    /// and written by column name, never by a position written down by hand.
    public func position(of column: String) -> Int {
        guard let i = columns.firstIndex(where: { $0.name == column }) else {
            preconditionFailure("table \(name) has no column \(column); it has \(columns.map(\.name))")
        }
        return i
    }
}

enum StoreText {
    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : "\(s) s" }
}

/// Zonal's store: a SpatiaLite file (the default) or a schema on a
/// PostgreSQL/PostGIS server. Everything spatial is SRID 4490 with a spatial
/// index, so `spatialite`, QGIS and ogr2ogr open it as it is.
///
/// Writes happen inside one outer transaction per run (`beginRun`), with a
/// savepoint per dataset load and per task: a failed run rolls back whole,
/// so the store keeps the state it had before the run.
///
/// This class is the seam between Zonal and its database. Domains talk to it
/// through a small repository of their own (`FenceRepository`,
/// `BikeRepository`) and only in SQL every store speaks: plain SELECTs,
/// aggregates and joins, with geometry read through `select(…, geometry:)`.
/// The connection itself stays inside ZonalStore: the same class runs on a
/// SpatiaLite file or on a PostgreSQL/PostGIS server (`Engine`; the
/// server's DDL, COPY loads and views are in PostGIS/Store+PostGIS.swift),
/// and the tasks cannot tell which.
public final class Store {
    public static let srid = 4490
    public static let geometryColumn = "geom"

    /// The backend's own connection.
    enum Engine {
        case sqlite(Database)
        case postgis(PGConnection, PostgresTarget)
    }
    let engine: Engine
    /// What both backends run alike.
    let sql: any SQLSession
    /// Where the store is, as messages name it: a file path, or the server URL.
    public let path: String
    var known: [String: TableSchema] = [:]
    /// Day partitions known to exist (PostgreSQL), by table.
    var partitions: [String: Set<Int64>] = [:]
    /// Partitions made in this run whose fid index is still to build (PostgreSQL).
    var unindexed: [String] = []

    /// Which SQL the store speaks, for the few statements (views) written per backend.
    public var dialect: SQLDialect {
        if case .postgis = engine { return .postgis }
        return .sqlite
    }

    /// The SQLite connection, for SpatiaLite's own statements.
    var db: Database {
        guard case .sqlite(let d) = engine else { preconditionFailure("a SpatiaLite statement on a PostgreSQL store") }
        return d
    }

    /// Whether this run is creating the store: a failed first run then
    /// removes the file instead of leaving an empty store behind.
    public let isNew: Bool
    /// How long a statement waits for another connection, in seconds.
    let waited: Double

    /// Zonal's mark in the SQLite header (`PRAGMA application_id`): "ZONL".
    public static let applicationID: Int32 = 0x5A4F_4E4C

    /// Opens a store. A missing or empty file becomes a store when the run
    /// begins (inside its transaction); a Zonal store is used as it is; any
    /// other database is refused, so nothing Zonal did not create is touched.
    /// `waitSeconds` bounds how long a statement waits for another connection.
    public init(path: String, waitSeconds: Double = 5) throws {
        let existing = path != ":memory:" && (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 > 0
        if existing { try Self.checkHeader(path) }
        let db = try Database(path: path)
        engine = .sqlite(db)
        sql = db
        self.path = path
        isNew = !existing
        waited = max(1, min(waitSeconds, 86_400))
        db.busyTimeout(Int32(waited * 1000))
        if existing { try checkOwnership() }
        // WAL: a reader (QGIS, an analyst's SQL) never blocks a run's commit,
        // and a run never blocks them. Set outside any transaction; it persists in the file.
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF")
    }

    init(engine: Engine, path: String, isNew: Bool, waited: Double) {
        self.engine = engine
        switch engine {
        case .sqlite(let d): sql = d
        case .postgis(let c, _): sql = c
        }
        self.path = path
        self.isNew = isNew
        self.waited = waited
    }

    /// Opens the store at `location`: a SpatiaLite file or a server schema.
    public convenience init(location: StoreLocation, waitSeconds: Double = 5, applicationName: String = "zonal") throws {
        switch location {
        case .file(let path): try self.init(path: path, waitSeconds: waitSeconds)
        case .postgres(let target): try self.init(server: target, waitSeconds: waitSeconds, applicationName: applicationName)
        }
    }

    /// The first 16 bytes of an SQLite file; anything else is refused before SQLite touches it.
    static func checkHeader(_ path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw StoreError("cannot read \(path) (check its permissions)") }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 16)) ?? Data()
        guard head == Data("SQLite format 3\u{0}".utf8) else {
            throw StoreError("\(path) is not an SQLite database, so it cannot be a Zonal store; Zonal will not overwrite it. Choose another path with `store:` in the job or --store")
        }
    }

    /// A database is Zonal's when it carries the mark, or (made by Zonal
    /// before the mark) has Zonal's run ledger and dataset table.
    private func checkOwnership() throws {
        if Int32(truncatingIfNeeded: try db.scalar("PRAGMA application_id").int ?? 0) == Self.applicationID { return }
        let tables = try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.first?.text }
        if tables.contains("zonal_runs") && tables.contains("zonal_datasets") { return }
        let shown = tables.filter { !$0.hasPrefix("sqlite_") }.prefix(8)
        throw StoreError("\(db.path) is an SQLite database that Zonal did not create (it has " + (shown.isEmpty ? "no tables" : "tables \(shown.joined(separator: ", "))\(tables.count > shown.count ? ", …" : "")")
            + "); Zonal will not write into it. Choose another path with `store:` in the job or --store, e.g. a new file beside it")
    }

    /// Creates what a store holds (SpatiaLite's metadata, the run ledger,
    /// rejects, warnings, the mark) when it is new, inside the run's
    /// transaction so a failed first run leaves nothing; brings an older
    /// Zonal store up to date.
    func prepareSchema() throws {
        if try !db.tableExists("spatial_ref_sys") {
            // 0: no transaction of its own; it is part of the run's.
            try db.execute("SELECT InitSpatialMetaData(0)")
        }
        try db.execute("""
            PRAGMA application_id = \(Self.applicationID);
            CREATE TABLE IF NOT EXISTS zonal_store (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT OR IGNORE INTO zonal_store (key, value) VALUES ('created_by', 'zonal'), ('schema_version', '1');
            CREATE TABLE IF NOT EXISTS zonal_runs (
                run_id INTEGER PRIMARY KEY, job TEXT NOT NULL, status TEXT NOT NULL,
                started TEXT NOT NULL, ended TEXT, summary TEXT, reports BLOB);
            CREATE TABLE IF NOT EXISTS zonal_datasets (
                dataset TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT,
                rows INTEGER NOT NULL, rejects INTEGER NOT NULL, encoding TEXT, crs TEXT,
                replaced_rows INTEGER NOT NULL, run_id INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS rejects (
                dataset TEXT NOT NULL, file TEXT NOT NULL, line INTEGER, field TEXT, reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS zonal_warnings (
                dataset TEXT NOT NULL, file TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL);
            """)
        // A ledger from an earlier Zonal gets the snapshot column.
        if try !db.rows("SELECT name FROM pragma_table_info('zonal_runs')").contains(where: { $0.first?.text == "reports" }) {
            try db.execute("ALTER TABLE zonal_runs ADD COLUMN reports BLOB")
        }
        if try db.scalar("SELECT value FROM zonal_store WHERE key = 'created_at'") == .null {
            try db.run("INSERT INTO zonal_store (key, value) VALUES ('created_at', ?)", [.text(ISO8601DateFormatter().string(from: Date()))])
        }
    }

    /// Removes the files of a store this run created (after a failed first run).
    public func discardNewStore() {
        guard isNew, path != ":memory:", case .sqlite = engine else { return }
        try? close()
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    public func close() throws {
        switch engine {
        case .sqlite(let d): try d.close()
        case .postgis(let c, _): c.close()
        }
    }

    // MARK: transactions

    /// Begins the run's transaction; a new store gets its tables inside it.
    public func beginRun() throws {
        if case .postgis = engine { return try beginServerRun() }
        do { try db.execute("BEGIN IMMEDIATE") } catch let e as StoreError where e.message.contains("locked") || e.message.contains("busy") {
            // In WAL mode readers never block this; only another writer does.
            throw StoreError("another program is writing to the store \(path) (an open write transaction, e.g. an SQL session that began one); Zonal waited \(StoreText.seconds(waited)) and gave up. Close that session, or give the run more time with --wait SECONDS")
        }
        try prepareSchema()
    }
    public func commitRun() throws {
        if case .postgis = engine { try indexNewPartitions() }
        try sql.execute("COMMIT")
    }
    public func rollbackRun() {
        sql.abandonPending()
        try? sql.execute("ROLLBACK")
    }

    public func step<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try sql.savepoint(name, body)
    }

    // MARK: tables

    /// Creates the table (and its geometry column and spatial index) unless it exists.
    public func ensure(_ schema: TableSchema) throws {
        if known[schema.name] == schema { return }
        if case .postgis = engine { return try ensureServerTable(schema) }
        if try !db.tableExists(schema.name) {
            let cols = schema.columns.map { "\"\($0.name)\" \($0.type.rawValue)" }.joined(separator: ", ")
            try db.execute("CREATE TABLE \"\(schema.name)\" (fid INTEGER PRIMARY KEY, \(cols))")
            if let g = schema.geometry {
                let ok = try db.scalar("SELECT AddGeometryColumn(?, ?, ?, ?, 'XY')",
                                       [.text(schema.name), .text(Self.geometryColumn), .integer(Int64(Self.srid)), .text(g.rawValue)])
                guard ok.int == 1 else { throw StoreError("SpatiaLite refused the geometry column of \(schema.name)") }
                if schema.spatialIndex {
                    _ = try db.scalar("SELECT CreateSpatialIndex(?, ?)", [.text(schema.name), .text(Self.geometryColumn)])
                }
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

    /// Creates the view, or replaces it when this version of Zonal defines it
    /// differently. Views cost nothing to keep and let users read compact
    /// tables in QGIS or SQL as they would read the input.
    public func ensureView(_ name: String, as select: String) throws {
        if case .postgis = engine { return try ensureServerView(name, as: select) }
        let sql = "CREATE VIEW \"\(name)\" AS \(select)"
        let existing = try db.rows("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [.text(name)]).first?.first?.text
        if existing == sql { return }
        if existing != nil { try db.execute("DROP VIEW \"\(name)\"") }
        try db.execute(sql)
    }

    /// A view whose geometry is computed (a point from lon/lat), registered
    /// in `views_geometry_columns` so QGIS lists it as a layer. SpatiaLite
    /// registers a view's geometry against a table's geometry column, so an
    /// empty table `<view>_geometry` carries that column's type and SRID;
    /// it has no spatial index, so QGIS reads the view instead of an empty
    /// index. `rowid` names the view's unique integer column.
    public func ensureSpatialView(_ name: String, as select: String, geometry: GeometryKind, rowid: String) throws {
        try ensureView(name, as: select)
        // PostGIS lists a view's typed geometry column by itself.
        if case .postgis = engine { return }
        let template = "\(name)_geometry".lowercased()
        if try !db.tableExists(template) {
            try db.execute("CREATE TABLE \"\(template)\" (fid INTEGER PRIMARY KEY)")
            let ok = try db.scalar("SELECT AddGeometryColumn(?, ?, ?, ?, 'XY')",
                                   [.text(template), .text(Self.geometryColumn), .integer(Int64(Self.srid)), .text(geometry.rawValue)])
            guard ok.int == 1 else { throw StoreError("SpatiaLite refused the geometry column of \(template)") }
        }
        try db.run("DELETE FROM views_geometry_columns WHERE view_name = ?", [.text(name.lowercased())])
        try db.run("""
            INSERT INTO views_geometry_columns (view_name, view_geometry, view_rowid, f_table_name, f_geometry_column, read_only)
            VALUES (?, ?, ?, ?, ?, 1)
            """, [.text(name.lowercased()), .text(Self.geometryColumn), .text(rowid.lowercased()), .text(template), .text(Self.geometryColumn)])
    }

    /// Deletes rows (all, or those matching `whereSQL`) and returns how many went.
    @discardableResult
    public func deleteRows(_ table: String, where whereSQL: String? = nil, _ args: [SQLValue] = []) throws -> Int {
        guard try sql.tableExists(table) else { return 0 }
        try sql.run("DELETE FROM \"\(table)\"" + (whereSQL.map { " WHERE \($0)" } ?? ""), args)
        return sql.changes
    }

    /// A prepared bulk inserter; geometry goes in as WKB through GeomFromWKB.
    public func inserter(_ schema: TableSchema) throws -> RowInserter {
        try ensure(schema)
        if case .postgis = engine { return serverInserter(schema) }
        var names = schema.columns.map { "\"\($0.name)\"" }
        var marks = Array(repeating: "?", count: schema.columns.count)
        if let g = schema.geometry {
            names.append(Self.geometryColumn)
            marks.append("?")
        }
        let sql = "INSERT INTO \"\(schema.name)\" (\(names.joined(separator: ", "))) VALUES (\(marks.joined(separator: ", ")))"
        let batch = RowInserter.batchRows(width: marks.count)
        let group = "(\(marks.joined(separator: ", ")))"
        let many = sql + String(repeating: ", " + group, count: batch - 1)
        return RowInserter(sink: .sqlite(one: try db.prepare(sql), many: try db.prepare(many), batch: batch), schema: schema)
    }

    /// Replaces rows (all, or those matching `whereSQL`) in bulk: the spatial
    /// index is dropped first and rebuilt from all rows at the end, which is
    /// about twice as fast as SpatiaLite's per-row R*Tree triggers, for the
    /// deletes as much as the inserts. Inside the run's transaction, so a
    /// failure rolls the index back with everything else.
    @discardableResult
    public func replaceRows<T>(_ schema: TableSchema, where whereSQL: String? = nil, _ args: [SQLValue] = [],
                               _ body: (RowInserter) throws -> T) throws -> (result: T, deleted: Int) {
        if case .postgis = engine { return try replaceServerRows([schema], where: whereSQL, args) { try body($0[0]) } }
        let mark = try historyMark()
        try suspendSpatialIndex(schema)
        let deleted = try deleteRows(schema.name, where: whereSQL, args)
        let triggers = try suspendInsertTriggers(schema)
        let result: T
        do { result = try body(try inserter(schema)) } catch {
            // Normally the step's savepoint rolls back anyway; put the guard back regardless.
            try? restoreInsertTriggers(schema, triggers)
            throw error
        }
        try restoreInsertTriggers(schema, triggers)
        try rebuildSpatialIndex(schema)
        try forgetHistory(after: mark)
        return (result, deleted)
    }

    /// SpatiaLite gives each geometry column two per-row INSERT triggers: a
    /// type and SRID check that looks the column up in geometry_columns, and
    /// an UPDATE of geometry_columns_time. For a bulk insert they cost more
    /// than the insert, so they are dropped for it (the inserter checks each
    /// shape's type itself; the SRID is always the store's) and put back after,
    /// with one last_insert stamp. Inside the run's transaction, so a failure
    /// restores them with everything else.
    func suspendInsertTriggers(_ schema: TableSchema) throws -> [String] {
        guard schema.geometry != nil else { return [] }
        let names = ["ggi_\(schema.name)_\(Self.geometryColumn)", "tmi_\(schema.name)_\(Self.geometryColumn)"].map { $0.lowercased() }
        var saved: [String] = []
        for row in try db.rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = lower(?)", [.text(schema.name)]) {
            guard let name = row[0].text, names.contains(name.lowercased()), let sql = row[1].text else { continue }
            saved.append(sql)
            try db.execute("DROP TRIGGER \"\(name)\"")
        }
        return saved
    }

    func restoreInsertTriggers(_ schema: TableSchema, _ saved: [String]) throws {
        guard !saved.isEmpty else { return }
        for sql in saved { try db.execute(sql) }
        try db.run("UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE lower(f_table_name) = lower(?) AND lower(f_geometry_column) = lower(?)",
                   [.text(schema.name), .text(Self.geometryColumn)])
    }

    /// SpatiaLite logs every Disable/CreateSpatialIndex in `spatialite_history`;
    /// a bulk rebuild is not an event worth keeping, and re-runs must leave
    /// every table's row count as it was, so those entries are removed again.
    public func historyMark() throws -> Int64 {
        guard case .sqlite = engine else { return Int64.max }
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
        guard schema.geometry != nil, case .sqlite = engine else { return }
        // SpatiaLite prints an error to stderr when there is no index to disable
        // (a table made without one), so ask first.
        let enabled = try db.scalar("SELECT spatial_index_enabled FROM geometry_columns WHERE f_table_name = lower(?) AND f_geometry_column = ?",
                                    [.text(schema.name), .text(Self.geometryColumn)])
        if enabled.int == 1 {
            _ = try db.scalar("SELECT DisableSpatialIndex(?, ?)", [.text(schema.name), .text(Self.geometryColumn)])
        }
        try db.execute("DROP TABLE IF EXISTS \"idx_\(schema.name)_\(Self.geometryColumn)\"")
    }

    /// Builds the spatial index from every row of the table.
    public func rebuildSpatialIndex(_ schema: TableSchema) throws {
        guard schema.geometry != nil, schema.spatialIndex, case .sqlite = engine else { return }
        let ok = try db.scalar("SELECT CreateSpatialIndex(?, ?)", [.text(schema.name), .text(Self.geometryColumn)])
        guard ok.int == 1 else { throw StoreError("SpatiaLite could not rebuild the spatial index of \(schema.name)") }
    }

    public func count(_ table: String, where whereSQL: String? = nil, _ args: [SQLValue] = []) throws -> Int {
        guard try sql.tableExists(table) else { return 0 }
        return Int(try sql.scalar("SELECT count(*) FROM \"\(table)\"" + (whereSQL.map { " WHERE \($0)" } ?? ""), args).int ?? 0)
    }

    /// Replaces rows of several tables at once (a dataset spread over
    /// tables, like a fence folder): their spatial indexes are suspended,
    /// the matching rows deleted, `body` inserts through one inserter per
    /// table, and the indexes are rebuilt. Returns the rows deleted in all.
    @discardableResult
    public func replaceRows<T>(_ schemas: [TableSchema], where whereSQL: String? = nil, _ args: [SQLValue] = [],
                               _ body: ([RowInserter]) throws -> T) throws -> (result: T, deleted: Int) {
        if case .postgis = engine { return try replaceServerRows(schemas, where: whereSQL, args, body) }
        let mark = try historyMark()
        var deleted = 0
        var triggers: [[String]] = []
        for s in schemas {
            try suspendSpatialIndex(s)
            deleted += try deleteRows(s.name, where: whereSQL, args)
            triggers.append(try suspendInsertTriggers(s))
        }
        let result: T
        do { result = try body(try schemas.map { try inserter($0) }) } catch {
            for (s, t) in zip(schemas, triggers) { try? restoreInsertTriggers(s, t) }
            throw error
        }
        for (s, t) in zip(schemas, triggers) { try restoreInsertTriggers(s, t) }
        for s in schemas { try rebuildSpatialIndex(s) }
        try forgetHistory(after: mark)
        return (result, deleted)
    }

    // MARK: reading, in SQL every store speaks

    public func exists(_ table: String) throws -> Bool { try sql.tableExists(table) }

    /// Every row of a query. Portable SQL only: no SpatiaLite functions.
    public func query(_ text: String, _ args: [SQLValue] = []) throws -> [[SQLValue]] { try sql.rows(text, args) }

    /// A row of a scan, read in place: for queries over millions of rows,
    /// where an array of values per row would cost more than the query.
    public struct Cursor {
        let statement: Statement?
        let result: PGResult?
        let row: Int
        init(statement: Statement) { self.statement = statement; result = nil; row = 0 }
        init(result: PGResult, row: Int) { statement = nil; self.result = result; self.row = row }
        public func int(_ i: Int) -> Int64 { result?.int(row, i) ?? statement!.int(i) }
        public func value(_ i: Int) -> SQLValue { result?.value(row, i) ?? statement!.column(i) }
        /// The position among `texts` (UTF-8) of column `i`'s text, or nil.
        public func which(_ i: Int, of texts: [[UInt8]]) -> Int? {
            if let result { return result.which(row, i, of: texts) }
            return statement!.which(i, of: texts)
        }
    }

    /// Streams a query's rows through a cursor. Portable SQL only.
    public func scan(_ sql: String, _ args: [SQLValue] = [], _ body: (Cursor) throws -> Void) throws {
        if case .postgis(let c, _) = engine { return try c.scan(sql, args) { try body(Cursor(result: $0, row: $1)) } }
        let st = try db.prepare(sql)
        try st.bind(args)
        let cursor = Cursor(statement: st)
        while try st.step() { try body(cursor) }
    }

    /// Streams a query's rows without holding them all.
    public func forEachRow(_ sql: String, _ args: [SQLValue] = [], _ body: ([SQLValue]) throws -> Void) throws {
        if case .postgis(let c, _) = engine {
            return try c.scan(sql, args) { r, i in try body((0..<r.columnCount).map { r.value(i, $0) }) }
        }
        let st = try db.prepare(sql)
        try st.bind(args)
        while try st.step() { try body(st.row()) }
    }

    /// Rows of a table with the named columns and, when it has one, its
    /// geometry decoded. The geometry is read with this backend's own
    /// function (SpatiaLite's `AsBinary`), which is why it is not in `query`.
    public func select(_ table: String, columns: [String], geometry: Bool, where whereSQL: String? = nil,
                       _ args: [SQLValue] = [], orderBy: String) throws -> [(values: [SQLValue], shape: Shape?)] {
        guard try self.sql.tableExists(table) else { return [] }
        var cols = columns.map { "\"\($0)\"" }
        if geometry { cols.append(dialect == .postgis ? "ST_AsBinary(\(Self.geometryColumn))" : "AsBinary(\(Self.geometryColumn))") }
        let sql = "SELECT \(cols.joined(separator: ", ")) FROM \"\(table)\"" + (whereSQL.map { " WHERE \($0)" } ?? "") + " ORDER BY \(orderBy)"
        var out: [(values: [SQLValue], shape: Shape?)] = []
        try forEachRow(sql, args) { row in
            var values = Array(row.prefix(columns.count))
            var shape: Shape?
            if geometry {
                switch row[columns.count] {
                case .blob(let wkb):
                    do { shape = try WKB.decode(wkb) } catch {
                        throw StoreError("table \(table) holds a geometry Zonal cannot read (\(error)); was the store changed by another program?", sql: sql)
                    }
                case .null: shape = nil
                default: throw StoreError("table \(table) holds a geometry that is not WKB", sql: sql)
                }
            }
            values.reserveCapacity(columns.count)
            out.append((values, shape))
        }
        return out
    }
}

// MARK: the run ledger and dataset records

/// A reject as the store keeps it.
public struct RejectRecord: Sendable, Equatable {
    public var file: String, line: Int?, field: String?, reason: String
    public init(file: String, line: Int?, field: String?, reason: String) { self.file = file; self.line = line; self.field = field; self.reason = reason }
}

/// A warning as the store keeps it.
public struct WarningRecord: Sendable, Equatable {
    public var file: String, line: Int?, reason: String
    public init(file: String, line: Int?, reason: String) { self.file = file; self.line = line; self.reason = reason }
}

/// What the store records of one dataset load (`zonal_datasets`).
public struct DatasetRecord: Sendable {
    public var dataset: String, path: String, sha256: String?
    public var rows: Int, rejects: Int, encoding: String?, crs: String?, replacedRows: Int, runID: Int64
    public init(dataset: String, path: String, sha256: String?, rows: Int, rejects: Int, encoding: String?, crs: String?,
                replacedRows: Int, runID: Int64) {
        self.dataset = dataset; self.path = path; self.sha256 = sha256; self.rows = rows; self.rejects = rejects
        self.encoding = encoding; self.crs = crs; self.replacedRows = replacedRows; self.runID = runID
    }
}

extension Store {
    public func nextRunID() throws -> Int64 {
        guard try sql.tableExists("zonal_runs") else { return 1 }
        return try sql.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM zonal_runs").int ?? 1
    }

    /// One row of the run ledger `zonal_runs`; summary is the run's
    /// summary.json, `reports` a compressed snapshot of its report rows (for
    /// `zonal diff`). Snapshots are kept for the job's last `keepSnapshots`
    /// runs only, so the ledger stays small.
    public func recordRun(id: Int64, job: String, status: String, started: String, ended: String, summary: String,
                          reports: [UInt8]? = nil, keepSnapshots: Int = 30) throws {
        try sql.run("INSERT INTO zonal_runs (run_id, job, status, started, ended, summary, reports) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [.integer(id), .text(job), .text(status), .text(started), .text(ended), .text(summary), reports.map { .blob($0) } ?? .null])
        try sql.run("""
            UPDATE zonal_runs SET reports = NULL WHERE job = ? AND reports IS NOT NULL AND run_id NOT IN
              (SELECT run_id FROM zonal_runs WHERE job = ? AND reports IS NOT NULL ORDER BY run_id DESC LIMIT ?)
            """, [.text(job), .text(job), .integer(Int64(keepSnapshots))])
    }

    /// A run of the ledger, newest first in `runs(job:)`.
    public struct RunEntry: Sendable, Equatable {
        public var id: Int64, job: String, status: String, started: String, ended: String, hasSnapshot: Bool
    }

    /// The status of a run in the ledger (ok, failed), or nil when there is none.
    public func runStatus(_ id: Int64) throws -> String? {
        guard try sql.tableExists("zonal_runs") else { return nil }
        return try sql.scalar("SELECT status FROM zonal_runs WHERE run_id = ?", [.integer(id)]).text
    }

    public func runs(job: String) throws -> [RunEntry] {
        try sql.rows("SELECT run_id, job, status, started, ended, reports IS NOT NULL FROM zonal_runs WHERE job = ? ORDER BY run_id DESC", [.text(job)]).map {
            RunEntry(id: $0[0].int ?? 0, job: $0[1].text ?? "", status: $0[2].text ?? "", started: $0[3].text ?? "",
                     ended: $0[4].text ?? "", hasSnapshot: $0[5].int == 1)
        }
    }

    /// The compressed report snapshot of a run, if the ledger still keeps it.
    public func reportSnapshot(run id: Int64) throws -> [UInt8]? {
        if case .blob(let b) = try sql.scalar("SELECT reports FROM zonal_runs WHERE run_id = ?", [.integer(id)]) { return b }
        return nil
    }

    /// Replaces a dataset's rejects, warnings and record with this load's.
    public func recordLoad(_ record: DatasetRecord, rejects: [RejectRecord], warnings: [WarningRecord]) throws {
        try sql.run("DELETE FROM rejects WHERE dataset = ?", [.text(record.dataset)])
        try sql.run("DELETE FROM zonal_warnings WHERE dataset = ?", [.text(record.dataset)])
        let line: (Int?) -> SQLValue = { $0.map { .integer(Int64($0)) } ?? .null }
        try insertLedgerRows("rejects", ["dataset", "file", "line", "field", "reason"], rejects.map {
            [.text(record.dataset), .text($0.file), line($0.line), $0.field.map { .text($0) } ?? .null, .text($0.reason)]
        })
        try insertLedgerRows("zonal_warnings", ["dataset", "file", "line", "reason"], warnings.map {
            [.text(record.dataset), .text($0.file), line($0.line), .text($0.reason)]
        })
        // Delete and insert, not INSERT OR REPLACE: the same SQL on both backends.
        try sql.run("DELETE FROM zonal_datasets WHERE dataset = ?", [.text(record.dataset)])
        try sql.run("""
            INSERT INTO zonal_datasets (dataset, path, kind, sha256, rows, rejects, encoding, crs, replaced_rows, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(record.dataset), .text(record.path), .text(record.dataset), record.sha256.map { .text($0) } ?? .null,
                  .integer(Int64(record.rows)), .integer(Int64(record.rejects)),
                  record.encoding.map { .text($0) } ?? .null, record.crs.map { .text($0) } ?? .null,
                  .integer(Int64(record.replacedRows)), .integer(record.runID)])
    }

    /// Rows into a ledger table: one prepared INSERT on SQLite, one COPY on PostgreSQL.
    private func insertLedgerRows(_ table: String, _ columns: [String], _ rows: [[SQLValue]]) throws {
        guard !rows.isEmpty else { return }
        switch engine {
        case .sqlite(let d):
            let st = try d.prepare("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
            for r in rows { try st.execute(r) }
        case .postgis(let c, _):
            let kinds: [PGColumnKind] = columns.map { $0 == "line" ? .int8 : .text }
            let buffer = PGCopyBuffer(connection: c, table: table, columns: columns, kinds: kinds, partitionColumn: nil, partitionStatements: nil)
            for r in rows {
                buffer.beginRow()
                for (i, v) in r.enumerated() { try buffer.set(i, v) }
                try buffer.endRow()
            }
            try buffer.send()
        }
    }

    /// Every dataset's rejects, in store order.
    public func rejects() throws -> [RejectRecord] {
        try sql.rows("SELECT file, line, field, reason FROM rejects ORDER BY \(dialect == .postgis ? "fid" : "rowid")").map {
            RejectRecord(file: $0[0].text ?? "", line: $0[1].int.map { Int($0) }, field: $0[2].text, reason: $0[3].text ?? "")
        }
    }
}

public final class RowInserter {
    /// Where rows go: SQLite statements (one row, and `batch` rows), or a COPY buffer.
    enum Sink {
        case sqlite(one: Statement, many: Statement, batch: Int)
        case copy(PGCopyBuffer)
    }
    private let sink: Sink
    public let schema: TableSchema

    init(sink: Sink, schema: TableSchema) {
        self.sink = sink
        self.schema = schema
    }

    /// Sends buffered rows now (PostgreSQL; SQLite has none).
    func send() throws { if case .copy(let b) = sink { try b.send() } }

    /// Rows per multi-row INSERT: 64, fewer for wide rows, so a statement
    /// stays far below SQLite's 32,766 parameters.
    static func batchRows(width: Int) -> Int { max(1, min(64, 2048 / max(1, width))) }

    public func insert(_ values: [SQLValue], shape: Shape? = nil) throws {
        if let shape { try check(shape) }
        let geometryAt = Int32(values.count + 1)
        try insert { b in
            for (i, v) in values.enumerated() where v != .null { try b.value(Int32(i + 1), v) }
            if schema.geometry != nil, let shape { try b.geometry(geometryAt, shape) }
        }
    }

    /// Inserts one row whose values `bind` sets by column position (1-based,
    /// in schema order; the geometry, when the schema has one, comes last).
    /// For loads of millions of rows: no array or enum per value.
    public func insert(binding bind: (Statement.Binder) throws -> Void) throws {
        switch sink {
        case .sqlite(let one, _, _): try one.execute(binding: bind)
        case .copy(let buffer):
            buffer.beginRow()
            try bind(Statement.Binder(copy: buffer))
            try buffer.endRow()
        }
    }

    /// The shape's type must be the column's: SpatiaLite's own check is
    /// suspended during bulk inserts (`Store.suspendInsertTriggers`).
    public func check(_ shape: Shape) throws {
        guard let kind = schema.geometry else { return }
        let matches: Bool
        switch (shape, kind) {
        case (.point, .point), (.multiPolygon, .multiPolygon): matches = true
        default: matches = false
        }
        guard matches else { throw StoreError("a \(shape.kindName) cannot go into \(schema.name).\(Store.geometryColumn), a \(kind.rawValue) column") }
    }

    /// Inserts rows of values (in schema order) and, when the schema has a
    /// geometry, each row's shape, by multi-row INSERTs.
    public func insert(rows: [[SQLValue]], shapes: [Shape?] = []) throws {
        let geometryAt = Int32(schema.columns.count + 1)
        try insert(count: rows.count) { b, k in
            for (i, v) in rows[k].enumerated() where v != .null { try b.value(Int32(i + 1), v) }
            if schema.geometry != nil, k < shapes.count, let shape = shapes[k] { try check(shape); try b.geometry(geometryAt, shape) }
        }
    }

    /// Inserts `count` rows, row k's values set by `bind(binder, k)` as in
    /// `insert(binding:)`. Rows go in by the multi-row INSERT, which
    /// shares SQLite's per-statement work among them: a third of the cost
    /// per row for a narrow table. The fastest way in for millions of rows.
    public func insert(count: Int, binding bind: (Statement.Binder, Int) throws -> Void) throws {
        guard case .sqlite(let statement, let many, let batch) = sink else {
            for k in 0..<count { try insert { try bind($0, k) } }
            return
        }
        let width = Int32(schema.columns.count + (schema.geometry == nil ? 0 : 1))
        var k = 0
        while count - k >= batch {
            let base = k
            try many.execute(rows: batch, width: width) { b, j in try bind(b, base + j) }
            k += batch
        }
        while k < count {
            let row = k
            try statement.execute(binding: { try bind($0, row) })
            k += 1
        }
    }
}

extension Statement.Binder {
    /// A shape as a SpatiaLite geometry in the store's SRID.
    public func geometry(_ index: Int32, _ shape: Shape) throws {
        let bytes = copy != nil ? EWKB.encode(shape, srid: Int32(Store.srid)) : SpatiaLiteBlob.encode(shape, srid: Int32(Store.srid))
        try bytes.withUnsafeBytes { try blob(index, $0) }
    }

    /// The same, encoding only when `shape` differs from the last one given
    /// to `cache`: a report repeats a zone's polygon on every row of it.
    public func geometry(_ index: Int32, _ shape: Shape, cache: GeometryBlobCache) throws {
        let server = copy != nil
        if cache.shape != shape || cache.server != server {
            cache.shape = shape
            cache.server = server
            cache.blob = server ? EWKB.encode(shape, srid: Int32(Store.srid)) : SpatiaLiteBlob.encode(shape, srid: Int32(Store.srid))
        }
        try cache.blob.withUnsafeBytes { try blob(index, $0) }
    }
}

/// The last geometry encoded for a bulk insert. Shapes compare equal at
/// once when they share storage (a report's rows of one zone do).
public final class GeometryBlobCache {
    var shape: Shape?
    var server = false
    var blob: [UInt8] = []
    public init() {}
}

extension Shape {
    var kindName: String {
        switch self {
        case .point: return "POINT"
        case .multiPolygon: return "MULTIPOLYGON"
        }
    }
}
