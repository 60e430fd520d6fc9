import Foundation
import AuditLog
import GRDB
public import LedgerCore
import LedgerEngine
public import Logging

/// The ledger on one SQLite file: WAL mode, `synchronous = FULL`, one serialized writer
/// and a pool of readers that never wait on it.
///
/// Every public write method is exactly one database transaction: it validates, writes
/// the ledger rows, updates the derived balances and stores the idempotency key together,
/// and returns only after SQLite has committed and synced. Concurrent single writes are
/// committed in groups, each in its own savepoint, one fsync and one signed checkpoint
/// per group (the engine's `GroupCommitter`, over `SQLiteWriteRunner`); GRDB's
/// `DatabasePool` runs all writes on one serial queue.
public final class SQLiteLedgerStore: LedgerStore {
    let pool: DatabasePool
    let clock: any LedgerClock
    let identifiers: any IdentifierSource
    let signer: LogSigner
    let logger: Logger
    /// The serialized writer: single writes are committed in groups (`GroupCommitter`).
    let committer: GroupCommitter<SQLiteWriteRunner>
    /// How the group commits went: counts, sizes, time.
    public let commitStatistics: CommitStatistics
    /// Accounts resolved by earlier writes, confirmed before each reuse.
    let accountMemo = AccountMemo()

    /// Opens (creating if needed) the database at `path`. Call `migrate()` before use.
    ///
    /// `signer` signs the audit log's checkpoints; its name is the log's origin.
    ///
    /// `durability` is `.synced` for every real use; `.unsynced` only for generating
    /// benchmark books quickly (`commons-ledger demo --unsynced`), where a crash may lose
    /// the last commits.
    public convenience init(
        path: String, clock: any LedgerClock, identifiers: any IdentifierSource, signer: LogSigner, logger: Logger,
        durability: Durability = .synced
    ) throws {
        try self.init(
            path: path, clock: clock, identifiers: identifiers, signer: signer, logger: logger, durability: durability,
            readOnly: false
        )
    }

