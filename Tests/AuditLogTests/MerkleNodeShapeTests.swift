// Goal: proofs read exactly the stored nodes that the reference implementation
// names, in the same order, including the places where a proof element is not
// a stored node but the hash of the incomplete right edge (computed from the
// listed nodes). This pins the proof order of RFC 9162 §2.1.3.1 / §2.1.4.1 on
// trees up to 95 leaves and on past sizes inside a bigger stored tree.
//
// Node lists copied from transparency-dev/merkle, proof/proof_test.go
// (TestInclusion and TestConsistency), https://github.com/transparency-dev/merkle.
// There `id(level, index)` names a stored node, and `rehash(begin, end, ...)`
// means the nodes in [begin, end) are folded into one hash, the first listed
// being the rightmost: hash(i, j) for "j i".

import AuditLog
import Testing

struct MerkleNodeShapeTests {
    /// One element of an expected proof.
    enum Element: Sendable {
        /// A stored node (level, index).
        case node(Int, Int64)
        /// Stored nodes folded right to left: the first is the rightmost.
        case rehash([Node])
    }

    struct Node: Sendable {
        var level: Int
        var index: Int64
    }

    struct InclusionShape: Sendable, CustomTestStringConvertible {
        var treeSize: Int64
        var index: Int64
        var elements: [Element]
        var testDescription: String { "\(treeSize):\(index)" }
    }

    struct ConsistencyShape: Sendable, CustomTestStringConvertible {
        var first: Int64
        var second: Int64
        var elements: [Element]
        var testDescription: String { "\(first):\(second)" }
    }

    static func fold(_ nodes: (Int, Int64)...) -> Element {
        .rehash(nodes.map { Node(level: $0.0, index: $0.1) })
    }

    static let inclusionShapes: [InclusionShape] = [
        // Small trees.
        InclusionShape(treeSize: 1, index: 0, elements: []),
        InclusionShape(treeSize: 2, index: 0, elements: [.node(0, 1)]),
        InclusionShape(treeSize: 2, index: 1, elements: [.node(0, 0)]),
        InclusionShape(treeSize: 3, index: 1, elements: [.node(0, 0), .node(0, 2)]),
        // Tree of size 7.
        InclusionShape(treeSize: 7, index: 0, elements: [.node(0, 1), .node(1, 1), fold((0, 6), (1, 2))]),
        InclusionShape(treeSize: 7, index: 1, elements: [.node(0, 0), .node(1, 1), fold((0, 6), (1, 2))]),
        InclusionShape(treeSize: 7, index: 2, elements: [.node(0, 3), .node(1, 0), fold((0, 6), (1, 2))]),
        InclusionShape(treeSize: 7, index: 3, elements: [.node(0, 2), .node(1, 0), fold((0, 6), (1, 2))]),
        InclusionShape(treeSize: 7, index: 4, elements: [.node(0, 5), .node(0, 6), .node(2, 0)]),
        InclusionShape(treeSize: 7, index: 5, elements: [.node(0, 4), .node(0, 6), .node(2, 0)]),
        InclusionShape(treeSize: 7, index: 6, elements: [.node(1, 2), .node(2, 0)]),
        // Smaller trees within a bigger stored tree.
        InclusionShape(treeSize: 4, index: 2, elements: [.node(0, 3), .node(1, 0)]),
        InclusionShape(treeSize: 5, index: 3, elements: [.node(0, 2), .node(1, 0), .node(0, 4)]),
        InclusionShape(treeSize: 6, index: 3, elements: [.node(0, 2), .node(1, 0), .node(1, 2)]),
        InclusionShape(treeSize: 6, index: 4, elements: [.node(0, 5), .node(2, 0)]),
        // Rehashes in the middle of the list.
        InclusionShape(treeSize: 15, index: 10, elements: [
            .node(0, 11), .node(1, 4), fold((0, 14), (1, 6)), .node(3, 0),
        ]),
        InclusionShape(treeSize: 31, index: 24, elements: [
            .node(0, 25), .node(1, 13), fold((0, 30), (1, 14)), .node(3, 2), .node(4, 0),
        ]),
        InclusionShape(treeSize: 95, index: 81, elements: [
            .node(0, 80), .node(1, 41), .node(2, 21), fold((0, 94), (1, 46), (2, 22)), .node(4, 4), .node(6, 0),
        ]),
    ]

