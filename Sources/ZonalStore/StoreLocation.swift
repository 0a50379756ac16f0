import Foundation

/// Where a store lives: a SpatiaLite file (the default: one file, nothing to
/// run) or a schema on a PostgreSQL/PostGIS server that many analysts share.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case postgres(PostgresTarget)

    /// A `postgresql://` or `postgres://` URL names a server; anything else is a file path.
    public static func isServerURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public var description: String {
        switch self {
        case .file(let p): return p
        case .postgres(let t): return t.shown
        }
    }
}

/// Which SQL a store speaks, for the few statements written per backend (views).
public enum SQLDialect: Sendable { case sqlite, postgis }

/// How a table is laid out on a PostgreSQL server, so that the same schema
/// works on one server and under Citus past one machine. SpatiaLite ignores it.
public enum ServerLayout: Sendable, Equatable {
    /// An ordinary table (reports, the ledger, small inputs).
    case local
    /// Small and joined with everything (fences): a Citus reference table, copied to every node.
    case reference
    /// A large fact table (lock events, access records, heartbeats): partitioned
    /// by day on `dayColumn` (epoch milliseconds) and, under Citus,
    /// distributed by `distributeBy`.
    case facts(dayColumn: String, distributeBy: String)
}

/// A PostgreSQL store: `postgresql://user@host:port/db?schema=name`.
/// The password comes from PGPASSWORD or ~/.pgpass, as for psql; a URL that
/// carries one is refused, so it never sits in a job file or a log.
public struct PostgresTarget: Sendable, Equatable {
    /// What libpq connects with: the URL without `schema`.
    public let conninfo: String
    /// The schema that holds the store's tables.
    public let schema: String
    /// The URL as messages show it.
    public let shown: String

    public static let defaultSchema = "zonal"

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(url: String) throws {
        guard StoreLocation.isServerURL(url) else {
            throw Invalid(description: "\(url) is not a PostgreSQL URL; write postgresql://user@host:port/database?schema=name")
        }
        let afterScheme = url[url.range(of: "://")!.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            throw Invalid(description: "the store URL carries a password; Zonal never keeps one in a job file or a log. Remove it from the URL and set PGPASSWORD, or add a line host:port:database:user:password to ~/.pgpass (mode 0600)")
        }
        var base = url
        var schema = Self.defaultSchema
        var kept: [String] = []
        if let q = url.firstIndex(of: "?") {
            base = String(url[..<q])
            for pair in url[url.index(after: q)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.first == "schema" {
                    schema = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
                } else if parts.first == "password" {
                    throw Invalid(description: "the store URL carries a password; Zonal never keeps one in a job file or a log. Set PGPASSWORD, or add a line host:port:database:user:password to ~/.pgpass (mode 0600)")
                } else {
                    kept.append(String(pair))
                }
            }
        }
        // Lower-case letters, digits and _ only: the name is then the same quoted
        // or not, in Zonal's SQL, in QGIS and in an analyst's psql.
        let ok = !schema.isEmpty && schema.count <= 63 && schema.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F
        } && !(schema.first!.isNumber) && !schema.hasPrefix("pg_")
        guard ok else {
            throw Invalid(description: "schema '\(schema)' in the store URL must be 1–63 lower-case letters, digits or _, start with a letter or _, and not start with pg_")
        }
        self.schema = schema
        conninfo = kept.isEmpty ? base : base + "?" + kept.joined(separator: "&")
        shown = url
    }
}
