/// Read access to the stored complete nodes of a Merkle tree.
///
/// Node (level, index) is the hash of the perfect subtree over leaves
/// [index·2^level, (index+1)·2^level). Once all of those leaves exist the node
/// never changes, which is why a database can store it once, in an append-only
/// table, and why proofs and past roots can be computed from a few reads.
/// The storage layer implements this with SQL; `InMemoryMerkleTree` implements
/// it for tests and tools.
public protocol MerkleNodeSource {
    /// The number of leaves whose nodes are stored.
    ///
    /// Why it is required: requests for sizes beyond it must be refused with a
    /// typed error before any node is read.
    func currentTreeSize() throws -> Int64

    /// The hash of the complete node at `level` and `index`.
    ///
    /// Why it throws: storage can fail, and a node that should exist but does
    /// not is corruption that must surface, never a default value.
    func node(level: Int, index: Int64) throws -> Hash
}
