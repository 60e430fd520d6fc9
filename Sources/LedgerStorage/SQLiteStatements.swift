import AuditLog
import Foundation
import GRDB
import LedgerCore
import LedgerEngine

/// The engine's storage interface on SQLite: the statements of one open GRDB write
/// transaction (`WriteStatements`). The fund and ledger files reach the same transaction
/// through `db`.
struct SQLiteStatements: WriteStatements {
    let db: Database

    func inSavepoint<Value>(_ body: () throws -> Value) throws -> Value {
        var value: Value?
        try db.inSavepoint {
            value = try body()
            return .commit
        }
        guard let value else { preconditionFailure("a savepoint that committed ran its body") }
        return value
    }

    func currentTreeSize() throws -> Int64 {
        try SQLiteMerkleNodes(db: db).currentTreeSize()
    }

    func node(level: Int, index: Int64) throws -> Hash {
        try SQLiteMerkleNodes(db: db).node(level: level, index: index)
    }

    func insertLogEntry(index: Int64, bytes: [UInt8], leafHash: Hash, subject: String) throws {
        try db.cachedStatement(sql: "INSERT INTO log_entries (idx, data, leaf_hash) VALUES (?, ?, ?)")
            .execute(arguments: [index, Data(bytes), Data(leafHash.bytes)])
        try db.cachedStatement(sql: "INSERT INTO log_subjects (subject, idx) VALUES (?, ?)")
            .execute(arguments: [subject, index])
    }

    func insertLogNode(level: Int, index: Int64, hash: Hash) throws {
        try db.cachedStatement(sql: "INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)")
            .execute(arguments: [level, index, Data(hash.bytes)])
    }

    func insertCheckpoint(treeSize: Int64, note: String, at time: Timestamp) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO log_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)
            """).execute(arguments: [treeSize, note, time.description])
    }

    func idempotencyRecord(key: String) throws -> IdempotencyRecord? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT fingerprint, status, response_body FROM idempotency_keys WHERE key = ?"),
            arguments: [key]
        ) else { return nil }
        let fingerprint: Data = try row.decode(forColumn: "fingerprint")
        let status: Int = try row.decode(forColumn: "status")
        let body: Data = try row.decode(forColumn: "response_body")
        return IdempotencyRecord(fingerprint: [UInt8](fingerprint), status: status, body: [UInt8](body))
    }

    func insertIdempotencyRecord(key: String, _ record: IdempotencyRecord, at time: Timestamp) throws {
        try db.cachedStatement(sql: """
            INSERT INTO idempotency_keys (key, fingerprint, status, response_body, created_at)
            VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [
                key, Data(record.fingerprint), record.status, Data(record.body), time.description,
            ])
    }
}

/// SQLite's serialized writer for the engine: GRDB's `DatabasePool` runs every write
/// transaction on one serial queue and returns after the commit (synced: `synchronous =
/// FULL`).
struct SQLiteWriteRunner: WriteTransactionRunner {
    let pool: DatabasePool

    func inWriteTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (SQLiteStatements) throws -> Value
    ) async throws -> Value {
        try await pool.write { db in try body(SQLiteStatements(db: db)) }
    }
}
