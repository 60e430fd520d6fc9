/// Why a Merkle tree request was refused.
///
/// Why a closed enum: bad sizes and indices come from API callers, and each one
/// must become a precise rejection rather than a crash.
public enum MerkleTreeError: Error, Equatable, Sendable {
    /// A tree size below zero was given.
    case negativeTreeSize(Int64)
    /// A leaf index below zero was given.
    case negativeLeafIndex(Int64)
    /// The leaf index is not inside the tree of the given size.
    case leafIndexOutOfRange(index: Int64, treeSize: Int64)
    /// The requested tree size is larger than the tree stored so far.
    case treeSizeBeyondCurrent(requested: Int64, current: Int64)
    /// A consistency proof was asked from a larger tree to a smaller one.
    case firstSizeExceedsSecond(first: Int64, second: Int64)
    /// The node source has no complete node at this position.
    case missingNode(level: Int, index: Int64)
    /// The node source reported a current tree size below zero.
    case invalidCurrentTreeSize(Int64)
}
