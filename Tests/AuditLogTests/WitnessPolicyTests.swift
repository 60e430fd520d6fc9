// Goal: policy files in the C2SP tlog-policy format are read as the specification says —
// the example's two-level quorum (2 of the X witnesses and any of the Y witnesses), `all`,
// `any` and numeric thresholds, `quorum none`, comments and blank lines — a checkpoint is
// trusted only when one of the policy's logs signed it and its cosignatures meet the
// quorum, and every malformed policy is refused naming its line.
import AuditLog
import Testing

struct WitnessPolicyTests {
    static let log = WitnessTests.log
    static let witnesses = (1...6).map { number in
        WitnessTests.made { try Cosigner(name: NoteKeyName("w\(number).example"), seed: Array(repeating: UInt8(20 + number), count: 32)) }
    }

    static func vkey(_ number: Int) -> String { witnesses[number - 1].verifier.verifierKey }

    /// The specification's example, with real keys.
    static var example: String {
        """
        # the fund's log
        log \(log.verifier.verifierKey) https://ledger.example.org/solidarity/tlog

        witness X1 \(vkey(1))
        witness X2 \(vkey(2))
        \twitness X3 \(vkey(3)) https://witness.x.example
        group X-witnesses 2 X1 X2 X3

        witness Y1 \(vkey(4))
        witness Y2 \(vkey(5))
        witness Y3 \(vkey(6))
        group Y-witnesses any Y1 Y2 Y3

        group X-and-Y all X-witnesses Y-witnesses
        quorum X-and-Y
        """
    }

    /// A checkpoint of the test log, cosigned by the witnesses numbered `by`.
    static func note(cosignedBy numbers: [Int], signer: NoteSigner = log) throws -> SignedNote {
        let tree = WitnessTests.tree(4)
        let text = try Checkpoint(origin: WitnessTests.origin, treeSize: 4, rootHash: tree.rootHash).body
        let signed = try SignedNote.sign(text: text, signers: [signer])
        let lines = try numbers.map { try witnesses[$0 - 1].cosign(text: text, timestamp: 1_764_892_800) }
        return try SignedNote(text: text, signatures: signed.signatures + lines)
    }

    @Test(arguments: [
        ([1, 2, 4], true), ([1, 3, 6], true), ([1, 2, 3, 4, 5, 6], true),
        ([1, 4], false), ([1, 2], false), ([4, 5, 6], false), ([], false),
    ])
    func theExamplesQuorumIsTwoXAndOneY(cosigners: [Int], trusted: Bool) throws {
        let policy = try WitnessPolicy(parsing: Self.example)
        #expect(policy.logs.first?.url == "https://ledger.example.org/solidarity/tlog")
        #expect(policy.witnesses.map(\.name) == ["X1", "X2", "X3", "Y1", "Y2", "Y3"])
        #expect((policy.verify(try Self.note(cosignedBy: cosigners)) != nil) == trusted, "\(cosigners)")
    }

    @Test func anotherLogsCheckpointOrAForgedCosignatureIsNotTrusted() throws {
        let policy = try WitnessPolicy(parsing: Self.example)
        #expect(policy.verify(try Self.note(cosignedBy: [1, 2, 4], signer: WitnessTests.stranger)) == nil)
        let genuine = try Self.note(cosignedBy: [1, 4])
        // Witness 2's line copied from another checkpoint does not count.
        let other = try Self.witnesses[1].cosign(text: "elsewhere\n1\n\(MerkleHash.sha256([]).base64EncodedString)\n", timestamp: 1)
        let padded = try SignedNote(text: genuine.text, signatures: genuine.signatures + [other])
        #expect(policy.verify(padded) == nil)
    }

    @Test func quorumNoneNeedsOnlyTheLog() throws {
        let policy = try WitnessPolicy(parsing: "log \(Self.log.verifier.verifierKey)\nquorum none\n")
        #expect(policy.verify(try Self.note(cosignedBy: [])) == [])
        #expect(policy.verify(try Self.note(cosignedBy: [], signer: WitnessTests.stranger)) == nil)
    }

    @Test(arguments: [
        ("log \(log.verifier.verifierKey)\n", 2, "no quorum line"),
        ("quorum none\nquorum none", 2, "a second quorum line"),
        ("quorum X1", 1, "X1 is not defined above"),
        ("group G any X1\nwitness X1 \(vkey(1))\nquorum G", 1, "X1 is not defined above"),
        ("witness X1 \(vkey(1))\nwitness X2 \(vkey(1))\nquorum X1", 2, "a key listed twice"),
        ("witness X1 \(vkey(1))\nwitness X1 \(vkey(2))\nquorum X1", 2, "the name X1 is taken"),
        ("witness none \(vkey(1))\nquorum none", 1, "the name none is taken"),
        ("witness X1 \(vkey(1))\ngroup G 2 X1 X1\nquorum G", 2, "a member listed twice"),
        ("witness X1 \(vkey(1))\ngroup G 0 X1\nquorum G", 2, "the threshold must be all, any or 1 to 1"),
        ("witness X1 \(vkey(1))\ngroup G 2 X1\nquorum G", 2, "the threshold must be all, any or 1 to 1"),
        ("witness X1 \(vkey(1))\ngroup G 01 X1\nquorum G", 2, "the threshold must be all, any or 1 to 1"),
        ("witness X1 \(vkey(1))\ngroup G any none\nquorum G", 2, "none cannot be a member"),
        ("log \(vkey(1))\nquorum none", 1, "log <vkey> [<url>], the vkey an Ed25519 log key"),
        ("witness X1 \(log.verifier.verifierKey)\nquorum none", 1, "witness <name> <vkey> [<url>], the vkey a cosignature/v1 key"),
        ("logs x\nquorum none", 1, "unknown keyword logs"),
        ("quorum none\u{7}", 1, "a control character"),
    ])
    func aMalformedPolicyIsRefusedNamingItsLine(text: String, line: Int, reason: String) {
        #expect(throws: WitnessPolicy.Invalid(line: line, reason: reason)) { try WitnessPolicy(parsing: text) }
    }
}
