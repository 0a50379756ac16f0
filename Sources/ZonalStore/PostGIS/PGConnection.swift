import CPQ
import Foundation

/// One libpq connection to a PostgreSQL server. Owns the `PGconn*`; every
/// statement goes through here, and so do the COPY buffers of bulk loads,
/// which are sent before any other statement so the server always sees rows
/// in the order Zonal wrote them.
final class PGConnection: SQLSession {
    private var conn: OpaquePointer?
    /// The server as users named it (never with a password: those are refused).
    let shown: String
    /// COPY buffers holding rows not yet sent.
    private var pending: [ObjectIdentifier: PGCopyBuffer] = [:]
    private var cursorCount = 0
    /// The store's schema: where `tableExists` looks (it may not exist yet).
    var schema = "public"
    /// How long a statement waits for another session's lock (`lock_timeout`), for the message when it gives up.
    var lockWait: Double?
    /// Rows the last command changed (`PQcmdTuples`).
    private(set) var changes = 0

    /// Connects with `conninfo` (a postgresql:// URL; libpq takes the
    /// password from PGPASSWORD or ~/.pgpass). `applicationName` shows in
    /// `pg_stat_activity`, which is how a waiting run names the holder.
    private let conninfo: String

    init(conninfo: String, shown: String, applicationName: String) throws {
        self.shown = shown
        self.conninfo = conninfo
        // Later keywords override what the URL sets, earlier ones are overridden by it:
        // a URL's own connect_timeout wins over the 10 s default.
        let keys = ["connect_timeout", "dbname", "application_name", "client_encoding"]
        let values = ["10", conninfo, String(applicationName.prefix(63)), "UTF8"]
        let handle = withCStrings(keys) { k in withCStrings(values) { v in PQconnectdbParams(k, v, 1) } }
        guard let handle else { throw StoreError("cannot connect to \(shown): out of memory") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let raw = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw StoreError(Self.connectionFailure(raw, shown: shown))
        }
        conn = handle
        // The server's NOTICEs ("schema … already exists, skipping") would go
        // straight to stderr, past --quiet and --log-format json.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try execute("SET client_min_messages TO warning")
    }

    deinit { close() }

    func close() {
        guard let conn else { return }
        PQfinish(conn)
        self.conn = nil
    }

    private var handle: OpaquePointer {
        guard let conn else { preconditionFailure("connection to \(shown) used after close()") }
        return conn
    }

    /// libpq's connection failures, said so a supervisor knows what to do.
    static func connectionFailure(_ raw: String, shown: String) -> String {
        let text = raw.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
        if text.contains("password authentication failed") || text.contains("no password supplied") {
            return "cannot connect to \(shown): the server refused the password (\(text)). Zonal never reads a password from the job file; set PGPASSWORD, or add a line host:port:database:user:password to ~/.pgpass (mode 0600)"
        }
        if text.contains("Connection refused") || text.contains("No such file or directory") || text.contains("timeout expired")
            || text.contains("could not translate host name") {
            return "cannot connect to \(shown): no PostgreSQL server answered (\(text)). Start the server, or check host and port in `store:` / --store"
        }
        if text.contains("does not exist") && text.contains("database") {
            return "cannot connect to \(shown): \(text). Create the database first (createdb), or name another one in `store:` / --store"
        }
        return "cannot connect to \(shown): \(text)"
    }

