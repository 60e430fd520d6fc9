/// A complete node of the tree, ready to be persisted: its position and hash.
///
/// Why: appending a leaf completes a few nodes (the leaf itself and each
/// parent it finishes); the storage layer writes exactly these rows.
public struct StoredNode: Hashable, Sendable {
    /// The height above the leaves; 0 is a leaf hash.
    public var level: Int
    /// The position among the nodes of this level, counted from 0 at the left.
    public var index: Int64
    /// The node's hash.
    public var hash: Hash

    /// Creates a stored node.
    ///
    /// Why public: storage layers rebuild nodes from their rows.
    public init(level: Int, index: Int64, hash: Hash) {
        self.level = level
        self.index = index
        self.hash = hash
    }
}
