import Foundation

/// The store on a PostgreSQL/PostGIS server: one schema holds what a
/// SpatiaLite file holds, with geometry(…, 4490) columns and GiST indexes,
/// the run ledger, and day partitions for the large fact tables. The run's
/// transaction, the savepoints per load and task, and the reports are the
/// same as on SpatiaLite; only DDL, bulk loads (COPY) and views differ.
extension Store {
    /// Opens the store in `target`'s schema. The schema is made when the
    /// first run begins (inside its transaction); an empty schema made by an
    /// administrator is used; a schema holding tables Zonal did not make is refused.
    public convenience init(server target: PostgresTarget, waitSeconds: Double = 5, applicationName: String = "zonal") throws {
        let c = try PGConnection(conninfo: target.conninfo, shown: target.shown, applicationName: applicationName)
        c.schema = target.schema
        let database = (try? c.scalar("SELECT current_database()").text) ?? "?"
        guard let postgisSchema = try c.scalar("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'").text else {
            throw StoreError("the database \(database) at \(target.shown) has no PostGIS extension, which a Zonal store needs for its geometry columns. "
                             + "Create it once, as a superuser or the database owner: psql -d \(database) -c 'CREATE EXTENSION postgis;' "
                             + "(Debian's package: postgresql-15-postgis-3)")
        }
        let tables = try c.rows("""
            SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relkind IN ('r','p','v','m','f') AND NOT c.relispartition ORDER BY c.relname
            """, [.text(target.schema)]).compactMap { $0.first?.text }
        let exists = try c.scalar("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = ?", [.text(target.schema)]).int ?? 0 > 0
        if !tables.isEmpty {
            let marked = tables.contains("zonal_store")
                && (try? c.scalar("SELECT value FROM \"\(target.schema)\".zonal_store WHERE key = 'created_by'").text) == "zonal"
            guard marked else {
                let shown = tables.prefix(8)
                throw StoreError("the schema \(target.schema) in database \(database) holds tables Zonal did not create (\(shown.joined(separator: ", "))\(tables.count > shown.count ? ", …" : "")); "
                                 + "Zonal will not write into it. Name another schema with ?schema= in the store URL (Zonal makes it)")
            }
        }
        // The store's schema first (new tables go there), PostGIS's for its functions and types.
        try c.execute("SET search_path TO \"\(target.schema)\", \"\(postgisSchema)\"")
        let waited = max(1, min(waitSeconds, 86_400))
        // Like SQLite's busy timeout: a statement waiting on another session's lock gives up after this.
        try c.execute("SET lock_timeout = '\(Int(waited * 1000))ms'")
        c.lockWait = waited
        self.init(engine: .postgis(c, target), path: target.shown, isNew: !exists, waited: waited)
    }

    /// Begins the run's transaction; a new store gets its schema and tables inside it.
    func beginServerRun() throws {
        guard case .postgis(_, let target) = engine else { return }
        try sql.execute("BEGIN")
        // Only when it is missing: CREATE SCHEMA IF NOT EXISTS asks for the right to
        // create schemas even when it exists, which a user given a schema lacks.
        if try sql.scalar("SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = ?", [.text(target.schema)]).int == 0 {
            try sql.execute("""
                CREATE SCHEMA "\(target.schema)";
                COMMENT ON SCHEMA "\(target.schema)" IS 'A Zonal store: its tables are written by zonal runs; see zonal_runs and zonal_layout';
                """)
        }
        try sql.execute("""
            CREATE TABLE IF NOT EXISTS zonal_store (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO zonal_store (key, value) VALUES ('created_by', 'zonal'), ('schema_version', '1') ON CONFLICT DO NOTHING;
            CREATE TABLE IF NOT EXISTS zonal_runs (
                run_id BIGINT PRIMARY KEY, job TEXT NOT NULL, status TEXT NOT NULL,
                started TEXT NOT NULL, ended TEXT, summary TEXT, reports BYTEA);
            CREATE TABLE IF NOT EXISTS zonal_datasets (
                dataset TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT,
                rows BIGINT NOT NULL, rejects BIGINT NOT NULL, encoding TEXT, crs TEXT,
                replaced_rows BIGINT NOT NULL, run_id BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS rejects (
                fid BIGSERIAL PRIMARY KEY, dataset TEXT NOT NULL, file TEXT NOT NULL, line BIGINT, field TEXT, reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS zonal_warnings (
                fid BIGSERIAL PRIMARY KEY, dataset TEXT NOT NULL, file TEXT NOT NULL, line BIGINT, reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS zonal_layout (
                table_name TEXT PRIMARY KEY, layout TEXT NOT NULL, partition_column TEXT, distribution_column TEXT, citus TEXT NOT NULL);
            """)
        try sql.run("INSERT INTO zonal_store (key, value) VALUES ('created_at', ?) ON CONFLICT DO NOTHING",
                    [.text(ISO8601DateFormatter().string(from: Date()))])
    }