    /// Why a statement failed; a lost connection says so, since the load's transaction is then gone.
    private func failure(_ result: OpaquePointer?, sql: String) -> StoreError {
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        // Class 08 (connection exception) and 57P01–57P03 (the server is shutting the session down) mean the same as a dead socket.
        let lost = state.map { $0.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains($0) } ?? false
        if lost || PQstatus(handle) != CONNECTION_OK {
            let raw = (result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(handle)))
                .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").joined(separator: "; ")
            return StoreError("the connection to \(shown) was lost (\(raw)); the server rolls back the run's transaction, so the store keeps its state from before the run. Run the job again when the server is back", sql: sql)
        }
        if state == "55P03", let wait = lockWait {
            return StoreError("another session holds a lock on a table of the store \(shown) (an open transaction, e.g. in psql, QGIS or a BI tool); Zonal waited \(StoreText.seconds(wait)) and gave up. End that transaction, or give the run more time with --wait SECONDS", sql: sql)
        }
        if state == "42501" {
            // Permission denied: creating the schema, or writing into a schema another user owns.
            let user = String(cString: PQuser(handle))
            let raw = String(cString: PQresultErrorMessage(result!)).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "ERROR:  ", with: "")
            return StoreError("the server refused user \(user): \(raw). Ask the database's administrator for a schema this user owns: CREATE SCHEMA \(schema) AUTHORIZATION \(user);", sql: sql)
        }
        var msg = result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(handle))
        msg = msg.trimmingCharacters(in: .whitespacesAndNewlines)
        if msg.hasPrefix("ERROR:") { msg = String(msg.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
        return StoreError(msg + (state.map { " [SQLSTATE \($0)]" } ?? ""), sql: sql)
    }

    // MARK: statements

    /// Runs SQL without parameters (several statements may be given).
    func execute(_ sql: String) throws {
        try flushCopies()
        try executeNow(sql)
    }

    /// Runs SQL at once, without sending buffered rows first (for the
    /// statements a COPY flush itself needs, such as a new partition).
    fileprivate func executeNow(_ sql: String) throws {
        guard let r = PQexec(handle, sql) else { throw failure(nil, sql: sql) }
        defer { PQclear(r) }
        let status = PQresultStatus(r)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(r, sql: sql) }
        changes = Int(String(cString: PQcmdTuples(r))) ?? 0
    }

    /// Runs one statement with parameters written `?` (as for SQLite) and returns its result.
    func result(_ sql: String, _ args: [SQLValue]) throws -> PGResult {
        try flushCopies()
        let text = Self.numbered(sql)
        var owned: [[UInt8]] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        owned.reserveCapacity(args.count)
        var nulls: [Bool] = []
        for a in args {
            switch a {
            case .null: owned.append([]); formats.append(0); nulls.append(true)
            case .integer(let i): owned.append(Array(String(i).utf8) + [0]); formats.append(0); nulls.append(false)
            case .real(let d): owned.append(Array(Self.text(d).utf8) + [0]); formats.append(0); nulls.append(false)
            case .text(let s): owned.append(Array(s.utf8) + [0]); formats.append(0); nulls.append(false)
            case .blob(let b): owned.append(b.isEmpty ? [0] : b); formats.append(1); nulls.append(false)
            }
            lengths.append(Int32(owned.last!.count))
        }
        let r: OpaquePointer? = try withPointers(owned, nulls: nulls) { values in
            PQexecParams(handle, text, Int32(args.count), nil, values, lengths, formats, 0)
        }
        guard let r else { throw failure(nil, sql: sql) }
        let status = PQresultStatus(r)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let e = failure(r, sql: sql)
            PQclear(r)
            throw e
        }
        changes = Int(String(cString: PQcmdTuples(r))) ?? 0
        return PGResult(r)
    }

    func rows(_ sql: String, _ args: [SQLValue] = []) throws -> [[SQLValue]] {
        let r = try result(sql, args)
        return (0..<r.rowCount).map { row in (0..<r.columnCount).map { r.value(row, $0) } }
    }

    func scalar(_ sql: String, _ args: [SQLValue] = []) throws -> SQLValue {
        let r = try result(sql, args)
        return r.rowCount > 0 && r.columnCount > 0 ? r.value(0, 0) : .null
    }

    func run(_ sql: String, _ args: [SQLValue] = []) throws { _ = try result(sql, args) }

    /// Streams a query's rows through a server-side cursor, `batch` rows per
    /// round trip, so a scan of millions of rows holds one batch at a time.
    func scan(_ sql: String, _ args: [SQLValue], batch: Int = 50_000, _ body: (PGResult, Int) throws -> Void) throws {
        let ownTransaction = PQtransactionStatus(handle) == PQTRANS_IDLE
        if ownTransaction { try execute("BEGIN") }
        cursorCount += 1
        let name = "zonal_scan_\(cursorCount)"
        do {
            _ = try result("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", args)
            while true {
                let r = try result("FETCH FORWARD \(batch) FROM \(name)", [])
                for i in 0..<r.rowCount { try body(r, i) }
                if r.rowCount < batch { break }
            }
            try execute("CLOSE \(name)")
        } catch {
            if ownTransaction { try? executeNow("ROLLBACK") } else { try? executeNow("CLOSE \(name)") }
            throw error
        }
        if ownTransaction { try execute("COMMIT") }
    }

    func tableExists(_ name: String) throws -> Bool {
        // In the store's schema only: a table of the same name elsewhere is someone else's.
        try scalar("SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r','v','p','m')",
                   [.text(schema), .text(name)]).int ?? 0 > 0
    }

    /// Rows buffered in a failed step must not be sent after its rollback.
    func abandonPending() { discardCopies() }

    /// Drops rows buffered but not sent, and abandons an open COPY (the step or run is being rolled back).
    func discardCopies() {
        let buffers = Array(pending.values)
        pending.removeAll()
        for b in buffers { b.discard() }
        abortCopy()
    }

    func register(_ buffer: PGCopyBuffer) { pending[ObjectIdentifier(buffer)] = buffer }
    func unregister(_ buffer: PGCopyBuffer) { pending[ObjectIdentifier(buffer)] = nil }

    /// Sends every buffered row and ends the open COPY, whose errors (a
    /// value the column refuses, a lost connection) surface here.
    func flushCopies() throws {
        while let (key, buffer) = pending.first {
            pending[key] = nil
            try buffer.send()
        }
        try endCopy()
    }

    /// The buffer whose COPY is open. Rows stream into it while Zonal makes
    /// the next ones, so the server's work overlaps Zonal's; it stays open
    /// until another statement, or another table's rows, need the connection.
    private var openCopy: PGCopyBuffer?
    private var openStatement = ""

    /// Sends `rows` (COPY binary tuples) as part of `buffer`'s COPY, opening
    /// it (after running `before`, e.g. new partitions) when needed.
    func stream(_ rows: [UInt8], for buffer: PGCopyBuffer, statement: String, before: [String]) throws {
        if openCopy !== buffer || !before.isEmpty {
            try endCopy()
            for sql in before { try executeNow(sql) }
            guard let r = PQexec(handle, statement) else { throw failure(nil, sql: statement) }
            guard PQresultStatus(r) == PGRES_COPY_IN else { let e = failure(r, sql: statement); PQclear(r); throw e }
            PQclear(r)
            openCopy = buffer
            openStatement = statement
            try put(PGCopyBuffer.header)
        }
        try put(rows)
    }

    private func put(_ bytes: [UInt8]) throws {
        let chunk = 1 << 20
        var sent = 0
        var ok = true
        bytes.withUnsafeBufferPointer { p in
            while sent < p.count {
                let n = min(chunk, p.count - sent)
                let rc = p.baseAddress!.advanced(by: sent).withMemoryRebound(to: CChar.self, capacity: n) { PQputCopyData(handle, $0, Int32(n)) }
                if rc != 1 { ok = false; break }
                sent += n
                if Self.cutAt == "copy" { cutOwnConnection() }
            }
        }
        if !ok {
            // The server is gone or refused the COPY: end it to learn why.
            let statement = openStatement
            abortCopy()
            throw failure(nil, sql: statement)
        }
    }

    /// Ends the open COPY: the trailer, then the server's verdict on every row.
    func endCopy() throws {
        guard openCopy != nil else { return }
        openCopy = nil
        let statement = openStatement
        let trailer: [UInt8] = [0xFF, 0xFF]
        let rc = trailer.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: 2) { PQputCopyData(handle, $0, 2) }
        }
        PQputCopyEnd(handle, rc == 1 ? nil : "zonal: sending the rows failed")
        var firstError: StoreError?
        while let r = PQgetResult(handle) {
            if PQresultStatus(r) != PGRES_COMMAND_OK, firstError == nil { firstError = failure(r, sql: statement) }
            PQclear(r)
        }
        if let firstError { throw firstError }
        if rc != 1 { throw failure(nil, sql: statement) }
    }

    /// Abandons the open COPY: the server discards its rows.
    private func abortCopy() {
        guard openCopy != nil else { return }
        openCopy = nil
        PQputCopyEnd(handle, "zonal: the load failed")
        while let r = PQgetResult(handle) { PQclear(r) }
    }

    /// `ZONAL_TEST_PG_CUT_AT=copy`: the failure tests' way to lose the
    /// connection in the middle of a load, for real: a second connection has
    /// the server terminate this one's backend while its COPY is under way.
    static let cutAt = ProcessInfo.processInfo.environment["ZONAL_TEST_PG_CUT_AT"]

    private func cutOwnConnection() {
        let pid = PQbackendPID(handle)
        guard let other = try? PGConnection(conninfo: conninfo, shown: shown, applicationName: "zonal test: cut") else { return }
        _ = try? other.run("SELECT pg_terminate_backend(\(pid))")
        usleep(200_000)
    }

    // MARK: text

    /// `?` placeholders (outside quotes) as PostgreSQL's `$1`, `$2`, …
    static func numbered(_ sql: String) -> String {
        guard sql.contains("?") else { return sql }
        var out = ""
        var n = 0
        var quote: Character?
        for ch in sql {
            if let q = quote {
                if ch == q { quote = nil }
                out.append(ch)
            } else if ch == "'" || ch == "\"" {
                quote = ch; out.append(ch)
            } else if ch == "?" {
                n += 1; out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// A double as PostgreSQL reads it back exactly.
    static func text(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        return "\(d)"
    }
}


/// One result set, cleared here.
final class PGResult {
    let handle: OpaquePointer
    let rowCount: Int
    let columnCount: Int
    private let types: [UInt32]

    init(_ handle: OpaquePointer) {
        self.handle = handle
        rowCount = Int(PQntuples(handle))
        columnCount = Int(PQnfields(handle))
        types = (0..<columnCount).map { PQftype(handle, Int32($0)) }
    }

    deinit { PQclear(handle) }

    func isNull(_ row: Int, _ col: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(col)) == 1 }

    /// An integer column (or anything that reads as one) without making a String.
    func int(_ row: Int, _ col: Int) -> Int64 {
        guard !isNull(row, col), let p = PQgetvalue(handle, Int32(row), Int32(col)) else { return 0 }
        switch types[col] {
        case 16: return p.pointee == CChar(UInt8(ascii: "t")) ? 1 : 0
        case 700, 701, 1700: return Int64(strtod(p, nil))
        default: return strtoll(p, nil, 10)
        }
    }

    /// The value as SQLite would give it: integers (also bool, and numeric
    /// without a fraction, which is what `sum` of integers gives here) as
    /// integers, floating and fractional numbers as reals, bytea as bytes.
    func value(_ row: Int, _ col: Int) -> SQLValue {
        if isNull(row, col) { return .null }
        guard let p = PQgetvalue(handle, Int32(row), Int32(col)) else { return .null }
        switch types[col] {
        case 20, 21, 23, 26: return .integer(strtoll(p, nil, 10))
        case 16: return .integer(p.pointee == CChar(UInt8(ascii: "t")) ? 1 : 0)
        case 700, 701: return .real(strtod(p, nil))
        case 1700:
            let s = String(cString: p)
            if !s.contains("."), let i = Int64(s) { return .integer(i) }
            return .real(Double(s) ?? 0)
        case 17: return .blob(Self.bytea(p, count: Int(PQgetlength(handle, Int32(row), Int32(col)))))
        default: return .text(String(cString: p))
        }
    }

    /// Which of `texts` (UTF-8) the column holds, compared in place.
    func which(_ row: Int, _ col: Int, of texts: [[UInt8]]) -> Int? {
        guard !isNull(row, col), let p = PQgetvalue(handle, Int32(row), Int32(col)) else { return nil }
        let n = Int(PQgetlength(handle, Int32(row), Int32(col)))
        let bytes = UnsafeRawBufferPointer(start: p, count: n)
        return texts.firstIndex { $0.count == n && $0.elementsEqual(bytes) }
    }

    /// bytea in its text form: `\x` and two hex digits per byte.
    static func bytea(_ p: UnsafePointer<CChar>, count: Int) -> [UInt8] {
        let raw = UnsafeRawBufferPointer(start: p, count: count)
        guard count >= 2, raw[0] == UInt8(ascii: "\\"), raw[1] == UInt8(ascii: "x") else { return Array(raw) }
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return c - UInt8(ascii: "A") + 10
            }
        }
        var out = [UInt8](repeating: 0, count: (count - 2) / 2)
        for i in 0..<out.count { out[i] = nibble(raw[2 + 2 * i]) << 4 | nibble(raw[3 + 2 * i]) }
        return out
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeMutableBufferPointer { body(UnsafePointer($0.baseAddress!)) }
}

private func withPointers<R>(_ buffers: [[UInt8]], nulls: [Bool], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> R) throws -> R {
    let copies: [UnsafeMutablePointer<UInt8>?] = zip(buffers, nulls).map { b, isNull in
        guard !isNull else { return nil }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, b.count))
        p.initialize(from: b, count: b.count)
        return p
    }
    defer { copies.forEach { $0?.deallocate() } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } }
    if pointers.isEmpty { return try body(nil) }
    return try pointers.withUnsafeMutableBufferPointer { try body(UnsafePointer($0.baseAddress!)) }
}
