// Goal: members and funds are recorded with one log entry each, in the same database
// transaction; private member data never enters the log (only its salted commitment),
// can be erased on request without breaking any proof, and a fund's standing accounts
// are opened with it — all of which the verifier checks.
import AuditLog
import Crypto
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite struct FundDomainStoreTests {
    static func register(_ ledger: TestLedger, _ name: String, visibility: String) async throws -> MemberView {
        let draft = MemberDraft(name: name, kind: "union", country: "KE", region: "East Africa", visibility: visibility, contact: .object(["email": .string("\(name.lowercased().prefix(4))@example.org")]))
        guard case .applied(let view) = try await ledger.store.registerMember(draft, by: .system, idempotency: nil) else {
            preconditionFailure("no idempotency key, no replay")
        }
        return view
    }

    static func logText(_ ledger: TestLedger) async throws -> String {
        let entries = try await ledger.store.logEntries(start: 0, end: nil, limit: 1000).entries
        return entries.map { String(decoding: $0.data, as: UTF8.self) }.joined(separator: "\n")
    }

    @Test func privateDataNeverEntersTheLogOnlyItsCommitment() async throws {
        let ledger = try await TestLedger()
        let named = try await Self.register(ledger, "Dockworkers Union of Mombasa", visibility: "public")
        let hidden = try await Self.register(ledger, "Secret Sisters Collective", visibility: "anonymous")
        let log = try await Self.logText(ledger)
        #expect(log.contains("Dockworkers Union of Mombasa"))      // public names are public
        #expect(!log.contains("Secret Sisters Collective"))         // anonymous names are not
        #expect(log.contains(hidden.member.pseudonym))
        #expect(!log.contains("@example.org"))                      // contact data never
        #expect(log.contains(Data(hidden.commitment).base64EncodedString()))
        #expect(named.privateData?.name == nil)
        #expect(hidden.privateData?.name == "Secret Sisters Collective")
        #expect(hidden.member.publicName == hidden.member.pseudonym)
    }

    @Test func erasureKeepsTheLogVerifiableAndTheCommitmentChecksOut() async throws {
        let ledger = try await TestLedger()
        let hidden = try await Self.register(ledger, "Secret Sisters Collective", visibility: "anonymous")
        let salt = try #require(try ledger.scalar("SELECT \(TestSQL.hex(ofBytes: "salt")) FROM member_private"))
        let saltBytes = stride(from: 0, to: salt.count, by: 2).map { UInt8(salt.dropFirst($0).prefix(2), radix: 16)! }
        // Whoever holds the data and its salt can prove it is what was committed to.
        let privateData = try #require(hidden.privateData)
        #expect(Array(SHA256.hash(data: saltBytes + privateData.canonicalBytes)) == hidden.commitment)

        let erased = try await ledger.store.erasePrivateData(of: hidden.member.id, by: .system)
        #expect(erased.privateData == nil)
        #expect(erased.erasedAt != nil)
        #expect(erased.member.name == nil)
        #expect(erased.commitment == hidden.commitment)
        #expect(try ledger.scalar("SELECT count(*) FROM member_private") == "0")
        await #expect(throws: Rejection.privateDataErased(member: hidden.member.id.rawValue)) {
            try await ledger.store.erasePrivateData(of: hidden.member.id, by: .system)
        }
        // Deleting private data without recording an erasure is refused by the file itself.
        let other = try await Self.register(ledger, "Another Group", visibility: "anonymous")
        #expect(throws: DatabaseShell.Failure.self) {
            try ledger.shell("DELETE FROM member_private WHERE member_id = '\(other.member.id.rawValue)'")
        }
        let report = try await ledger.verify()
        #expect(report.entries == 3)
    }

    @Test func aFundOpensItsChartAndTheVerifierChecksIt() async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2), ("KES", 2)], accounts: [])
        let draft = FundDraft(code: "climate", name: "Climate adaptation fund", assets: ["USD", "KES"], twoApprovalsAbove: ["USD": 1_000_000])
        guard case .applied(let fund) = try await ledger.store.createFund(draft, by: .system, idempotency: nil) else {
            Issue.record("fund creation must apply")
            return
        }
        let cash = try #require(await ledger.store.account(.code(AccountCode("assets:climate:cash:usd")!)))
        #expect(cash.constraint == .noNegative)
        #expect(cash.allowedAssets == [AssetCode("USD")!])
        #expect(try await ledger.store.account(.code(AccountCode("assets:climate:cash:kes")!)) != nil)
        #expect(try await ledger.store.account(.code(AccountCode("equity:climate:conversion")!))?.type == .equity)
        #expect(try await ledger.store.fund("climate") == fund)
        #expect(try await ledger.store.fund(fund.id.rawValue)?.twoApprovalsAbove[AssetCode("USD")!]?.minorUnits == 1_000_000)
        await #expect(throws: Rejection.fundExists(code: "climate")) {
            try await ledger.store.createFund(draft, by: .system, idempotency: nil)
        }
        await #expect(throws: Rejection.unknownAsset(code: "EUR")) {
            try await ledger.store.createFund(FundDraft(code: "health", name: "Health", assets: ["EUR"]), by: .system, idempotency: nil)
        }
        let report = try await ledger.verify()
        #expect(report.entries == 3) // 2 assets + the fund (its accounts are in the same entry)
    }

    @Test(arguments: [
        (MemberDraft(name: "", kind: "union", country: "KE", region: "East Africa", visibility: "public"), "name"),
        (MemberDraft(name: "A", kind: "club", country: "KE", region: "East Africa", visibility: "public"), "kind"),
        (MemberDraft(name: "A", kind: "union", country: "XX", region: "East Africa", visibility: "public"), "country"),
        (MemberDraft(name: "A", kind: "union", country: "KE", region: "East Africa", visibility: "secret"), "visibility"),
        (MemberDraft(name: "A", kind: "union", country: "KE", region: "", visibility: "public"), "region"),
    ])
    func invalidMembersAreRefusedNamingTheField(draft: MemberDraft, field: String) {
        let id = MemberID(bytes: Array(repeating: 1, count: 16))
        do {
            _ = try draft.validated(id: id, at: Timestamp(microsecondsSinceEpoch: 0))
            Issue.record("expected a rejection")
        } catch {
            guard case .invalidFields(let problems) = error else { Issue.record("\(error)"); return }
            #expect(problems.map(\.field) == [field])
        }
    }
}