    static func serverType(_ type: ColumnType) -> String {
        switch type {
        case .integer: return "BIGINT"
        case .real: return "DOUBLE PRECISION"
        // Byte order, as SQLite compares: reports sort the same on both stores.
        case .text: return "TEXT COLLATE \"C\""
        case .blob: return "BYTEA"
        }
    }

    /// Creates the table with its typed geometry column and GiST index, as
    /// its layout says (day partitions for fact tables), or adds the columns
    /// this version of Zonal added.
    func ensureServerTable(_ schema: TableSchema) throws {
        let name = schema.name
        if try !sql.tableExists(name) {
            var cols: [String] = []
            var partitionBy = ""
            if case .facts(let day, _) = schema.layout {
                // A partitioned table's keys must include the partition column; fid stays unique by its sequence.
                cols.append("fid BIGSERIAL NOT NULL")
                partitionBy = " PARTITION BY RANGE (\"\(day)\")"
            } else {
                cols.append("fid BIGSERIAL PRIMARY KEY")
            }
            cols += schema.columns.map { "\"\($0.name)\" \(Self.serverType($0.type))" }
            if let g = schema.geometry {
                cols.append("\(Self.geometryColumn) geometry(\(g == .point ? "Point" : "MultiPolygon"), \(Self.srid))")
            }
            try sql.execute("CREATE TABLE \"\(name)\" (\(cols.joined(separator: ", ")))\(partitionBy)")
            // One sequence value per row cost more than the COPY itself (2 million
            // locks: 4.5 s against 2.0 s); a session cache of 10,000 takes that to
            // nothing. The run lock keeps other writers out, so fids still follow
            // load order; a session's unused values leave a gap, which no one reads.
            try sql.execute("ALTER SEQUENCE \"\(name)_fid_seq\" CACHE 10000")
            if partitionBy != "" {
                // Rows whose day is unknown (no time) land here rather than fail.
                try sql.execute("CREATE TABLE \"\(name)_default\" PARTITION OF \"\(name)\" DEFAULT")
                // fid is indexed per partition, a day's index built after its rows are in
                // (2 million locks: 0.6 s, against 1.8 s kept up row by row).
                try sql.execute("CREATE INDEX \"\(name)_default_fid\" ON \"\(name)_default\" (fid)")
            }
            if schema.geometry != nil && schema.spatialIndex {
                try sql.execute("CREATE INDEX \"\(name)_\(Self.geometryColumn)_gist\" ON \"\(name)\" USING gist (\(Self.geometryColumn))")
            }
            // The layout is marked in the DDL too, where psql's \\d+ and QGIS show it.
            let citus = Self.citusStatement(schema).replacingOccurrences(of: "'", with: "''")
            switch schema.layout {
            case .local: break
            case .reference:
                try sql.execute("COMMENT ON TABLE \"\(name)\" IS 'Zonal: a reference table (small, joined with everything); under Citus: \(citus)'")
            case .facts(let day, let by):
                try sql.execute("COMMENT ON TABLE \"\(name)\" IS 'Zonal: a fact table partitioned by China Standard Time day on \(day); under Citus: \(citus)'")
                try sql.execute("COMMENT ON COLUMN \"\(name)\".\"\(by)\" IS 'Zonal: the distribution column under Citus (never NULL)'")
            }
        } else {
            let existing = Set(try sql.rows("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?",
                                            [.text(name)]).compactMap { $0.first?.text })
            for c in schema.columns where !existing.contains(c.name) {
                try sql.execute("ALTER TABLE \"\(name)\" ADD COLUMN \"\(c.name)\" \(Self.serverType(c.type))")
            }
        }
        try recordLayout(schema)
        known[name] = schema
    }

