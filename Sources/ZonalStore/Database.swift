import CSpatiaLite
import Foundation

/// A failure of the store, with the SQL that caused it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let sql: String?
    public init(_ message: String, sql: String? = nil) { self.message = message; self.sql = sql }
    public var description: String {
        sql.map { "store: \(message) (in: \($0.prefix(160)))" } ?? "store: \(message)"
    }
}

/// A value crossing into or out of SQLite.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var text: String? { if case .text(let s) = self { return s }; return nil }
    public var int: Int64? {
        switch self {
        case .integer(let i): return i
        case .real(let d): return Int64(d)
        default: return nil
        }
    }
    public var double: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        default: return nil
        }
    }
    public var isNull: Bool { self == .null }
}

/// The statements both backends run alike: a connection to SQLite or to
/// PostgreSQL, with SQLite's `?` placeholders (PostgreSQL's are made from them).
protocol SQLSession: AnyObject {
    func execute(_ sql: String) throws
    func rows(_ sql: String, _ args: [SQLValue]) throws -> [[SQLValue]]
    func scalar(_ sql: String, _ args: [SQLValue]) throws -> SQLValue
    func run(_ sql: String, _ args: [SQLValue]) throws
    func tableExists(_ name: String) throws -> Bool
    /// Drops what the session holds for statements not yet run (PostgreSQL's
    /// buffered COPY rows), before a rollback.
    func abandonPending()
    /// Rows the last statement changed.
    var changes: Int { get }
}

extension SQLSession {
    /// Runs `body` inside a savepoint: released on success, rolled back on any error.
    func savepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT \"\(name)\"")
        do {
            let result = try body()
            try execute("RELEASE \"\(name)\"")
            return result
        } catch {
            abandonPending()
            try? execute("ROLLBACK TO \"\(name)\"")
            try? execute("RELEASE \"\(name)\"")
            throw error
        }
    }

    func rows(_ sql: String) throws -> [[SQLValue]] { try rows(sql, []) }
    func scalar(_ sql: String) throws -> SQLValue { try scalar(sql, []) }
    func run(_ sql: String) throws { try run(sql, []) }
}

/// One SQLite connection with SpatiaLite loaded. Owns the `sqlite3*` and the
/// SpatiaLite cache; `close()` reports failure, `deinit` is the safety net.
public final class Database: SQLSession {
    private var db: OpaquePointer?
    private var spatialiteCache: UnsafeMutableRawPointer?
    public let path: String

    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let handle else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw StoreError("cannot open \(path): \(msg)")
        }
        db = handle
        spatialiteCache = spatialite_alloc_connection()
        spatialite_init_ex(handle, spatialiteCache, 0)
        sqlite3_busy_timeout(handle, 5000)
    }

    /// How long a statement waits for another connection's lock before failing.
    func busyTimeout(_ milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    deinit { try? close() }

    public func close() throws {
        guard let db else { return }
        let rc = sqlite3_close(db)
        if rc != SQLITE_OK { throw StoreError("cannot close \(path): \(String(cString: sqlite3_errmsg(db)))") }
        self.db = nil
        if let cache = spatialiteCache { spatialite_cleanup_ex(cache); spatialiteCache = nil }
    }

    var handle: OpaquePointer {
        guard let db else { preconditionFailure("database \(path) used after close()") }
        return db
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &err) != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(err)
            throw StoreError(msg, sql: sql)
        }
    }

    public func prepare(_ sql: String) throws -> Statement {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw StoreError(lastMessage, sql: sql)
        }
        return Statement(database: self, handle: stmt, sql: sql)
    }

    /// Runs `sql` with `args` and returns every row.
    public func rows(_ sql: String, _ args: [SQLValue] = []) throws -> [[SQLValue]] {
        let st = try prepare(sql)
        try st.bind(args)
        var out: [[SQLValue]] = []
        while try st.step() { out.append(st.row()) }
        return out
    }

    public func scalar(_ sql: String, _ args: [SQLValue] = []) throws -> SQLValue {
        try rows(sql, args).first?.first ?? .null
    }

    public func run(_ sql: String, _ args: [SQLValue] = []) throws {
        let st = try prepare(sql)
        try st.bind(args)
        while try st.step() {}
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    public func tableExists(_ name: String) throws -> Bool {
        try scalar("SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = ?", [.text(name)]).int ?? 0 > 0
    }

    func abandonPending() {}
}

/// A prepared statement, owned and finalized here.
public final class Statement {
    private let database: Database
    fileprivate let handle: OpaquePointer
    public let sql: String

