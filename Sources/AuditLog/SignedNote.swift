/// A note text with its signature lines, in the c2sp.org/signed-note format.
///
/// Why: checkpoints travel as signed notes. The message is the text (ending in
/// a newline), a blank line, then one `— <name> <base64(key id || signature)>`
/// line per signature, exactly as golang.org/x/mod/sumdb/note writes and reads
/// it. Parsing checks the format only; `verify(using:)` checks signatures and
/// returns the trusted `VerifiedNote`.
public struct SignedNote: Hashable, Sendable {
    /// The signed text, ending in a newline; it is the exact byte string each signature covers.
    public let text: String
    /// The signatures, in message order.
    public let signatures: [NoteSignature]

    /// Creates a note from a text and signatures already made.
    ///
    /// Why it throws: the text must end in a newline and hold no control
    /// character but newline, and there must be 1 to 100 signatures, or the
    /// written message would not parse back.
    public init(text: String, signatures: [NoteSignature]) throws(SignedNoteError) {
        try SignedNote.checkText(text)
        guard !signatures.isEmpty else {
            throw .noSigners
        }
        guard signatures.count <= AuditLogLimits.maximumSignaturesPerNote else {
            throw .tooManySignatures(count: signatures.count)
        }
        self.text = text
        self.signatures = signatures
    }

    /// Parses a signed note message from bytes, checking its format but not its signatures.
    ///
    /// Why bytes: notes arrive over the network, and invalid UTF-8 must be
    /// refused rather than silently repaired. The text ends at the last blank
    /// line; every line after it must be a well-formed signature line.
    public init(parsing message: [UInt8]) throws(SignedNoteError) {
        guard message.count <= AuditLogLimits.maximumNoteByteCount else {
            throw .tooLarge(byteCount: message.count)
        }
        guard String(validating: message, as: UTF8.self) != nil else {
            throw .invalidUTF8
        }
        guard !message.contains(where: { $0 < 0x20 && $0 != SignedNote.newline }) else {
            throw .controlCharacter
        }
        guard let split = SignedNote.lastBlankLine(in: message) else {
            throw .missingSignatureBlock
        }
        let signatureBlock = message[(split + 2)...]
        guard signatureBlock.last == SignedNote.newline else {
            throw .missingSignatureBlock
        }
        let lines = signatureBlock.dropLast().split(separator: SignedNote.newline, omittingEmptySubsequences: false)
        guard lines.count <= AuditLogLimits.maximumSignaturesPerNote else {
            throw .tooManySignatures(count: lines.count)
        }
        var signatures: [NoteSignature] = []
        for line in lines {
            signatures.append(try NoteSignature(parsingLine: String(decoding: line, as: UTF8.self)))
        }
        try self.init(text: String(decoding: message[...split], as: UTF8.self), signatures: signatures)
    }

    /// Parses a signed note message from text, checking its format but not its signatures.
    ///
    /// Why: a convenience for messages already held as `String`.
    public init(parsing message: String) throws(SignedNoteError) {
        try self.init(parsing: Array(message.utf8))
    }

    /// Signs `text` with each signer, in order.
    ///
    /// Why: this is how the log turns a checkpoint body into the signed
    /// checkpoint it serves. Ed25519 is deterministic, so the result is the same
    /// on every run.
    public static func sign(text: String, signers: [NoteSigner]) throws(SignedNoteError) -> SignedNote {
        try checkText(text)
        guard !signers.isEmpty else {
            throw .noSigners
        }
        let message = Array(text.utf8)
        var signatures: [NoteSignature] = []
        for signer in signers {
            let signatureBytes = try signer.signature(for: message)
            signatures.append(try NoteSignature(name: signer.name, keyID: signer.keyID, signatureBytes: signatureBytes))
        }
        return try SignedNote(text: text, signatures: signatures)
    }

