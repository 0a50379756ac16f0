import Foundation
import ZonalGeo

/// How a column's values are written in COPY's binary format.
enum PGColumnKind: Sendable {
    case int8, float8, text, bytea, geometry

    init(_ type: ColumnType) {
        switch type {
        case .integer: self = .int8
        case .real: self = .float8
        case .text: self = .text
        case .blob: self = .bytea
        }
    }
}

/// Rows of one table on their way to the server in COPY's binary format
/// (`COPY … FROM STDIN (FORMAT binary)`): no SQL text per row and no
/// parsing on the server. Values are set in any order by column position, as
/// the SQLite statements take them, and written in column order when the row
/// ends, converted to the column's type as SQLite's affinity would.
/// Rows stream to the server in parts of 1 MB through one open COPY
/// (`PGConnection.stream`), which ends before any other statement.
final class PGCopyBuffer {
    private unowned let connection: PGConnection
    let table: String
    private let statement: String
    private let columns: [String]
    private let kinds: [PGColumnKind]
    /// Rows not yet sent, COPY binary tuples.
    private var data: [UInt8] = []
    private var rows = 0
    private var slots: [Slot]
    private var scratch: [UInt8] = []
    /// The epoch-millisecond column a day-partitioned table is split on, and the days seen since the last send.
    private let partitionColumn: Int?
    private var days: Set<Int64> = []
    /// The statements that make the partitions of new days (they run before the rows are sent).
    private let partitionStatements: ((Set<Int64>) -> [String])?