    init(database: Database, handle: OpaquePointer, sql: String) {
        self.database = database
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let i): rc = sqlite3_bind_int64(handle, index, i)
        case .real(let d): rc = sqlite3_bind_double(handle, index, d)
        case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, zonal_sqlite_transient())
        case .blob(let b):
            rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32(b.count), zonal_sqlite_transient()) }
        }
        guard rc == SQLITE_OK else { throw StoreError(database.lastMessage, sql: sql) }
    }

    /// Steps once; true while a row is available.
    public func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw StoreError(database.lastMessage, sql: sql)
        }
    }

    /// Binds `values`, runs to completion (for INSERT/UPDATE/DELETE).
    public func execute(_ values: [SQLValue]) throws {
        try bind(values)
        while try step() {}
    }

    /// Runs once with parameters set by `bind`, which binds typed values
    /// straight into SQLite: a bulk load's row costs no `[SQLValue]` (an
    /// array and an enum per value). Parameters `bind` leaves alone are NULL.
    public func execute(binding bind: (Binder) throws -> Void) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        try bind(Binder(statement: self, offset: 0))
        while try step() {}
    }

    /// Runs once with `rows` groups of `width` parameters, group k set by
    /// `bind(binder, k)` at its own positions 1…width: a multi-row INSERT,
    /// where SQLite's per-statement work is shared by all its rows.
    func execute(rows: Int, width: Int32, binding bind: (Binder, Int) throws -> Void) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for k in 0..<rows { try bind(Binder(statement: self, offset: Int32(k) * width), k) }
        while try step() {}
    }

    /// Sets parameters of one execution (1-based, as SQLite counts them):
    /// of an SQLite statement, or of a row on its way to PostgreSQL by COPY.
    public struct Binder {
        let statement: Statement?
        /// Added to every index: the row's place in a multi-row statement.
        let offset: Int32
        let copy: PGCopyBuffer?

        init(statement: Statement, offset: Int32) { self.statement = statement; self.offset = offset; copy = nil }
        init(copy: PGCopyBuffer) { statement = nil; offset = 0; self.copy = copy }

        public func int(_ index: Int32, _ value: Int64) throws {
            if let copy { return try copy.set(Int(index) - 1, int: value) }
            try statement!.check(sqlite3_bind_int64(statement!.handle, offset + index, value))
        }
        public func real(_ index: Int32, _ value: Double) throws {
            if let copy { return try copy.set(Int(index) - 1, real: value) }
            try statement!.check(sqlite3_bind_double(statement!.handle, offset + index, value))
        }
        /// UTF-8 text, copied, so `bytes` need only live for the call.
        public func text(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws {
            if let copy { return try copy.set(Int(index) - 1, bytes: UnsafeRawBufferPointer(bytes)) }
            try statement!.check(sqlite3_bind_text(statement!.handle, offset + index, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                                   Int32(bytes.count), zonal_sqlite_transient()))
        }
        /// Bytes, copied.
        public func blob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) throws {
            if let copy { return try copy.set(Int(index) - 1, bytes: bytes) }
            try statement!.check(sqlite3_bind_blob(statement!.handle, offset + index, bytes.baseAddress, Int32(bytes.count), zonal_sqlite_transient()))
        }
        public func text(_ index: Int32, _ value: String) throws {
            var s = value
            try s.withUTF8 { try text(index, $0) }
        }
        public func value(_ index: Int32, _ value: SQLValue) throws {
            if let copy { return try copy.set(Int(index) - 1, value) }
            try statement!.bind(value, at: offset + index)
        }
    }

    fileprivate func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw StoreError(database.lastMessage, sql: sql) }
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func column(_ i: Int) -> SQLValue {
        let i32 = Int32(i)
        switch sqlite3_column_type(handle, i32) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i32))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i32))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, i32)))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, i32))
            guard n > 0, let p = sqlite3_column_blob(handle, i32) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    public func row() -> [SQLValue] { (0..<columnCount).map(column) }

    func int(_ i: Int) -> Int64 { sqlite3_column_int64(handle, Int32(i)) }

    /// Which of `texts` (UTF-8 bytes) column `i` holds, compared in place: no String per row.
    func which(_ i: Int, of texts: [[UInt8]]) -> Int? {
        guard let p = sqlite3_column_text(handle, Int32(i)) else { return nil }
        let n = Int(sqlite3_column_bytes(handle, Int32(i)))
        let bytes = UnsafeBufferPointer(start: p, count: n)
        return texts.firstIndex { $0.count == n && $0.elementsEqual(bytes) }
    }
}
