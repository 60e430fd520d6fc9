import AuditLog
import Foundation
import GRDB
import LedgerCore

/// Appends ledger events to the audit log inside the caller's write transaction:
/// entries, the Merkle nodes they complete, and one signed checkpoint per commit.
///
/// Because it runs in the same database transaction as the ledger change, the change and
/// its entry are durable together or not at all, and no checkpoint is ever visible before
/// the entries it covers are committed.
struct AuditLogWriter {
    private var frontier: MerkleFrontier
    private var previousLeafHash: Hash?

    /// Picks up the log where the database has it: two reads when the frontier of this
    /// exact log was seen last (the usual case: the previous write), else O(log n) node
    /// reads.
    init(_ db: Database) throws {
        let nodes = SQLiteMerkleNodes(db: db)
        let size = try nodes.currentTreeSize()
        previousLeafHash = size > 0 ? try nodes.leafHash(index: size - 1) : nil
        if let last = previousLeafHash, let known = Self.lastFrontier.frontier(treeSize: size, lastLeafHash: last) {
            frontier = known
        } else {
            frontier = try MerkleFrontier(treeSize: size, source: nodes)
        }
    }

    /// The frontier after the last append in this process, keyed by what determines it.
    ///
    /// A tree size and the last leaf's hash name one log exactly — each entry holds its
    /// predecessor's hash, so the last leaf commits to every entry before it — whichever
    /// database or transaction it was seen in, committed or rolled back. A lookup that
    /// matches is therefore that log's frontier; anything else rebuilds from the nodes.
    private static let lastFrontier = FrontierMemo()

    final class FrontierMemo: @unchecked Sendable {
        private let lock = NSLock()
        private var last: (treeSize: Int64, lastLeafHash: Hash, frontier: MerkleFrontier)?

        func frontier(treeSize: Int64, lastLeafHash: Hash) -> MerkleFrontier? {
            lock.withLock {
                guard let last, last.treeSize == treeSize, last.lastLeafHash == lastLeafHash else { return nil }
                return last.frontier
            }
        }

        func remember(_ frontier: MerkleFrontier, lastLeafHash: Hash) {
            lock.withLock { last = (frontier.treeSize, lastLeafHash, frontier) }
        }
    }

    /// The number of entries, including those appended by this writer.
    var treeSize: Int64 { frontier.treeSize }

    /// Appends `event` (with the balances it left behind) as the next entry, with the
    /// Merkle nodes it completes. Returns the entry's index.
    @discardableResult
    mutating func append(
        _ db: Database, event: LedgerEvent, balances: [BalanceSnapshot], by principal: Principal, at time: Timestamp
    ) throws -> Int64 {
        let index = frontier.treeSize
        let entry = LogEntry(
            index: index, recordedAt: time, event: event, previousHash: previousLeafHash?.base64EncodedString,
            balances: balances, principal: principal
        )
        let bytes = entry.canonicalBytes
        let leafHash = MerkleHash.leafHash(bytes)
        try db.cachedStatement(sql: "INSERT INTO log_entries (idx, data, leaf_hash) VALUES (?, ?, ?)")
            .execute(arguments: [index, Data(bytes), Data(leafHash.bytes)])
        try db.cachedStatement(sql: "INSERT INTO log_subjects (subject, idx) VALUES (?, ?)")
            .execute(arguments: [event.subject, index])
        var next = frontier
        for node in next.append(leafHash: leafHash) where node.level > 0 {
            try db.cachedStatement(sql: "INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)")
                .execute(arguments: [node.level, node.index, Data(node.hash.bytes)])
        }
        // Only once every row is written does the in-memory state move on.
        frontier = next
        previousLeafHash = leafHash
        Self.lastFrontier.remember(next, lastLeafHash: leafHash)
        return index
    }

    /// Signs and stores a checkpoint over the tree as it now stands (once per commit).
    func signCheckpoint(_ db: Database, at time: Timestamp, signer: LogSigner) throws {
        guard frontier.treeSize > 0 else { return }
        let checkpoint = try Checkpoint(origin: signer.origin, treeSize: frontier.treeSize, rootHash: frontier.root)
        let note = try SignedNote.sign(text: checkpoint.body, signers: [signer.signer])
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO log_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)")
            .execute(arguments: [frontier.treeSize, note.message, time.description])
    }

    /// Appends one event: the log side of a single write. The checkpoint is signed once
    /// per commit by the writer that commits (`GroupCommitter`), over every entry of it.
    static func append(
        _ db: Database, event: LedgerEvent, balances: [BalanceSnapshot], by principal: Principal, at time: Timestamp
    ) throws {
        var writer = try AuditLogWriter(db)
        try writer.append(db, event: event, balances: balances, by: principal, at: time)
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