@Suite struct PledgeStoreTests {
    @Test func aBookWithPledgesAndContributionsVerifiesAndEditsAreCaught() async throws {
        for tamper in [
            nil, TestSQL.withoutTriggers(["contributions_are_immutable_update"]) + "UPDATE contributions SET amount = amount + 1;",
            TestSQL.withoutTriggers(["pledges_are_immutable_update"]) + "UPDATE pledges SET due_date = '2027-06-30';",
        ] as [String?] {
            let ledger = try await TestLedger()
            try await ledger.seed(assets: [("USD", 2)], accounts: [])
            _ = try await ledger.store.createFund(FundDraft(code: "climate", name: "Climate", assets: ["USD"]), by: .system, idempotency: nil)
            let member = try await FundDomainStoreTests.register(ledger, "Dockworkers Union", visibility: "public")
            guard case .applied(let pledge) = try await ledger.store.makePledge(
                PledgeDraft(memberID: member.member.id.rawValue, fundID: "climate", asset: "USD", amount: 10_000, dueDate: "2026-12-31", date: "2026-11-01"),
                by: .system, idempotency: nil
            ) else { Issue.record("pledge must apply"); return }
            _ = try await ledger.store.recordContribution(
                ContributionDraft(memberID: member.member.id.rawValue, fundID: "climate", asset: "USD", amount: 4_000, date: "2026-11-10", pledgeID: pledge.pledge.id.rawValue),
                by: .system, idempotency: nil
            )
            let cancelled = try await ledger.store.cancelPledge(pledge.pledge.id, reason: "ran dry", by: .system, idempotency: nil)
            guard case .applied(let view) = cancelled else { Issue.record("cancel must apply"); return }
            #expect(view.status.state == .cancelled)
            #expect(view.status.paid == 4_000)
            #expect(view.status.writtenOff == 6_000)
            if let tamper {
                try ledger.shell(tamper)
                await #expect(throws: AuditFailure.self, "\(tamper) was not detected") { try await ledger.verify() }
            } else {
                let report = try await ledger.verify()
                #expect(report.transactions == 3)
            }
        }
    }
}

