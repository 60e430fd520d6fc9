import Foundation
public import LedgerCore
import LedgerSQL
public import LedgerStorage
public import Logging

/// PostgreSQL as the store's engine (`SQLEngine`): the same SQL as SQLite's, run by
/// `PostgresSessions` — one writer per process holding `log_head`, snapshot readers.
public struct PostgresEngine: SQLEngine {
    let sessions: PostgresSessions

    public var writeRunner: PostgresWriteRunner { PostgresWriteRunner(sessions: sessions) }

    public func read<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresSQLConnection) throws -> Value
    ) async throws -> Value {
        try await sessions.read(body)
    }

    /// An erasure deletes the private row; PostgreSQL keeps the deleted row version in the
    /// table's file until it is rewritten, so both private tables are rewritten
    /// (`VACUUM FULL`: new files, the old ones unlinked). Copies the server keeps outside
    /// the tables — WAL segments, archived WAL, base backups, standbys' own WAL — expire
    /// with the operator's retention (docs/postgresql.md).
    public func forgetErasedData(logger: Logger) async {
        do {
            try await sessions.outsideTransaction { db in
                let before = try Self.fileNodes(db)
                try db.execute("VACUUM FULL member_private, beneficiary_private", [])
                // VACUUM skips, with only a server-log warning, a table the role does not
                // own: the erased row would stay in the old file. Said loudly instead.
                guard try Self.fileNodes(db) != before else {
                    logger.error("""
                        the private tables were not rewritten after an erasure: the ledger's role does not own \
                        them; run VACUUM FULL member_private, beneficiary_private as their owner \
                        (docs/postgresql.md, erasure)
                        """)
                    return
                }
            }
        } catch {
            logger.warning("the private tables were not rewritten after an erasure", metadata: ["error": "\(error)"])
        }
    }

    /// The files holding the two private tables: a rewrite gives each a new one.
    static func fileNodes(_ db: PostgresSQLConnection) throws -> [Int64] {
        try ["member_private", "beneficiary_private"].map { table in
            try db.fetchValue(Int64.self, "SELECT pg_relation_filenode(?::regclass)::bigint", [table]) ?? 0
        }
    }
}

/// The ledger on PostgreSQL: the same store, every guarantee enforced by PostgreSQL itself
/// (`schema/postgres`), for funds that outgrow one machine.
public typealias PostgresLedgerStore = SQLLedgerStore<PostgresEngine>

extension SQLLedgerStore where Engine == PostgresEngine {
    /// Connects to `database`, applies the migrations it lacks (once, even with several
    /// servers starting together) and returns the store with the names applied now.
    /// Refuses a database with migrations this build does not know.
    public static func open(
        database: LedgerPostgresDatabase, clock: any LedgerClock, identifiers: any IdentifierSource,
        signer: LogSigner, logger: Logger
    ) async throws -> (store: PostgresLedgerStore, applied: [String]) {
        let sessions = await PostgresSessions.started(database: database)
        do {
            let applied = try await PostgresMigrations.migrate(sessions.client, logger: logger)
            let known = Set(PostgresMigrations.all.map(\.name))
            let unknown = try await PostgresMigrations.applied(sessions.client, logger: logger).filter {
                !known.contains($0)
            }
            guard unknown.isEmpty else { throw StorageError.unknownMigrations(unknown) }
            let store = PostgresLedgerStore(
                engine: PostgresEngine(sessions: sessions), clock: clock, identifiers: identifiers, signer: signer,
                logger: logger
            )
            return (store, applied)
        } catch {
            await sessions.shutdown()
            throw error
        }
    }

    /// The store, migrated, with the key at `keyPath`, which must exist
    /// (`LogKeyError.absentForSharedDatabase`) and verify the latest checkpoint.
    public static func openSigned(
        database: LedgerPostgresDatabase, keyPath: String, clock: any LedgerClock, identifiers: any IdentifierSource,
        logger: Logger
    ) async throws -> (store: PostgresLedgerStore, applied: [String]) {
        guard FileManager.default.fileExists(atPath: keyPath) else {
            throw LogKeyError.absentForSharedDatabase(keyPath)
        }
        let signer = try LogSigner.loadPrivate(path: keyPath)
        let (store, applied) = try await open(
            database: database, clock: clock, identifiers: identifiers, signer: signer, logger: logger
        )
        do {
            try await store.checkSigningKey(signer, keyPath: keyPath)
        } catch {
            await store.close()
            throw error
        }
        return (store, applied)
    }

    /// Opens the database for reading only — `verify`, reports, exports: nothing is
    /// migrated or written (reads run in READ ONLY transactions) and no signing key is
    /// read. Refuses a database whose migrations differ from this build's.
    public static func openReadOnly(
        database: LedgerPostgresDatabase, logger: Logger
    ) async throws -> PostgresLedgerStore {
        let sessions = await PostgresSessions.started(database: database)
        do {
            let applied = try await PostgresMigrations.applied(sessions.client, logger: logger)
            let known = PostgresMigrations.all.map(\.name)
            let unknown = applied.filter { !known.contains($0) }
            guard unknown.isEmpty else { throw StorageError.unknownMigrations(unknown) }
            let pending = known.filter { !applied.contains($0) }
            guard pending.isEmpty else { throw StorageError.pendingMigrations(pending) }
            // A key that signs nothing: a read-only store never commits, so never signs.
            return PostgresLedgerStore(
                engine: PostgresEngine(sessions: sessions), clock: SystemClock(), identifiers: SystemIdentifierSource(),
                signer: try LogSigner.generate(origin: "read-only"), logger: logger
            )
        } catch {
            await sessions.shutdown()
            throw error
        }
    }

    /// `verify` on the PostgreSQL database: every check `LedgerVerifier` runs on a SQLite
    /// file, in one REPEATABLE READ snapshot, trusting checkpoints signed by `verifierKeys`.
    public func verify(
        verifierKeys: [String], since savedCheckpoint: String? = nil, progressInterval: Int64 = 100_000,
        progress: @escaping @Sendable (Int64, Int64) -> Void = { _, _ in }
    ) async throws -> LedgerVerifier.Report {
        let verifier = try LedgerVerifier(verifierKeys: verifierKeys)
        return try await engine.read { db in
            try verifier.verify(db, since: savedCheckpoint, progressInterval: progressInterval, progress: progress)
        }
    }

    /// Runs `body` in one write transaction holding the log head, on a thread that may
    /// block, outside the group commit (`commons-ledger copy`).
    public func withWriteTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresSQLConnection) throws -> Value
    ) async throws -> Value {
        try await engine.sessions.write(body)
    }

    /// Runs `body` in one REPEATABLE READ, READ ONLY snapshot on a thread that may block.
    public func withReadTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresSQLConnection) throws -> Value
    ) async throws -> Value {
        try await engine.sessions.read(body)
    }

    /// Names of the migrations recorded in the database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await PostgresMigrations.applied(engine.sessions.client, logger: logger)
    }

    /// Closes the pool once the writes in flight are answered.
    public func close() async {
        await engine.sessions.shutdown()
    }
}
