// Goal: the witness answers C2SP tlog-witness requests exactly as the specification says —
// 200 with a `cosignature/v1` line that verifies (key id over algorithm byte 0x04, the
// timestamp big-endian before the signature, the message `cosignature/v1\ntime T\n` +
// body), 404 for an unknown origin, 403 without a trusted signature, 400 for a malformed
// body or an old size past the checkpoint, 409 with the latest size when the old size is
// not it or a same-size root differs, 422 for a consistency proof that does not verify —
// and so never cosigns a smaller tree, two roots for one size, or a fork.
import AuditLog
import Testing

struct WitnessTests {
    static let origin = "example.org/fund/tlog"
    static let log = made { try NoteSigner(name: NoteKeyName(origin), seed: Array(repeating: 3, count: 32)) }
    static let stranger = made { try NoteSigner(name: NoteKeyName(origin), seed: Array(repeating: 4, count: 32)) }
    static let cosigner = made { try Cosigner(name: NoteKeyName("witness.example/w1"), seed: Array(repeating: 5, count: 32)) }
    static let trusted = [origin: [log.verifier]]

    static func made<Key>(_ make: () throws -> Key) -> Key {
        do { return try make() } catch { preconditionFailure("fixed test keys are valid: \(error)") }
    }

    /// A log of `size` entries (entry i is the byte i), forked after `forkAt` if given.
    static func tree(_ size: Int, forkAt: Int? = nil) -> InMemoryMerkleTree {
        var tree = InMemoryMerkleTree()
        for index in 0..<size { _ = tree.append(entry: [UInt8(index % 256), index >= (forkAt ?? .max) ? 1 : 0]) }
        return tree
    }

    static func note(_ tree: InMemoryMerkleTree, signer: NoteSigner = log, origin: String = origin) throws -> String {
        let checkpoint = try Checkpoint(origin: origin, treeSize: tree.treeSize, rootHash: tree.rootHash)
        return try SignedNote.sign(text: checkpoint.body, signers: [signer]).message
    }

    static func body(old: Int64, proof: [Hash] = [], note: String) -> [UInt8] {
        Array(("old \(old)\n" + proof.map { $0.base64EncodedString + "\n" }.joined() + "\n" + note).utf8)
    }

    static func answer(_ body: [UInt8], state: Witness.LogState?) throws -> Witness.Answer {
        let request = try #require(Witness.Request(body: body))
        return Witness.addCheckpoint(request, trusted: trusted, state: state, cosigner: cosigner, now: 1_764_892_800)
    }

    @Test func aConsistentCheckpointIsCosignedAndTheCosignatureVerifies() throws {
        let first = Self.tree(5)
        guard case .cosigned(let lines, let state) = try Self.answer(Self.body(old: 0, note: try Self.note(first)), state: nil)
        else { Issue.record("the first checkpoint is cosigned"); return }
        #expect(state.treeSize == 5 && state.rootHash == first.rootHash)
        let second = Self.tree(12)
        let proof = try MerkleProofs.consistencyProof(first: 5, second: 12, source: second)
        guard case .cosigned(let next, let grown) = try Self.answer(
            Self.body(old: 5, proof: proof, note: try Self.note(second)), state: state
        ) else { Issue.record("a consistent growth is cosigned"); return }
        #expect(grown.treeSize == 12)
        for (text, line) in [(try Self.note(first), lines), (try Self.note(second), next)] {
            let cosigned = try SignedNote(parsing: text + line)
            let signature = try #require(cosigned.signatures.last)
            #expect(line.hasPrefix("\u{2014} witness.example/w1 ") && line.hasSuffix("\n"))
            #expect(signature.signatureBytes.count == 8 + 64)
            #expect(Self.cosigner.verifier.timestamp(of: signature, text: cosigned.text) == 1_764_892_800)
            #expect(Self.cosigner.verifier.timestamp(of: signature, text: cosigned.text + "x\n") == nil)
        }
        // The stored note carries the log's signature and the cosignature.
        #expect(try SignedNote(parsing: grown.note).signatures.count == 2)
    }

