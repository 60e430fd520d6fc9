/// Past roots, inclusion proofs and consistency proofs, computed from stored complete nodes.
///
/// Why from stored nodes: every complete node is immutable, so any past tree
/// can be rebuilt from O(log n) of them instead of rehashing the leaves; the
/// proofs come out in exactly the order of RFC 9162 §2.1.3.1 and §2.1.4.1
/// (RFC 6962 PATH and PROOF), leaf side first, so any RFC verifier accepts them.
///
/// Each function throws `MerkleTreeError` for bad arguments before any node is
/// read, or rethrows what the node source throws.
public enum MerkleProofs {
    /// The root hash of the tree made of the first `treeSize` leaves.
    ///
    /// Why: checkpoints for past sizes, and audits that compare a stored
    /// checkpoint against the nodes, need the root at any size.
    /// Reads one node per set bit of `treeSize` (at most 63).
    public static func rootHash(treeSize: Int64, source: some MerkleNodeSource) throws -> Hash {
        guard treeSize >= 0 else {
            throw MerkleTreeError.negativeTreeSize(treeSize)
        }
        try requireStored(treeSize: treeSize, source: source)
        guard treeSize > 0 else {
            return MerkleHash.emptyTreeHash
        }
        return try subtreeHash(start: 0, size: treeSize, source: source)
    }

    /// The inclusion proof of leaf `index` in the tree of the first `treeSize` leaves.
    ///
    /// Why: it lets anyone holding only a checkpoint confirm that an entry is in
    /// the log. The audit path lists sibling hashes from the leaf up to the root
    /// (RFC 9162 §2.1.3.1). Reads O(log n) nodes.
    public static func inclusionProof(
        index: Int64,
        treeSize: Int64,
        source: some MerkleNodeSource
    ) throws -> [Hash] {
        guard treeSize >= 0 else {
            throw MerkleTreeError.negativeTreeSize(treeSize)
        }
        guard index >= 0 else {
            throw MerkleTreeError.negativeLeafIndex(index)
        }
        guard index < treeSize else {
            throw MerkleTreeError.leafIndexOutOfRange(index: index, treeSize: treeSize)
        }
        try requireStored(treeSize: treeSize, source: source)

        // Walk from the root down to the leaf, collecting the sibling of each
        // subtree we descend into; the RFC lists them bottom up, so reverse.
        var siblingsTopDown: [Hash] = []
        var start: Int64 = 0
        var size = treeSize
        var relativeIndex = index
        while size > 1 {
            let split = TreeMath.largestPowerOfTwo(below: size)
            if relativeIndex < split {
                siblingsTopDown.append(try subtreeHash(start: start + split, size: size - split, source: source))
                size = split
            } else {
                siblingsTopDown.append(try subtreeHash(start: start, size: split, source: source))
                start += split
                size -= split
                relativeIndex -= split
            }
        }
        return siblingsTopDown.reversed()
    }

    /// The consistency proof that the tree of `first` leaves is a prefix of the tree of `second` leaves.
    ///
    /// Why: a client that saw an earlier checkpoint uses it to check that the log
    /// only appended since (RFC 9162 §2.1.4.1). The proof is empty when `first`
    /// is 0 or equals `second`. Reads O(log n) nodes.
    public static func consistencyProof(
        first: Int64,
        second: Int64,
        source: some MerkleNodeSource
    ) throws -> [Hash] {
        guard first >= 0 else {
            throw MerkleTreeError.negativeTreeSize(first)
        }
        guard second >= 0 else {
            throw MerkleTreeError.negativeTreeSize(second)
        }
        guard first <= second else {
            throw MerkleTreeError.firstSizeExceedsSecond(first: first, second: second)
        }
        try requireStored(treeSize: second, source: source)
        guard first > 0, first < second else {
            return []
        }

        // SUBPROOF(m, D[start:start+size], isWholeFirstTree), unrolled top down.
        var proofTopDown: [Hash] = []
        var start: Int64 = 0
        var size = second
        var remainingFirst = first
        var isWholeFirstTree = true
        while remainingFirst != size {
            let split = TreeMath.largestPowerOfTwo(below: size)
            if remainingFirst <= split {
                proofTopDown.append(try subtreeHash(start: start + split, size: size - split, source: source))
                size = split
            } else {
                proofTopDown.append(try subtreeHash(start: start, size: split, source: source))
                start += split
                size -= split
                remainingFirst -= split
                isWholeFirstTree = false
            }
        }
        if !isWholeFirstTree {
            proofTopDown.append(try subtreeHash(start: start, size: size, source: source))
        }
        return proofTopDown.reversed()
    }

    /// The hash of leaves [start, start+size) where `start` is a multiple of the
    /// smallest power of two not below `size` (true of every subtree the RFC
    /// recursion visits): one read per set bit of `size`.
    static func subtreeHash(start: Int64, size: Int64, source: some MerkleNodeSource) throws -> Hash {
        var pieces: [Hash] = []
        var offset = start
        var remaining = size
        while remaining > 0 {
            let level = TreeMath.highestLevel(in: remaining)
            pieces.append(try source.node(level: level, index: offset >> level))
            offset += 1 << level
            remaining -= 1 << level
        }
        guard var hash = pieces.popLast() else {
            return MerkleHash.emptyTreeHash
        }
        while let left = pieces.popLast() {
            hash = MerkleHash.nodeHash(left: left, right: hash)
        }
        return hash
    }

    /// The source's current size, refused when it is negative (a broken source).
    static func currentSize(of source: some MerkleNodeSource) throws -> Int64 {
        let size = try source.currentTreeSize()
        guard size >= 0 else {
            throw MerkleTreeError.invalidCurrentTreeSize(size)
        }
        return size
    }

    private static func requireStored(treeSize: Int64, source: some MerkleNodeSource) throws {
        let currentSize = try currentSize(of: source)
        guard treeSize <= currentSize else {
            throw MerkleTreeError.treeSizeBeyondCurrent(requested: treeSize, current: currentSize)
        }
    }
}