    /// Adds the signer's signature after the existing ones, replacing any earlier signature by the same key.
    ///
    /// Why: a witness cosigns a checkpoint that already carries the log's signature.
    public func addingSignature(from signer: NoteSigner) throws(SignedNoteError) -> SignedNote {
        let signatureBytes = try signer.signature(for: Array(text.utf8))
        let added = try NoteSignature(name: signer.name, keyID: signer.keyID, signatureBytes: signatureBytes)
        let kept = signatures.filter { $0.name != signer.name || $0.keyID != signer.keyID }
        return try SignedNote(text: text, signatures: kept + [added])
    }

    /// The full message: text, a blank line, then the signature lines.
    ///
    /// Why: this is what is served, stored and handed to `init(parsing:)`.
    public var message: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Checks the signatures against the known verifiers, with the rules of Go's `note.Open`.
    ///
    /// Why these rules: signatures by unknown keys are kept aside unchecked (so
    /// witnesses and key rotation work); every signature by a known key must
    /// verify, or the note is refused as altered; repeated signatures by one key
    /// count once; and at least one known signature is required.
    public func verify(using verifiers: [NoteVerifier]) throws(SignedNoteError) -> VerifiedNote {
        let message = Array(text.utf8)
        var verified: [NoteSignature] = []
        var unverified: [NoteSignature] = []
        var verifiedKeys: Set<KeyReference> = []
        var seenUnknown: Set<NoteSignature> = []
        for signature in signatures {
            let reference = KeyReference(name: signature.name, keyID: signature.keyID)
            let matches = verifiers.filter { $0.name == signature.name && $0.keyID == signature.keyID }
            guard let verifier = matches.first else {
                if seenUnknown.insert(signature).inserted {
                    unverified.append(signature)
                }
                continue
            }
            guard matches.count == 1 else {
                throw .ambiguousVerifier(name: signature.name, keyID: signature.keyID)
            }
            guard verifiedKeys.insert(reference).inserted else {
                continue
            }
            guard verifier.isValidSignature(signature.signatureBytes, for: message) else {
                throw .invalidSignature(name: signature.name, keyID: signature.keyID)
            }
            verified.append(signature)
        }
        guard !verified.isEmpty else {
            throw .noVerifiedSignature
        }
        return VerifiedNote(text: text, verifiedSignatures: verified, unverifiedSignatures: unverified)
    }

    /// Parses a message and verifies it in one step, like Go's `note.Open`.
    ///
    /// Why: the usual path for a client that only wants the trusted text.
    public static func open(_ message: [UInt8], verifiers: [NoteVerifier]) throws(SignedNoteError) -> VerifiedNote {
        try SignedNote(parsing: message).verify(using: verifiers)
    }

    /// Parses a text message and verifies it in one step, like Go's `note.Open`.
    ///
    /// Why: a convenience for messages already held as `String`.
    public static func open(_ message: String, verifiers: [NoteVerifier]) throws(SignedNoteError) -> VerifiedNote {
        try open(Array(message.utf8), verifiers: verifiers)
    }

    private struct KeyReference: Hashable {
        var name: NoteKeyName
        var keyID: NoteKeyID
    }

    private static let newline = UInt8(ascii: "\n")

    private static func checkText(_ text: String) throws(SignedNoteError) {
        guard text.utf8.count <= AuditLogLimits.maximumNoteByteCount else {
            throw .tooLarge(byteCount: text.utf8.count)
        }
        guard text.utf8.last == newline else {
            throw .textMissingFinalNewline
        }
        guard !text.utf8.contains(where: { $0 < 0x20 && $0 != newline }) else {
            throw .controlCharacter
        }
    }

    /// The offset of the first newline of the last "\n\n" in the message, if any.
    private static func lastBlankLine(in message: [UInt8]) -> Int? {
        var index = message.count - 2
        while index >= 0 {
            if message[index] == newline && message[index + 1] == newline {
                return index
            }
            index -= 1
        }
        return nil
    }
}
