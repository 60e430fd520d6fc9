// Goal: receipts in the C2SP tlog-proof format — the specification's layout
// (`c2sp.org/tlog-proof@v1`, `extra`, `index`, proof lines, a blank line, the checkpoint)
// written and read back exactly — hold only when the checkpoint meets the policy and the
// entry carried as extra data is included at its index: another entry, another index, a
// cut proof or an unwitnessed checkpoint each fail.
import AuditLog
import Testing

struct LogProofTests {
    static let entries = (0..<11).map { [UInt8(ascii: "e"), UInt8($0)] }

    static func receipt(index: Int, cosigners: [Int]) throws -> LogProof {
        var tree = InMemoryMerkleTree()
        for entry in entries { _ = tree.append(entry: entry) }
        let checkpoint = try Checkpoint(origin: WitnessTests.origin, treeSize: tree.treeSize, rootHash: tree.rootHash)
        let signed = try SignedNote.sign(text: checkpoint.body, signers: [WitnessTests.log])
        let lines = try cosigners.map { try WitnessPolicyTests.witnesses[$0 - 1].cosign(text: checkpoint.body, timestamp: 7) }
        let note = try SignedNote(text: checkpoint.body, signatures: signed.signatures + lines)
        let hashes = try MerkleProofs.inclusionProof(index: Int64(index), treeSize: tree.treeSize, source: tree)
        return LogProof(extra: entries[index], index: Int64(index), hashes: hashes, checkpoint: note)
    }

    @Test func aReceiptRoundTripsAndHoldsUnderThePolicy() throws {
        let proof = try Self.receipt(index: 6, cosigners: [1, 2, 4])
        let text = proof.text
        #expect(text.hasPrefix("c2sp.org/tlog-proof@v1\nextra ZQY=\nindex 6\n"))
        #expect(LogProof(parsing: text) == proof)
        let policy = try WitnessPolicy(parsing: WitnessPolicyTests.example)
        let (checkpoint, witnesses) = try proof.verify(policy: policy)
        #expect(checkpoint.treeSize == 11 && witnesses == ["X1", "X2", "Y1"])
    }

    @Test func aReceiptForAnythingElseFails() throws {
        let policy = try WitnessPolicy(parsing: WitnessPolicyTests.example)
        let good = try Self.receipt(index: 6, cosigners: [1, 2, 4])
        let cases: [(LogProof, LogProof.Failure)] = [
            (LogProof(extra: Self.entries[5], index: 6, hashes: good.hashes, checkpoint: good.checkpoint), .inclusionDoesNotVerify),
            (LogProof(extra: good.extra, index: 7, hashes: good.hashes, checkpoint: good.checkpoint), .inclusionDoesNotVerify),
            (LogProof(extra: good.extra, index: 6, hashes: Array(good.hashes.dropLast()), checkpoint: good.checkpoint),
             .inclusionDoesNotVerify),
            (LogProof(extra: good.extra, index: 11, hashes: good.hashes, checkpoint: good.checkpoint),
             .indexOutsideTree(index: 11, treeSize: 11)),
            (LogProof(extra: nil, index: 6, hashes: good.hashes, checkpoint: good.checkpoint), .noExtraData),
            (try Self.receipt(index: 6, cosigners: [1, 4]), .checkpointNotTrusted),
        ]
        for (proof, failure) in cases {
            #expect(throws: failure) { try proof.verify(policy: policy) }
        }
    }

    @Test(arguments: [
        "", "c2sp.org/tlog-proof@v2\nindex 0\n\nx", "c2sp.org/tlog-proof@v1\nindex 01\n\n", "c2sp.org/tlog-proof@v1\n\n",
        "c2sp.org/tlog-proof@v1\nindex 0\nnot-base64\n\n", "c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\n",
        "c2sp.org/tlog-proof@v1\nindex 0\n\nnot a checkpoint",
    ])
    func malformedReceiptsAreNotReceipts(text: String) {
        #expect(LogProof(parsing: text) == nil)
    }
}
