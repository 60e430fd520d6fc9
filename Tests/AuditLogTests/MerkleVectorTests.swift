// Goal: roots, inclusion proofs and consistency proofs computed from stored
// nodes equal the published RFC 6962 test vectors byte for byte, the verifier
// accepts them, and rejects every corruption that the reference test suite
// applies to them.
//
// Vectors copied from transparency-dev/merkle, proof/verify_test.go
// (variables `leaves`, `roots`, `inclusionProofs`, `consistencyProofs`, and the
// corruptions of `corruptInclusionProof` / `corruptConsistencyProof`),
// https://github.com/transparency-dev/merkle. These are the test vectors of
// Google's certificate-transparency Merkle tree tests (originally the C++
// merkle_tree_test, then certificate-transparency-go/merkle), moved to that
// repository. In that file a proof's leaf is numbered from 1; below the
// numbers are converted to 0-based indices.

import AuditLog
import Testing

struct MerkleVectorTests {
    /// The eight leaf entries of the reference tree, as hex.
    static let leafEntriesHex = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ]

    /// MTH of the first n leaves, for n = 1...8.
    static let rootsHex = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    struct InclusionVector: Sendable, CustomTestStringConvertible {
        var index: Int64
        var treeSize: Int64
        var proofHex: [String]
        var testDescription: String { "leaf \(index) of \(treeSize)" }
    }

    struct ConsistencyVector: Sendable, CustomTestStringConvertible {
        var first: Int64
        var second: Int64
        var proofHex: [String]
        var testDescription: String { "\(first) to \(second)" }
    }

    static let inclusionVectors = [
        InclusionVector(index: 0, treeSize: 1, proofHex: []),
        InclusionVector(index: 0, treeSize: 8, proofHex: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        InclusionVector(index: 5, treeSize: 8, proofHex: [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        InclusionVector(index: 2, treeSize: 3, proofHex: [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ]),
        InclusionVector(index: 1, treeSize: 5, proofHex: [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
    ]

    static let consistencyVectors = [
        ConsistencyVector(first: 1, second: 1, proofHex: []),
        ConsistencyVector(first: 1, second: 8, proofHex: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        ConsistencyVector(first: 6, second: 8, proofHex: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        ConsistencyVector(first: 2, second: 5, proofHex: [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
        ConsistencyVector(first: 6, second: 7, proofHex: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
    ]

    /// A hash that is no root of the reference tree ("sha256SomeHash" in the Go test).
    static let someHashHex = "abacaba000000000000000000000000000000000000000000060061e00123456"

    static func referenceLeafHashes() throws -> [Hash] {
        try leafEntriesHex.map { hex in
            // The empty entry is the one vector that is not a hash: decode hex bytes directly.
            var bytes: [UInt8] = []
            var characters = Array(hex.utf8)
            while !characters.isEmpty {
                let pair = String(decoding: characters.prefix(2), as: UTF8.self)
                bytes.append(try #require(UInt8(pair, radix: 16)))
                characters.removeFirst(2)
            }
            return MerkleHash.leafHash(bytes)
        }
    }

    static func referenceTree() throws -> InMemoryMerkleTree {
        InMemoryMerkleTree(leafHashes: try referenceLeafHashes())
    }

    @Test func rootsForSizesOneToEight() throws {
        let tree = try Self.referenceTree()
        let leaves = try Self.referenceLeafHashes()
        for (offset, rootHex) in Self.rootsHex.enumerated() {
            let size = offset + 1
            let expected = try TestFixtures.hash(rootHex)
            #expect(try MerkleProofs.rootHash(treeSize: Int64(size), source: tree) == expected, "size \(size)")
            #expect(MerkleVerifier.rootFromLeafHashes(leaves.prefix(size)) == expected, "size \(size)")
            #expect(InMemoryMerkleTree(leafHashes: leaves.prefix(size)).rootHash == expected, "size \(size)")
            #expect(ReferenceMerkleTree.rootHash(Array(leaves.prefix(size))) == expected, "size \(size)")
        }
        #expect(try MerkleProofs.rootHash(treeSize: 0, source: tree) == MerkleHash.emptyTreeHash)
    }

    @Test(arguments: inclusionVectors)
    func inclusionProofMatchesVector(vector: InclusionVector) throws {
        let tree = try Self.referenceTree()
        let leaves = try Self.referenceLeafHashes()
        let expected = try vector.proofHex.map(TestFixtures.hash)
        let proof = try MerkleProofs.inclusionProof(index: vector.index, treeSize: vector.treeSize, source: tree)
        #expect(proof == expected)

        let root = try TestFixtures.hash(Self.rootsHex[Int(vector.treeSize) - 1])
        let leafHash = leaves[Int(vector.index)]
        #expect(MerkleVerifier.verifyInclusion(
            leafHash: leafHash, index: vector.index, treeSize: vector.treeSize, proof: expected, root: root))

        // The corruptions of corruptInclusionProof in the Go test; none may verify.
        let someHash = try TestFixtures.hash(Self.someHashHex)
        var probes: [(String, Hash, Int64, Int64, [Hash], Hash)] = [
            ("index - 1", leafHash, vector.index - 1, vector.treeSize, expected, root),
            ("index + 1", leafHash, vector.index + 1, vector.treeSize, expected, root),
            ("index ^ 2", leafHash, vector.index ^ 2, vector.treeSize, expected, root),
            ("size * 2", leafHash, vector.index, vector.treeSize * 2, expected, root),
            ("size / 2", leafHash, vector.index, vector.treeSize / 2, expected, root),
            ("wrong leaf", MerkleHash.leafHash(Array("WrongLeaf".utf8)), vector.index, vector.treeSize, expected, root),
            ("empty root", leafHash, vector.index, vector.treeSize, expected, MerkleHash.emptyTreeHash),
            ("random root", leafHash, vector.index, vector.treeSize, expected, someHash),
            ("trailing root", leafHash, vector.index, vector.treeSize, expected + [root], root),
            ("trailing garbage", leafHash, vector.index, vector.treeSize, expected + [MerkleHash.emptyTreeHash], root),
            ("preceding root", leafHash, vector.index, vector.treeSize, [root] + expected, root),
            ("preceding garbage", leafHash, vector.index, vector.treeSize, [MerkleHash.emptyTreeHash] + expected, root),
        ]
        for position in expected.indices {
            var modified = expected
            modified[position] = TestFixtures.flippingBit(of: modified[position], mask: 0x08)
            probes.append(("modified proof[\(position)] bit 3", leafHash, vector.index, vector.treeSize, modified, root))
        }
        if !expected.isEmpty {
            probes.append(("removed component", leafHash, vector.index, vector.treeSize, Array(expected.dropLast()), root))
        }
        if expected.count > 1 {
            let inserted = [expected[0], someHash] + expected.dropFirst()
            probes.append(("inserted component", leafHash, vector.index, vector.treeSize, inserted, root))
        }
        for (name, probeLeaf, index, size, probeProof, probeRoot) in probes {
            #expect(
                !MerkleVerifier.verifyInclusion(
                    leafHash: probeLeaf, index: index, treeSize: size, proof: probeProof, root: probeRoot),
                "\(name) must not verify")
        }
    }

    @Test(arguments: consistencyVectors)
    func consistencyProofMatchesVector(vector: ConsistencyVector) throws {
        let tree = try Self.referenceTree()
        let expected = try vector.proofHex.map(TestFixtures.hash)
        let proof = try MerkleProofs.consistencyProof(first: vector.first, second: vector.second, source: tree)
        #expect(proof == expected)

        let firstRoot = try TestFixtures.hash(Self.rootsHex[Int(vector.first) - 1])
        let secondRoot = try TestFixtures.hash(Self.rootsHex[Int(vector.second) - 1])
        #expect(MerkleVerifier.verifyConsistency(
            first: vector.first, second: vector.second, firstRoot: firstRoot, secondRoot: secondRoot, proof: expected))

        // The Go test corrupts only non-trivial proofs.
        guard !expected.isEmpty else {
            return
        }
        let wrongRoot = MerkleHash.sha256(Array("WrongRoot".utf8))
        var probes: [(String, Int64, Int64, Hash, Hash, [Hash])] = [
            ("first - 1", vector.first - 1, vector.second, firstRoot, secondRoot, expected),
            ("first + 1", vector.first + 1, vector.second, firstRoot, secondRoot, expected),
            ("first ^ 2", vector.first ^ 2, vector.second, firstRoot, secondRoot, expected),
            ("second * 2", vector.first, vector.second * 2, firstRoot, secondRoot, expected),
            ("second / 2", vector.first, vector.second / 2, firstRoot, secondRoot, expected),
            ("wrong first root", vector.first, vector.second, wrongRoot, secondRoot, expected),
            ("wrong second root", vector.first, vector.second, firstRoot, wrongRoot, expected),
            ("swapped roots", vector.first, vector.second, secondRoot, firstRoot, expected),
            ("empty proof", vector.first, vector.second, firstRoot, secondRoot, []),
            ("trailing garbage", vector.first, vector.second, firstRoot, secondRoot, expected + [MerkleHash.emptyTreeHash]),
            ("trailing first root", vector.first, vector.second, firstRoot, secondRoot, expected + [firstRoot]),
            ("trailing second root", vector.first, vector.second, firstRoot, secondRoot, expected + [secondRoot]),
            ("preceding garbage", vector.first, vector.second, firstRoot, secondRoot, [MerkleHash.emptyTreeHash] + expected),
            ("preceding first root", vector.first, vector.second, firstRoot, secondRoot, [firstRoot] + expected),
            ("preceding second root", vector.first, vector.second, firstRoot, secondRoot, [secondRoot] + expected),
            ("preceding proof[0]", vector.first, vector.second, firstRoot, secondRoot, [expected[0]] + expected),
            ("truncated proof", vector.first, vector.second, firstRoot, secondRoot, Array(expected.dropLast())),
        ]
        for position in expected.indices {
            var modified = expected
            modified[position] = TestFixtures.flippingBit(of: modified[position], mask: 0x10)
            probes.append(("modified proof[\(position)] bit 4", vector.first, vector.second, firstRoot, secondRoot, modified))
        }
        for (name, first, second, probeFirstRoot, probeSecondRoot, probeProof) in probes {
            #expect(
                !MerkleVerifier.verifyConsistency(
                    first: first, second: second, firstRoot: probeFirstRoot, secondRoot: probeSecondRoot, proof: probeProof),
                "\(name) must not verify")
        }
    }

    /// TestVerifyConsistency's table of edge cases in the Go test.
    @Test func consistencyEdgeCases() throws {
        let root1 = MerkleHash.sha256(Array("don't care 1".utf8))
        let root2 = MerkleHash.sha256(Array("don't care 2".utf8))
        let empty = MerkleHash.emptyTreeHash
        let cases: [(Int64, Int64, Hash, Hash, [Hash], Bool)] = [
            (0, 0, root1, root2, [], false),
            (1, 1, root1, root2, [], false),
            // Sizes that are always consistent.
            (0, 0, root1, root1, [], true),
            (0, 1, root1, root2, [], true),
            (1, 1, root2, root2, [], true),
            // Time travel to the past.
            (1, 0, root1, root2, [], false),
            (2, 1, root1, root2, [], false),
            // Empty proof.
            (1, 2, root1, root2, [], false),
            // Roots don't match.
            (0, 0, empty, root2, [], false),
            (1, 1, empty, root2, [], false),
            // Roots match but the proof is not empty.
            (0, 0, empty, empty, [empty], false),
            (0, 1, empty, empty, [empty], false),
            (1, 1, empty, empty, [empty], false),
        ]
        for (first, second, firstRoot, secondRoot, proof, expected) in cases {
            #expect(
                MerkleVerifier.verifyConsistency(
                    first: first, second: second, firstRoot: firstRoot, secondRoot: secondRoot, proof: proof) == expected,
                "\(first) to \(second)")
        }
    }

    /// TestVerifyInclusion's probes with impossible index and size pairs.
    @Test func inclusionRejectsImpossiblePositions() throws {
        let someHash = try TestFixtures.hash(Self.someHashHex)
        for (index, size) in [(0, 0), (1, 0), (2, 1)] as [(Int64, Int64)] {
            #expect(!MerkleVerifier.verifyInclusion(
                leafHash: someHash, index: index, treeSize: size, proof: [], root: MerkleHash.emptyTreeHash))
        }
        // A one-leaf tree: the root is the leaf hash and the proof is empty.
        let leaf = MerkleHash.leafHash(Array("data".utf8))
        #expect(MerkleVerifier.verifyInclusion(leafHash: leaf, index: 0, treeSize: 1, proof: [], root: leaf))
        #expect(!MerkleVerifier.verifyInclusion(leafHash: leaf, index: 0, treeSize: 1, proof: [], root: someHash))
    }
}
