import Foundation
import LedgerStorage
import Logging
public import PostgresStorage

/// Which engine the suites that run on both (the HTTP tests today) use: SQLite unless
/// `COMMONS_LEDGER_TEST_DATABASE=postgres`, which `scripts/test` sets for its second pass
/// over the same tests (with `COMMONS_LEDGER_TEST_POSTGRES_URL`, the server it started).
public enum TestBackend: String, Sendable {
    case sqlite
    case postgres

    public static let selected: TestBackend = {
        let environment = ProcessInfo.processInfo.environment
        return environment["COMMONS_LEDGER_TEST_DATABASE"] == "postgres" ? .postgres : .sqlite
    }()

    /// For tests of what only a SQLite file has (its pragmas, its file modes, the sqlite3
    /// shell): they run in the SQLite pass only.
    public static var isSQLite: Bool { selected == .sqlite }
}

/// Fresh databases on the test PostgreSQL server, one per test.
public enum TestPostgres {
    /// The server scripts/test started (`COMMONS_LEDGER_TEST_POSTGRES_URL`).
    public static func server() throws -> LedgerPostgresDatabase {
        guard let text = ProcessInfo.processInfo.environment["COMMONS_LEDGER_TEST_POSTGRES_URL"] else {
            throw PostgresURL.Invalid("no COMMONS_LEDGER_TEST_POSTGRES_URL: scripts/test starts PostgreSQL and sets it")
        }
        guard case .postgres(let url) = try DatabaseLocation(text) else {
            throw PostgresURL.Invalid("COMMONS_LEDGER_TEST_POSTGRES_URL is not a postgres:// URL")
        }
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        return LedgerPostgresDatabase(url: url, logger: quiet)
    }

    /// A new, empty database with a random name (left for the throw-away server to drop).
    public static func freshDatabase() async throws -> LedgerPostgresDatabase {
        let server = try server()
        let name = "ledger_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await server.createDatabase(named: name)
        return server.database(named: name)
    }
}
