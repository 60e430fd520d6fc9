// Goal: a batch is one database transaction with one entry per recorded transaction and
// one checkpoint; a rejected item is rolled back alone unless the batch is atomic, when
// nothing at all is written.
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct BatchTests {
    static func draft(_ amount: Int64) -> TransactionDraft {
        TransactionDraft(date: "2026-11-20", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: amount),
            PostingDraft(account: "income:contributions", asset: "USD", amount: -amount),
        ])
    }

    static func ledger() async throws -> TestLedger {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", "no_negative"), ("income:contributions", "income", nil)])
        return ledger
    }

    @Test func aRejectedItemFailsAlone() async throws {
        let ledger = try await Self.ledger()
        let results = try await ledger.store.recordTransactions([Self.draft(100), Self.draft(-500), Self.draft(0), Self.draft(50)].map { ($0, nil) }, atomic: false, by: .system)
        #expect(results.map { if case .applied = $0 { true } else { false } } == [true, false, false, true])
        if case .rejected(let rejection) = results[1] {
            #expect(rejection == .balanceConstraintViolated(account: AccountCode("assets:bank:usd")!, asset: AssetCode("USD")!))
        }
        let balances = try await ledger.store.balances(of: .code(AccountCode("assets:bank:usd")!), asOf: nil)
        #expect(balances?.balances.first?.balance.minorUnits == 150)
        // 1 asset + 2 accounts + 2 recorded transactions; one checkpoint for the batch.
        let log = try await ledger.store.logEntries(start: 0, end: nil, limit: 100)
        #expect(log.treeSize == 5)
        let checkpoints = try await ledger.store.checkpoints(page: PageRequest(limit: 100, cursor: nil)).items
        #expect(checkpoints.map(\.treeSize) == [1, 2, 3, 5])
        _ = try await ledger.verify()
    }

    @Test func anAtomicBatchIsAllOrNothing() async throws {
        let ledger = try await Self.ledger()
        await #expect(throws: BatchRejection.self) {
            try await ledger.store.recordTransactions([Self.draft(100), Self.draft(-500)].map { ($0, nil) }, atomic: true, by: .system)
        }
        #expect(try await ledger.store.logEntries(start: 0, end: nil, limit: 100).treeSize == 3)
        #expect(try await ledger.store.balances(of: .code(AccountCode("assets:bank:usd")!), asOf: nil)?.balances.isEmpty == true)
        let results = try await ledger.store.recordTransactions((1...50).map { (Self.draft(Int64($0)), nil) }, atomic: true, by: .system)
        #expect(results.count == 50)
        #expect(try await ledger.store.balances(of: .code(AccountCode("assets:bank:usd")!), asOf: nil)?.balances.first?.balance.minorUnits == 1275)
    }
}

// Goal: a batch goes through the same group commit as single writes — it is one request
// of a group (one job whose savepoint covers its items), it can share its commit with
// single writes, and its refusal (an item alone, or an atomic batch whole) never fails
// the single writes committed with it.
@Suite struct BatchGroupCommitTests {
    @Test func aBatchIsOneRequestOfTheGroupCommit() async throws {
        let ledger = try await BatchTests.ledger()
        let store = ledger.store
        let before = ledger.commitStatistics.snapshot
        let results = try await store.recordTransactions(
            [BatchTests.draft(100), BatchTests.draft(-500), BatchTests.draft(50)].map { ($0, nil) }, atomic: false,
            by: .system
        )
        #expect(results.count == 3)
        let after = ledger.commitStatistics.snapshot
        #expect(after.commits - before.commits == 1)
        #expect(after.requests - before.requests == 1)
    }

    @Test func batchesAndSingleWritesShareCommitsAndKeepTheirOutcomes() async throws {
        let ledger = try await BatchTests.ledger()
        let store = ledger.store
        let before = ledger.commitStatistics.snapshot
        // 60 single gifts of 1.00, 10 batches of two gifts of 0.10, and 10 atomic batches
        // whose second item overdraws the bank: each refused whole, alone.
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<80 {
                group.addTask {
                    switch index % 8 {
                    case 6:
                        let items = [BatchTests.draft(10), BatchTests.draft(10)].map {
                            ($0, nil as Idempotency<LedgerTransaction>?)
                        }
                        let results = try await store.recordTransactions(items, atomic: false, by: .system)
                        return results.count { if case .applied = $0 { true } else { false } }
                    case 7:
                        let items = [BatchTests.draft(7), BatchTests.draft(-1_000_000)].map {
                            ($0, nil as Idempotency<LedgerTransaction>?)
                        }
                        do {
                            _ = try await store.recordTransactions(items, atomic: true, by: .system)
                            return -1_000
                        } catch let refusal as BatchRejection {
                            #expect(refusal.index == 1)
                            return 0
                        }
                    default:
                        _ = try await store.recordTransaction(BatchTests.draft(100), by: .system, idempotency: nil)
                        return 1
                    }
                }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        #expect(applied == 60 + 20)
        let balance = try await store.balances(of: .code(AccountCode("assets:bank:usd")!), asOf: nil)
        #expect(balance?.balances.first?.balance.minorUnits == 6_200)  // 60 × 1.00 + 20 × 0.10
        let after = ledger.commitStatistics.snapshot
        #expect(after.requests - before.requests == 80)
        #expect(after.commits - before.commits < 80, "batches and single writes arriving together share a commit")
        // 1 asset + 2 accounts + 80 recorded transactions, and nothing of the atomic batches.
        #expect(try await store.logEntries(start: 0, end: nil, limit: 100).treeSize == 83)
        _ = try await ledger.verify()
    }

    @Test func aReservedMetadataKeyIsRefusedForEveryCallerNullIncluded() async throws {
        let ledger = try await BatchTests.ledger()
        var draft = BatchTests.draft(100)
        draft.metadata = .object(["pledge_id": .null])
        let expected = Rejection.invalidFields([
            FieldProblem(field: "metadata.pledge_id", detail: "is reserved for the fund's own steps"),
        ])
        await #expect(throws: expected) {
            _ = try await ledger.store.recordTransaction(draft, by: .system, idempotency: nil)
        }
        let results = try await ledger.store.recordTransactions(
            [(draft, nil), (BatchTests.draft(5), nil)], atomic: false, by: .system
        )
        guard case .rejected(let rejection) = results[0], case .applied = results[1] else {
            Issue.record("the reserved key refuses its item alone"); return
        }
        #expect(rejection == expected)
    }
}
