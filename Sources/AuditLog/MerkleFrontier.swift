/// The compact right frontier of a tree: the perfect-subtree hashes covering leaves [0, n).
///
/// Why: appending a leaf needs only these at most 63 hashes, so the log grows
/// with O(log n) work per entry and never rehashes old entries; and the hashes
/// it completes on the way are exactly the new rows for the node table.
public struct MerkleFrontier: Hashable, Sendable {
    /// The number of leaves covered.
    public private(set) var treeSize: Int64

    /// The peak hashes from left (tallest) to right (shortest); one per set bit of `treeSize`.
    private var peaks: [Hash]

    /// Creates the frontier of the empty tree.
    ///
    /// Why: a new log starts here.
    public init() {
        treeSize = 0
        peaks = []
    }

    /// Rebuilds the frontier for `treeSize` leaves from stored nodes, with one read per peak.
    ///
    /// Why: after a restart the writer resumes appending from the database in
    /// O(log n) reads instead of replaying the log. Throws `MerkleTreeError` for
    /// a negative size or one beyond the stored tree, or the source's own error.
    public init(treeSize: Int64, source: some MerkleNodeSource) throws {
        guard treeSize >= 0 else {
            throw MerkleTreeError.negativeTreeSize(treeSize)
        }
        let currentSize = try MerkleProofs.currentSize(of: source)
        guard treeSize <= currentSize else {
            throw MerkleTreeError.treeSizeBeyondCurrent(requested: treeSize, current: currentSize)
        }
        var peaks: [Hash] = []
        var offset: Int64 = 0
        var remaining = treeSize
        while remaining > 0 {
            let level = TreeMath.highestLevel(in: remaining)
            peaks.append(try source.node(level: level, index: offset >> level))
            offset += 1 << level
            remaining -= 1 << level
        }
        self.treeSize = treeSize
        self.peaks = peaks
    }

    /// The root hash of the tree of `treeSize` leaves (the empty-tree hash when there are none).
    ///
    /// Why: this is the value the log signs in its next checkpoint.
    public var root: Hash {
        guard var root = peaks.last else {
            return MerkleHash.emptyTreeHash
        }
        for peak in peaks.dropLast().reversed() {
            root = MerkleHash.nodeHash(left: peak, right: root)
        }
        return root
    }

    /// The stored nodes that cover leaves [0, treeSize), left to right.
    ///
    /// Why: lets a caller check a frontier against storage or show it.
    public var peakNodes: [StoredNode] {
        var nodes: [StoredNode] = []
        var offset: Int64 = 0
        var remaining = treeSize
        for peak in peaks {
            let level = TreeMath.highestLevel(in: remaining)
            nodes.append(StoredNode(level: level, index: offset >> level, hash: peak))
            offset += 1 << level
            remaining -= 1 << level
        }
        return nodes
    }

    /// Appends one leaf hash and returns the nodes it completes: the leaf at
    /// level 0 first, then each parent it finishes, bottom up.
    ///
    /// Why: the caller persists exactly these nodes in the same transaction as
    /// the entry, so the node table always matches the leaves.
    public mutating func append(leafHash: Hash) -> [StoredNode] {
        var completed = [StoredNode(level: 0, index: treeSize, hash: leafHash)]
        appendLeaf(leafHash) { level, index, hash in
            completed.append(StoredNode(level: level, index: index, hash: hash))
        }
        return completed
    }

    /// Appends one leaf hash without reporting completed nodes.
    ///
    /// Why internal: recomputing a root over millions of leaves should not
    /// allocate a node list per leaf.
    mutating func appendWithoutRecording(leafHash: Hash) {
        appendLeaf(leafHash) { _, _, _ in }
    }

    private mutating func appendLeaf(_ leafHash: Hash, completed: (Int, Int64, Hash) -> Void) {
        precondition(treeSize < Int64.max, "a log cannot hold more than Int64.max leaves")
        var hash = leafHash
        var level = 0
        var index = treeSize
        // Each set low bit of the old size is a peak of the same height as `hash`: merge them.
        while (treeSize >> level) & 1 == 1 {
            let left = peaks.removeLast()
            hash = MerkleHash.nodeHash(left: left, right: hash)
            level += 1
            index >>= 1
            completed(level, index, hash)
        }
        peaks.append(hash)
        treeSize += 1
    }
}
