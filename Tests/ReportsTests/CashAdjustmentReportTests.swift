// Goal: a book holding cash adjustments — one posted at once, one approved, one rejected,
// one still waiting — is read back by every reader: every report in every audience and
// every format, the journal export in every dialect, and `verify`. (An entry kind a
// reader cannot handle would break every report of the book for good.) The adjustments'
// money is in the figures: computed by hand.
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Reports
import Testing

@Suite struct CashAdjustmentReportTests {
    static let approver = Principal(keyID: "key_22222222222222222222222222222222", name: "Bongani", role: .approver)

    /// Fund "health" in USD (adjustments up to 20.00 post at once) with 5,000.00 of cash;
    /// 15.00 posted at once, 1,000.00 approved, 500.00 rejected, 200.00 waiting.
    static func ledger() async throws -> TestLedger {
        let ledger = try await TestLedger()
        let store = ledger.store
        try await ledger.seed(assets: [("USD", 2)], accounts: [("expenses:bank-fees", "expense", nil)])
        _ = try applied(await store.createFund(
            FundDraft(code: "health", name: "Health", assets: ["USD"], cashAdjustmentApprovalAbove: ["USD": 2_000]), by: .system, idempotency: nil
        ))
        let member = try applied(await store.registerMember(
            MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "anonymous"), by: .system, idempotency: nil
        )).member.id
        _ = try applied(await store.recordContribution(
            ContributionDraft(memberID: member.rawValue, fundID: "health", asset: "USD", amount: 500_000, date: "2026-11-20"),
            by: ReportFixture.treasurer, idempotency: nil
        ))
        var ids: [CashAdjustmentID] = []
        for amount: Int64 in [1_500, 100_000, 50_000, 20_000] {
            let draft = CashAdjustmentDraft(asset: "USD", amount: amount, counterAccount: "expenses:bank-fees", date: "2026-11-24", reason: "Bank fee")
            ids.append(try applied(await store.requestCashAdjustment(fund: "health", draft, by: ReportFixture.treasurer, idempotency: nil)).adjustment.id)
        }
        _ = try applied(await store.takeCashAdjustmentStep(ids[1], .approve, reason: "Checked", by: approver, idempotency: nil))
        _ = try applied(await store.takeCashAdjustmentStep(ids[2], .reject, reason: nil, by: approver, idempotency: nil))
        return ledger
    }

    @Test func everyReportInEveryAudienceAndFormatReadsTheBook() async throws {
        let ledger = try await Self.ledger()
        for name in ReportName.allCases {
            for audience in [ReportParameters.Audience.public, .auditor] {
                let parameters = ReportParameters(name: name, asOf: nil, from: nil, fund: nil, member: nil, currency: nil, audience: audience)
                let report = try await LogReports.compute(parameters, store: ledger.store)
                #expect(!report.document.canonicalBytes.isEmpty)
                #expect(!ReportCSV.files(of: report).isEmpty)
                #expect(ReportHTML.page(report, verifyCommand: "commons-ledger verify-report").contains(ReportHTML.documentElementID))
            }
        }
        let trial = try await LogReports.compute(
            ReportParameters(name: .trialBalance, asOf: nil, from: nil, fund: nil, member: nil, currency: nil, audience: .public), store: ledger.store
        )
        let debits = Dictionary(uniqueKeysWithValues: trial.rows("balances").compactMap { row -> (String, JSONValue)? in
            guard case .string(let account)? = row["account"], let debit = row["debit"] else { return nil }
            return (account, debit)
        })
        // 5,000.00 − 15.00 − 1,000.00 stays in the cash; the fees are 15.00 + 1,000.00.
        #expect(debits["assets:health:cash:usd"] == .integer(398_500))
        #expect(debits["expenses:bank-fees"] == .integer(101_500))
    }

    @Test(arguments: JournalDialect.allCases)
    func theJournalExportReadsTheBook(dialect: JournalDialect) async throws {
        let ledger = try await Self.ledger()
        let entries = try await ledger.store.logEntries(start: 0, end: nil, limit: 1_000).entries
        var export = JournalExport(dialect: dialect)
        var text = export.header(notes: [])
        for entry in entries { text += try export.text(forEntry: entry.data) }
        text += export.trailer()
        // The contribution and the two adjustments that posted.
        #expect(export.transactionCount == 3)
        #expect(text.contains("cash_adjustment"))
    }

    @Test func verifyReadsTheBook() async throws {
        let ledger = try await Self.ledger()
        let report = try await ledger.verify()
        #expect(report.transactions == 3)
    }
}
