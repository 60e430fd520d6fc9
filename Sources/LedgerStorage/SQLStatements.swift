public import AuditLog
import Foundation
public import GRDB
public import LedgerCore
public import LedgerEngine
public import LedgerSQL

/// The engine's storage interface (`WriteStatements`) over any `SQLConnection`: the
/// statements of one open write transaction, written once in SQL both SQLite and
/// PostgreSQL accept. The fund and ledger files reach the same transaction through `db`.
public struct SQLStatements<Connection: SQLConnection>: WriteStatements {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    public func inSavepoint<Value>(_ body: () throws -> Value) throws -> Value {
        try db.inSavepoint(body)
    }

    @_specialize(where Connection == Database)
    public func currentTreeSize() throws -> Int64 {
        try SQLMerkleNodes(db: db).currentTreeSize()
    }

    @_specialize(where Connection == Database)
    public func node(level: Int, index: Int64) throws -> Hash {
        try SQLMerkleNodes(db: db).node(level: level, index: index)
    }

    @_specialize(where Connection == Database)
    public func insertLogEntry(index: Int64, bytes: [UInt8], leafHash: Hash, subject: String) throws {
        try db.execute(
            "INSERT INTO log_entries (idx, data, leaf_hash) VALUES (?, ?, ?)", [index, bytes, leafHash.bytes]
        )
        try db.execute("INSERT INTO log_subjects (subject, idx) VALUES (?, ?)", [subject, index])
    }

    @_specialize(where Connection == Database)
    public func insertLogNode(level: Int, index: Int64, hash: Hash) throws {
        try db.execute("INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)", [level, index, hash.bytes])
    }

    @_specialize(where Connection == Database)
    public func currentLogKey() throws -> String? {
        try db.fetchValue(String.self, "SELECT new_key FROM log_key_rotations ORDER BY entry_index DESC LIMIT 1")
    }

    public func insertCheckpoint(treeSize: Int64, note: String, at time: Timestamp) throws {
        try db.execute(
            """
            INSERT INTO log_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)
            ON CONFLICT (tree_size) DO NOTHING
            """,
            [treeSize, note, time.description]
        )
    }

    @_specialize(where Connection == Database)
    public func idempotencyRecord(key: String) throws -> IdempotencyRecord? {
        guard let row = try db.fetchOne(
            "SELECT fingerprint, status, response_body FROM idempotency_keys WHERE key = ?", [key]
        ) else { return nil }
        return IdempotencyRecord(
            fingerprint: try row.value([UInt8].self, named: "fingerprint"),
            status: try row.value(Int.self, named: "status"),
            body: try row.value([UInt8].self, named: "response_body")
        )
    }

    @_specialize(where Connection == Database)
    public func insertIdempotencyRecord(key: String, _ record: IdempotencyRecord, at time: Timestamp) throws {
        try db.execute(
            """
            INSERT INTO idempotency_keys (key, fingerprint, status, response_body, created_at)
            VALUES (?, ?, ?, ?, ?)
            """,
            [key, record.fingerprint, record.status, record.body, time.description]
        )
    }
}

/// The statements of one SQLite write transaction.
public typealias SQLiteStatements = SQLStatements<Database>

/// SQLite's serialized writer for the engine: GRDB's `DatabasePool` runs every write
/// transaction on one serial queue and returns after the commit (synced: `synchronous =
/// FULL`).
public struct SQLiteWriteRunner: WriteTransactionRunner {
    let pool: DatabasePool

    public func inWriteTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (SQLiteStatements) throws -> Value
    ) async throws -> Value {
        try await pool.write { db in try body(SQLiteStatements(db: db)) }
    }
}

/// The stored Merkle tree as the AuditLog module reads it, over any connection: leaf
/// hashes from `log_entries`, complete interior nodes from `log_nodes`.
public struct SQLMerkleNodes<Connection: SQLConnection>: MerkleNodeSource {
    public let db: Connection

    public init(db: Connection) {
        self.db = db
    }

    public func currentTreeSize() throws -> Int64 {
        try db.fetchValue(Int64.self, "SELECT coalesce(max(idx) + 1, 0) FROM log_entries") ?? 0
    }

    public func leafHash(index: Int64) throws -> Hash {
        guard let bytes = try db.fetchValue([UInt8].self, "SELECT leaf_hash FROM log_entries WHERE idx = ?", [index])
        else { throw MerkleTreeError.missingNode(level: 0, index: index) }
        return try Hash(bytes: bytes)
    }

    public func node(level: Int, index: Int64) throws -> Hash {
        if level == 0 { return try leafHash(index: index) }
        guard let bytes = try db.fetchValue(
            [UInt8].self, "SELECT hash FROM log_nodes WHERE level = ? AND idx = ?", [level, index]
        ) else { throw MerkleTreeError.missingNode(level: level, index: index) }
        return try Hash(bytes: bytes)
    }
}

/// The stored Merkle tree of one SQLite connection.
typealias SQLiteMerkleNodes = SQLMerkleNodes<Database>