    static let consistencyShapes: [ConsistencyShape] = [
        ConsistencyShape(first: 1, second: 2, elements: [.node(0, 1)]),
        ConsistencyShape(first: 1, second: 4, elements: [.node(0, 1), .node(1, 1)]),
        ConsistencyShape(first: 1, second: 6, elements: [.node(0, 1), .node(1, 1), .node(1, 2)]),
        ConsistencyShape(first: 2, second: 3, elements: [.node(0, 2)]),
        ConsistencyShape(first: 2, second: 8, elements: [.node(1, 1), .node(2, 1)]),
        ConsistencyShape(first: 3, second: 7, elements: [.node(0, 2), .node(0, 3), .node(1, 0), fold((0, 6), (1, 2))]),
        ConsistencyShape(first: 4, second: 7, elements: [fold((0, 6), (1, 2))]),
        ConsistencyShape(first: 5, second: 7, elements: [.node(0, 4), .node(0, 5), .node(0, 6), .node(2, 0)]),
        ConsistencyShape(first: 6, second: 7, elements: [.node(1, 2), .node(0, 6), .node(2, 0)]),
        ConsistencyShape(first: 7, second: 8, elements: [.node(0, 6), .node(0, 7), .node(1, 2), .node(2, 0)]),
        // Same tree size.
        ConsistencyShape(first: 1, second: 1, elements: []),
        ConsistencyShape(first: 2, second: 2, elements: []),
        ConsistencyShape(first: 3, second: 3, elements: []),
        ConsistencyShape(first: 4, second: 4, elements: []),
        ConsistencyShape(first: 5, second: 5, elements: []),
        ConsistencyShape(first: 7, second: 7, elements: []),
        ConsistencyShape(first: 8, second: 8, elements: []),
        // Smaller trees within a bigger stored tree.
        ConsistencyShape(first: 2, second: 4, elements: [.node(1, 1)]),
        ConsistencyShape(first: 3, second: 5, elements: [.node(0, 2), .node(0, 3), .node(1, 0), .node(0, 4)]),
        ConsistencyShape(first: 3, second: 6, elements: [.node(0, 2), .node(0, 3), .node(1, 0), .node(1, 2)]),
        ConsistencyShape(first: 4, second: 6, elements: [.node(1, 2)]),
        ConsistencyShape(first: 1, second: 7, elements: [.node(0, 1), .node(1, 1), fold((0, 6), (1, 2))]),
        // Rehashes in the middle of the list.
        ConsistencyShape(first: 10, second: 15, elements: [
            .node(1, 4), .node(1, 5), fold((0, 14), (1, 6)), .node(3, 0),
        ]),
        ConsistencyShape(first: 24, second: 31, elements: [
            .node(3, 2), fold((0, 30), (1, 14), (2, 6)), .node(4, 0),
        ]),
        ConsistencyShape(first: 81, second: 95, elements: [
            .node(0, 80), .node(0, 81), .node(1, 41), .node(2, 21), fold((0, 94), (1, 46), (2, 22)),
            .node(4, 4), .node(6, 0),
        ]),
    ]

    /// A stored tree of 95 leaves, the largest size the shapes mention; smaller sizes are past sizes of it.
    static let tree = InMemoryMerkleTree(leafHashes: TestFixtures.sampleLeafHashes(count: 95))

    static func expectedHashes(_ elements: [Element]) throws -> [Hash] {
        try elements.map { element in
            switch element {
            case .node(let level, let index):
                return try tree.node(level: level, index: index)
            case .rehash(let nodes):
                var folded = try tree.node(level: nodes[0].level, index: nodes[0].index)
                for node in nodes.dropFirst() {
                    folded = MerkleHash.nodeHash(left: try tree.node(level: node.level, index: node.index), right: folded)
                }
                return folded
            }
        }
    }

    @Test(arguments: inclusionShapes)
    func inclusionProofReadsTheListedNodes(shape: InclusionShape) throws {
        let proof = try MerkleProofs.inclusionProof(index: shape.index, treeSize: shape.treeSize, source: Self.tree)
        #expect(proof == (try Self.expectedHashes(shape.elements)))
    }

    @Test(arguments: consistencyShapes)
    func consistencyProofReadsTheListedNodes(shape: ConsistencyShape) throws {
        let proof = try MerkleProofs.consistencyProof(first: shape.first, second: shape.second, source: Self.tree)
        #expect(proof == (try Self.expectedHashes(shape.elements)))
    }
}
