/// Why a checkpoint could not be built or parsed.
///
/// Why a closed enum: a checkpoint from a mirror or witness that does not follow
/// c2sp.org/tlog-checkpoint exactly is rejected with the precise reason.
public enum CheckpointError: Error, Equatable, Sendable {
    /// The text is longer than `AuditLogLimits.maximumNoteByteCount`.
    case tooLarge(byteCount: Int)
    /// The text does not end with a newline.
    case missingFinalNewline
    /// The text contains an ASCII control character other than newline.
    case controlCharacter
    /// The text has fewer than the three mandatory lines.
    case tooFewLines(count: Int)
    /// The origin line is empty.
    case emptyOrigin
    /// The origin contains a newline or another control character.
    case invalidOrigin
    /// The size line is not a decimal number without leading zeros that fits in `Int64`.
    case invalidTreeSize(String)
    /// A tree size below zero was given when building a checkpoint.
    case negativeTreeSize(Int64)
    /// The root hash line is not the canonical base64 of 32 bytes.
    case invalidRootHash(Hash.ParsingError)
    /// An extension line is empty.
    case emptyExtensionLine
    /// An extension line contains a newline or another control character.
    case invalidExtensionLine
}
