// Goal: every change appends exactly one audit-log entry in the same database
// transaction (a refused change appends none); entries are canonical, chained and state
// the balances they leave; each commit signs a checkpoint whose root, inclusion proofs
// and consistency proofs — read from stored nodes — verify independently; and the
// verifier passes on an untouched book.
import AuditLog
import Foundation
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct AuditLogStoreTests {
    /// A small book: two assets, four accounts, a few transactions, a reversal, a closing.
    static func populated() async throws -> TestLedger {
        let ledger = try await TestLedger()
        try await ledger.seed(
            assets: [("USD", 2), ("EUR", 2)],
            accounts: [
                ("assets:bank:usd", "asset", "no_negative"), ("assets:bank:eur", "asset", "no_negative"),
                ("income:contributions", "income", nil), ("expenses:grants", "expense", nil), ("expenses:unused", "expense", nil),
            ]
        )
        var gifts: [TransactionID] = []
        for (index, amount) in [125_000, 40_000, 9_900, 310_000].enumerated() {
            ledger.clock.advance(microseconds: 1_000_000)
            let draft = TransactionDraft(date: "2026-11-1\(index)", description: "Contribution", postings: [
                PostingDraft(account: "assets:bank:usd", asset: "USD", amount: Int64(amount)),
                PostingDraft(account: "income:contributions", asset: "USD", amount: -Int64(amount)),
            ])
            if case .applied(let transaction) = try await ledger.store.recordTransaction(draft, by: .system, idempotency: nil) { gifts.append(transaction.id) }
        }
        _ = try await ledger.store.recordTransaction(TransactionDraft(date: "2026-11-20", description: "Grant", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: -50_000),
            PostingDraft(account: "expenses:grants", asset: "USD", amount: 50_000),
            PostingDraft(account: "assets:bank:eur", asset: "EUR", amount: 1_000),
            PostingDraft(account: "income:contributions", asset: "EUR", amount: -1_000),
        ]), by: .system, idempotency: nil)
        _ = try await ledger.store.reverseTransaction(gifts[1], date: nil, description: "entered twice", by: .system, idempotency: nil)
        _ = try await ledger.store.closeAccount(.code(AccountCode("expenses:unused")!), by: .system, idempotency: nil)
        return ledger
    }

    static func entries(_ ledger: TestLedger) async throws -> [StoredLogEntry] {
        try await ledger.store.logEntries(start: 0, end: nil, limit: 1000).entries
    }

    static func root(of entries: [StoredLogEntry]) -> Hash {
        MerkleVerifier.rootFromLeafHashes(entries.map { MerkleHash.leafHash($0.data) })
    }

    @Test func everyChangeAppendsOneEntryAndRefusalsNone() async throws {
        let ledger = try await Self.populated()
        let entries = try await Self.entries(ledger)
        // 2 assets + 5 accounts + 5 transactions + 1 reversal + 1 closing.
        #expect(entries.count == 14)
        #expect(entries.map(\.index) == Array(0..<14))
        await #expect(throws: Rejection.self) {
            try await ledger.store.recordTransaction(TransactionDraft(date: "2026-11-21", postings: [
                PostingDraft(account: "assets:bank:eur", asset: "EUR", amount: -5_000),
                PostingDraft(account: "expenses:grants", asset: "EUR", amount: 5_000),
            ]), by: .system, idempotency: nil)
        }
        #expect(try await Self.entries(ledger).count == 14)
        #expect(try await ledger.store.latestCheckpoint()?.treeSize == 14)
    }

    @Test func entriesAreCanonicalChainedAndStateBalances() async throws {
        let ledger = try await Self.populated()
        let entries = try await Self.entries(ledger)
        var previous: Hash?
        for stored in entries {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(stored.data))
            #expect(json.canonicalBytes == stored.data)
            let entry = try LogEntry(json: json)
            #expect(entry.index == stored.index)
            #expect(entry.previousHash == previous?.base64EncodedString)
            previous = MerkleHash.leafHash(stored.data)
        }
        // The grant (entry 11) states the balances it touched, after it: computed by hand,
        // 125,000 + 40,000 + 9,900 + 310,000 − 50,000 = 434,900 in the USD bank.
        let grant = try LogEntry(json: JSONDecoder().decode(JSONValue.self, from: Data(entries[11].data)))
        #expect(grant.event.kind == .transactionRecorded)
        let stated = Dictionary(uniqueKeysWithValues: grant.balances.map { ("\($0.accountCode) \($0.key.asset)", $0.balance.minorUnits) })
        #expect(stated == [
            "assets:bank:usd USD": 434_900, "expenses:grants USD": 50_000,
            "assets:bank:eur EUR": 1_000, "income:contributions EUR": -1_000,
        ])
        let reversal = try LogEntry(json: JSONDecoder().decode(JSONValue.self, from: Data(entries[12].data)))
        #expect(reversal.event.kind == .transactionReversed)
        let text = String(decoding: entries[0].data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"balances":[],"index":0,"kind":"asset.registered","payload":{"code":"USD","#))
    }

    @Test func checkpointsAreSignedNotesOverTheRecomputedRoot() async throws {
        let ledger = try await Self.populated()
        let entries = try await Self.entries(ledger)
        let latest = try #require(await ledger.store.latestCheckpoint())
        let verified = try SignedNote.open(latest.note, verifiers: [LogSigner.test.signer.verifier])
        let checkpoint = try Checkpoint(parsing: verified.text)
        #expect(checkpoint.origin == "test.commons-ledger")
        #expect(checkpoint.treeSize == 14)
        #expect(checkpoint.rootHash == Self.root(of: entries))
        // One checkpoint per commit, each over the tree as that commit left it.
        let history = try await ledger.store.checkpoints(page: PageRequest(limit: 100, cursor: nil)).items
        #expect(history.map(\.treeSize) == Array(1...14))
        for stored in history {
            let old = try Checkpoint(parsing: try SignedNote.open(stored.note, verifiers: [LogSigner.test.signer.verifier]).text)
            #expect(old.rootHash == Self.root(of: Array(entries.prefix(Int(stored.treeSize)))))
        }
        #expect(throws: (any Error).self) {
            try SignedNote.open(latest.note.replacingOccurrences(of: "\n14\n", with: "\n13\n"), verifiers: [LogSigner.test.signer.verifier])
        }
    }

    @Test func proofsFromStoredNodesVerify() async throws {
        let ledger = try await Self.populated()
        let entries = try await Self.entries(ledger)
        for size in 1...Int64(entries.count) {
            let root = Self.root(of: Array(entries.prefix(Int(size))))
            for index in 0..<size {
                let proof = try await ledger.store.inclusionProof(index: index, treeSize: size)
                #expect(MerkleVerifier.verifyInclusion(
                    leafHash: MerkleHash.leafHash(entries[Int(index)].data), index: index, treeSize: size, proof: proof, root: root
                ), "inclusion \(index) in \(size)")
            }
            for first in 1...size {
                let proof = try await ledger.store.consistencyProof(first: first, second: size)
                #expect(MerkleVerifier.verifyConsistency(
                    first: first, second: size, firstRoot: Self.root(of: Array(entries.prefix(Int(first)))), secondRoot: root, proof: proof
                ), "consistency \(first) to \(size)")
            }
        }
        await #expect(throws: LogRangeError.beyondTree("the log has 14 entries, not 15")) {
            try await ledger.store.inclusionProof(index: 0, treeSize: 15)
        }
        await #expect(throws: LogRangeError.self) { try await ledger.store.inclusionProof(index: 14, treeSize: 14) }
        await #expect(throws: LogRangeError.self) { try await ledger.store.consistencyProof(first: 5, second: 4) }
    }

    @Test func aTransactionProofBindsItsEntryToTheLatestCheckpoint() async throws {
        let ledger = try await Self.populated()
        let gift = try #require(await ledger.store.transactions(filter: TransactionFilter(), page: PageRequest(limit: 1, cursor: nil)).items.first)
        let proof = try #require(await ledger.store.transactionProof(gift.id))
        let checkpoint = try Checkpoint(parsing: try SignedNote.open(proof.checkpoint.note, verifiers: [LogSigner.test.signer.verifier]).text)
        #expect(MerkleVerifier.verifyInclusion(
            leafHash: MerkleHash.leafHash(proof.entry.data), index: proof.entry.index, treeSize: checkpoint.treeSize,
            proof: proof.hashes, root: checkpoint.rootHash
        ))
        #expect(String(decoding: proof.entry.data, as: UTF8.self).contains(gift.id.rawValue))
    }

    @Test func cosignaturesAreKeptBesideTheirCheckpointsAndNeverReplaced() async throws {
        let ledger = try await Self.populated()
        #expect(try await ledger.store.cosignedCheckpoints(limit: 10).isEmpty)
        try await ledger.store.recordCosignature(treeSize: 10, witness: "w2+00000002+BA==", line: "— w2 B\n")
        try await ledger.store.recordCosignature(treeSize: 10, witness: "w1+00000001+BA==", line: "— w1 A\n")
        try await ledger.store.recordCosignature(treeSize: 12, witness: "w1+00000001+BA==", line: "— w1 C\n")
        try await ledger.store.recordCosignature(treeSize: 12, witness: "w1+00000001+BA==", line: "— w1 other\n")
        let cosigned = try await ledger.store.cosignedCheckpoints(limit: 10)
        #expect(cosigned.map(\.checkpoint.treeSize) == [12, 10])
        #expect(cosigned.map(\.lines) == [["— w1 C\n"], ["— w1 A\n", "— w2 B\n"]])
        #expect(cosigned.first?.checkpoint == (try await ledger.store.checkpoint(treeSize: 12)))
        #expect(try await ledger.store.cosignedCheckpoints(limit: 1).count == 1)
        // A cosignature of a size that was never checkpointed is refused by the schema.
        await #expect(throws: (any Error).self) {
            try await ledger.store.recordCosignature(treeSize: 99, witness: "w1+00000001+BA==", line: "— w1 D\n")
        }
        #expect(throws: DatabaseShell.Failure.self) { try ledger.shell("DELETE FROM log_cosignatures") }
        _ = try await ledger.verify()
    }

    @Test func theVerifierPassesOnAnUntouchedBook() async throws {
        let ledger = try await Self.populated()
        let report = try await ledger.verify()
        #expect(report.entries == 14)
        #expect(report.transactions == 6)
        #expect(report.checkpoints == 14)
    }
}
