// Goal: handing the log's key over is one logged entry whose checkpoint both keys sign;
// from then on only the new key extends the log — a writer still holding the old key is
// refused at commit and at start — and `verify` follows the hand-over from either key,
// refusing a checkpoint the retired key signed after its retirement (a dishonest operator
// with the old key, or a thief of it, cannot extend the log unnoticed).
import AuditLog
import Foundation
import LedgerCore
import LedgerEngine
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct LogKeyRotationTests {
    static let old = LogSigner.test
    static let new = LogSigner.testSuccessor

    static func transfer(_ ledger: TestLedger, _ amount: Int64) async throws {
        ledger.clock.advance(microseconds: 1_000_000)
        _ = try await ledger.store.recordTransaction(
            TransactionDraft(date: "2026-12-05", description: "Contribution", postings: [
                PostingDraft(account: "assets:bank:usd", asset: "USD", amount: amount),
                PostingDraft(account: "income:contributions", asset: "USD", amount: -amount),
            ]), by: .system, idempotency: nil)
    }

    /// A book of 14 entries with the key handed over at entry 14, reopened with the new
    /// key and one more transaction written under it (16 entries).
    static func rotatedBook() async throws -> (TestLedger, LogKeyHandover) {
        let ledger = try await AuditLogStoreTests.populated()
        let handover = try await ledger.rotateLogKey(to: new)
        let restarted = try await ledger.reopened(signer: new)
        try await transfer(restarted, 7_000)
        return (restarted, handover)
    }

    static func note(_ ledger: TestLedger, size: Int64) async throws -> SignedNote {
        try SignedNote(parsing: try #require(try await ledger.store.checkpoint(treeSize: size)).note)
    }

    @Test func aHandoverIsOneEntryWhoseCheckpointBothKeysSign() async throws {
        let ledger = try await AuditLogStoreTests.populated()
        let handover = try await ledger.rotateLogKey(to: Self.new)
        #expect(handover.index == 14)
        let entries = try await AuditLogStoreTests.entries(ledger)
        #expect(entries.count == 15)
        let entry = try LogEntry(json: try JSONParser.parseCanonical(try #require(entries.last).data))
        guard case .logKeyRotated(let rotation) = entry.event else {
            Issue.record("entry 14 is \(entry.event.kind), not a hand-over")
            return
        }
        #expect(rotation.oldKey == Self.old.verifierKey && rotation.newKey == Self.new.verifierKey)
        #expect(try LogKeyHandover(note: rotation.handover) == handover)
        let transition = try await Self.note(ledger, size: 15)
        #expect(transition.signatures.count == 2)
        _ = try transition.verify(using: [Self.old.signer.verifier])
        _ = try transition.verify(using: [Self.new.signer.verifier])
        #expect(try await ledger.verify().entries == 15)
    }

    @Test func aWriterStillHoldingTheOldKeyIsRefusedAtCommitAndAtStart() async throws {
        let ledger = try await AuditLogStoreTests.populated()
        _ = try await ledger.rotateLogKey(to: Self.new)
        // The store that rotated still signs with the old key: a server not restarted.
        await #expect(throws: LogKeyRetired.self) { try await Self.transfer(ledger, 1_000) }
        #expect(try await AuditLogStoreTests.entries(ledger).count == 15)
        #expect(try await ledger.store.latestCheckpoint()?.treeSize == 15)
        let restarted = try await ledger.reopened(signer: Self.old)
        await #expect(throws: LogKeyError.retired("old.key", current: Self.new.verifierKey)) {
            try await restarted.checkSigningKey(Self.old, keyPath: "old.key")
        }
        try await restarted.checkSigningKey(Self.new, keyPath: "new.key")
        // Handing over to a key the log used before is refused, and writes nothing.
        let again = try await restarted.reopened(signer: Self.new)
        await #expect(throws: LogKeyRotationError.keyUsedBefore) { try await again.rotateLogKey(to: Self.old) }
        #expect(try await AuditLogStoreTests.entries(again).count == 15)
    }

    @Test func verifyFollowsTheHandoverFromEitherKeyAndNoOther() async throws {
        let (ledger, _) = try await Self.rotatedBook()
        let after = try await Self.note(ledger, size: 16)
        #expect(after.signatures.count == 1)
        _ = try after.verify(using: [Self.new.signer.verifier])
        #expect(throws: SignedNoteError.self) { try after.verify(using: [Self.old.signer.verifier]) }
        #expect(try await ledger.verify(verifierKeys: [Self.old.verifierKey]).entries == 16)
        #expect(try await ledger.verify(verifierKeys: [Self.new.verifierKey]).entries == 16)
        let stranger = try LogSigner.generate(origin: "test.commons-ledger").verifierKey
        await #expect(throws: AuditFailure.self) { try await ledger.verify(verifierKeys: [stranger]) }
    }

    @Test func aCheckpointTheRetiredKeySignsAfterItsRetirementIsRefused() async throws {
        let (ledger, _) = try await Self.rotatedBook()
        // A thief of the old key (or the operator, with a copy of it) re-signs the latest
        // checkpoint — same size, same root — with the old key alone.
        let body = try await Self.note(ledger, size: 16).text
        let forged = try SignedNote.sign(text: body, signers: [Self.old.signer]).message
        try ledger.shell(
            TestSQL.withoutTriggers(["log_checkpoints_are_immutable_update"])
                + "UPDATE log_checkpoints SET note = '\(forged)' WHERE tree_size = 16;"
        )
        do {
            _ = try await ledger.verify(verifierKeys: [Self.old.verifierKey])
            Issue.record("verify accepted a checkpoint the retired key signed after its retirement")
        } catch let failure as AuditFailure {
            #expect(failure.detail.contains("signature"), "\(failure.detail)")
        }
    }

    @Test func aRowThatDiffersFromTheLoggedHandoverFailsVerify() async throws {
        let (ledger, _) = try await Self.rotatedBook()
        _ = try await ledger.verify()
        try ledger.shell(
            TestSQL.withoutTriggers(["log_key_rotations_are_immutable"])
                + "UPDATE log_key_rotations SET rotated_at = '2027-01-01T00:00:00.000000Z';"
        )
        await #expect(throws: AuditFailure.self) { try await ledger.verify() }
    }

    /// Someone who can write the database but holds no key cannot name a key of theirs as
    /// the log's: a forged hand-over row needs a note both keys signed.
    @Test func aForgedHandoverRowDoesNotLetAnotherKeyStart() async throws {
        let (ledger, handover) = try await Self.rotatedBook()
        let thief = try LogSigner.generate(origin: "test.commons-ledger")
        // The thief's note can be signed only by the thief's key, never by the log's.
        let note = handover.note.replacing(Self.new.verifierKey, with: thief.verifierKey)
        try ledger.shell(
            "INSERT INTO log_key_rotations (entry_index, old_key, new_key, handover, rotated_at) VALUES (16, '"
                + Self.new.verifierKey + "', '" + thief.verifierKey + "', '" + note
                + "', '2026-12-05T00:00:00.000000Z');"
        )
        await #expect(throws: (any Error).self) { try await ledger.checkSigningKey(thief, keyPath: "thief.key") }
        await #expect(throws: (any Error).self) { try await ledger.checkSigningKey(Self.new, keyPath: "new.key") }
        await #expect(throws: AuditFailure.self) { try await ledger.verify() }
    }
}
