// Goal: impossible requests (negative sizes or indices, an index outside the
// tree, a first size above the second, a size beyond the stored tree, a node
// that is not stored) are refused with the exact typed `MerkleTreeError`,
// never a trap; and the verifier answers `false` to the same inputs.

import AuditLog
import Testing

struct MerkleArgumentTests {
    static let tree = InMemoryMerkleTree(leafHashes: TestFixtures.sampleLeafHashes(count: 10))

    @Test(arguments: [
        (Int64(-1), MerkleTreeError.negativeTreeSize(-1)),
        (Int64.min, .negativeTreeSize(Int64.min)),
        (11, .treeSizeBeyondCurrent(requested: 11, current: 10)),
        (Int64.max, .treeSizeBeyondCurrent(requested: Int64.max, current: 10)),
    ])
    func rootHashRefuses(treeSize: Int64, expected: MerkleTreeError) {
        #expect(throws: expected) {
            try MerkleProofs.rootHash(treeSize: treeSize, source: Self.tree)
        }
    }

    @Test(arguments: [
        (Int64(0), Int64(0), MerkleTreeError.leafIndexOutOfRange(index: 0, treeSize: 0)),
        (-1, 5, .negativeLeafIndex(-1)),
        (5, 5, .leafIndexOutOfRange(index: 5, treeSize: 5)),
        (6, 5, .leafIndexOutOfRange(index: 6, treeSize: 5)),
        (Int64.max, 5, .leafIndexOutOfRange(index: Int64.max, treeSize: 5)),
        (0, -3, .negativeTreeSize(-3)),
        (0, 11, .treeSizeBeyondCurrent(requested: 11, current: 10)),
        (10, 11, .treeSizeBeyondCurrent(requested: 11, current: 10)),
        (Int64.min, Int64.max, .negativeLeafIndex(Int64.min)),
    ])
    func inclusionProofRefuses(index: Int64, treeSize: Int64, expected: MerkleTreeError) {
        #expect(throws: expected) {
            try MerkleProofs.inclusionProof(index: index, treeSize: treeSize, source: Self.tree)
        }
        #expect(!MerkleVerifier.verifyInclusion(
            leafHash: MerkleHash.emptyTreeHash, index: index, treeSize: treeSize, proof: [],
            root: MerkleHash.emptyTreeHash))
    }

    @Test(arguments: [
        (Int64(-1), Int64(5), MerkleTreeError.negativeTreeSize(-1)),
        (1, -5, .negativeTreeSize(-5)),
        (6, 5, .firstSizeExceedsSecond(first: 6, second: 5)),
        (9, 8, .firstSizeExceedsSecond(first: 9, second: 8)),
        (5, 11, .treeSizeBeyondCurrent(requested: 11, current: 10)),
        (0, Int64.max, .treeSizeBeyondCurrent(requested: Int64.max, current: 10)),
    ])
    func consistencyProofRefuses(first: Int64, second: Int64, expected: MerkleTreeError) {
        #expect(throws: expected) {
            try MerkleProofs.consistencyProof(first: first, second: second, source: Self.tree)
        }
        #expect(!MerkleVerifier.verifyConsistency(
            first: first, second: second, firstRoot: MerkleHash.emptyTreeHash, secondRoot: MerkleHash.leafHash([]),
            proof: [MerkleHash.emptyTreeHash]))
    }

    @Test func trivialConsistencyProofsAreEmpty() throws {
        #expect(try MerkleProofs.consistencyProof(first: 0, second: 0, source: Self.tree) == [])
        #expect(try MerkleProofs.consistencyProof(first: 0, second: 10, source: Self.tree) == [])
        #expect(try MerkleProofs.consistencyProof(first: 10, second: 10, source: Self.tree) == [])
    }

    @Test(arguments: [
        (0, 10), (1, 5), (4, 0), (-1, 0), (0, -1), (Int.max, 0), (64, 0),
    ] as [(Int, Int64)])
    func inMemoryTreeRefusesNodesItDoesNotHold(level: Int, index: Int64) {
        #expect(throws: MerkleTreeError.missingNode(level: level, index: index)) {
            try Self.tree.node(level: level, index: index)
        }
    }

    @Test func frontierRebuildRefusesBadSizes() {
        #expect(throws: MerkleTreeError.negativeTreeSize(-2)) {
            try MerkleFrontier(treeSize: -2, source: Self.tree)
        }
        #expect(throws: MerkleTreeError.treeSizeBeyondCurrent(requested: 12, current: 10)) {
            try MerkleFrontier(treeSize: 12, source: Self.tree)
        }
    }

    /// A source whose nodes are gone (a corrupted database) makes proofs fail loudly.
    @Test func missingStoredNodesSurfaceAsErrors() {
        struct HollowSource: MerkleNodeSource {
            func currentTreeSize() -> Int64 { 8 }
            func node(level: Int, index: Int64) throws -> Hash {
                throw MerkleTreeError.missingNode(level: level, index: index)
            }
        }
        #expect(throws: MerkleTreeError.missingNode(level: 3, index: 0)) {
            try MerkleProofs.rootHash(treeSize: 8, source: HollowSource())
        }
        #expect(throws: MerkleTreeError.self) {
            try MerkleProofs.inclusionProof(index: 3, treeSize: 8, source: HollowSource())
        }
    }

    @Test func negativeCurrentSizeIsRefused() {
        struct BrokenSource: MerkleNodeSource {
            func currentTreeSize() -> Int64 { -1 }
            func node(level: Int, index: Int64) throws -> Hash { MerkleHash.emptyTreeHash }
        }
        #expect(throws: MerkleTreeError.invalidCurrentTreeSize(-1)) {
            try MerkleProofs.rootHash(treeSize: 0, source: BrokenSource())
        }
    }
}
