// Goal: a grant's hold is written with the approval that completes it and released by its
// payment, cancellation or (logged) expiry, in the same transaction as the step; `verify`
// compares the holds tables with the log and catches an edited, deleted or forged hold
// or release. Both engines.
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct GrantHoldStoreTests {
    static let approver = Principal(keyID: nil, name: "approver", role: .approver)
    static let treasurer = Principal(keyID: nil, name: "treasurer", role: .treasurer)

    /// Fund "water" with 5,000.00 USD of cash and a member; clock 2026-11-25T12:00Z.
    static func ledger() async throws -> (TestLedger, FundID, MemberID) {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        let fund = try applied(await ledger.store.createFund(
            FundDraft(code: "water", name: "Water", assets: ["USD"]), by: .system, idempotency: nil))
        let member = try applied(await ledger.store.registerMember(
            MemberDraft(name: "Well Diggers", kind: "union", country: "ML", region: "West Africa", visibility: "public"),
            by: .system, idempotency: nil)).member.id
        _ = try applied(await ledger.store.recordContribution(
            ContributionDraft(memberID: member.rawValue, fundID: fund.id.rawValue, asset: "USD", amount: 500_000,
                date: "2026-11-20", pledgeID: nil),
            by: treasurer, idempotency: nil))
        return (ledger, fund.id, member)
    }

    static func approvedGrant(
        _ ledger: TestLedger, fund: FundID, member: MemberID, amount: Int64, expiresAt: String? = nil
    ) async throws -> DisbursementID {
        let draft = DisbursementDraft(
            fundID: fund.rawValue, memberID: member.rawValue, beneficiary: nil, asset: "USD", amount: amount,
            purpose: "Wells")
        let id = try applied(await ledger.store.requestDisbursement(draft, by: treasurer, idempotency: nil))
            .disbursement.id
        _ = try applied(await ledger.store.takeDisbursementStep(
            id, .approve, reason: nil, holdExpiresAt: expiresAt.flatMap(Timestamp.init), by: approver,
            idempotency: nil))
        return id
    }

    static func held(_ ledger: TestLedger) async throws -> Int64? {
        try await ledger.store.balances(of: .code(AccountCode("assets:water:cash:usd")!), asOf: nil)?.balances.first?.held
    }

    @Test func anExpiredHoldIsReleasedOnceWithItsLogEntry() async throws {
        let (ledger, fund, member) = try await Self.ledger()
        let grant = try await Self.approvedGrant(
            ledger, fund: fund, member: member, amount: 40_000, expiresAt: "2026-11-25T18:00:00.000000Z")
        #expect(try await Self.held(ledger) == 40_000)
        #expect(try await ledger.store.expireHolds() == 0)  // not yet due
        ledger.clock.advance(microseconds: 7 * 3_600_000_000)
        #expect(try await Self.held(ledger) == 0)  // inactive from its expiry, before it is logged
        #expect(try await ledger.store.expireHolds() == 1)
        #expect(try await ledger.store.expireHolds() == 0)
        let size = try #require(await ledger.store.latestCheckpoint()).treeSize
        let last = try #require(await ledger.store.logEntries(start: size - 1, end: nil, limit: 1).entries.first)
        let text = String(decoding: last.data, as: UTF8.self)
        #expect(text.contains(#""kind":"disbursement.hold_expired""#) && text.contains(grant.rawValue))
        // The grant stays approved and is paid from cash nobody holds.
        _ = try applied(await ledger.store.takeDisbursementStep(grant, .pay, reason: nil, by: Self.treasurer, idempotency: nil))
        #expect(try ledger.scalar("SELECT reason FROM disbursement_hold_releases") == "expired")
        _ = try await ledger.verify()
    }

    static let tampering = [
        "UPDATE disbursement_holds SET amount = amount - 1;",
        "UPDATE disbursement_holds SET expires_at = NULL;",
        "DELETE FROM disbursement_hold_releases;",
        "UPDATE disbursement_hold_releases SET reason = 'cancelled';",
        "DELETE FROM disbursement_hold_releases; DELETE FROM disbursement_holds;",
    ]

    @Test(arguments: tampering)
    func verifyCatchesAnEditedHold(_ sql: String) async throws {
        let (ledger, fund, member) = try await Self.ledger()
        let paid = try await Self.approvedGrant(
            ledger, fund: fund, member: member, amount: 10_000, expiresAt: "2026-12-25T00:00:00.000000Z")
        _ = try applied(await ledger.store.takeDisbursementStep(paid, .pay, reason: nil, by: Self.treasurer, idempotency: nil))
        _ = try await ledger.verify()
        try ledger.shell(TestSQL.withoutTriggers([
            "disbursement_holds_are_immutable", "disbursement_holds_are_never_deleted",
            "disbursement_hold_releases_are_immutable", "disbursement_hold_releases_are_never_deleted",
        ]) + sql)
        await #expect(throws: AuditFailure.self, "\(sql) was not detected") { try await ledger.verify() }
    }

    @Test func aForgedReleaseIsCaught() async throws {
        let (ledger, fund, member) = try await Self.ledger()
        let grant = try await Self.approvedGrant(ledger, fund: fund, member: member, amount: 10_000)
        _ = try await ledger.verify()
        // A release that frees the cash without any step or expiry in the log.
        try ledger.shell(
            "INSERT INTO disbursement_hold_releases VALUES ('\(grant.rawValue)', 'paid', '2026-11-25T12:00:00.000000Z');")
        #expect(try await Self.held(ledger) == 0)
        await #expect(throws: AuditFailure.self) { try await ledger.verify() }
    }
}
