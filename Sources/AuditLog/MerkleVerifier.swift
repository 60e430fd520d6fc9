/// Offline checks of proofs and roots: what an auditor runs without the log's database.
///
/// Why separate from proof generation: the verifier trusts nothing but the
/// hashes it is given, follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step,
/// and answers only yes or no, so bad input can never crash it.
public enum MerkleVerifier {
    /// Whether `proof` shows that `leafHash` is leaf `index` of the tree of `treeSize` leaves with root `root`.
    ///
    /// Why: RFC 9162 §2.1.3.2; a negative or out-of-range index or size, or a
    /// proof of the wrong length, is simply not verified.
    public static func verifyInclusion(
        leafHash: Hash,
        index: Int64,
        treeSize: Int64,
        proof: [Hash],
        root: Hash
    ) -> Bool {
        guard index >= 0, treeSize > 0, index < treeSize else {
            return false
        }
        // RFC 9162 calls these fn and sn: the position of the current node and of
        // the last node on the current level.
        var nodeIndex = UInt64(index)
        var lastNodeIndex = UInt64(treeSize - 1)
        var result = leafHash
        for sibling in proof {
            guard lastNodeIndex != 0 else {
                return false
            }
            if nodeIndex & 1 == 1 || nodeIndex == lastNodeIndex {
                result = MerkleHash.nodeHash(left: sibling, right: result)
                while nodeIndex & 1 == 0 && nodeIndex != 0 {
                    nodeIndex >>= 1
                    lastNodeIndex >>= 1
                }
            } else {
                result = MerkleHash.nodeHash(left: result, right: sibling)
            }
            nodeIndex >>= 1
            lastNodeIndex >>= 1
        }
        return lastNodeIndex == 0 && result == root
    }

    /// Whether `proof` shows that the tree of `first` leaves (root `firstRoot`) is a prefix of
    /// the tree of `second` leaves (root `secondRoot`).
    ///
    /// Why: RFC 9162 §2.1.4.2. Equal sizes need equal roots and an empty proof;
    /// size 0 is a prefix of every tree and needs an empty proof; a first size
    /// above the second, or a negative size, is never consistent.
    public static func verifyConsistency(
        first: Int64,
        second: Int64,
        firstRoot: Hash,
        secondRoot: Hash,
        proof: [Hash]
    ) -> Bool {
        guard first >= 0, second >= 0, first <= second else {
            return false
        }
        if first == second {
            return proof.isEmpty && firstRoot == secondRoot
        }
        if first == 0 {
            return proof.isEmpty
        }
        guard !proof.isEmpty else {
            return false
        }
        var path = proof
        if TreeMath.isPowerOfTwo(first) {
            path.insert(firstRoot, at: 0)
        }
        // RFC 9162 calls these fn and sn: the last node of each tree, shifted up
        // level by level as the proof is consumed.
        var firstTreeLastIndex = UInt64(first - 1)
        var secondTreeLastIndex = UInt64(second - 1)
        while firstTreeLastIndex & 1 == 1 {
            firstTreeLastIndex >>= 1
            secondTreeLastIndex >>= 1
        }
        var firstResult = path[0]
        var secondResult = path[0]
        for node in path.dropFirst() {
            guard secondTreeLastIndex != 0 else {
                return false
            }
            if firstTreeLastIndex & 1 == 1 || firstTreeLastIndex == secondTreeLastIndex {
                firstResult = MerkleHash.nodeHash(left: node, right: firstResult)
                secondResult = MerkleHash.nodeHash(left: node, right: secondResult)
                while firstTreeLastIndex & 1 == 0 && firstTreeLastIndex != 0 {
                    firstTreeLastIndex >>= 1
                    secondTreeLastIndex >>= 1
                }
            } else {
                secondResult = MerkleHash.nodeHash(left: secondResult, right: node)
            }
            firstTreeLastIndex >>= 1
            secondTreeLastIndex >>= 1
        }
        return firstResult == firstRoot && secondResult == secondRoot && secondTreeLastIndex == 0
    }

    /// The root hash (RFC 9162 MTH) of a tree with these leaf hashes, in one pass.
    ///
    /// Why: an auditor recomputes the whole log's root from its entries and
    /// compares it with a signed checkpoint. It runs in O(n) time and O(log n)
    /// memory with a frontier, so it can stream millions of leaves; it equals
    /// the plain recursive definition of MTH.
    public static func rootFromLeafHashes(_ leafHashes: some Sequence<Hash>) -> Hash {
        var frontier = MerkleFrontier()
        for leafHash in leafHashes {
            frontier.appendWithoutRecording(leafHash: leafHash)
        }
        return frontier.root
    }
}
