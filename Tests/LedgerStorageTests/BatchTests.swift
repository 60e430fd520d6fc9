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
        let ledger = try TestLedger()
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
        try ledger.store.close()
        _ = try LedgerVerifier(path: ledger.path, verifierKeys: [LogSigner.test.verifierKey]).verify()
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
