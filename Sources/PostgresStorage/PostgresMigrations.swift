import LedgerCore
public import PostgresNIO

/// Applies `schema/postgres/` to a database, in file-name order, each migration in its own
/// transaction together with its row in `schema_migrations` (the names are SQLite's), so a
/// migration is applied wholly or not at all. The runner creates `schema_migrations`, as
/// GRDB creates its table on SQLite (the contract in `schema/postgres/README.md`); the
/// statements come from the files, split by `scripts/embed-resources`.
///
/// Several servers may start at once against one database: every migration transaction
/// first takes one transaction-scoped advisory lock, so they apply one after another and
/// each skips what another already applied.
public enum PostgresMigrations {
    /// The advisory lock key migrations serialize on: a constant of this program (the ASCII
    /// bytes of "clmigrat"), never to change, so every version's runners take the same lock.
    static let lockKey: Int64 = 0x636C_6D69_6772_6174

    /// Applies every pending migration; returns the names applied now.
    @discardableResult
    public static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        var applied: [String] = []
        for migration in all {
            let didApply = try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                // Created only when missing: CREATE … IF NOT EXISTS needs the CREATE privilege
                // even when the table exists, and a server's role should not hold it.
                let exists = try await connection.query(
                    "SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger
                )
                var hasTable = false
                for try await found in exists.decode(Bool.self) { hasTable = found }
                if !hasTable {
                    try await connection.query(
                        """
                        CREATE TABLE schema_migrations
                            (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                        """,
                        logger: logger
                    )
                }
                let name = migration.name
                let rows = try await connection.query(
                    "SELECT 1 FROM schema_migrations WHERE name = \(name)", logger: logger
                )
                for try await _ in rows { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (name) VALUES (\(name))", logger: logger)
                return true
            }
            if didApply { applied.append(migration.name) }
        }
        return applied
    }

    /// The names of the migrations applied to the database, in order.
    public static func applied(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        let rows = try await client.query(
            "SELECT name FROM schema_migrations ORDER BY name", logger: logger
        )
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }
}
