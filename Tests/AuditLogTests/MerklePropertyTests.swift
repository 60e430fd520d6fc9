// Goal: for every tree size 1...64, and for seeded random sizes up to a few
// thousand, every inclusion and consistency proof computed from stored nodes
// (a) equals the proof of the naive recursive RFC model, (b) verifies against
// the root of `rootFromLeafHashes` and of the recursive MTH, and (c) stops
// verifying when a proof element, a root, the leaf or the index is corrupted.
// Proofs for past sizes are taken from one bigger stored tree, as the database
// will serve them.

import AuditLog
import Testing

struct MerklePropertyTests {
    static let smallLeaves = TestFixtures.sampleLeafHashes(count: 64)
    static let smallTree = InMemoryMerkleTree(leafHashes: smallLeaves)

    @Test(arguments: 1...64)
    func everyInclusionProofOfSmallTreesVerifies(size: Int) throws {
        let leaves = Array(Self.smallLeaves.prefix(size))
        let root = MerkleVerifier.rootFromLeafHashes(leaves)
        #expect(root == ReferenceMerkleTree.rootHash(leaves))
        #expect(try MerkleProofs.rootHash(treeSize: Int64(size), source: Self.smallTree) == root)

        for index in 0..<size {
            let proof = try MerkleProofs.inclusionProof(index: Int64(index), treeSize: Int64(size), source: Self.smallTree)
            #expect(proof == ReferenceMerkleTree.inclusionPath(index: index, leaves: leaves), "leaf \(index) of \(size)")
            try expectInclusionProofHolds(leaves: leaves, index: index, proof: proof, root: root)
        }
    }

    @Test(arguments: 1...64)
    func everyConsistencyProofOfSmallTreesVerifies(second: Int) throws {
        let secondLeaves = Array(Self.smallLeaves.prefix(second))
        let secondRoot = MerkleVerifier.rootFromLeafHashes(secondLeaves)
        for first in 0...second {
            let firstRoot = MerkleVerifier.rootFromLeafHashes(Self.smallLeaves.prefix(first))
            let proof = try MerkleProofs.consistencyProof(
                first: Int64(first), second: Int64(second), source: Self.smallTree)
            #expect(proof == ReferenceMerkleTree.consistencyProof(first: first, leaves: secondLeaves), "\(first) to \(second)")
            expectConsistencyProofHolds(
                first: first, second: second, firstRoot: firstRoot, secondRoot: secondRoot, proof: proof)
        }
    }

