/// A Merkle tree kept in memory: leaves are appended and every complete node is stored.
///
/// Why: it is the reference `MerkleNodeSource` for tests and tools, behaving
/// as the SQL-backed store does (same nodes, same errors), without a database.
public struct InMemoryMerkleTree: MerkleNodeSource, Sendable {
    private struct Position: Hashable, Sendable {
        var level: Int
        var index: Int64
    }

    private var nodes: [Position: Hash] = [:]
    private var frontier = MerkleFrontier()

    /// Creates an empty tree.
    ///
    /// Why: tests build trees leaf by leaf from here.
    public init() {}

    /// Creates a tree holding the given leaf hashes, in order.
    ///
    /// Why: a shorthand for tests that start from a known list of leaves.
    public init(leafHashes: some Sequence<Hash>) {
        for leafHash in leafHashes {
            append(leafHash: leafHash)
        }
    }

    /// The number of leaves appended so far.
    ///
    /// Why: callers pick proof sizes up to this value.
    public var treeSize: Int64 {
        frontier.treeSize
    }

    /// The root hash of the whole tree.
    ///
    /// Why: what a checkpoint for the current size would carry.
    public var rootHash: Hash {
        frontier.root
    }

    /// The number of stored complete nodes (about twice the leaf count).
    ///
    /// Why: lets tests check that each append stores only what it completes.
    public var storedNodeCount: Int {
        nodes.count
    }

    /// Appends a leaf hash and stores the nodes it completes; returns those nodes.
    ///
    /// Why: mirrors what the storage layer does inside its write transaction.
    @discardableResult
    public mutating func append(leafHash: Hash) -> [StoredNode] {
        let completed = frontier.append(leafHash: leafHash)
        for node in completed {
            nodes[Position(level: node.level, index: node.index)] = node.hash
        }
        return completed
    }

    /// Hashes an entry as a leaf, appends it, and returns its leaf hash.
    ///
    /// Why: tests usually start from entry bytes rather than hashes.
    @discardableResult
    public mutating func append(entry: [UInt8]) -> Hash {
        let leafHash = MerkleHash.leafHash(entry)
        append(leafHash: leafHash)
        return leafHash
    }

    /// The number of leaves appended so far, as `MerkleNodeSource` requires.
    public func currentTreeSize() -> Int64 {
        frontier.treeSize
    }

    /// The stored complete node; throws `MerkleTreeError.missingNode` when it is not complete.
    public func node(level: Int, index: Int64) throws(MerkleTreeError) -> Hash {
        guard let hash = nodes[Position(level: level, index: index)] else {
            throw .missingNode(level: level, index: index)
        }
        return hash
    }
}
