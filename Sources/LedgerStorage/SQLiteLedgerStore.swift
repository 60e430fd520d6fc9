import Foundation
import AuditLog
public import GRDB
public import LedgerCore
import LedgerEngine
import LedgerSQL
public import Logging

/// The ledger on one SQLite file: WAL mode, `synchronous = FULL`, one serialized writer
/// (GRDB's `DatabasePool` runs all writes on one serial queue) and a pool of readers that
/// never wait on it. The default engine: nothing to install.
public typealias SQLiteLedgerStore = SQLLedgerStore<SQLiteEngine>

/// SQLite as the store's engine: GRDB's `DatabasePool` over one file.
public struct SQLiteEngine: SQLEngine {
    let pool: DatabasePool

    public var writeRunner: SQLiteWriteRunner { SQLiteWriteRunner(pool: pool) }

    public func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        try await pool.read { db in try body(db) }
    }

    /// Copies every committed page into the main file and truncates the WAL to nothing,
    /// so no frame written before (a registration's name and contact) survives there
    /// (`secure_delete` already zeroes the freed pages of the main file).
    /// A reader holding an old snapshot keeps a checkpoint from finishing: each attempt
    /// waits at most `walTruncationWaitMilliseconds` for readers (the writer, and so every
    /// commit, waits with it), then the writer is let go before the next; after the last
    /// it is left to a later erasure or the close, with a warning.
    public func forgetErasedData(logger: Logger) async {
        do {
            for attempt in 1...Self.walTruncationAttempts {
                if try await !truncationIsBusy() { return }
                if attempt < Self.walTruncationAttempts { try await Task.sleep(for: .milliseconds(100 * attempt)) }
            }
        } catch {
            logger.warning("the WAL could not be truncated after an erasure", metadata: ["error": "\(error)"])
            return
        }
        logger.warning("the WAL could not be truncated after an erasure: a reader held an old snapshot")
    }

    /// One `wal_checkpoint(TRUNCATE)`: true when a reader kept it from finishing.
    private func truncationIsBusy() async throws -> Bool {
        try await pool.writeWithoutTransaction { db in
            let usual = try db.fetchValue(Int.self, "PRAGMA busy_timeout") ?? 0
            try db.execute("PRAGMA busy_timeout = \(Self.walTruncationWaitMilliseconds)")
            defer { try? db.execute("PRAGMA busy_timeout = \(usual)") }
            // One row: busy (1 when a reader kept the checkpoint from finishing), frames, checkpointed.
            return try db.fetchOne("PRAGMA wal_checkpoint(TRUNCATE)", []).map { row -> Bool in
                try row.value(Int64.self, at: 0) != 0
            } ?? true
        }
    }

    /// How long one truncation attempt waits for readers, holding the writer.
    static let walTruncationWaitMilliseconds = 500
    /// How often an erasure tries to truncate the WAL before leaving it to a later one.
    static let walTruncationAttempts = 4
}

/// Opening, migrating and closing the SQLite file.
extension SQLLedgerStore where Engine == SQLiteEngine {
    var pool: DatabasePool { engine.pool }

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

    private convenience init(
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
            try db.execute(synchronous)
            // Erased private data must be gone from the file, not left in free space:
            // deleted content is overwritten with zeros (Debian's build happens to set
            // this by default; others do not).
            try db.execute("PRAGMA secure_delete = ON")
            // The writer's savepoints (one per request of a group, one per batch item)
            // journal every page they first touch; in a temporary file that is a pwrite
            // per page (a fifth of the batch path's time), in memory a copy. Readers keep
            // the default, so a large sort never grows a reader's memory.
            if !db.configuration.readonly { try db.execute("PRAGMA temp_store = MEMORY") }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB switches the writer to WAL *after* `prepareDatabase` and sets NORMAL with it,
        // which syncs the WAL only at checkpoints: a power cut could lose acknowledged
        // commits. A ledger acknowledges only what is synced, so the writer — the one
        // connection whose setting decides it — is set again here (checked by a test).
        if !readOnly { try pool.writeWithoutTransaction { db in try db.execute(synchronous) } }
        self.init(
            engine: SQLiteEngine(pool: pool), clock: clock, identifiers: identifiers, signer: signer, logger: logger
        )
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

    /// The current value of an SQLite pragma on a reader (or on the writer), for tests
    /// and diagnostics.
    public func pragma(_ name: String, onWriter: Bool = false) throws -> String? {
        precondition(name.allSatisfy { $0.isLetter || $0 == "_" }, "pragma names are identifiers")
        let value = onWriter
            ? try pool.write { db in try db.fetchValue(SQLValue.self, "PRAGMA \(name)") }
            : try pool.read { db in try db.fetchValue(SQLValue.self, "PRAGMA \(name)") }
        switch value {
        case .integer(let integer): return String(integer)
        case .text(let text): return text
        case .null, .blob, nil: return nil
        }
    }
}

/// Whole-database passes that run outside the group commit (`commons-ledger copy`): one
/// snapshot to read, one transaction to write, on the calling thread.
extension SQLLedgerStore where Engine == SQLiteEngine {
    /// Runs `body` in one read snapshot of the file.
    public func readSynchronously<Value>(_ body: (Database) throws -> Value) throws -> Value {
        try pool.read(body)
    }

    /// Runs `body` in one write transaction, committed (synced) when it returns, rolled
    /// back when it throws. Waits for the writer: never call it from a group commit.
    public func writeSynchronously<Value>(_ body: (Database) throws -> Value) throws -> Value {
        try pool.write(body)
    }
}