    /// The statement that lays a table out under Citus, kept in `zonal_layout`.
    static func citusStatement(_ schema: TableSchema) -> String {
        switch schema.layout {
        case .local: return "-- stays on the coordinator"
        case .reference: return "SELECT create_reference_table('\(schema.name)');"
        case .facts(_, let by): return "SELECT create_distributed_table('\(schema.name)', '\(by)');"
        }
    }

    private func recordLayout(_ schema: TableSchema) throws {
        var kind = "local", partition: SQLValue = .null, distribution: SQLValue = .null
        switch schema.layout {
        case .local: break
        case .reference: kind = "reference"
        case .facts(let day, let by): kind = "distributed"; partition = .text(day); distribution = .text(by)
        }
        try sql.run("""
            INSERT INTO zonal_layout (table_name, layout, partition_column, distribution_column, citus) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (table_name) DO UPDATE SET layout = excluded.layout, partition_column = excluded.partition_column,
              distribution_column = excluded.distribution_column, citus = excluded.citus
            """, [.text(schema.name), .text(kind), partition, distribution, .text(Self.citusStatement(schema))])
    }

    /// The statements that make the day partitions rows are about to go
    /// into (one per China Standard Time day: [00:00, 24:00) at UTC+8, in
    /// epoch milliseconds), for the days not made yet.
    func partitionStatements(_ table: String, days: Set<Int64>) -> [String] {
        let missing = days.subtracting(partitions[table, default: []])
        partitions[table, default: []].formUnion(missing)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return missing.sorted().map { day in
            let from = day * 86_400_000 - 8 * 3_600_000
            let c = cal.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(day * 86_400)))
            let partition = "\(table)_d" + String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
            unindexed.append(partition)
            return "CREATE TABLE IF NOT EXISTS \"\(partition)\" PARTITION OF \"\(table)\" FOR VALUES FROM (\(from)) TO (\(from + 86_400_000))"
        }
    }

    func serverInserter(_ schema: TableSchema) -> RowInserter {
        guard case .postgis(let c, _) = engine else { preconditionFailure("a COPY on a SpatiaLite store") }
        var names = schema.columns.map(\.name)
        var kinds = schema.columns.map { PGColumnKind($0.type) }
        if schema.geometry != nil { names.append(Self.geometryColumn); kinds.append(.geometry) }
        var partitionColumn: Int?
        var statements: ((Set<Int64>) -> [String])?
        if case .facts(let day, _) = schema.layout {
            partitionColumn = schema.position(of: day)
            statements = { [unowned self] days in self.partitionStatements(schema.name, days: days) }
        }
        let buffer = PGCopyBuffer(connection: c, table: schema.name, columns: names, kinds: kinds,
                                  partitionColumn: partitionColumn, partitionStatements: statements)
        return RowInserter(sink: .copy(buffer), schema: schema)
    }

    /// Deletes the matching rows and COPYs the new ones in; indexes are kept
    /// up to date by the server as rows arrive.
    func replaceServerRows<T>(_ schemas: [TableSchema], where whereSQL: String?, _ args: [SQLValue],
                              _ body: ([RowInserter]) throws -> T) throws -> (result: T, deleted: Int) {
        var deleted = 0
        for s in schemas {
            try ensure(s)
            deleted += try deleteRows(s.name, where: whereSQL, args)
        }
        let inserters = schemas.map { serverInserter($0) }
        let result = try body(inserters)
        for i in inserters { try i.send() }
        try indexNewPartitions()
        return (result, deleted)
    }

    /// Indexes `fid` in the partitions this run made, once their rows are in
    /// (a partition that existed keeps its index, and IF NOT EXISTS leaves it).
    func indexNewPartitions() throws {
        let made = unindexed
        unindexed.removeAll()
        for p in made { try sql.execute("CREATE INDEX IF NOT EXISTS \"\(p)_fid\" ON \"\(p)\" (fid)") }
    }

    /// A view, replaced when this version of Zonal defines it differently.
    func ensureServerView(_ name: String, as select: String) throws {
        do {
            try sql.savepoint("view_\(name)") { try sql.execute("CREATE OR REPLACE VIEW \"\(name)\" AS \(select)") }
        } catch {
            // Its columns changed: CREATE OR REPLACE cannot drop or rename them.
            try sql.execute("DROP VIEW IF EXISTS \"\(name)\"; CREATE VIEW \"\(name)\" AS \(select)")
        }
    }
}