    @Test func eachRefusalHasTheSpecifiedStatus() throws {
        let tree = Self.tree(8)
        let state = Witness.LogState(treeSize: 8, rootHash: tree.rootHash, note: try Self.note(tree))
        let bigger = Self.tree(20)
        let proof = try MerkleProofs.consistencyProof(first: 8, second: 20, source: bigger)
        let fork = Self.tree(20, forkAt: 3)
        let forkProof = try MerkleProofs.consistencyProof(first: 8, second: 20, source: fork)
        let cases: [(String, [UInt8], Witness.Answer)] = [
            ("unknown origin", Self.body(old: 8, note: try Self.note(tree, origin: "other.example/log")), .unknownOrigin),
            ("untrusted key", Self.body(old: 8, note: try Self.note(tree, signer: Self.stranger)), .forbidden),
            ("old past the size", Self.body(old: 9, note: try Self.note(tree)), .badRequest("")),
            ("stale old size", Self.body(old: 5, proof: proof, note: try Self.note(bigger)), .conflict(latestSize: 8)),
            ("same size, other root", Self.body(old: 8, note: try Self.note(Self.tree(8, forkAt: 7))),
             .conflict(latestSize: 8)),
            ("a fork", Self.body(old: 8, proof: forkProof, note: try Self.note(fork)), .inconsistent),
            ("a proof that proves nothing", Self.body(old: 8, proof: Array(proof.dropLast()), note: try Self.note(bigger)),
             .inconsistent),
        ]
        for (name, body, expected) in cases {
            let answer = try Self.answer(body, state: state)
            #expect(answer.status == expected.status, "\(name): \(answer)")
        }
        // The same checkpoint again is cosigned again (the state does not move).
        guard case .cosigned(_, let same) = try Self.answer(Self.body(old: 8, note: try Self.note(tree)), state: state)
        else { Issue.record("the same checkpoint is cosigned again"); return }
        #expect(same.treeSize == 8 && same.rootHash == tree.rootHash)
    }

    @Test(arguments: [
        "", "old 0\n", "old 01\n\nx", "old -1\n\n", "new 0\n\n", "old 0\nnot base64!\n\n", "old 0\nAAAA\n\n",
        "old 0\n\nnot a note", "old 18446744073709551616\n\n",
    ])
    func malformedBodiesAreNotRequests(body: String) {
        #expect(Witness.Request(body: Array(body.utf8)) == nil)
    }

    @Test func moreThan63ProofLinesAreRefused() throws {
        let tree = Self.tree(3)
        let line = tree.rootHash.base64EncodedString + "\n"
        let note = try Self.note(tree)
        #expect(Witness.Request(body: Array(("old 1\n" + String(repeating: line, count: 63) + "\n" + note).utf8)) != nil)
        #expect(Witness.Request(body: Array(("old 1\n" + String(repeating: line, count: 64) + "\n" + note).utf8)) == nil)
    }

    @Test func cosignerKeysRoundTripAndAreNotLogKeys() throws {
        let again = try Cosigner(signerKey: Self.cosigner.signerKey)
        #expect(again.keyID == Self.cosigner.keyID)
        let verifier = try CosignatureVerifier(verifierKey: Self.cosigner.verifier.verifierKey)
        #expect(verifier == Self.cosigner.verifier)
        // Algorithm byte 0x04: the vkey is not a log (0x01) key, and a log key is not a cosigner.
        #expect(throws: NoteKeyError.unknownAlgorithm(0x04)) {
            try NoteVerifier(verifierKey: Self.cosigner.verifier.verifierKey)
        }
        #expect(throws: NoteKeyError.unknownAlgorithm(0x01)) {
            try CosignatureVerifier(verifierKey: Self.log.verifier.verifierKey)
        }
    }
}