    static let sendBytes = 1 << 20
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]

    enum Slot { case null, int(Int64), real(Double), bytes(Int, Int) }

    init(connection: PGConnection, table: String, columns: [String], kinds: [PGColumnKind],
         partitionColumn: Int?, partitionStatements: ((Set<Int64>) -> [String])?) {
        self.connection = connection
        self.table = table
        self.columns = columns
        self.kinds = kinds
        self.partitionColumn = partitionColumn
        self.partitionStatements = partitionStatements
        statement = "COPY \"\(table)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) FROM STDIN (FORMAT binary)"
        slots = Array(repeating: .null, count: kinds.count)
        data.reserveCapacity(Self.sendBytes + (1 << 16))
    }

    /// Epoch milliseconds → the day (China Standard Time, UTC+8) a partition holds.
    static func day(ofMs ms: Int64) -> Int64 {
        let shifted = ms + 8 * 3_600_000
        return shifted >= 0 ? shifted / 86_400_000 : (shifted - 86_399_999) / 86_400_000
    }

    func beginRow() {
        for i in slots.indices { slots[i] = .null }
        scratch.removeAll(keepingCapacity: true)
    }

    private func check(_ index: Int) throws {
        guard index >= 0 && index < kinds.count else {
            throw StoreError("table \(table) has \(kinds.count) columns; a value was set at position \(index + 1)")
        }
    }

    func set(_ index: Int, int value: Int64) throws { try check(index); slots[index] = .int(value) }
    func set(_ index: Int, real value: Double) throws { try check(index); slots[index] = .real(value) }
    func set(_ index: Int, bytes: UnsafeRawBufferPointer) throws {
        try check(index)
        let start = scratch.count
        scratch.append(contentsOf: bytes)
        slots[index] = .bytes(start, bytes.count)
    }
    func set(_ index: Int, _ value: SQLValue) throws {
        switch value {
        case .null: try check(index); slots[index] = .null
        case .integer(let i): try set(index, int: i)
        case .real(let d): try set(index, real: d)
        case .text(let s): var t = s; try t.withUTF8 { try set(index, bytes: UnsafeRawBufferPointer($0)) }
        case .blob(let b): try b.withUnsafeBytes { try set(index, bytes: $0) }
        }
    }

    private func be16(_ v: Int16) { withUnsafeBytes(of: v.bigEndian) { data.append(contentsOf: $0) } }
    private func be32(_ v: Int32) { withUnsafeBytes(of: v.bigEndian) { data.append(contentsOf: $0) } }
    private func be64(_ v: UInt64) { withUnsafeBytes(of: v.bigEndian) { data.append(contentsOf: $0) } }

    private func text(_ start: Int, _ count: Int) -> String {
        String(decoding: scratch[start..<(start + count)], as: UTF8.self)
    }

    private func wrongType(_ column: Int, _ what: String, _ got: String) -> StoreError {
        StoreError("column \(columns[column]) of \(table) takes \(what); it was given \(got)")
    }

    /// Writes the row in column order.
    func endRow() throws {
        be16(Int16(kinds.count))
        for (i, kind) in kinds.enumerated() {
            let slot = slots[i]
            if case .null = slot { be32(-1); continue }
            switch (kind, slot) {
            case (.int8, .int(let v)): be32(8); be64(UInt64(bitPattern: v))
            case (.int8, .real(let d)):
                guard let v = Int64(exactly: d.rounded(.towardZero)) else { throw wrongType(i, "an integer", "\(d)") }
                be32(8); be64(UInt64(bitPattern: v))
            case (.int8, .bytes(let s, let n)):
                guard let v = Int64(text(s, n)) else { throw wrongType(i, "an integer", "'\(text(s, n))'") }
                be32(8); be64(UInt64(bitPattern: v))
            case (.float8, .real(let d)): be32(8); be64(d.bitPattern)
            case (.float8, .int(let v)): be32(8); be64(Double(v).bitPattern)
            case (.float8, .bytes(let s, let n)):
                guard let d = Double(text(s, n)) else { throw wrongType(i, "a number", "'\(text(s, n))'") }
                be32(8); be64(d.bitPattern)
            case (.text, .bytes(let s, let n)), (.bytea, .bytes(let s, let n)), (.geometry, .bytes(let s, let n)):
                be32(Int32(n)); data.append(contentsOf: scratch[s..<(s + n)])
            case (.text, .int(let v)): let b = Array(String(v).utf8); be32(Int32(b.count)); data.append(contentsOf: b)
            case (.text, .real(let d)): let b = Array(PGConnection.text(d).utf8); be32(Int32(b.count)); data.append(contentsOf: b)
            case (.bytea, _), (.geometry, _): throw wrongType(i, kind == .geometry ? "a geometry" : "bytes", "a number")
            case (_, .null): be32(-1)
            }
        }
        if let p = partitionColumn, case .int(let ms) = slots[p] { days.insert(Self.day(ofMs: ms)) }
        rows += 1
        if rows == 1 { connection.register(self) }
        if data.count >= Self.sendBytes { try send() }
    }

    /// Sends the rows buffered so far into this table's COPY.
    func send() throws {
        guard rows > 0 else { return }
        connection.unregister(self)
        let before = days.isEmpty ? [] : partitionStatements?(days) ?? []
        days.removeAll(keepingCapacity: true)
        let payload = data
        data.removeAll(keepingCapacity: true)
        rows = 0
        try connection.stream(payload, for: self, statement: statement, before: before)
    }

    /// Drops what is buffered (the step failed).
    func discard() {
        connection.unregister(self)
        data.removeAll(keepingCapacity: true)
        rows = 0
        days.removeAll()
    }
}

/// PostGIS's extended WKB: WKB with the SRID after the top-level type, so
/// a COPY into a `geometry(…, 4490)` column needs no function per row.
enum EWKB {
    static func encode(_ shape: Shape, srid: Int32) -> [UInt8] {
        let wkb = WKB.encode(shape)
        // WKB.encode writes little-endian: byte 0 is 1, bytes 1…4 the type.
        var out: [UInt8] = [0x01]
        out.reserveCapacity(wkb.count + 4)
        let type = UInt32(wkb[1]) | UInt32(wkb[2]) << 8 | UInt32(wkb[3]) << 16 | UInt32(wkb[4]) << 24
        withUnsafeBytes(of: (type | 0x2000_0000).littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: srid.littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: wkb[5...])
        return out
    }
}
