// Goal: an independent, deliberately naive model of the RFC 9162 §2.1 definitions
// (MTH, PATH and PROOF/SUBPROOF written as the recursive equations of the RFC,
// over a plain array of leaf hashes) against which the stored-node
// implementation is compared. It shares only the two hashing primitives with
// the library, and those are checked against published vectors on their own.

import AuditLog

enum ReferenceMerkleTree {
    /// MTH(D[n]) by the recursive definition of RFC 9162 §2.1.1.
    static func rootHash(_ leaves: [Hash]) -> Hash {
        switch leaves.count {
        case 0:
            return MerkleHash.emptyTreeHash
        case 1:
            return leaves[0]
        default:
            let split = largestPowerOfTwo(below: leaves.count)
            return MerkleHash.nodeHash(
                left: rootHash(Array(leaves[..<split])),
                right: rootHash(Array(leaves[split...]))
            )
        }
    }

    /// PATH(m, D[n]) of RFC 9162 §2.1.3.1.
    static func inclusionPath(index: Int, leaves: [Hash]) -> [Hash] {
        guard leaves.count > 1 else {
            return []
        }
        let split = largestPowerOfTwo(below: leaves.count)
        if index < split {
            return inclusionPath(index: index, leaves: Array(leaves[..<split]))
                + [rootHash(Array(leaves[split...]))]
        }
        return inclusionPath(index: index - split, leaves: Array(leaves[split...]))
            + [rootHash(Array(leaves[..<split]))]
    }

    /// PROOF(m, D[n]) of RFC 9162 §2.1.4.1.
    static func consistencyProof(first: Int, leaves: [Hash]) -> [Hash] {
        guard first > 0, first < leaves.count else {
            return []
        }
        return subproof(first: first, leaves: leaves, isWholeFirstTree: true)
    }

    private static func subproof(first: Int, leaves: [Hash], isWholeFirstTree: Bool) -> [Hash] {
        if first == leaves.count {
            return isWholeFirstTree ? [] : [rootHash(leaves)]
        }
        let split = largestPowerOfTwo(below: leaves.count)
        if first <= split {
            return subproof(first: first, leaves: Array(leaves[..<split]), isWholeFirstTree: isWholeFirstTree)
                + [rootHash(Array(leaves[split...]))]
        }
        return subproof(first: first - split, leaves: Array(leaves[split...]), isWholeFirstTree: false)
            + [rootHash(Array(leaves[..<split]))]
    }

    private static func largestPowerOfTwo(below count: Int) -> Int {
        var power = 1
        while power * 2 < count {
            power *= 2
        }
        return power
    }
}
