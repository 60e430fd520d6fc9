// Goal: the pledge life cycles end to end through HTTP — pledge → partial payments →
// paid; overdue; cancellation of the unpaid rest; over-payment refused (or split on
// request); unpledged contributions — with the ledger balances and the log checked
// after every step (numbers below computed by hand).
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerTestSupport
import Testing

@Suite struct PledgeLifecycleTests {
    /// A fund "climate" in USD, one public member; returns the member id.
    static func setUp(_ client: LedgerClient) async throws -> String {
        #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#).status == .created)
        #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"climate","name":"Climate adaptation","assets":["USD"]}"#).status == .created)
        let member = try await client.call(.post, "/v1/members", json: #"{"name":"Dockworkers Union","kind":"union","country":"KE","region":"East Africa","visibility":"public"}"#)
        return try #require(member["id"] as? String)
    }

    static func balance(_ client: LedgerClient, _ account: String) async throws -> Int? {
        let reply = try await client.call(.get, "/v1/accounts/\(account)/balances")
        return (reply["balances"] as? [[String: Any]])?.first?["balance"] as? Int
    }

    static func lastEntryKind(_ client: LedgerClient) async throws -> String? {
        let checkpoint = try await client.call(.get, "/v1/log/checkpoint", as: .anonymous)
        let size = Int(checkpoint.text.split(separator: "\n")[1]) ?? 0
        let entries = try await client.call(.get, "/v1/log/entries?start=\(size - 1)", as: .anonymous)
        let data = ((entries["entries"] as? [[String: Any]])?.first?["data"] as? String).flatMap { Data(base64Encoded: $0) }
        let json = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return json?["kind"] as? String
    }

    @Test func pledgePartialPaymentsThenPaid() async throws {
        try await TestServer().run { client in
            let member = try await Self.setUp(client)
            let receivableRoot = "assets:climate:pledges:\(member)"
            let pledge = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":100000,"date":"2026-11-01","due_date":"2026-12-31"}"#)
            #expect(pledge.status == .created, "\(pledge.text)")
            let id = try #require(pledge["id"] as? String)
            #expect(pledge["status"] as? String == "open")
            #expect(pledge["outstanding"] as? Int == 100_000)
            #expect(try await Self.lastEntryKind(client) == "pledge.made")
            // Income when pledged (non-profit practice): receivable against contribution income.
            #expect(try await Self.balance(client, "\(receivableRoot):\(id)") == 100_000)
            #expect(try await Self.balance(client, "income:climate:contributions:\(member)") == -100_000)

            let first = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":30000,"date":"2026-11-20","pledge_id":"\#(id)"}"#)
            #expect(first.status == .created, "\(first.text)")
            #expect(first["applied_to_pledge"] as? Int == 30_000)
            #expect(try await Self.lastEntryKind(client) == "contribution.received")
            var state = try await client.call(.get, "/v1/pledges/\(id)")
            #expect(state["status"] as? String == "partly_paid")
            #expect(state["paid"] as? Int == 30_000)
            #expect(state["outstanding"] as? Int == 70_000)
            #expect(try await Self.balance(client, "assets:climate:cash:usd") == 30_000)
            #expect(try await Self.balance(client, "\(receivableRoot):\(id)") == 70_000)
            // Income is not counted twice: the payment moved receivable to cash.
            #expect(try await Self.balance(client, "income:climate:contributions:\(member)") == -100_000)

            _ = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":70000,"date":"2026-11-21","pledge_id":"\#(id)"}"#)
            #expect(try await Self.lastEntryKind(client) == "contribution.received")
            state = try await client.call(.get, "/v1/pledges/\(id)")
            #expect(state["status"] as? String == "paid")
            #expect(state["outstanding"] as? Int == 0)
            #expect((state["transaction_ids"] as? [String])?.count == 3)
            #expect(try await Self.balance(client, "assets:climate:cash:usd") == 100_000)
            let trial = try await client.call(.get, "/v1/trial-balance")
            #expect(trial["is_balanced"] as? Bool == true)
        }
    }

    @Test func rawTransactionsCannotSettleAPledgeBehindTheFundsBack() async throws {
        try await TestServer().run { client in
            let member = try await Self.setUp(client)
            let pledge = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":50000,"date":"2026-11-01","due_date":"2026-12-31"}"#)
            let id = try #require(pledge["id"] as? String)
            let receivable = "assets:climate:pledges:\(member):\(id)"
            #expect(try await client.call(.post, "/v1/accounts", json: #"{"code":"assets:bank:usd","type":"asset"}"#).status == .created)
            // A look-alike opened by hand is not the fund's: raw postings may use it.
            #expect(try await client.call(.post, "/v1/accounts", json: #"{"code":"income:climate:contributions:elsewhere","type":"income"}"#).status == .created)
            let crediting = #"{"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":50000},{"account":"\#(receivable)","asset":"USD","amount":-50000}]}"#
            let refused = try await client.call(.post, "/v1/transactions", json: crediting)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.code == "fund_account")
            let batch = try await client.call(.post, "/v1/transactions/batch", json: #"{"transactions":[\#(crediting)]}"#)
            let item = (batch["results"] as? [[String: Any]])?.first
            #expect((item?["problem"] as? [String: Any])?["code"] as? String == "fund_account", "\(batch.text)")
            // Nothing moved: the pledge is still open and its receivable whole.
            #expect(try await client.call(.get, "/v1/pledges/\(id)")["status"] as? String == "open")
            #expect(try await Self.balance(client, receivable) == 50_000)
            // Raw money may come into the fund's cash but not leave it (a bank fee is a cash
            // adjustment, with its own approvals: CashAdjustmentTests); the look-alike,
            // which no fund opened, takes raw postings.
            _ = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":10000,"date":"2026-11-20","pledge_id":"\#(id)"}"#)
            let fee = try await client.call(.post, "/v1/transactions", json: #"{"date":"2026-11-21","postings":[{"account":"assets:bank:usd","asset":"USD","amount":300},{"account":"assets:climate:cash:usd","asset":"USD","amount":-300}]}"#)
            #expect(fee.code == "fund_account", "\(fee.text)")
            #expect(try await Self.balance(client, "assets:climate:cash:usd") == 10_000)
            let lookAlike = try await client.call(.post, "/v1/transactions", json: #"{"date":"2026-11-21","postings":[{"account":"assets:bank:usd","asset":"USD","amount":100},{"account":"income:climate:contributions:elsewhere","asset":"USD","amount":-100}]}"#)
            #expect(lookAlike.status == .created, "\(lookAlike.text)")
        }
    }

    @Test func overpaymentIsRefusedUnlessSplit() async throws {
        try await TestServer().run { client in
            let member = try await Self.setUp(client)
            let pledge = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":5000,"date":"2026-11-01","due_date":"2026-12-31"}"#)
            let id = try #require(pledge["id"] as? String)
            let over = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":8000,"date":"2026-11-20","pledge_id":"\#(id)"}"#)
            #expect(over.status == .unprocessableContent)
            #expect(over.code == "overpayment")
            #expect(try await Self.lastEntryKind(client) == "pledge.made") // the refusal wrote nothing
            #expect(try await Self.balance(client, "assets:climate:cash:usd") == nil)
            let split = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":8000,"date":"2026-11-20","pledge_id":"\#(id)","split_excess":true}"#)
            #expect(split.status == .created)
            #expect(split["applied_to_pledge"] as? Int == 5_000)
            #expect(try await Self.lastEntryKind(client) == "contribution.received")
            // 5,000 pledged income + 3,000 unpledged income, 8,000 cash.
            #expect(try await Self.balance(client, "income:climate:contributions:\(member)") == -8_000)
            #expect(try await Self.balance(client, "assets:climate:cash:usd") == 8_000)
            #expect(try await client.call(.get, "/v1/pledges/\(id)")["status"] as? String == "paid")
            // An unpledged contribution goes straight to income.
            let plain = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":1200,"date":"2026-11-22"}"#)
            #expect(plain.status == .created)
            let listed = try await client.call(.get, "/v1/contributions?fund_id=climate&from=2026-11-21")
            #expect((listed["items"] as? [[String: Any]])?.map { $0["amount"] as? Int } == [1200])
            let byPledge = try await client.call(.get, "/v1/contributions?pledge_id=\(id)")
            #expect((byPledge["items"] as? [Any])?.count == 1)
            #expect(try await Self.balance(client, "income:climate:contributions:\(member)") == -9_200)
        }
    }

    @Test func overdueThenCancelledWithAReason() async throws {
        let server = try TestServer()
        try await server.run { client in
            let member = try await Self.setUp(client)
            let pledge = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":60000,"due_date":"2026-12-31","instalments":[{"due_date":"2026-11-30","amount":20000},{"due_date":"2026-12-15","amount":20000},{"due_date":"2026-12-31","amount":20000}]}"#)
            #expect(pledge.status == .created, "\(pledge.text)")
            let id = try #require(pledge["id"] as? String)
            #expect(pledge["status"] as? String == "open")
            _ = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":20000,"date":"2026-11-28","pledge_id":"\#(id)"}"#)
            #expect(try await Self.lastEntryKind(client) == "contribution.received")
            // 2026-12-16: 40,000 was due, 20,000 paid → overdue.
            server.clock.advance(microseconds: 21 * 86_400_000_000)
            let overdue = try await client.call(.get, "/v1/pledges/\(id)")
            #expect(overdue["status"] as? String == "overdue")
            #expect((try await client.call(.get, "/v1/pledges?from=2026-11-26")["items"] as? [Any])?.isEmpty == true)
            let badStatus = try await client.call(.get, "/v1/pledges?status=late")
            #expect(badStatus.code == "invalid_parameter")
            #expect(badStatus["detail"] as? String == "status: must be open, partly_paid, paid, overdue or cancelled")
            let list = try await client.call(.get, "/v1/pledges?status=overdue&member_id=\(member)&to=2026-11-30")
            #expect((list["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

            let longReason = "The union's strike fund ran dry. " + String(repeating: "x", count: 960)
            let cancelled = try await client.call(.post, "/v1/pledges/\(id)/cancel", json: #"{"reason":"\#(longReason)"}"#)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled["status"] as? String == "cancelled")
            #expect(cancelled["written_off"] as? Int == 40_000)
            #expect(cancelled["outstanding"] as? Int == 0)
            #expect(cancelled["cancellation_reason"] as? String == longReason)
            #expect(try await Self.lastEntryKind(client) == "pledge.cancelled")
            // The write-off takes the unpaid income back: 60,000 pledged − 40,000 = 20,000.
            #expect(try await Self.balance(client, "income:climate:contributions:\(member)") == -20_000)
            #expect(try await Self.balance(client, "assets:climate:pledges:\(member):\(id)") == 0)
            let again = try await client.call(.post, "/v1/pledges/\(id)/cancel", json: #"{"reason":"twice"}"#)
            #expect(again.code == "nothing_outstanding")
            // The pledge's transactions are corrected through the pledge, not the raw ledger.
            let pledgeTransaction = try #require((cancelled["transaction_ids"] as? [String])?.first)
            let raw = try await client.call(.post, "/v1/transactions/\(pledgeTransaction)/reverse")
            #expect(raw.status == .conflict)
            #expect(raw.code == "managed_by_fund")
        }
    }

    @Test func mismatchedOrUnknownReferencesAre422() async throws {
        try await TestServer().run { client in
            let member = try await Self.setUp(client)
            let unknownMember = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"mem_00000000000000000000000000000000","fund_id":"climate","asset":"USD","amount":1,"due_date":"2026-12-31"}"#)
            #expect(unknownMember.code == "unknown_reference")
            let wrongAsset = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"EUR","amount":1,"date":"2026-12-01"}"#)
            #expect(wrongAsset.code == "asset_not_in_fund")
            let badSplit = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":100,"due_date":"2026-12-31","instalments":[{"due_date":"2026-12-31","amount":60}]}"#)
            #expect(badSplit.code == "validation_failed")
            let pledge = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":100,"due_date":"2026-12-31"}"#)
            let id = try #require(pledge["id"] as? String)
            let early = try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"climate","asset":"USD","amount":100,"date":"2026-11-01","pledge_id":"\#(id)"}"#)
            #expect(early.code == "pledge_mismatch")
        }
    }
}
