/// A signed note whose signatures were checked: its text, the signatures that
/// verified, and the ones by keys we do not know.
///
/// Why a distinct type: only a `VerifiedNote` carries text that may be trusted,
/// so code that needs trusted text asks for this type and cannot be handed an
/// unchecked note by mistake.
public struct VerifiedNote: Hashable, Sendable {
    /// The note text, ending in a newline (for a checkpoint: its body).
    public let text: String
    /// Signatures by known keys that verified, in message order, one per key.
    public let verifiedSignatures: [NoteSignature]
    /// Signatures by unknown keys (not checked), in message order, without repeats.
    public let unverifiedSignatures: [NoteSignature]
}
