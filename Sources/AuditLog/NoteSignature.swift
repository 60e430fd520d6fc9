/// One signature of a signed note: who signed (name and key id) and the signature bytes.
///
/// Why a type: a signature line is only meaningful as this triple, and parsing
/// it once into typed parts keeps later lookups exact.
public struct NoteSignature: Hashable, Sendable {
    /// The signing key's name.
    public let name: NoteKeyName
    /// The signing key's id (the first four bytes of the base64 payload).
    public let keyID: NoteKeyID
    /// The signature proper (64 bytes for Ed25519), without the key id.
    public let signatureBytes: [UInt8]

    /// Creates a signature from its parts.
    ///
    /// Why it throws: an empty signature cannot be written as a valid line.
    public init(name: NoteKeyName, keyID: NoteKeyID, signatureBytes: [UInt8]) throws(SignedNoteError) {
        guard !signatureBytes.isEmpty else {
            throw .emptySignature
        }
        self.name = name
        self.keyID = keyID
        self.signatureBytes = signatureBytes
    }

    /// The base64 payload of the line: base64(key id || signature).
    ///
    /// Why: this is what a signature line carries after the name.
    public var base64EncodedString: String {
        Base64.encode(keyID.bigEndianBytes + signatureBytes)
    }

    /// The full signature line, `— <name> <base64>` with its final newline.
    ///
    /// Why: the line starts with U+2014 EM DASH and a space, exactly as Go writes it.
    public var line: String {
        NoteSignature.linePrefix + name.text + " " + base64EncodedString + "\n"
    }

    /// Parses one signature line without its newline, as Go's `note.Open` does.
    init(parsingLine line: String) throws(SignedNoteError) {
        guard line.utf8.starts(with: NoteSignature.linePrefix.utf8) else {
            throw .malformedSignatureLine(line)
        }
        let rest = line.utf8.dropFirst(NoteSignature.linePrefix.utf8.count)
        let parts = rest.split(separator: UInt8(ascii: " "), maxSplits: 1, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard parts.count == 2,
            NoteKeyName.isValid(parts[0]),
            let payload = Base64.decode(Substring(parts[1])),
            payload.count >= 5,
            let name = try? NoteKeyName(parts[0])
        else {
            throw .malformedSignatureLine(line)
        }
        let keyID = NoteKeyID(
            UInt32(payload[0]) << 24 | UInt32(payload[1]) << 16 | UInt32(payload[2]) << 8 | UInt32(payload[3])
        )
        try self.init(name: name, keyID: keyID, signatureBytes: Array(payload.dropFirst(4)))
    }

    /// U+2014 EM DASH then a space: the start of every signature line.
    static let linePrefix = "\u{2014} "
}
