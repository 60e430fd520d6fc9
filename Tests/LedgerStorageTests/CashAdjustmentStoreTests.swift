// Goal: on the database file, a fund's cash moves only with the fund's rules — a cash
// adjustment writes its rows, its log entry and its transaction in one write, and
// `verify` compares them with the log (an edited row is caught); the schema refuses an
// approval by the requester's key and a second step even when Swift is bypassed; and a
// fund step never adopts a look-alike account opened by hand (wrong owner, type, assets
// or constraint) — it is refused with `account_exists` and nothing is written.
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct CashAdjustmentStoreTests {
    static let treasurer = Principal(keyID: "key_11111111111111111111111111111111", name: "Amina", role: .treasurer)
    static let approver = Principal(keyID: "key_22222222222222222222222222222222", name: "Bongani", role: .approver)

    /// Fund "health" in USD (adjustments up to 20.00 post at once) with 5,000.00 of cash.
    static func ledger() async throws -> (TestLedger, Fund, MemberID) {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("expenses:bank-fees", "expense", nil)])
        let fund = try applied(await ledger.store.createFund(
            FundDraft(code: "health", name: "Health", assets: ["USD"], cashAdjustmentApprovalAbove: ["USD": 2_000]), by: .system, idempotency: nil
        ))
        let member = try applied(await ledger.store.registerMember(
            MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "public"), by: .system, idempotency: nil
        )).member.id
        _ = try await ledger.store.recordContribution(
            ContributionDraft(memberID: member.rawValue, fundID: "health", asset: "USD", amount: 500_000, date: "2026-11-20"), by: treasurer, idempotency: nil
        )
        return (ledger, fund, member)
    }

    static func adjust(_ ledger: TestLedger, _ amount: Int64) async throws -> CashAdjustmentView {
        try applied(await ledger.store.requestCashAdjustment(
            fund: "health", CashAdjustmentDraft(asset: "USD", amount: amount, counterAccount: "expenses:bank-fees", date: "2026-11-30", reason: "Bank fee"),
            by: treasurer, idempotency: nil
        ))
    }

    static func cash(_ ledger: TestLedger) async throws -> Int64? {
        try await ledger.store.balances(of: .code(AccountCode("assets:health:cash:usd")!), asOf: nil)?.balances.first?.balance.minorUnits
    }

    @Test func adjustmentsVerifyAndAnEditedRowIsCaught() async throws {
        let (ledger, _, _) = try await Self.ledger()
        let atOnce = try await Self.adjust(ledger, 1_500)
        #expect(atOnce.state == .posted)
        let waiting = try await Self.adjust(ledger, 100_000)
        let rejected = try await Self.adjust(ledger, 50_000)
        _ = try applied(await ledger.store.takeCashAdjustmentStep(waiting.adjustment.id, .approve, reason: "Checked", by: Self.approver, idempotency: nil))
        _ = try applied(await ledger.store.takeCashAdjustmentStep(rejected.adjustment.id, .reject, reason: nil, by: Self.approver, idempotency: nil))
        #expect(try await Self.cash(ledger) == 500_000 - 1_500 - 100_000)
        _ = try await ledger.verify()
        try ledger.shell(TestSQL.withoutTriggers(["cash_adjustments_are_immutable_update"]) + """
            UPDATE cash_adjustments SET reason = 'Something else' WHERE id = '\(rejected.adjustment.id)';
            """)
        await #expect(throws: AuditFailure.self) { try await ledger.verify() }
    }

    @Test func theSchemaRefusesTheRequestersApprovalAndASecondStep() async throws {
        let (ledger, _, _) = try await Self.ledger()
        let waiting = try await Self.adjust(ledger, 100_000)
        let posted = try await Self.adjust(ledger, 1_000)
        let step = { (id: CashAdjustmentID, key: String, kind: String) in
            "INSERT INTO cash_adjustment_steps (adjustment_id, position, kind, principal_key, principal_name, at) VALUES ('\(id)', 0, '\(kind)', '\(key)', 'x', '2026-11-30T00:00:00.000000Z');"
        }
        #expect(throws: DatabaseShell.Failure.self) {
            try ledger.shell(step(waiting.adjustment.id, Self.treasurer.keyID!, "reject").replacingOccurrences(of: "'reject'", with: "'approve'"))
        }
        #expect(throws: DatabaseShell.Failure.self) {
            try ledger.shell(step(posted.adjustment.id, Self.approver.keyID!, "reject"))
        }
        // Another key's rejection of the waiting one is what the schema allows.
        try ledger.shell(step(waiting.adjustment.id, Self.approver.keyID!, "reject"))
    }

    @Test(arguments: [
        // (the look-alike's type, its constraint, whether it names the fund as owner)
        ("income", nil, false),          // right shape, opened by hand: no owner
        ("expense", nil, true),          // names the fund, wrong type
    ] as [(String, String?, Bool)])
    func aContributionNeverAdoptsALookAlikeIncomeAccount(type: String, constraint: String?, namesTheFund: Bool) async throws {
        let (ledger, fund, member) = try await Self.ledger()
        let code = fund.chart.contributions(member)
        // The fixture's contribution opened the real one; a second member gets a look-alike.
        let other = try applied(await ledger.store.registerMember(
            MemberDraft(name: "Dockworkers", kind: "union", country: "KE", region: "East Africa", visibility: "public"), by: .system, idempotency: nil
        )).member.id
        #expect(try await ledger.store.account(.code(code)) != nil)
        let lookAlike = fund.chart.contributions(other)
        let metadata: JSONValue = namesTheFund ? .object(["fund": .string(fund.id.rawValue)]) : .object([:])
        _ = try applied(await ledger.store.openAccount(
            AccountDraft(code: lookAlike.rawValue, type: type, constraint: constraint, metadata: metadata), by: .system, idempotency: nil
        ))
        await #expect(throws: Rejection.accountExists(code: lookAlike)) {
            try await ledger.store.recordContribution(
                ContributionDraft(memberID: other.rawValue, fundID: "health", asset: "USD", amount: 1_000, date: "2026-11-21"), by: Self.treasurer, idempotency: nil
            )
        }
        #expect(try await Self.cash(ledger) == 500_000)
    }

    @Test func aGrantNeverAdoptsALookAlikePayableWithoutItsConstraint() async throws {
        let (ledger, fund, member) = try await Self.ledger()
        let payable = fund.chart.grantsPayable(member)
        _ = try applied(await ledger.store.openAccount(
            AccountDraft(code: payable.rawValue, type: "liability", metadata: .object(["fund": .string(fund.id.rawValue)])), by: .system, idempotency: nil
        ))
        let grant = try applied(await ledger.store.requestDisbursement(
            DisbursementDraft(fundID: "health", memberID: member.rawValue, asset: "USD", amount: 10_000, purpose: "Medicines"), by: Self.treasurer, idempotency: nil
        ))
        await #expect(throws: Rejection.accountExists(code: payable)) {
            try await ledger.store.takeDisbursementStep(grant.disbursement.id, .approve, reason: nil, by: Self.approver, idempotency: nil)
        }
        #expect(try await ledger.store.disbursement(grant.disbursement.id)?.state == .requested)
        #expect(try await ledger.store.account(.code(fund.chart.grants(member))) == nil)
    }
}

func applied<Value>(_ outcome: WriteOutcome<Value>) throws -> Value {
    guard case .applied(let value) = outcome else { throw ReplayedOutcome() }
    return value
}

struct ReplayedOutcome: Error {}
