import Foundation
public import LedgerCore
public import LedgerStorage
public import Logging
import PostgresStorage

/// The store a configuration names, opened with its signing key checked: a SQLite file or a
/// PostgreSQL database, behind one interface for `serve` and the commands.
///
/// Why a visitor (`StoreUser`): the store is generic over its engine
/// (`SQLLedgerStore<Engine>`), and code that needs more than `LedgerStore` (its commit
/// statistics, its close) is written once, generically, and run on whichever engine
/// opened — the callers never name PostgreSQL's types.
public struct OpenedStore: Sendable {
    enum Store: Sendable {
        case sqlite(SQLiteLedgerStore)
        case postgres(PostgresLedgerStore)
    }

    let store: Store
    /// The key made now for a log without entries (SQLite only), to announce.
    public let createdKey: LogSigner?
    /// The migrations applied now.
    public let applied: [String]
    /// The store's log verifier key (C2SP vkey), to announce.
    public var logVerifierKey: String {
        switch store {
        case .sqlite(let store): store.logVerifierKey
        case .postgres(let store): store.logVerifierKey
        }
    }

    /// Opens the configured database, migrates it and checks the signing key.
    ///
    /// SQLite: the file and its directory are created when missing; a log without entries
    /// gets a new key (written beside the file unless `--log-key` names one). PostgreSQL:
    /// the key file must exist (`LogKeyError.absentForSharedDatabase`) — several servers
    /// may share the database and must share one key.
    public static func openSigned(
        _ configuration: ServerConfiguration, clock: any LedgerClock, identifiers: any IdentifierSource,
        logger: Logger
    ) async throws -> OpenedStore {
        let keyPath = try configuration.resolvedLogKeyPath
        switch configuration.database {
        case .sqlite(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let (store, createdKey, applied) = try SQLiteLedgerStore.openSigned(
                path: path, keyPath: keyPath, origin: configuration.logOrigin, clock: clock, identifiers: identifiers,
                logger: logger
            )
            return OpenedStore(store: .sqlite(store), createdKey: createdKey, applied: applied)
        case .postgres(let url):
            let (store, applied) = try await PostgresLedgerStore.openSigned(
                database: LedgerPostgresDatabase(url: url, logger: logger), keyPath: keyPath, clock: clock,
                identifiers: identifiers, logger: logger
            )
            return OpenedStore(store: .postgres(store), createdKey: nil, applied: applied)
        }
    }

    /// The store as every command uses it.
    public var ledger: any LedgerStore {
        switch store {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    /// The last migration recorded in the database.
    public func latestMigration() async throws -> String? {
        switch store {
        case .sqlite(let store): try store.appliedMigrations().last
        case .postgres(let store): try await store.appliedMigrations().last
        }
    }

    /// Opens the configured store, runs `body` with it and closes it, whatever `body` did.
    public static func with<Value: Sendable>(
        _ configuration: ServerConfiguration, clock: any LedgerClock = SystemClock(), logger: Logger,
        _ body: (OpenedStore) async throws -> Value
    ) async throws -> Value {
        let opened = try await openSigned(
            configuration, clock: clock, identifiers: SystemIdentifierSource(), logger: logger
        )
        do {
            let value = try await body(opened)
            try await opened.close()
            return value
        } catch {
            try? await opened.close()
            throw error
        }
    }

    /// Opens the configured database for reading only (reports, exports, report
    /// verification): nothing migrated, created or written, no signing key read — safe on
    /// an auditor's copy or a read replica.
    public static func openReadOnly(_ configuration: ServerConfiguration, logger: Logger) async throws -> OpenedStore {
        switch configuration.database {
        case .sqlite(let path):
            let store = try SQLiteLedgerStore.openReadOnly(path: path, logger: logger)
            return OpenedStore(store: .sqlite(store), createdKey: nil, applied: [])
        case .postgres(let url):
            let store = try await PostgresLedgerStore.openReadOnly(
                database: LedgerPostgresDatabase(url: url, logger: logger), logger: logger
            )
            return OpenedStore(store: .postgres(store), createdKey: nil, applied: [])
        }
    }

    /// Opens the configured database for reading only, runs `body` with it and closes it.
    public static func withReadOnly<Value: Sendable>(
        _ configuration: ServerConfiguration, logger: Logger, _ body: (any LedgerStore) async throws -> Value
    ) async throws -> Value {
        let opened = try await openReadOnly(configuration, logger: logger)
        do {
            let value = try await body(opened.ledger)
            try await opened.close()
            return value
        } catch {
            try? await opened.close()
            throw error
        }
    }

    /// Runs `user` on the store, whichever engine it is on.
    public func use<User: StoreUser>(_ user: User) async throws -> User.Result {
        switch store {
        case .sqlite(let store): try await user.use(store)
        case .postgres(let store): try await user.use(store)
        }
    }

    /// Closes the store: the SQLite file checkpointed and closed, the PostgreSQL pool shut.
    public func close() async throws {
        switch store {
        case .sqlite(let store): try store.close()
        case .postgres(let store): await store.close()
        }
    }
}

/// Code run on an opened store of either engine (`OpenedStore.use`).
public protocol StoreUser: Sendable {
    associatedtype Result: Sendable
    func use<Engine: SQLEngine>(_ store: SQLLedgerStore<Engine>) async throws -> Result
}