    /// Opens an existing database for reading only — reports, exports and checks on an
    /// auditor's copy: nothing is migrated, created or written (a write fails), and no
    /// signing key is read or made. Refuses a file whose migrations differ from this
    /// build's (`StorageError.unknownMigrations`, or `.pendingMigrations`: run `migrate`).
    public static func openReadOnly(path: String, logger: Logger) throws -> SQLiteLedgerStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StorageError.missingDatabase(path) }
        // A key that signs nothing: a read-only store never commits, so never signs.
        let store = try SQLiteLedgerStore(
            path: path, clock: SystemClock(), identifiers: SystemIdentifierSource(),
            signer: try LogSigner.generate(origin: "read-only"), logger: logger, durability: .synced, readOnly: true
        )
        let applied = try store.appliedMigrations()
        let known = Migrations.all.map(\.name)
        let unknown = Set(applied).subtracting(known)
        guard unknown.isEmpty else { throw StorageError.unknownMigrations(unknown.sorted()) }
        let pending = known.filter { !applied.contains($0) }
        guard pending.isEmpty else { throw StorageError.pendingMigrations(pending) }
        return store
    }

    private init(
        path: String, clock: any LedgerClock, identifiers: any IdentifierSource, signer: LogSigner, logger: Logger,
        durability: Durability, readOnly: Bool
    ) throws {
        // Private data lives in these files: owner-only, whatever the umask (a read-only
        // open of a copy tightens what it can and never creates the file).
        if readOnly {
            for file in [path] + DatabaseFiles.companionSuffixes.map({ path + $0 }) { try? DatabaseFiles.tighten(file) }
        } else {
            try DatabaseFiles.secure(path: path)
        }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.label = "commons-ledger"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        let synchronous = durability == .synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF"
        configuration.prepareDatabase { db in
            try db.execute(sql: synchronous)
            // Erased private data must be gone from the file, not left in free space:
            // deleted content is overwritten with zeros (Debian's build happens to set
            // this by default; others do not).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // The writer's savepoints (one per request of a group, one per batch item)
            // journal every page they first touch; in a temporary file that is a pwrite
            // per page (a fifth of the batch path's time), in memory a copy. Readers keep
            // the default, so a large sort never grows a reader's memory.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB switches the writer to WAL *after* `prepareDatabase` and sets NORMAL with it,
        // which syncs the WAL only at checkpoints: a power cut could lose acknowledged
        // commits. A ledger acknowledges only what is synced, so the writer — the one
        // connection whose setting decides it — is set again here (checked by a test).
        if !readOnly { try pool.writeWithoutTransaction { db in try db.execute(sql: synchronous) } }
        self.clock = clock
        self.identifiers = identifiers
        self.signer = signer
        self.logger = logger
        let statistics = CommitStatistics()
        commitStatistics = statistics
        committer = GroupCommitter(runner: SQLiteWriteRunner(pool: pool), clock: clock, signer: signer.signer) {
            statistics.record($0)
        }
    }

    /// Whether a commit waits for the disk (`synchronous = FULL`) or not.
    public enum Durability: Sendable {
        case synced
        case unsynced
    }

    /// Applies every migration not yet recorded in the file, in order, and returns the
    /// names applied now. Refuses a file that has migrations this build does not know.
    @discardableResult
    public func migrate() throws -> [String] {
        let migrator = Migrations.migrator
        let known = Set(Migrations.all.map(\.name))
        let (applied, unknown) = try pool.read { db in
            let applied = try migrator.appliedIdentifiers(db)
            return (applied, applied.subtracting(known))
        }
        guard unknown.isEmpty else { throw StorageError.unknownMigrations(unknown.sorted()) }
        try migrator.migrate(pool)
        let pending = Migrations.all.map(\.name).filter { !applied.contains($0) }
        for name in pending {
            logger.debug("applied migration", metadata: ["migration": "\(name)"])
        }
        return pending
    }

    /// Names of the migrations recorded in the file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// Closes every connection; the WAL is checkpointed and the file left clean.
    public func close() throws {
        try pool.close()
    }

    public func checkReadiness() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT 1")) }
    }

    /// The current value of an SQLite pragma on a reader (or on the writer), for tests
    /// and diagnostics.
    public func pragma(_ name: String, onWriter: Bool = false) throws -> String? {
        precondition(name.allSatisfy { $0.isLetter || $0 == "_" }, "pragma names are identifiers")
        if onWriter { return try pool.write { db in try String.fetchOne(db, sql: "PRAGMA \(name)") } }
        return try pool.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// Runs `body` in the next group commit's transaction (in its own savepoint), guarded
    /// by an optional idempotency key; returns once that transaction is durable.
    ///
    /// With a key: a stored response for the same request is returned without writing;
    /// the same key with a different request is `Rejection.idempotencyKeyReused`; a new
    /// key is stored with the rendered response in the same transaction as the change
    /// (the engine's `IdempotentWrite`).
    func write<Value: Sendable>(
        idempotency: Idempotency<Value>?,
        _ body: @escaping @Sendable (Database, Timestamp) throws -> Value
    ) async throws -> WriteOutcome<Value> {
        try await committer.submit { statements, now in
            try Self.guarded(statements, idempotency, at: now) { try body(statements.db, now) }
        }
    }

    /// Runs `body` unless `idempotency` replays an earlier identical request; stores the
    /// rendered response of an applied write under its key.
    static func guarded<Value>(
        _ statements: SQLiteStatements, _ idempotency: Idempotency<Value>?, at now: Timestamp,
        _ body: () throws -> Value
    ) throws -> WriteOutcome<Value> {
        guard let idempotency else { return .applied(try body()) }
        let result = try IdempotentWrite.run(
            statements, key: (idempotency.key, idempotency.fingerprint), at: now,
            render: { value in
                let response = try idempotency.render(value)
                return (response.status, response.body)
            },
            body
        )
        switch result {
        case .applied(let value): return .applied(value)
        case .replayed(let record): return .replayed(StoredResponse(status: record.status, body: record.body))
        }
    }
}