    @Test func randomLargerTreesProveAndVerify() throws {
        let seed: UInt64 = 6962
        var generator = SeededGenerator(seed: seed)
        let leaves = TestFixtures.sampleLeafHashes(count: 3_000)
        let tree = InMemoryMerkleTree(leafHashes: leaves)
        for round in 0..<12 {
            let size = Int.random(in: 1...leaves.count, using: &generator)
            let sizeLeaves = Array(leaves.prefix(size))
            let root = MerkleVerifier.rootFromLeafHashes(sizeLeaves)
            #expect(root == ReferenceMerkleTree.rootHash(sizeLeaves), "seed \(seed) round \(round) size \(size)")
            #expect(try MerkleProofs.rootHash(treeSize: Int64(size), source: tree) == root)

            for _ in 0..<4 {
                let index = Int.random(in: 0..<size, using: &generator)
                let proof = try MerkleProofs.inclusionProof(index: Int64(index), treeSize: Int64(size), source: tree)
                #expect(
                    proof == ReferenceMerkleTree.inclusionPath(index: index, leaves: sizeLeaves),
                    "seed \(seed) round \(round): leaf \(index) of \(size)")
                try expectInclusionProofHolds(leaves: sizeLeaves, index: index, proof: proof, root: root)

                let first = Int.random(in: 0...size, using: &generator)
                let firstRoot = MerkleVerifier.rootFromLeafHashes(leaves.prefix(first))
                let consistency = try MerkleProofs.consistencyProof(first: Int64(first), second: Int64(size), source: tree)
                #expect(
                    consistency == ReferenceMerkleTree.consistencyProof(first: first, leaves: sizeLeaves),
                    "seed \(seed) round \(round): \(first) to \(size)")
                expectConsistencyProofHolds(
                    first: first, second: size, firstRoot: firstRoot, secondRoot: root, proof: consistency)
            }
        }
    }

    @Test func proofsReadLogarithmicallyManyNodes() throws {
        let source = CountingNodeSource(tree: InMemoryMerkleTree(leafHashes: TestFixtures.sampleLeafHashes(count: 1_000)))
        for size in 1...1_000 {
            let depth = Int64.bitWidth - Int64(size - 1).leadingZeroBitCount  // ceil(log2(size))
            source.resetCount()
            _ = try MerkleProofs.rootHash(treeSize: Int64(size), source: source)
            #expect(source.nodeReads == Int64(size).nonzeroBitCount, "root of \(size)")
            for index in stride(from: 0, to: size, by: max(1, size / 7)) {
                source.resetCount()
                _ = try MerkleProofs.inclusionProof(index: Int64(index), treeSize: Int64(size), source: source)
                #expect(source.nodeReads <= 2 * depth, "inclusion \(index) of \(size): \(source.nodeReads) reads")
            }
            for first in stride(from: 1, through: size, by: max(1, size / 7)) {
                source.resetCount()
                _ = try MerkleProofs.consistencyProof(first: Int64(first), second: Int64(size), source: source)
                #expect(source.nodeReads <= 2 * depth + 1, "consistency \(first) to \(size): \(source.nodeReads) reads")
            }
        }
    }

    // MARK: - Helpers

    func expectInclusionProofHolds(leaves: [Hash], index: Int, proof: [Hash], root: Hash) throws {
        let size = Int64(leaves.count)
        let leafHash = leaves[index]
        #expect(MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: Int64(index), treeSize: size, proof: proof, root: root),
            "leaf \(index) of \(size)")
        // Corruptions that must never verify.
        #expect(!MerkleVerifier.verifyInclusion(
            leafHash: TestFixtures.flippingBit(of: leafHash), index: Int64(index), treeSize: size, proof: proof, root: root))
        #expect(!MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: Int64(index), treeSize: size, proof: proof, root: TestFixtures.flippingBit(of: root, byte: 31)))
        #expect(!MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: Int64(index), treeSize: size, proof: proof + [root], root: root))
        #expect(!MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: Int64(index), treeSize: size, proof: [leafHash] + proof, root: root))
        if !proof.isEmpty {
            #expect(!MerkleVerifier.verifyInclusion(
                leafHash: leafHash, index: Int64(index), treeSize: size, proof: Array(proof.dropLast()), root: root))
        }
        for position in proof.indices {
            var corrupted = proof
            corrupted[position] = TestFixtures.flippingBit(of: corrupted[position], byte: position % Hash.byteCount)
            #expect(!MerkleVerifier.verifyInclusion(
                leafHash: leafHash, index: Int64(index), treeSize: size, proof: corrupted, root: root),
                "flipped proof[\(position)] of leaf \(index) of \(size)")
        }
        // The sibling's index swaps the order of the lowest hash, so it cannot verify.
        let sibling = index ^ 1
        if sibling < leaves.count {
            #expect(!MerkleVerifier.verifyInclusion(
                leafHash: leafHash, index: Int64(sibling), treeSize: size, proof: proof, root: root))
        }
        // Another leaf's hash at this index does not verify.
        if leaves.count > 1 {
            let other = leaves[(index + 1) % leaves.count]
            #expect(!MerkleVerifier.verifyInclusion(
                leafHash: other, index: Int64(index), treeSize: size, proof: proof, root: root))
        }
        #expect(!MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: Int64(index) - size, treeSize: size, proof: proof, root: root))
        #expect(!MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: size, treeSize: size, proof: proof, root: root))
    }

    func expectConsistencyProofHolds(first: Int, second: Int, firstRoot: Hash, secondRoot: Hash, proof: [Hash]) {
        let firstSize = Int64(first)
        let secondSize = Int64(second)
        #expect(MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot, proof: proof),
            "\(first) to \(second)")
        // Sizes 0 and equal sizes carry no proof; anything else can be corrupted.
        if first == second {
            #expect(!MerkleVerifier.verifyConsistency(
                first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: TestFixtures.flippingBit(of: secondRoot),
                proof: proof))
        }
        guard first > 0, first < second else {
            #expect(!MerkleVerifier.verifyConsistency(
                first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot,
                proof: [MerkleHash.emptyTreeHash]))
            return
        }
        #expect(!MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: TestFixtures.flippingBit(of: firstRoot), secondRoot: secondRoot,
            proof: proof))
        #expect(!MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: TestFixtures.flippingBit(of: secondRoot),
            proof: proof))
        #expect(!MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: secondRoot, secondRoot: firstRoot, proof: proof))
        #expect(!MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot, proof: []))
        #expect(!MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot,
            proof: Array(proof.dropLast())))
        #expect(!MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot,
            proof: proof + [secondRoot]))
        #expect(!MerkleVerifier.verifyConsistency(
            first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot,
            proof: [firstRoot] + proof))
        #expect(!MerkleVerifier.verifyConsistency(
            first: secondSize, second: firstSize, firstRoot: secondRoot, secondRoot: firstRoot, proof: proof))
        for position in proof.indices {
            var corrupted = proof
            corrupted[position] = TestFixtures.flippingBit(of: corrupted[position], byte: position % Hash.byteCount, mask: 0x10)
            #expect(!MerkleVerifier.verifyConsistency(
                first: firstSize, second: secondSize, firstRoot: firstRoot, secondRoot: secondRoot, proof: corrupted),
                "flipped proof[\(position)] of \(first) to \(second)")
        }
    }
}
