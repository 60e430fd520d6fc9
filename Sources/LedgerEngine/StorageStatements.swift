public import AuditLog
public import LedgerCore

/// The audit log's statements a backend provides inside one open write transaction:
/// reading the stored tree (as `MerkleNodeSource`: tree size and node hashes) and
/// inserting entries, the interior nodes they complete and signed checkpoints.
///
/// Why a protocol: the log append and its Merkle frontier are rules, not SQL; a second
/// backend (PostgreSQL) writes these statements against its own tables and reuses the
/// rules unchanged (`LogAppender`).
///
/// The interface is synchronous: every statement runs on the thread of the one open
/// write transaction (GRDB's writer is a serial queue; a PostgreSQL backend runs its
/// statements on its writer's connection the same way).
public protocol LogStatements: MerkleNodeSource {
    /// Stores entry `index` (its canonical bytes and leaf hash) and indexes it under the
    /// event's `subject` (the id of what it is about), for per-subject lookups.
    func insertLogEntry(index: Int64, bytes: [UInt8], leafHash: Hash, subject: String) throws
    /// Stores one complete interior node (level > 0) of the tree.
    func insertLogNode(level: Int, index: Int64, hash: Hash) throws
    /// Stores a signed checkpoint note for `treeSize`, keeping an existing one of that
    /// size (a group that appended nothing signs no new checkpoint).
    func insertCheckpoint(treeSize: Int64, note: String, at time: Timestamp) throws
    /// The verifier key the log's last key hand-over named (the only key that may sign
    /// from then on); `nil` when the log never changed key.
    func currentLogKey() throws -> String?
}

/// The idempotency records a backend provides inside one open write transaction: a key
/// and what was answered for it, stored in the same transaction as the change it guards.
///
/// Synchronous for the same reason as `LogStatements`.
public protocol IdempotencyStatements {
    /// The record stored under `key`, if any.
    func idempotencyRecord(key: String) throws -> IdempotencyRecord?
    /// Stores the record of a newly applied write under `key`.
    func insertIdempotencyRecord(key: String, _ record: IdempotencyRecord, at time: Timestamp) throws
}

/// Everything the engine runs inside one open write transaction: the log's and the
/// idempotency statements, and savepoints so one request of a group can be rolled back
/// alone.
///
/// Synchronous: the statements of one transaction run one after another on its writer.
public protocol WriteStatements: LogStatements, IdempotencyStatements {
    /// Runs `body` in a savepoint: released when `body` returns, rolled back (and the
    /// error rethrown) when it throws. Savepoints nest.
    func inSavepoint<Value>(_ body: () throws -> Value) throws -> Value
}

/// A backend's serialized writer: runs a body in one database write transaction and
/// returns only once that transaction committed durably (`synchronous = FULL` for
/// SQLite); rolls back and throws when the body or the commit throws.
///
/// Why: the group-commit protocol (`GroupCommitter`) needs nothing else from a backend to
/// give every request its guarantee — answered only after its commit.
public protocol WriteTransactionRunner: Sendable {
    /// The statements of one open write transaction.
    associatedtype Statements: WriteStatements
    /// Runs `body` in one write transaction and commits it.
    func inWriteTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (Statements) throws -> Value
    ) async throws -> Value
}
