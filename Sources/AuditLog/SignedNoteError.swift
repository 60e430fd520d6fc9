/// Why a signed note could not be parsed, signed or verified.
///
/// Why a closed enum: a checkpoint that fails to open must say whether it was
/// mangled (format), forged (invalid signature) or simply not signed by anyone
/// we trust, because each calls for a different reaction.
public enum SignedNoteError: Error, Equatable, Sendable {
    /// The message is longer than `AuditLogLimits.maximumNoteByteCount`.
    case tooLarge(byteCount: Int)
    /// The message is not valid UTF-8.
    case invalidUTF8
    /// The message contains an ASCII control character other than newline.
    case controlCharacter
    /// The note text does not end with a newline.
    case textMissingFinalNewline
    /// There is no blank line followed by a newline-terminated signature block.
    case missingSignatureBlock
    /// A line of the signature block is not `— <name> <base64(key id || signature)>`.
    case malformedSignatureLine(String)
    /// A signature carries no signature bytes after its key id.
    case emptySignature
    /// More signatures than `AuditLogLimits.maximumSignaturesPerNote`.
    case tooManySignatures(count: Int)
    /// A note was to be signed by no signer at all.
    case noSigners
    /// Two configured verifiers share this name and key id, so the signature cannot be attributed.
    case ambiguousVerifier(name: NoteKeyName, keyID: NoteKeyID)
    /// A signature by a known key does not verify: the note was altered or forged.
    case invalidSignature(name: NoteKeyName, keyID: NoteKeyID)
    /// No signature by a known key was found.
    case noVerifiedSignature
    /// The cryptography library failed to sign.
    case signingFailed(name: NoteKeyName, keyID: NoteKeyID)
}
