// Goal: a real test double of the engine's storage interface — tables in memory, a
// write transaction that commits whole or not at all, savepoints that roll back alone —
// so the engine's protocols (group commit, log append, checkpoints, idempotency) are
// tested without SQLite. The SQLite tests (LedgerStorageTests) stay the proof.
import AuditLog
import LedgerCore
import LedgerEngine
import Synchronization

/// The rows of the in-memory backend.
struct MemoryTables: Sendable {
    var entries: [Int64: (bytes: [UInt8], leafHash: Hash, subject: String)] = [:]
    var nodes: [String: Hash] = [:]
    var checkpoints: [Int64: String] = [:]
    var idempotency: [String: IdempotencyRecord] = [:]

    static func nodeKey(level: Int, index: Int64) -> String { "\(level)/\(index)" }
}

/// The working copy of one open transaction.
final class MemoryTransaction: @unchecked Sendable {
    var tables: MemoryTables
    init(_ tables: MemoryTables) { self.tables = tables }
}

/// The statements of one open transaction of `MemoryBackend`.
struct MemoryStatements: WriteStatements {
    let transaction: MemoryTransaction

    func inSavepoint<Value>(_ body: () throws -> Value) throws -> Value {
        let saved = transaction.tables
        do {
            return try body()
        } catch {
            transaction.tables = saved
            throw error
        }
    }

    func currentTreeSize() throws -> Int64 { Int64(transaction.tables.entries.count) }

    func node(level: Int, index: Int64) throws -> Hash {
        if level == 0 {
            guard let entry = transaction.tables.entries[index] else {
                throw MerkleTreeError.missingNode(level: 0, index: index)
            }
            return entry.leafHash
        }
        guard let hash = transaction.tables.nodes[MemoryTables.nodeKey(level: level, index: index)] else {
            throw MerkleTreeError.missingNode(level: level, index: index)
        }
        return hash
    }

    func insertLogEntry(index: Int64, bytes: [UInt8], leafHash: Hash, subject: String) throws {
        precondition(transaction.tables.entries[index] == nil, "entries are never overwritten")
        transaction.tables.entries[index] = (bytes, leafHash, subject)
    }

    func insertLogNode(level: Int, index: Int64, hash: Hash) throws {
        transaction.tables.nodes[MemoryTables.nodeKey(level: level, index: index)] = hash
    }

    func insertCheckpoint(treeSize: Int64, note: String, at time: Timestamp) throws {
        if transaction.tables.checkpoints[treeSize] == nil { transaction.tables.checkpoints[treeSize] = note }
    }

    /// The memory backend records no key hand-over: any signer may sign.
    func currentLogKey() throws -> String? { nil }

    func idempotencyRecord(key: String) throws -> IdempotencyRecord? { transaction.tables.idempotency[key] }

    func insertIdempotencyRecord(key: String, _ record: IdempotencyRecord, at time: Timestamp) throws {
        precondition(transaction.tables.idempotency[key] == nil, "keys are unique")
        transaction.tables.idempotency[key] = record
    }
}

/// A backend whose write transactions run one at a time and commit by swapping tables.
final class MemoryBackend: WriteTransactionRunner {
    private let state = Mutex((tables: MemoryTables(), commits: 0))

    var tables: MemoryTables { state.withLock { $0.tables } }
    var commits: Int { state.withLock { $0.commits } }

    func inWriteTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (MemoryStatements) throws -> Value
    ) async throws -> Value {
        // Yield first, so requests submitted meanwhile queue up behind this commit.
        await Task.yield()
        return try state.withLock { state in
            let transaction = MemoryTransaction(state.tables)
            let value = try body(MemoryStatements(transaction: transaction))
            state.tables = transaction.tables
            state.commits += 1
            return value
        }
    }
}

/// A clock that stands still.
struct FixedClock: LedgerClock {
    func now() -> Timestamp { Timestamp(microsecondsSinceEpoch: 1_764_000_000_000_000) }
}
