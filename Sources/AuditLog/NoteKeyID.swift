/// The 32-bit id of a note key: the first four bytes of SHA-256(name || "\n" || algorithm || public key), big-endian.
///
/// Why a type: together with the name it picks the verifier for a signature
/// line; keeping it apart from other integers prevents mixing it up with sizes.
public struct NoteKeyID: Hashable, Sendable, CustomStringConvertible {
    /// The id as a number.
    public let value: UInt32

    /// Wraps a known id.
    ///
    /// Why public: tests and tools write ids from published vectors.
    public init(_ value: UInt32) {
        self.value = value
    }

    /// Computes the id of a key as golang.org/x/mod/sumdb/note does, from its
    /// name, algorithm byte (0x01 for Ed25519) and raw public key.
    ///
    /// Why: the id must match other implementations byte for byte, or their
    /// verifiers would ignore our signatures as unknown.
    public init(name: NoteKeyName, algorithm: UInt8, publicKey: [UInt8]) {
        let input = Array(name.text.utf8) + [UInt8(ascii: "\n"), algorithm] + publicKey
        let digest = MerkleHash.sha256(input).bytes
        value = UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }

    /// The id as exactly eight lowercase hexadecimal digits, as written in key texts.
    public var hexEncodedString: String {
        HexEncoding.encode(bigEndianBytes)
    }

    /// The four bytes that start every signature made with this key.
    ///
    /// Why: the signature line's base64 payload is these bytes followed by the signature.
    public var bigEndianBytes: [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// The hexadecimal form, so ids print as they appear in keys.
    public var description: String {
        hexEncodedString
    }

    /// Parses the eight hexadecimal digits of a key text (either case, as Go accepts).
    static func parse(hex text: String) -> NoteKeyID? {
        guard text.utf8.count == 8, let bytes = HexEncoding.decode(text) else {
            return nil
        }
        return NoteKeyID(UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3]))
    }

    /// The signed-note algorithm byte for Ed25519 keys.
    static let ed25519Algorithm: UInt8 = 0x01
}
