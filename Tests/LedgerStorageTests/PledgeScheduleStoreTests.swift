// Goal: a recurring pledge's schedule is stored beside its instalments and compared with
// the log by `verify`: an edited schedule, or one removed, is caught. Both engines.
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct PledgeScheduleStoreTests {
    @Test(arguments: [
        #"UPDATE pledges SET schedule = '{"count":4,"every":"month","start":"2026-11-30"}';"#,
        #"UPDATE pledges SET schedule = '{"count":3,"every":"quarter","start":"2026-11-30"}';"#,
        "UPDATE pledges SET schedule = NULL;",
    ])
    func verifyCatchesAnEditedSchedule(_ sql: String) async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        let fund = try applied(await ledger.store.createFund(
            FundDraft(code: "strike", name: "Strike", assets: ["USD"]), by: .system, idempotency: nil))
        let member = try applied(await ledger.store.registerMember(
            MemberDraft(name: "Bakers", kind: "union", country: "AR", region: "South America", visibility: "public"),
            by: .system, idempotency: nil)).member.id
        let draft = PledgeDraft(
            memberID: member.rawValue, fundID: fund.id.rawValue, asset: "USD", amount: 30_000, dueDate: nil,
            date: "2026-11-01", schedule: ("month", "2026-11-30", 3, nil))
        let pledge = try applied(await ledger.store.makePledge(draft, by: .system, idempotency: nil)).pledge
        #expect(pledge.instalments.map(\.dueDate.description) == ["2026-11-30", "2026-12-30", "2027-01-30"])
        #expect(try ledger.scalar("SELECT schedule FROM pledges") == #"{"count":3,"every":"month","start":"2026-11-30"}"#)
        _ = try await ledger.verify()
        try ledger.shell(TestSQL.withoutTriggers(["pledges_are_immutable_update"]) + sql)
        await #expect(throws: AuditFailure.self, "\(sql) was not detected") { try await ledger.verify() }
    }
}
