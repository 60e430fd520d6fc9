/// Why a note key name, verifier key or signer key was refused.
///
/// Why a closed enum: keys come from configuration files, and an operator
/// needs to know whether the text is mangled, for another algorithm, or does
/// not match its own key id.
public enum NoteKeyError: Error, Equatable, Sendable {
    /// The name is empty or contains a plus sign, a Unicode space or a control character.
    case invalidName(String)
    /// The key text does not have the `name+hexid+base64` shape (or the `PRIVATE+KEY+` prefix).
    case malformedKeyText
    /// The key's algorithm byte is not 0x01 (Ed25519).
    case unknownAlgorithm(UInt8)
    /// The key material after the algorithm byte is not 32 bytes.
    case wrongKeyLength(byteCount: Int)
    /// The key id in the text is not the one computed from the name and key.
    case keyIDMismatch(stated: NoteKeyID, computed: NoteKeyID)
    /// The cryptography library refused the key bytes.
    case invalidKey
}
