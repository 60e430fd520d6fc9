// Goal: the export's paging lives below the front ends. It reads the log from entry 0 to
// the tree size of its first page, opens the journal with notes naming that range, hands
// each entry's text to the caller with a progress count, and counts what it wrote.
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Reports
import Testing

@Suite struct JournalExporterTests {
    @Test func theJournalCoversTheLogAsOfItsFirstPage() async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(
            assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil), ("income:contributions", "income", nil)]
        )
        let draft = TransactionDraft(date: "2026-11-20", description: "gift", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 1_250),
            PostingDraft(account: "income:contributions", asset: "USD", amount: -1_250),
        ])
        _ = try await ledger.store.recordTransaction(draft, by: .system, idempotency: nil)
        var text = ""
        var progress: [String] = []
        let summary = try await JournalExporter(store: try ledger.sqliteStore(), dialect: .hledger).run(
            write: { text += $0 }, progress: { progress.append("\($0)/\($1)") }
        )
        // One asset, two accounts, one transaction: four log entries.
        #expect(summary.entries == 4)
        #expect(summary.transactions == 1)
        #expect(progress == ["1/4", "2/4", "3/4", "4/4"])
        #expect(text.hasPrefix("; Commons Ledger journal export for hledger.\n"))
        #expect(text.contains("; Log entries 0 to 3 (tree size 4); each transaction's id is in its id tag.\n"))
        #expect(text.contains("12.50"))
    }

    @Test func anEmptyLogIsSaidToBeEmpty() async throws {
        let ledger = try await TestLedger()
        var text = ""
        let summary = try await JournalExporter(store: try ledger.sqliteStore(), dialect: .ledger).run(write: { text += $0 })
        #expect(summary.entries == 0 && summary.transactions == 0)
        #expect(text.hasPrefix("; Commons Ledger journal export for ledger-cli.\n; The audit log is empty.\n"))
    }
}
