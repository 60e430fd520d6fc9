import AuditLog
import Foundation
import GRDB
import LedgerCore

/// Appends ledger events to the audit log inside the caller's write transaction:
/// the entry, the Merkle nodes it completes, and a freshly signed checkpoint.
///
/// Because it runs in the same database transaction as the ledger change, the change and
/// its entry are durable together or not at all, and no checkpoint is ever visible before
/// the entries it covers are committed.
enum AuditLogWriter {
    /// Appends `event` (with the balances it left behind) as the next entry and signs a
    /// checkpoint over the new tree. Returns the entry's index.
    @discardableResult
    static func append(_ db: Database, event: LedgerEvent, balances: [BalanceSnapshot], at time: Timestamp, signer: LogSigner) throws -> Int64 {
        let nodes = SQLiteMerkleNodes(db: db)
        let size = try nodes.currentTreeSize()
        var previousHash: String?
        if size > 0 {
            previousHash = try nodes.leafHash(index: size - 1).base64EncodedString
        }
        let entry = LogEntry(index: size, recordedAt: time, event: event, previousHash: previousHash, balances: balances)
        let bytes = entry.canonicalBytes
        let leafHash = MerkleHash.leafHash(bytes)
        try db.cachedStatement(sql: "INSERT INTO log_entries (idx, data, leaf_hash) VALUES (?, ?, ?)")
            .execute(arguments: [size, Data(bytes), Data(leafHash.bytes)])
        try db.cachedStatement(sql: "INSERT INTO log_subjects (subject, idx) VALUES (?, ?)")
            .execute(arguments: [event.subject, size])

        var frontier = try MerkleFrontier(treeSize: size, source: nodes)
        for node in frontier.append(leafHash: leafHash) where node.level > 0 {
            try db.cachedStatement(sql: "INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)")
                .execute(arguments: [node.level, node.index, Data(node.hash.bytes)])
        }
        let checkpoint = try Checkpoint(origin: signer.origin, treeSize: size + 1, rootHash: frontier.root)
        let note = try SignedNote.sign(text: checkpoint.body, signers: [signer.signer])
        try db.cachedStatement(sql: "INSERT INTO log_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)")
            .execute(arguments: [size + 1, note.message, time.description])
        return size
    }
}

/// The stored Merkle tree of one database connection, as the AuditLog module reads it:
/// leaf hashes from `log_entries`, complete interior nodes from `log_nodes`.
struct SQLiteMerkleNodes: MerkleNodeSource {
    let db: Database

    func currentTreeSize() throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(idx) + 1, 0) FROM log_entries")) ?? 0
    }

    func leafHash(index: Int64) throws -> Hash {
        guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT leaf_hash FROM log_entries WHERE idx = ?"), arguments: [index]) else {
            throw MerkleTreeError.missingNode(level: 0, index: index)
        }
        return try Hash(bytes: [UInt8](data))
    }

    func node(level: Int, index: Int64) throws -> Hash {
        if level == 0 { return try leafHash(index: index) }
        guard let data = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT hash FROM log_nodes WHERE level = ? AND idx = ?"), arguments: [level, index]
        ) else {
            throw MerkleTreeError.missingNode(level: level, index: index)
        }
        return try Hash(bytes: [UInt8](data))
    }
}
