// Goal: a book whose anonymous member and private beneficiary were registered with
// private profiles and names, then erased, still verifies (the log keeps only the
// commitments); and the tables cannot be made to disagree with the log unnoticed — a
// profile slipped into an anonymous member's row, a beneficiary commitment changed.
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct ErasureVerifyTests {
    /// An anonymous member and a grant to a named beneficiary, both erased.
    static func erasedBook() async throws -> TestLedger {
        let ledger = try await TestLedger()
        let store = ledger.store
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        _ = try await store.createFund(FundDraft(code: "health", name: "Health", assets: ["USD"]), by: .system, idempotency: nil)
        let draft = MemberDraft(name: "Secret Sisters", kind: "community", country: "SN", region: "West Africa", visibility: "anonymous")
        guard case .applied(let member) = try await store.registerMember(draft, by: .system, idempotency: nil) else { throw FixtureFailure() }
        #expect(member.recordedProfile == nil)
        #expect(member.member.profile?.region == "West Africa")
        _ = try await store.recordContribution(
            ContributionDraft(memberID: member.member.id.rawValue, fundID: "health", asset: "USD", amount: 10_000, date: "2026-11-20"), by: .system, idempotency: nil
        )
        let request = DisbursementDraft(fundID: "health", memberID: nil, beneficiary: "Amara Okonkwo", asset: "USD", amount: 1_000, purpose: "Oxygen")
        guard case .applied(let grant) = try await store.requestDisbursement(request, by: .system, idempotency: nil) else { throw FixtureFailure() }
        #expect(grant.beneficiary?.privateData?.name == "Amara Okonkwo")
        let approver = Principal(keyID: "key_00000000000000000000000000000001", name: "Approver", role: .approver)
        _ = try await store.takeDisbursementStep(grant.disbursement.id, .approve, reason: nil, by: approver, idempotency: nil)
        let erasedMember = try await store.erasePrivateData(of: member.member.id, by: .system)
        #expect(erasedMember.member.profile == nil)
        let erasedGrant = try await store.eraseBeneficiary(of: grant.disbursement.id, by: .system)
        #expect(erasedGrant.beneficiary?.privateData == nil)
        #expect(erasedGrant.beneficiary?.erasedAt != nil)
        return ledger
    }

    struct FixtureFailure: Error {}

    @Test func anErasedBookVerifies() async throws {
        let ledger = try await Self.erasedBook()
        let report = try await ledger.verify()
        #expect(report.transactions == 2)
    }

    @Test(arguments: [
        TestSQL.withoutTriggers(["members_are_immutable_update"])
            + "UPDATE members SET kind = 'community', country = 'SN', region = 'West Africa' WHERE visibility = 'anonymous';",
        TestSQL.withoutTriggers(["beneficiary_commitments_are_immutable_update"])
            + "UPDATE beneficiary_commitments SET commitment = \(TestSQL.zeroBytes(32));",
        TestSQL.withoutTriggers(["beneficiary_erasures_are_never_deleted"]) + "DELETE FROM beneficiary_erasures;",
    ])
    func tablesThatDisagreeWithTheLogAreFound(tamper: String) async throws {
        let ledger = try await Self.erasedBook()
        try ledger.shell(tamper)
        await #expect(throws: AuditFailure.self, "\(tamper) was not detected") { try await ledger.verify() }
    }
}
