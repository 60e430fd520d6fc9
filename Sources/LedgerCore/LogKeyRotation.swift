/// The log's signing key handed over to a new one (`commons-ledger log-key rotate`), as
/// the log records it: both verifier keys and the hand-over note both keys signed.
///
/// The core keeps the texts; the audit layer parses the note and checks its signatures
/// (`LogKeyHandover`), and from then on accepts checkpoints from the new key only.
public struct LogKeyRotation: Hashable, Sendable {
    /// The verifier key retired by this hand-over.
    public let oldKey: String
    /// The verifier key that signs from this hand-over on.
    public let newKey: String
    /// The signed hand-over note (`commons-ledger/log-key-handover/v1`).
    public let handover: String
    public let rotatedAt: Timestamp

    public init(oldKey: String, newKey: String, handover: String, rotatedAt: Timestamp) {
        self.oldKey = oldKey
        self.newKey = newKey
        self.handover = handover
        self.rotatedAt = rotatedAt
    }
}
