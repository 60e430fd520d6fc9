// Goal: one key cannot move a fund's cash without the fund's approvals. The reviewer's
// attack — a treasurer's raw transaction taking a fund's cash to its conversion account,
// to another fund's cash, or to an account outside every fund, alone, in a batch or in
// an import — is refused with nothing moved, as is a raw reversal that would take money
// out; money still comes in raw (interest). Money leaves through a cash adjustment: up
// to the fund's limit it posts at once; above it an approver who is not the requester
// approves or rejects it; never beyond the cash. Balances are written by hand.
import Foundation
import FundCore
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing
import WireContract

@Suite struct CashAdjustmentTests {
    struct Fixture {
        let treasurer: String
        let approver: String
        let auditor: String
    }

    /// Fund "health" (USD, EUR; adjustments up to 20.00 USD post at once) with 5,000.00
    /// USD of cash, fund "water" (USD) with 1,000.00, and two accounts outside every fund.
    static func setUp(_ client: LedgerClient) async throws -> Fixture {
        for asset in [#"{"code":"USD","scale":2}"#, #"{"code":"EUR","scale":2}"#] {
            #expect(try await client.call(.post, "/v1/assets", json: asset).status == .created)
        }
        let health = try await client.call(.post, "/v1/funds", json: #"{"code":"health","name":"Emergency health","assets":["USD","EUR"],"cash_adjustment_approval_above":{"USD":2000}}"#)
        #expect(health.status == .created, "\(health.text)")
        #expect(health["cash_adjustment_approval_above"] as? [String: Int] == ["USD": 2_000])
        #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"water","name":"Clean water","assets":["USD"]}"#).status == .created)
        for account in [#"{"code":"expenses:bank-fees","type":"expense"}"#, #"{"code":"income:interest","type":"income"}"#] {
            #expect(try await client.call(.post, "/v1/accounts", json: account).status == .created)
        }
        let member = try #require(try await client.call(.post, "/v1/members", json: #"{"name":"Clinic Cooperative","kind":"community","country":"HT","region":"Caribbean","visibility":"public"}"#)["id"] as? String)
        for (fund, amount) in [("health", 500_000), ("water", 100_000)] {
            let gift = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"\#(fund)","asset":"USD","amount":\#(amount),"date":"2026-11-20"}"#)
            #expect(gift.status == .created, "\(gift.text)")
        }
        return Fixture(
            treasurer: try await client.token(for: "treasurer"), approver: try await client.token(for: "approver"),
            auditor: try await client.token(for: "auditor")
        )
    }

    static func balance(_ client: LedgerClient, _ account: String) async throws -> Int? {
        ((try await client.call(.get, "/v1/accounts/\(account)/balances"))["balances"] as? [[String: Any]])?.first?["balance"] as? Int
    }

    /// A raw USD transaction of two postings: `amount` into `to`, out of `from`.
    static func move(_ amount: Int, from: String, to: String) -> String {
        #"{"date":"2026-11-21","description":"Move","postings":[{"account":"\#(to)","asset":"USD","amount":\#(amount)},{"account":"\#(from)","asset":"USD","amount":-\#(amount)}]}"#
    }

    static let attacks = [
        move(500_000, from: "assets:health:cash:usd", to: "equity:health:conversion"),
        move(100_000, from: "assets:health:cash:usd", to: "assets:water:cash:usd"),
        move(100_000, from: "assets:health:cash:usd", to: "expenses:bank-fees"),
        // The conversion account takes no raw posting either way.
        move(100, from: "income:interest", to: "equity:health:conversion"),
    ]

    static func request(_ client: LedgerClient, amount: Int, as caller: Caller, counter: String = "expenses:bank-fees") async throws -> Reply {
        try await client.call(.post, "/v1/funds/health/cash-adjustments", json: #"{"asset":"USD","amount":\#(amount),"counter_account":"\#(counter)","date":"2026-11-30","reason":"Bank fee"}"#, as: caller)
    }

    @Test func aTreasurersRawTransactionCannotTakeAFundsCashAloneOrInABatch() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            for attack in Self.attacks {
                let refused = try await client.call(.post, "/v1/transactions", json: attack, as: .token(fixture.treasurer))
                #expect(refused.status == .unprocessableContent, "\(refused.text)")
                #expect(refused.code == "fund_account")
            }
            let batch = try await client.call(.post, "/v1/transactions/batch", json: #"{"transactions":[\#(Self.attacks.joined(separator: ","))]}"#, as: .token(fixture.treasurer))
            let codes = (batch["results"] as? [[String: Any]])?.map { ($0["problem"] as? [String: Any])?["code"] as? String }
            #expect(codes == ["fund_account", "fund_account", "fund_account", "fund_account"], "\(batch.text)")
            let atomic = try await client.call(.post, "/v1/transactions/batch", json: #"{"atomic":true,"transactions":[\#(Self.attacks[0])]}"#, as: .token(fixture.treasurer))
            #expect(atomic.code == "fund_account", "\(atomic.text)")
            // Nothing moved.
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_000)
            #expect(try await Self.balance(client, "assets:water:cash:usd") == 100_000)
            #expect(try await Self.balance(client, "equity:health:conversion") == nil)
            #expect(try await Self.balance(client, "expenses:bank-fees") == nil)
        }
    }

    @Test func moneyStillComesInRawButItsReversalCannotTakeItOut() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let interest = try await client.call(.post, "/v1/transactions", json: Self.move(300, from: "income:interest", to: "assets:health:cash:usd"), as: .token(fixture.treasurer))
            #expect(interest.status == .created, "\(interest.text)")
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_300)
            let id = try #require(interest["id"] as? String)
            let reversal = try await client.call(.post, "/v1/transactions/\(id)/reverse", json: "{}", as: .token(fixture.treasurer))
            #expect(reversal.code == "fund_account", "\(reversal.text)")
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_300)
        }
    }

    @Test func anAdjustmentUpToTheLimitPostsAtOnce() async throws {
        let server = try TestServer()
        try await server.run { client in
            let fixture = try await Self.setUp(client)
            let fee = try await Self.request(client, amount: 2_000, as: .token(fixture.treasurer))
            #expect(fee.status == .created, "\(fee.text)")
            #expect(fee["status"] as? String == "posted")
            #expect(fee["needs_approval"] as? Bool == false)
            #expect((fee["transaction_ids"] as? [String])?.count == 1)
            #expect(try await DisbursementLifecycleTests.lastEntry(client) == ("cash_adjustment.requested", "treasurer"))
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 498_000)
            #expect(try await Self.balance(client, "expenses:bank-fees") == 2_000)
            // Its transaction is the fund's: no raw reversal.
            let transaction = try #require((fee["transaction_ids"] as? [String])?.first)
            #expect(try await client.call(.post, "/v1/transactions/\(transaction)/reverse", json: "{}", as: .token(fixture.treasurer)).code == "managed_by_fund")
            let id = try #require(fee["id"] as? String)
            #expect(try await client.call(.post, "/v1/cash-adjustments/\(id)/approve", as: .token(fixture.approver)).code == "invalid_cash_adjustment_state")
            // The limit is a daily allowance: the day's 20.00 is used, so even 0.01 more waits.
            let cent = try await Self.request(client, amount: 1, as: .token(fixture.treasurer))
            #expect(cent["status"] as? String == "requested", "\(cent.text)")
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 498_000)
            // The next day the allowance is whole again.
            server.clock.advance(microseconds: 86_400_000_000)
            #expect(try await Self.request(client, amount: 2_000, as: .token(fixture.treasurer))["status"] as? String == "posted")
        }
    }

    @Test func aboveTheLimitAnotherPrincipalApprovesNeverTheRequester() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let waiting = try await Self.request(client, amount: 250_000, as: .admin)
            #expect(waiting["status"] as? String == "requested", "\(waiting.text)")
            #expect(waiting["needs_approval"] as? Bool == true)
            let id = try #require(waiting["id"] as? String)
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_000)
            // The requester (an admin, who may approve) cannot approve its own request;
            // a treasurer or an auditor may not approve at all.
            let own = try await client.call(.post, "/v1/cash-adjustments/\(id)/approve", as: .admin)
            #expect(own.code == "self_approval", "\(own.text)")
            #expect(try await client.call(.post, "/v1/cash-adjustments/\(id)/approve", as: .token(fixture.treasurer)).status == .forbidden)
            #expect(try await client.call(.post, "/v1/cash-adjustments/\(id)/approve", as: .token(fixture.auditor)).status == .forbidden)
            #expect(try await client.call(.post, "/v1/funds/health/cash-adjustments", json: "{}", as: .token(fixture.approver)).status == .forbidden)
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_000)
            let approved = try await client.call(.post, "/v1/cash-adjustments/\(id)/approve", json: #"{"reason":"Matches the statement"}"#, as: .token(fixture.approver))
            #expect(approved["status"] as? String == "posted", "\(approved.text)")
            #expect(try await DisbursementLifecycleTests.lastEntry(client) == ("cash_adjustment.approved", "approver"))
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 250_000)
            #expect(try await Self.balance(client, "expenses:bank-fees") == 250_000)
            #expect(try await client.call(.post, "/v1/cash-adjustments/\(id)/reject", as: .token(fixture.approver)).code == "invalid_cash_adjustment_state")
            let listed = try await client.call(.get, "/v1/cash-adjustments?fund_id=health&status=posted", as: .token(fixture.auditor))
            #expect((listed["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        }
    }

    @Test func aRejectedAdjustmentMovesNothingAndNoneGoesBeyondTheCash() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let rejected = try #require(try await Self.request(client, amount: 30_000, as: .token(fixture.treasurer))["id"] as? String)
            let reply = try await client.call(.post, "/v1/cash-adjustments/\(rejected)/reject", as: .token(fixture.approver))
            #expect(reply["status"] as? String == "rejected", "\(reply.text)")
            #expect(try await DisbursementLifecycleTests.lastEntry(client) == ("cash_adjustment.rejected", "approver"))
            #expect(try await client.call(.post, "/v1/cash-adjustments/\(rejected)/approve", as: .token(fixture.approver)).code == "invalid_cash_adjustment_state")
            // More than the fund holds: the approval is refused and the request still waits.
            let tooMuch = try #require(try await Self.request(client, amount: 500_001, as: .token(fixture.treasurer))["id"] as? String)
            #expect(try await client.call(.post, "/v1/cash-adjustments/\(tooMuch)/approve", as: .token(fixture.approver)).code == "balance_constraint_violated")
            #expect(try await client.call(.get, "/v1/cash-adjustments/\(tooMuch)")["status"] as? String == "requested")
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_000)
            #expect(try await Self.balance(client, "expenses:bank-fees") == nil)
        }
    }

    @Test func theCounterAccountMustExistOutsideEveryFund() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let toFund = try await Self.request(client, amount: 100, as: .token(fixture.treasurer), counter: "assets:water:cash:usd")
            #expect(toFund.code == "fund_account", "\(toFund.text)")
            let toConversion = try await Self.request(client, amount: 100, as: .token(fixture.treasurer), counter: "equity:health:conversion")
            #expect(toConversion.code == "fund_account")
            let unknown = try await Self.request(client, amount: 100, as: .token(fixture.treasurer), counter: "expenses:nowhere")
            #expect(unknown.code == "unknown_reference")
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_000)
            #expect(try await Self.balance(client, "assets:water:cash:usd") == 100_000)
        }
    }

    @Test func anImportCannotTakeAFundsCashEither() async throws {
        let ledger = try await TestLedger(backend: .sqlite)
        try await ledger.seed(assets: [("USD", 2)], accounts: [("expenses:bank-fees", "expense", nil)])
        let store = ledger.store
        guard case .applied(let fund) = try await store.createFund(FundDraft(code: "health", name: "Health", assets: ["USD"]), by: .system, idempotency: nil),
              case .applied(let member) = try await store.registerMember(MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "public"), by: .system, idempotency: nil)
        else { preconditionFailure("no idempotency key, no replay") }
        _ = try await store.recordContribution(ContributionDraft(memberID: member.member.id.rawValue, fundID: fund.id.rawValue, asset: "USD", amount: 500_000, date: "2026-11-20"), by: .system, idempotency: nil)
        let path = ledger.directory.path("import.jsonl")
        try Data([Self.attacks[0], Self.attacks[2]].joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let importer = TransactionImport(store: try ledger.sqliteStore(), limits: .standard, principal: Principal(keyID: nil, name: "import", role: nil), batchSize: 10)
        let summary = try await importer.run(path: path)
        #expect(summary.imported == 0)
        #expect(summary.rejections.map(\.line) == [1, 2])
        #expect(summary.rejections.allSatisfy { $0.reason.hasPrefix("fund_account") }, "\(summary.rejections)")
        #expect(try await store.balances(of: .code(fund.chart.cash(AssetCode("USD")!)), asOf: nil)?.balances.first?.balance.minorUnits == 500_000)
    }
}
