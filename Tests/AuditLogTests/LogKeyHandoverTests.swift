// Goal: a key hand-over is accepted only as both keys signed it — one log name, two
// different keys, bound to its entry's index — and the chain built from hand-overs gives
// each tree size exactly the keys in force then: a retired key signs nothing after the
// size that first covers its hand-over.
import AuditLog
import Testing

@Suite struct LogKeyHandoverTests {
    static func key(_ byte: UInt8, name: String = "ledger.example.org/fund") throws -> NoteSigner {
        try NoteSigner(name: try NoteKeyName(name), seed: Array(repeating: byte, count: 32))
    }

    @Test func aHandoverSignedByBothKeysReadsBack() throws {
        let handover = try LogKeyHandover.sign(from: try Self.key(1), to: try Self.key(2), index: 41)
        let read = try LogKeyHandover(note: handover.note)
        #expect(read == handover)
        #expect(read.index == 41)
        #expect(read.oldKey == (try Self.key(1)).verifier)
        #expect(read.newKey == (try Self.key(2)).verifier)
        #expect(handover.note.hasPrefix(LogKeyHandover.header + "\nold "))
    }

    @Test func aHandoverMissingASignatureOrAlteredIsRefused() throws {
        let old = try Self.key(1)
        let new = try Self.key(2)
        let handover = try LogKeyHandover.sign(from: old, to: new, index: 7)
        let note = try SignedNote(parsing: handover.note)
        // Only the old key: the writer never proved it holds the new one.
        let oldOnly = try SignedNote(text: note.text, signatures: [note.signatures[0]])
        #expect(throws: LogKeyHandoverError.self) { try LogKeyHandover(note: oldOnly.message) }
        // Only the new key: anyone could name themselves successor.
        let newOnly = try SignedNote.sign(text: note.text, signers: [new, try Self.key(3)])
        #expect(throws: LogKeyHandoverError.self) { try LogKeyHandover(note: newOnly.message) }
        // Moved to another index: the signatures no longer match the text.
        let moved = handover.note.replacing("\nindex 7\n", with: "\nindex 8\n")
        #expect(throws: LogKeyHandoverError.self) { try LogKeyHandover(note: moved) }
    }

    @Test func aHandoverKeepsTheLogsNameAndNamesANewKey() throws {
        #expect(throws: LogKeyHandoverError.originChanged(old: "ledger.example.org/fund", new: "other.example/fund")) {
            try LogKeyHandover.sign(from: try Self.key(1), to: try Self.key(2, name: "other.example/fund"), index: 1)
        }
        #expect(throws: LogKeyHandoverError.sameKey) {
            try LogKeyHandover.sign(from: try Self.key(1), to: try Self.key(1), index: 1)
        }
    }

    @Test func eachSizeIsSignedByTheKeyInForceThen() throws {
        let keys = try (1...3).map { try Self.key(UInt8($0)) }
        let first = try LogKeyHandover.sign(from: keys[0], to: keys[1], index: 10)
        let second = try LogKeyHandover.sign(from: keys[1], to: keys[2], index: 20)
        let chain = try LogKeyChain(trusted: [keys[0].verifier], handovers: [first, second])
        let verifiers = keys.map(\.verifier)
        #expect(chain.verifiers(forTreeSize: 1) == [verifiers[0]])
        #expect(chain.verifiers(forTreeSize: 10) == [verifiers[0]])
        // The checkpoint that first covers a hand-over: both keys (the transition).
        #expect(chain.verifiers(forTreeSize: 11) == [verifiers[0], verifiers[1]])
        #expect(chain.verifiers(forTreeSize: 12) == [verifiers[1]])
        #expect(chain.verifiers(forTreeSize: 21) == [verifiers[1], verifiers[2]])
        #expect(chain.verifiers(forTreeSize: 22) == [verifiers[2]])
        #expect(chain.currentKey == verifiers[2])
        // Trusting the newest key alone reaches the same chain: it signed its own appointment.
        let fromTheNewest = try LogKeyChain(trusted: [verifiers[2]], handovers: [first, second])
        #expect(fromTheNewest.verifiers(forTreeSize: 5) == [verifiers[0]])
    }

    @Test func aChainMustFollowOnAndIncludeATrustedKey() throws {
        let keys = try (1...4).map { try Self.key(UInt8($0)) }
        let first = try LogKeyHandover.sign(from: keys[0], to: keys[1], index: 10)
        let unrelated = try LogKeyHandover.sign(from: keys[2], to: keys[3], index: 20)
        #expect(throws: LogKeyChainError.broken(index: 20)) {
            try LogKeyChain(trusted: [keys[0].verifier], handovers: [first, unrelated])
        }
        #expect(throws: LogKeyChainError.untrusted) {
            try LogKeyChain(trusted: [keys[3].verifier], handovers: [first])
        }
        // A log that never changed key: the trusted keys, whatever the size.
        let unchanged = try LogKeyChain(trusted: [keys[0].verifier], handovers: [])
        #expect(unchanged.verifiers(forTreeSize: 1_000) == [keys[0].verifier])
    }
}
