// Goal: refusing bidirectional controls in new text does not lock out what was stored
// before the rule. A member or beneficiary name holding U+202E (written into the tables
// here as an old database would hold it) still gets pledges, contributions and grants:
// the descriptions the ledger composes from those names leave the controls out, instead
// of failing the description rule on every step.
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct LegacyTextTests {
    static let treasurer = Principal(keyID: nil, name: "treasurer", role: .treasurer)
    static let approver = Principal(keyID: nil, name: "approver", role: .approver)

    func applied<Value>(_ outcome: WriteOutcome<Value>) throws -> Value {
        guard case .applied(let value) = outcome else { throw LegacyError.replayed }
        return value
    }

    enum LegacyError: Error { case replayed }

    @Test func namesStoredBeforeTheRuleStillTakeEveryStep() async throws {
        let ledger = try await TestLedger()
        let store = ledger.store
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        let fundDraft = FundDraft(code: "relief", name: "Relief", assets: ["USD"])
        let fund = try applied(await store.createFund(fundDraft, by: .system, idempotency: nil))
        let draft = MemberDraft(name: "Plain", kind: "union", country: "KE", region: "Kisumu", visibility: "public")
        let member = try applied(await store.registerMember(draft, by: .system, idempotency: nil)).member.id
        let grantDraft = DisbursementDraft(
            fundID: "relief", memberID: nil, beneficiary: "Clinic", asset: "USD", amount: 100, purpose: "Roof"
        )
        let requested = try applied(await store.requestDisbursement(grantDraft, by: Self.treasurer, idempotency: nil))
        let grant = requested.disbursement.id
        // What a database written before the rule may hold.
        let override = TestSQL.character(0x202E)
        _ = try ledger.shell(TestSQL.withoutTriggers(["members_are_immutable_update", "disbursements_are_immutable_update"]) + """
            UPDATE members SET public_name = 'Evil' || \(override) || 'doc' WHERE id = '\(member.rawValue)';
            UPDATE disbursements SET beneficiary = 'Clinic' || \(override) || 'x' WHERE id = '\(grant.rawValue)';
            """)

        let pledgeDraft = PledgeDraft(
            memberID: member.rawValue, fundID: "relief", asset: "USD", amount: 500, dueDate: "2026-12-31"
        )
        let pledge = try applied(await store.makePledge(pledgeDraft, by: Self.treasurer, idempotency: nil)).pledge
        let firstPage = PageRequest(limit: 100, cursor: nil)
        let pledgeTransaction = try #require(await store.transactions(filter: TransactionFilter(), page: firstPage)
            .items.first { $0.description.hasPrefix("Pledge") })
        #expect(pledgeTransaction.description == "Pledge \(pledge.id) by Evildoc")
        let gift = ContributionDraft(
            memberID: member.rawValue, fundID: fund.id.rawValue, asset: "USD", amount: 500, date: "2026-11-20"
        )
        _ = try applied(await store.recordContribution(gift, by: Self.treasurer, idempotency: nil))
        _ = try applied(
            await store.takeDisbursementStep(grant, .approve, reason: nil, by: Self.approver, idempotency: nil)
        )
        let paid = try applied(
            await store.takeDisbursementStep(grant, .pay, reason: nil, by: Self.treasurer, idempotency: nil)
        )
        #expect(paid.disbursement.id == grant)
        let descriptions = try await store.transactions(filter: TransactionFilter(), page: firstPage).items
            .map(\.description)
        #expect(descriptions.contains("Grant \(grant) to Clinicx paid"), "\(descriptions)")
        #expect(!descriptions.contains { $0.unicodeScalars.contains("\u{202E}") })
    }
}