@Suite struct DisbursementStoreTests {
    @Test func aBookWithDisbursementsVerifies() async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        _ = try await ledger.store.createFund(FundDraft(code: "health", name: "Health", assets: ["USD"]), by: .system, idempotency: nil)
        let member = try await FundDomainStoreTests.register(ledger, "Clinic", visibility: "anonymous")
        let memberID = member.member.id.rawValue
        _ = try await ledger.store.recordContribution(ContributionDraft(memberID: memberID, fundID: "health", asset: "USD", amount: 10_000, date: "2026-11-20"), by: .system, idempotency: nil)
        let approver = Principal(keyID: "key_00000000000000000000000000000001", name: "Approver", role: .approver)
        for (amount, steps) in [(4_000, [DisbursementStep.Kind.approve, .pay]), (3_000, [.approve, .cancel]), (1_000, [.reject])] {
            guard case .applied(let view) = try await ledger.store.requestDisbursement(
                DisbursementDraft(fundID: "health", memberID: memberID, asset: "USD", amount: Int64(amount), purpose: "Medicines"), by: .system, idempotency: nil
            ) else { Issue.record("request must apply"); return }
            for step in steps {
                let by: Principal = step == .approve || step == .reject ? approver : .system
                _ = try await ledger.store.takeDisbursementStep(view.disbursement.id, step, reason: nil, by: by, idempotency: nil)
            }
        }
        let cash = try await ledger.store.balances(of: .code(AccountCode("assets:health:cash:usd")!), asOf: nil)
        #expect(cash?.balances.first?.balance.minorUnits == 6_000)
        let report = try await ledger.verify()
        // Contribution, approval, payment, approval, its reversal.
        #expect(report.transactions == 5)
    }
}

// Twelve months of the fund's steps: SQLite's pass only (minutes on PostgreSQL's round
// trips, issue 16); the same steps run on PostgreSQL in the suites above.
@Suite(.enabled(if: TestBackend.isSQLite)) struct DemoFundTests {
    @Test func theDemoBookBalancesAndVerifies() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("demo.sqlite")
        let clock = DemoFund.Clock()
        let store = try SQLiteLedgerStore(path: path, clock: clock, identifiers: SeededIdentifiers(seed: 3), signer: .test, logger: .init(label: "demo"))
        try store.migrate()
        var demo = DemoFund(store: store, clock: clock, seed: 2026)
        let summary = try await demo.run(months: 12, ending: LocalDate("2026-11-25")!)
        #expect(summary.members == 36)
        #expect(summary.pledges > 20)
        #expect(summary.contributions > 20)
        #expect(summary.disbursementsPaid > 0)
        let trial = try await store.trialBalance(asOf: nil)
        #expect(trial.isBalanced)
        #expect(trial.sections.count == 5)
        let overdue = try await store.pledges(filter: PledgeFilter(state: .overdue), page: PageRequest(limit: 1000, cursor: nil))
        let paid = try await store.pledges(filter: PledgeFilter(state: .paid), page: PageRequest(limit: 1000, cursor: nil))
        #expect(!paid.items.isEmpty)
        _ = overdue
        try store.close()
        let report = try LedgerVerifier(path: path, verifierKeys: [LogSigner.test.verifierKey]).verify()
        #expect(report.entries > 100)
    }
}
