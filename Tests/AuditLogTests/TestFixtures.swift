// Goal: small shared fixtures for the tests: predictable leaf hashes, hashes
// parsed from test-vector hex without trapping, and single-bit corruptions.

import AuditLog

enum TestFixtures {
    /// Leaf hashes of distinct, predictable entries: "entry 0", "entry 1", ...
    static func sampleLeafHashes(count: Int) -> [Hash] {
        (0..<count).map { MerkleHash.leafHash(Array("entry \($0)".utf8)) }
    }

    /// Parses hex known to be a valid hash in a test vector; a typo fails the test, never traps.
    static func hash(_ hex: String) throws -> Hash {
        try Hash(hex: hex)
    }

    /// A copy of a hash with one bit flipped.
    static func flippingBit(of hash: Hash, byte: Int = 0, mask: UInt8 = 0x08) -> Hash {
        var bytes = hash.bytes
        bytes[byte] ^= mask
        // The length is unchanged, so this cannot fail; fall back to the empty-tree hash to stay total.
        return (try? Hash(bytes: bytes)) ?? MerkleHash.emptyTreeHash
    }
}
