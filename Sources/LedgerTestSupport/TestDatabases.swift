public import AuditLog
import Foundation
import LedgerCore
public import LedgerStorage
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

/// A migrated store on a fresh database of the selected backend (`TestBackend.selected`:
/// a temporary SQLite file, or a new database on the test PostgreSQL server), with a fixed
/// clock and seeded ids. The storage suite runs on both through it; what only one engine
/// has (a SQLite file's bytes and modes) is reached through `engine`.
public final class TestLedger: Sendable {
    /// The store under test, on its engine.
    public enum Engine: Sendable {
        case sqlite(SQLiteLedgerStore)
        case postgres(PostgresLedgerStore, LedgerPostgresDatabase)
    }

    public let directory: TemporaryDirectory
    public let engine: Engine
    public let clock: FixedClock
    /// The migrations the opening applied (none when reopening a migrated database).
    public let appliedAtOpen: [String]

    /// The store, whichever the engine.
    public var store: any LedgerStore {
        switch engine {
        case .sqlite(let store): store
        case .postgres(let store, _): store
        }
    }

    /// How the store's group commit has grouped its writes so far.
    public var commitStatistics: CommitStatistics {
        switch engine {
        case .sqlite(let store): store.commitStatistics
        case .postgres(let store, _): store.commitStatistics
        }
    }

    /// The SQLite file (the SQLite backend's database; unused on PostgreSQL).
    public var path: String { directory.path("ledger.sqlite") }

    public convenience init(seed: UInt64 = 42, backend: TestBackend = .selected) async throws {
        let directory = try TemporaryDirectory()
        switch backend {
        case .sqlite:
            try await self.init(seed: seed, directory: directory, database: nil)
        case .postgres:
            try await self.init(seed: seed, directory: directory, database: try await TestPostgres.freshDatabase())
        }
    }

    /// A store on the SQLite file in `directory`, or on `database`, migrated.
    init(
        seed: UInt64, directory: TemporaryDirectory, database: LedgerPostgresDatabase?, signer: LogSigner = .test
    ) async throws {
        self.directory = directory
        clock = FixedClock()
        let identifiers = SeededIdentifiers(seed: seed)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        if let database {
            let (store, applied) = try await PostgresLedgerStore.open(
                database: database, clock: clock, identifiers: identifiers, signer: signer, logger: logger
            )
            engine = .postgres(store, database)
            appliedAtOpen = applied
        } else {
            let store = try SQLiteLedgerStore(
                path: directory.path("ledger.sqlite"), clock: clock, identifiers: identifiers, signer: signer,
                logger: logger
            )
            appliedAtOpen = try store.migrate()
            engine = .sqlite(store)
        }
    }

    /// The store closed, and a new one opened on the same database — a server restart.
    /// `signer` is the key the restarted server signs with.
    public func reopened(seed: UInt64 = 43, signer: LogSigner = .test) async throws -> TestLedger {
        try await close()
        switch engine {
        case .sqlite: return try await TestLedger(seed: seed, directory: directory, database: nil, signer: signer)
        case .postgres(_, let database):
            return try await TestLedger(seed: seed, directory: directory, database: database, signer: signer)
        }
    }

    /// The start-up check of a signing key against the log (`serve` runs it).
    public func checkSigningKey(_ signer: LogSigner, keyPath: String) async throws {
        switch engine {
        case .sqlite(let store): try await store.checkSigningKey(signer, keyPath: keyPath)
        case .postgres(let store, _): try await store.checkSigningKey(signer, keyPath: keyPath)
        }
    }

    /// Hands the log's key over from the store's key to `successor` (`log-key rotate`).
    public func rotateLogKey(to successor: LogSigner) async throws -> LogKeyHandover {
        switch engine {
        case .sqlite(let store): try await store.rotateLogKey(to: successor, by: .system)
        case .postgres(let store, _): try await store.rotateLogKey(to: successor, by: .system)
        }
    }

