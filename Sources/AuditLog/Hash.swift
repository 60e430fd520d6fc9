/// A 32-byte SHA-256 value: a leaf hash, an interior node hash or a tree root.
///
/// Why a value type of its own rather than `[UInt8]`: every hash in the log has
/// exactly 32 bytes, so the length is checked once at the edge (parsing) and
/// never again; and the bytes live inline (no heap allocation), which keeps
/// recomputing a tree of millions of leaves cheap.
public struct Hash: Hashable, Sendable, CustomStringConvertible {
    /// The number of bytes in every hash (SHA-256).
    ///
    /// Why public: parsers in other modules check lengths against it instead of
    /// repeating the literal 32.
    public static let byteCount = 32

    /// Why a tuple of words: it is laid out contiguously, so its memory is
    /// exactly the 32 digest bytes in order (no endian conversion is ever done).
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a hash from exactly 32 bytes.
    ///
    /// Why it throws: the bytes usually come from storage or the network, and a
    /// wrong length there is malformed input, not a programmer error.
    public init(bytes: [UInt8]) throws(ParsingError) {
        guard bytes.count == Hash.byteCount else {
            throw .wrongLength(byteCount: bytes.count)
        }
        words = bytes.withUnsafeBytes { raw in
            (
                raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            )
        }
    }

    /// Creates a hash from its standard, padded base64 text (RFC 4648 §4).
    ///
    /// Why strict: checkpoints carry root hashes in base64, and accepting two
    /// spellings of one hash would make the signed text malleable.
    public init(base64 text: String) throws(ParsingError) {
        guard let bytes = Base64.decode(Substring(text)) else {
            throw .invalidBase64
        }
        try self.init(bytes: bytes)
    }

    /// Creates a hash from 64 hexadecimal digits (either case).
    ///
    /// Why: published test vectors and database dumps write hashes in hex.
    public init(hex text: String) throws(ParsingError) {
        guard let bytes = HexEncoding.decode(text) else {
            throw .invalidHex
        }
        try self.init(bytes: bytes)
    }

    /// Wraps a finished SHA-256 digest; the length is 32 by construction.
    init(digestBytes raw: UnsafeRawBufferPointer) {
        precondition(raw.count == Hash.byteCount, "a SHA-256 digest has 32 bytes")
        words = (
            raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        )
    }

    /// The 32 bytes of the hash, in order.
    ///
    /// Why an array: it is what storage layers and byte-level callers handle.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The standard, padded base64 text of the hash, as used in checkpoints.
    ///
    /// Why: C2SP checkpoints and signed notes carry hashes this way.
    public var base64EncodedString: String {
        withUnsafeBytes { Base64.encode($0) }
    }

    /// The lowercase hexadecimal text of the hash (64 digits).
    ///
    /// Why: logs, error messages and test vectors read hashes in hex.
    public var hexEncodedString: String {
        withUnsafeBytes { HexEncoding.encode($0) }
    }

    /// The hexadecimal text, so that a hash prints readably in test failures.
    public var description: String {
        hexEncodedString
    }

    /// Lends the 32 bytes without copying them (used when hashing nodes).
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words) { try body($0) }
    }

    /// Compares all 32 bytes.
    public static func == (left: Hash, right: Hash) -> Bool {
        left.words.0 == right.words.0 && left.words.1 == right.words.1
            && left.words.2 == right.words.2 && left.words.3 == right.words.3
    }

    /// Feeds all 32 bytes to the hasher, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

extension Hash {
    /// Why a hash text or byte string could not be turned into a `Hash`.
    ///
    /// Why a closed enum: callers map each case to a precise rejection.
    public enum ParsingError: Error, Equatable, Sendable {
        /// The input decoded to this many bytes instead of 32.
        case wrongLength(byteCount: Int)
        /// The input is not canonical, padded, standard base64.
        case invalidBase64
        /// The input is not an even-length string of hexadecimal digits.
        case invalidHex
    }
}
