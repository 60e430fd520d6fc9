// Goal: a node source that counts its reads, so tests can check that roots,
// proofs and frontier rebuilds stay within their O(log n) read bounds.

import AuditLog

/// A node source that counts reads, to check the O(log n) read bounds.
final class CountingNodeSource: MerkleNodeSource {
    let tree: InMemoryMerkleTree
    private(set) var nodeReads = 0

    init(tree: InMemoryMerkleTree) {
        self.tree = tree
    }

    func currentTreeSize() -> Int64 {
        tree.currentTreeSize()
    }

    func node(level: Int, index: Int64) throws -> Hash {
        nodeReads += 1
        return try tree.node(level: level, index: index)
    }

    func resetCount() {
        nodeReads = 0
    }
}
