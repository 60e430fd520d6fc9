import AuditLog
import LedgerStorage

/// The checkpoint readers are pointed to — at `/tlog/checkpoint` and in receipts: the
/// latest, or with a witness policy the newest one its quorum cosigned.
struct ServedCheckpoint<Store: LedgerStore>: Sendable {
    let store: Store
    let policy: WitnessPolicy?

    /// The note `/tlog/checkpoint` serves: the latest checkpoint without a policy; with
    /// one, the newest of the last 64 cosigned checkpoints whose cosignatures (each checked
    /// against its witness's key, whatever the table holds) meet the quorum.
    func note() async throws -> String? {
        guard let policy else { return try await store.latestCheckpoint()?.note }
        for cosigned in try await store.cosignedCheckpoints(limit: 64) {
            guard let note = try? SignedNote(parsing: cosigned.checkpoint.note + cosigned.lines.joined()),
                  let witnesses = policy.verify(note)
            else { continue }
            let kept = note.signatures.filter { signature in
                policy.logs.contains { $0.verifier.name == signature.name && $0.verifier.keyID == signature.keyID }
                    || policy.witnesses.contains { witnesses.contains($0.name) && $0.verifier.keyID == signature.keyID }
            }
            return (try? SignedNote(text: note.text, signatures: kept))?.message
        }
        return nil
    }
}
