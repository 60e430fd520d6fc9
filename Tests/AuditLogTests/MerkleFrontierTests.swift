// Goal: appending through the frontier returns exactly the nodes each new leaf
// completes (the rows the database must write), each equal to the recursive
// MTH of its leaf range; the frontier rebuilt from stored nodes in one read
// per peak equals the one built by appending; and the one-pass
// `rootFromLeafHashes` is exact over a tree of 2^20 (about a million) leaves.

import AuditLog
import Testing

struct MerkleFrontierTests {
    @Test func appendReturnsExactlyTheCompletedNodes() throws {
        let leaves = TestFixtures.sampleLeafHashes(count: 300)
        var frontier = MerkleFrontier()
        var tree = InMemoryMerkleTree()
        var storedCount = 0
        for (offset, leafHash) in leaves.enumerated() {
            let size = Int64(offset)
            let completed = frontier.append(leafHash: leafHash)
            #expect(tree.append(leafHash: leafHash) == completed)
            // A leaf at index n completes itself plus one parent per trailing one bit of n.
            #expect(completed.count == 1 + (~size).trailingZeroBitCount, "leaf \(offset)")
            #expect(completed.first == StoredNode(level: 0, index: size, hash: leafHash))
            for node in completed {
                let width = 1 << node.level
                let start = Int(node.index) * width
                #expect(start + width == offset + 1, "node \(node.level)/\(node.index) ends at the new leaf")
                #expect(node.hash == ReferenceMerkleTree.rootHash(Array(leaves[start..<(start + width)])))
            }
            storedCount += completed.count
            #expect(frontier.treeSize == size + 1)
            #expect(frontier.root == ReferenceMerkleTree.rootHash(Array(leaves[...offset])))
        }
        #expect(tree.storedNodeCount == storedCount)
        #expect(storedCount == 2 * leaves.count - leaves.count.nonzeroBitCount)
    }

    @Test func emptyFrontierHasTheEmptyTreeRoot() {
        let frontier = MerkleFrontier()
        #expect(frontier.treeSize == 0)
        #expect(frontier.root == MerkleHash.emptyTreeHash)
        #expect(frontier.peakNodes.isEmpty)
    }

    @Test func frontierRebuiltFromStoredNodesMatchesAppending() throws {
        let leaves = TestFixtures.sampleLeafHashes(count: 200)
        let source = CountingNodeSource(tree: InMemoryMerkleTree(leafHashes: leaves))
        var appended = MerkleFrontier()
        for size in 0...leaves.count {
            source.resetCount()
            var rebuilt = try MerkleFrontier(treeSize: Int64(size), source: source)
            #expect(source.nodeReads == size.nonzeroBitCount, "one read per peak at size \(size)")
            #expect(rebuilt == appended, "size \(size)")
            #expect(rebuilt.peakNodes.count == size.nonzeroBitCount)
            for node in rebuilt.peakNodes {
                #expect(try source.tree.node(level: node.level, index: node.index) == node.hash)
            }
            if size < leaves.count {
                // The rebuilt frontier continues exactly like the original.
                #expect(rebuilt.append(leafHash: leaves[size]) == appended.append(leafHash: leaves[size]))
            }
        }
    }

    @Test func rootFromLeafHashesOverAMillionLeaves() {
        let count = 1 << 20
        var leaves: [Hash] = []
        leaves.reserveCapacity(count)
        for index in 0..<count {
            var entry = UInt64(index).bigEndian
            leaves.append(withUnsafeBytes(of: &entry) { MerkleHash.leafHash(Array($0)) })
        }
        // Independent reference for a perfect tree: hash level by level.
        var level = leaves
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map {
                MerkleHash.nodeHash(left: level[$0], right: level[$0 + 1])
            }
        }
        #expect(MerkleVerifier.rootFromLeafHashes(leaves) == level[0])
        // A size that is not a power of two: the last leaf hangs alone on the right edge.
        let oneMore = MerkleHash.leafHash(Array("one more".utf8))
        #expect(MerkleVerifier.rootFromLeafHashes(leaves + [oneMore]) == MerkleHash.nodeHash(left: level[0], right: oneMore))
    }
}
