import Foundation
public import LedgerStorage

/// Runs SQL against a database with its own command-line shell — `sqlite3` on a SQLite
/// file, `psql` on a PostgreSQL database — the way an operator (or an attacker with access
/// to the database) would, bypassing the service entirely.
public enum DatabaseShell {
    /// The shell reported an error (a trigger or constraint refused the statement).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Executes `sql` on the SQLite file at `path`, stopping at the first error.
    @discardableResult
    public static func execute(path: String, sql: String) throws -> String {
        try run(["sqlite3", "-bail", path, sql], environment: [:])
    }

    /// Executes `sql` on the PostgreSQL database at `url` as one transaction (psql sends a
    /// `-c` text as one query), stopping at the first error; rows as unaligned text.
    @discardableResult
    public static func execute(postgres url: PostgresURL, sql: String) throws -> String {
        var environment = [
            "PGHOST": url.host, "PGPORT": String(url.port), "PGUSER": url.user, "PGDATABASE": url.database,
        ]
        environment["PGPASSWORD"] = url.password
        return try run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], environment: environment)
    }

    /// The first column of the first row of `sql` on the SQLite file at `path`, as text.
    public static func scalar(path: String, sql: String) throws -> String? {
        firstLine(try execute(path: path, sql: sql))
    }

    static func firstLine(_ output: String) -> String? {
        output.split(separator: "\n").first.map(String.init)
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> String {
        let outcome = try Spawn.run(arguments, environment: environment)
        guard outcome.status == 0 else { throw Failure(description: outcome.errors) }
        return outcome.output
    }
}
