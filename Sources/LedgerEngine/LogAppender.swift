public import AuditLog
public import LedgerCore
import Synchronization

/// Appends ledger events to the audit log inside the caller's write transaction:
/// entries, the Merkle nodes they complete, and one signed checkpoint per commit.
///
/// Because it runs in the same database transaction as the ledger change, the change and
/// its entry are durable together or not at all, and no checkpoint is ever visible before
/// the entries it covers are committed. What is stored where is the backend's
/// (`LogStatements`); the order, the hashes and the frontier are this type's.
public struct LogAppender: Sendable {
    private var frontier: MerkleFrontier
    private var previousLeafHash: Hash?

    /// Picks up the log where the backend has it: two reads when the frontier of this
    /// exact log was seen last (the usual case: the previous write), else O(log n) node
    /// reads.
    public init(_ statements: some LogStatements) throws {
        let size = try statements.currentTreeSize()
        previousLeafHash = size > 0 ? try statements.node(level: 0, index: size - 1) : nil
        if let last = previousLeafHash, let known = Self.lastFrontier.frontier(treeSize: size, lastLeafHash: last) {
            frontier = known
        } else {
            frontier = try MerkleFrontier(treeSize: size, source: statements)
        }
    }

    /// The frontier after the last append in this process, keyed by what determines it.
    ///
    /// A tree size and the last leaf's hash name one log exactly — each entry holds its
    /// predecessor's hash, so the last leaf commits to every entry before it — whichever
    /// database or transaction it was seen in, committed or rolled back. A lookup that
    /// matches is therefore that log's frontier; anything else rebuilds from the nodes.
    private static let lastFrontier = FrontierMemo()

    /// The last frontier seen, behind a lock (writers of several stores may race).
    final class FrontierMemo: Sendable {
        private let last = Mutex<(treeSize: Int64, lastLeafHash: Hash, frontier: MerkleFrontier)?>(nil)

        func frontier(treeSize: Int64, lastLeafHash: Hash) -> MerkleFrontier? {
            last.withLock { stored in
                guard let known = stored, known.treeSize == treeSize, known.lastLeafHash == lastLeafHash else {
                    return nil
                }
                return known.frontier
            }
        }

        func remember(_ frontier: MerkleFrontier, lastLeafHash: Hash) {
            last.withLock { $0 = (frontier.treeSize, lastLeafHash, frontier) }
        }
    }

    /// The number of entries, including those appended by this appender.
    public var treeSize: Int64 { frontier.treeSize }

    /// The RFC 6962 root of the tree as it now stands.
    public var rootHash: Hash { frontier.root }

    /// Appends `event` (with the balances it left behind) as the next entry, with the
    /// Merkle nodes it completes. Returns the entry's index.
    @discardableResult
    public mutating func append(
        _ statements: some LogStatements, event: LedgerEvent, balances: [BalanceSnapshot], by principal: Principal,
        at time: Timestamp
    ) throws -> Int64 {
        let index = frontier.treeSize
        let entry = LogEntry(
            index: index, recordedAt: time, event: event, previousHash: previousLeafHash?.base64EncodedString,
            balances: balances, principal: principal
        )
        let bytes = entry.canonicalBytes
        // The log is served as tlog-tiles, whose entry bundles prefix each entry with a
        // 16-bit length: a longer entry could never be published, so the change is refused.
        guard bytes.count <= EntryBundle.entryByteCountMax else {
            throw Rejection.logEntryTooLarge(byteCount: bytes.count)
        }
        let leafHash = MerkleHash.leafHash(bytes)
        try statements.insertLogEntry(index: index, bytes: bytes, leafHash: leafHash, subject: event.subject)
        var next = frontier
        for node in next.append(leafHash: leafHash) where node.level > 0 {
            try statements.insertLogNode(level: node.level, index: node.index, hash: node.hash)
        }
        // Only once every row is written does the in-memory state move on.
        frontier = next
        previousLeafHash = leafHash
        Self.lastFrontier.remember(next, lastLeafHash: leafHash)
        return index
    }

    /// Signs and stores a checkpoint over the tree as it now stands (once per commit);
    /// an empty log has none.
    public func signCheckpoint(_ statements: some LogStatements, at time: Timestamp, signer: NoteSigner) throws {
        try signCheckpoint(statements, at: time, signers: [signer])
    }

    /// Signs the checkpoint with every one of `signers` (two at a key hand-over: the
    /// retiring key and its successor). Throws `LogKeyRetired` when the log has handed
    /// its key over to a key that is not among them: a server still holding the old key
    /// (started before a rotation) can never extend the log under it.
    public func signCheckpoint(_ statements: some LogStatements, at time: Timestamp, signers: [NoteSigner]) throws {
        guard frontier.treeSize > 0, let origin = signers.first?.name.text else { return }
        if let current = try statements.currentLogKey(),
            !signers.contains(where: { $0.verifier.verifierKey == current }) {
            throw LogKeyRetired(currentKey: current)
        }
        let checkpoint = try Checkpoint(origin: origin, treeSize: frontier.treeSize, rootHash: frontier.root)
        let note = try SignedNote.sign(text: checkpoint.body, signers: signers)
        try statements.insertCheckpoint(treeSize: frontier.treeSize, note: note.message, at: time)
    }
}

/// The log's key was handed over to `currentKey` and this writer holds another: it must
/// be restarted with the new key file (`commons-ledger log-key rotate` said where).
public struct LogKeyRetired: Error, CustomStringConvertible {
    public let currentKey: String

    public var description: String {
        "the log's signing key was handed over to \(currentKey); this server holds a retired key: "
            + "restart it with the new key file"
    }
}
