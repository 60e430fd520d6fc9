// Goal: concurrent single writes are committed in groups — fewer commits and signed
// checkpoints than requests — while each request keeps its own outcome: a refused one is
// rolled back alone, an idempotency key used twice in one group is replayed, and the log
// verifies afterwards with a checkpoint at the end of every group.
import Foundation
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct GroupCommitTests {
    static func draft(_ amount: Int64, from: String = "income:gifts", to: String = "assets:bank") -> TransactionDraft {
        TransactionDraft(date: "2026-11-25", description: "gift", metadata: .object([:]), postings: [
            PostingDraft(account: to, asset: "USD", amount: amount), PostingDraft(account: from, asset: "USD", amount: -amount),
        ])
    }

    static func ledger() async throws -> TestLedger {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank", "asset", "no_negative"), ("income:gifts", "income", nil), ("expenses:grants", "expense", nil)])
        return ledger
    }

    @Test func concurrentWritesShareCommitsAndEachKeepsItsOutcome() async throws {
        let ledger = try await Self.ledger()
        let store = ledger.store
        let before = ledger.commitStatistics.snapshot
        // 200 gifts of 1.00 and, among them, 20 grants of 1,000.00 the bank can never pay.
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<220 {
                group.addTask {
                    let draft = index % 11 == 10 ? Self.draft(100_000, from: "assets:bank", to: "expenses:grants") : Self.draft(100)
                    do {
                        _ = try await store.recordTransaction(draft, by: .system, idempotency: nil)
                        return (index, true)
                    } catch let rejection as Rejection {
                        guard case .balanceConstraintViolated = rejection else { throw rejection }
                        return (index, false)
                    }
                }
            }
            var results: [Int: Bool] = [:]
            for try await (index, applied) in group { results[index] = applied }
            return results
        }
        #expect(outcomes.filter { $0.value }.count == 200)
        #expect(outcomes.filter { !$0.value }.keys.allSatisfy { $0 % 11 == 10 })
        let balance = try await store.balances(of: .code(AccountCode("assets:bank")!), asOf: nil)
        #expect(balance?.balances.first?.balance.minorUnits == 20_000)
        let after = ledger.commitStatistics.snapshot
        #expect(after.requests - before.requests == 220)
        #expect(after.commits - before.commits < 220, "requests arriving during a commit join the next one")
        #expect(after.largestGroup > 1)
        let report = try await ledger.verify()
        #expect(report.entries == 4 + 200)           // asset, three accounts, the gifts
        #expect(report.checkpoints < report.entries)  // one per group, not one per request
    }

    @Test func anIdempotencyKeyUsedTwiceInOneGroupIsReplayed() async throws {
        let ledger = try await Self.ledger()
        let store = ledger.store
        let fingerprint = [UInt8](repeating: 7, count: 32)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let idempotency = Idempotency<LedgerTransaction>(key: "retry-1", fingerprint: fingerprint) { transaction in
                        StoredResponse(status: 201, body: Array(transaction.id.rawValue.utf8))
                    }
                    let outcome = try await store.recordTransaction(Self.draft(500), by: .system, idempotency: idempotency)
                    if case .applied = outcome { return true }
                    return false
                }
            }
            var applied: [Bool] = []
            for try await value in group { applied.append(value) }
            return applied
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let balance = try await store.balances(of: .code(AccountCode("assets:bank")!), asOf: nil)
        #expect(balance?.balances.first?.balance.minorUnits == 500)
    }
}
