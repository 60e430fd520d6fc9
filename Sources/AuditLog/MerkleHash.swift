import Crypto

/// The RFC 6962 / RFC 9162 hashing rules of the log's Merkle tree.
///
/// Why the prefixes: a leaf is hashed as SHA-256(0x00 || bytes) and an interior
/// node as SHA-256(0x01 || left || right), so no leaf can ever be passed off as
/// an interior node (second-preimage resistance, RFC 9162 §2.1.1).
public enum MerkleHash {
    /// The byte that starts every leaf hash input.
    private static let leafPrefix: UInt8 = 0x00
    /// The byte that starts every interior node hash input.
    private static let nodePrefix: UInt8 = 0x01

    /// The root hash of the tree with no leaves: SHA-256 of the empty string.
    ///
    /// Why a constant: RFC 9162 §2.1.1 defines MTH({}) this way, and an empty log
    /// still needs a root to put in its first checkpoint.
    public static let emptyTreeHash: Hash = sha256([])

    /// SHA-256 of the given bytes, with no prefix.
    ///
    /// Why public: key ids and content digests use plain SHA-256 too.
    public static func sha256(_ bytes: [UInt8]) -> Hash {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return finish(hasher)
    }

    /// The leaf hash of an entry: SHA-256(0x00 || bytes).
    ///
    /// Why: this is the value stored at level 0 of the tree for each log entry.
    public static func leafHash(_ bytes: [UInt8]) -> Hash {
        var hasher = SHA256()
        var prefix = leafPrefix
        Swift.withUnsafeBytes(of: &prefix) { hasher.update(bufferPointer: $0) }
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return finish(hasher)
    }

    /// The hash of an interior node: SHA-256(0x01 || left || right).
    ///
    /// Why: every level above the leaves, every proof step and every root is
    /// built from this one rule.
    public static func nodeHash(left: Hash, right: Hash) -> Hash {
        var hasher = SHA256()
        var prefix = nodePrefix
        Swift.withUnsafeBytes(of: &prefix) { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return finish(hasher)
    }

    private static func finish(_ hasher: SHA256) -> Hash {
        hasher.finalize().withUnsafeBytes { Hash(digestBytes: $0) }
    }
}