    /// The SQLite store, for tests of what only a SQLite file has; they run in the SQLite
    /// pass only (`.enabled(if: TestBackend.isSQLite)`).
    public func sqliteStore() throws -> SQLiteLedgerStore {
        guard case .sqlite(let store) = engine else { throw DatabaseShell.Failure(description: "a SQLite-only test") }
        return store
    }

    /// `verify` on the database as it is now: every check, trusting the test key.
    public func verify(
        verifierKeys: [String] = [LogSigner.test.verifierKey], since savedCheckpoint: String? = nil
    ) async throws -> LedgerVerifier.Report {
        switch engine {
        case .sqlite: try LedgerVerifier(path: path, verifierKeys: verifierKeys).verify(since: savedCheckpoint)
        case .postgres(let store, _): try await store.verify(verifierKeys: verifierKeys, since: savedCheckpoint)
        }
    }

    /// Runs `sql` with the database's own shell (`sqlite3` or `psql`), past the service.
    @discardableResult
    public func shell(_ sql: String) throws -> String {
        switch engine {
        case .sqlite: try DatabaseShell.execute(path: path, sql: sql)
        case .postgres(_, let database): try DatabaseShell.execute(postgres: database.url, sql: sql)
        }
    }

    /// The first column of the first row of `sql`, as the shell prints it.
    public func scalar(_ sql: String) throws -> String? {
        DatabaseShell.firstLine(try shell(sql))
    }

    /// Closes the store (the SQLite file is then the shell's alone).
    public func close() async throws {
        switch engine {
        case .sqlite(let store): try store.close()
        case .postgres(let store, _): await store.close()
        }
    }
}

/// The few spellings hand-written test SQL needs that SQLite and PostgreSQL write
/// differently, for the selected backend: tests that tamper with the database by hand
/// write their statement once with these.
public enum TestSQL {
    static var isSQLite: Bool { TestBackend.isSQLite }

    /// Bytes (`data`, a BLOB or bytea) read as UTF-8 text.
    public static func text(_ bytes: String) -> String {
        isSQLite ? "CAST(\(bytes) AS TEXT)" : "convert_from(\(bytes), 'UTF8')"
    }

    /// Text written as its UTF-8 bytes.
    public static func bytes(_ text: String) -> String {
        isSQLite ? "CAST(\(text) AS BLOB)" : "convert_to(\(text), 'UTF8')"
    }

    /// A bytes literal from hexadecimal digits.
    public static func bytes(hex: String) -> String {
        isSQLite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
    }

    /// `count` zero bytes.
    public static func zeroBytes(_ count: Int) -> String {
        isSQLite ? "zeroblob(\(count))" : "decode(repeat('00', \(count)), 'hex')"
    }

    /// Text from hexadecimal digits of its UTF-8 bytes.
    public static func text(hex: String) -> String {
        isSQLite ? "CAST(X'\(hex)' AS TEXT)" : "convert_from('\\x\(hex)'::bytea, 'UTF8')"
    }

    /// The upper-case hexadecimal digits of a text column's UTF-8 bytes.
    public static func hex(ofText column: String) -> String {
        isSQLite ? "hex(\(column))" : "upper(encode(convert_to(\(column), 'UTF8'), 'hex'))"
    }

    /// The upper-case hexadecimal digits of a bytes column.
    public static func hex(ofBytes column: String) -> String {
        isSQLite ? "hex(\(column))" : "upper(encode(\(column), 'hex'))"
    }

    /// The character with Unicode scalar value `code`, as an expression.
    public static func character(_ code: Int) -> String {
        isSQLite ? "char(\(code))" : "chr(\(code))"
    }

    /// A line feed character, as an expression.
    public static var newline: String { character(10) }

    /// A prefix that lets the rest of a shell script past the book's triggers, as someone
    /// with the database owner's rights could: `triggers` dropped on SQLite, every trigger
    /// off for the session on PostgreSQL (`session_replication_role`, a superuser's).
    public static func withoutTriggers(_ triggers: [String]) -> String {
        isSQLite ? triggers.map { "DROP TRIGGER \($0);" }.joined(separator: " ") + "\n"
            : "SET session_replication_role = replica;\n"
    }
}
