// Goal: disbursements end to end through HTTP — one approval below the fund's
// threshold, two different approvers above it, the requester never approving, payment
// refused beyond the fund's cash, cancellation after approval reversing the expense —
// with ledger balances and log entries checked after every step (numbers by hand).
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct DisbursementLifecycleTests {
    struct Fixture {
        let member: String
        let treasurer: String
        let approver: String
        let secondApprover: String
    }

    /// Fund "health" in USD with two approvals above 1,000.00, 5,000.00 of cash from a
    /// contribution, one receiving member, and keys for each role.
    static func setUp(_ client: LedgerClient) async throws -> Fixture {
        #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#).status == .created)
        #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"health","name":"Emergency health","assets":["USD"],"two_approvals_above":{"USD":100000}}"#).status == .created)
        let member = try #require(try await client.call(.post, "/v1/members", json: #"{"name":"Clinic Cooperative","kind":"community","country":"HT","region":"Caribbean","visibility":"public"}"#)["id"] as? String)
        #expect(try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"health","asset":"USD","amount":500000,"date":"2026-11-20"}"#).status == .created)
        return Fixture(
            member: member, treasurer: try await client.token(for: "treasurer"),
            approver: try await client.token(for: "approver"), secondApprover: try await client.token(for: "approver")
        )
    }

    /// The newest log entry's kind and the role of the principal it names.
    static func lastEntry(_ client: LedgerClient) async throws -> (kind: String?, role: String?) {
        let checkpoint = try await client.call(.get, "/v1/log/checkpoint", as: .anonymous)
        let size = Int(checkpoint.text.split(separator: "\n")[1]) ?? 0
        let entries = try await client.call(.get, "/v1/log/entries?start=\(size - 1)", as: .anonymous)
        let data = ((entries["entries"] as? [[String: Any]])?.first?["data"] as? String).flatMap { Data(base64Encoded: $0) }
        let json = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (json?["kind"] as? String, (json?["principal"] as? [String: Any])?["role"] as? String)
    }

    static func balance(_ client: LedgerClient, _ account: String) async throws -> Int? {
        ((try await client.call(.get, "/v1/accounts/\(account)/balances"))["balances"] as? [[String: Any]])?.first?["balance"] as? Int
    }

    static func request(_ client: LedgerClient, _ fixture: Fixture, amount: Int, as caller: Caller) async throws -> String {
        let reply = try await client.call(.post, "/v1/disbursements", json: #"{"fund_id":"health","member_id":"\#(fixture.member)","asset":"USD","amount":\#(amount),"purpose":"Medicines after the hurricane"}"#, as: caller)
        #expect(reply.status == .created, "\(reply.text)")
        #expect(reply["status"] as? String == "requested")
        return try #require(reply["id"] as? String)
    }

    @Test func oneApprovalThenPayment() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let id = try await Self.request(client, fixture, amount: 80_000, as: .token(fixture.treasurer))
            #expect(try await Self.lastEntry(client) == ("disbursement.requested", "treasurer"))
            #expect(try await Self.balance(client, "expenses:health:grants:\(fixture.member)") == nil)
            let approved = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(fixture.approver))
            #expect(approved["status"] as? String == "approved", "\(approved.text)")
            #expect(try await Self.lastEntry(client) == ("disbursement.approved", "approver"))
            #expect(approved["approvals_needed"] as? Int == 1)
            // Expense when approved, liability until paid.
            #expect(try await Self.balance(client, "expenses:health:grants:\(fixture.member)") == 80_000)
            #expect(try await Self.balance(client, "liabilities:health:grants-payable:\(fixture.member)") == -80_000)
            #expect(try await client.call(.post, "/v1/disbursements/\(id)/pay", as: .token(fixture.approver)).status == .forbidden)
            let paid = try await client.call(.post, "/v1/disbursements/\(id)/pay", as: .token(fixture.treasurer))
            #expect(paid["status"] as? String == "paid")
            #expect(try await Self.lastEntry(client) == ("disbursement.paid", "treasurer"))
            #expect((paid["transaction_ids"] as? [String])?.count == 2)
            #expect(try await Self.balance(client, "liabilities:health:grants-payable:\(fixture.member)") == 0)
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 420_000)
            let steps = try #require(paid["steps"] as? [[String: Any]])
            #expect(steps.map { ($0["principal"] as? [String: Any])?["role"] as? String } == ["approver", "treasurer"])
            #expect(try await client.call(.post, "/v1/disbursements/\(id)/cancel", as: .token(fixture.treasurer)).code == "invalid_disbursement_state")
        }
    }

    @Test func aboveTheThresholdTwoDifferentApproversAndNeverTheRequester() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let id = try await Self.request(client, fixture, amount: 250_000, as: .admin)
            // The admin requested it: the admin may not approve it.
            let own = try await client.call(.post, "/v1/disbursements/\(id)/approve")
            #expect(own.code == "self_approval")
            let first = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(fixture.approver))
            #expect(first["status"] as? String == "requested")
            #expect(first["approvals"] as? Int == 1)
            #expect(first["approvals_needed"] as? Int == 2)
            #expect(try await Self.balance(client, "expenses:health:grants:\(fixture.member)") == nil)
            #expect(try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(fixture.approver)).code == "already_approved")
            let second = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(fixture.secondApprover))
            #expect(second["status"] as? String == "approved")
            #expect(try await Self.balance(client, "expenses:health:grants:\(fixture.member)") == 250_000)
        }
    }

    @Test func aNamedBeneficiaryOutsideTheMembership() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let reply = try await client.call(.post, "/v1/disbursements", json: #"{"fund_id":"health","beneficiary":"Port-au-Prince field hospital","asset":"USD","amount":20000,"purpose":"Oxygen"}"#, as: .token(fixture.treasurer))
            #expect(reply.status == .created, "\(reply.text)")
            #expect(reply["member_id"] == nil)
            let id = try #require(reply["id"] as? String)
            // The name is private data: the response (kept for replays) shows its label;
            // MemberPrivacyTests checks who sees the name.
            #expect(reply["beneficiary"] as? String == "Beneficiary " + id.dropFirst(4).prefix(8))
            _ = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(fixture.approver))
            _ = try await client.call(.post, "/v1/disbursements/\(id)/pay", as: .token(fixture.treasurer))
            #expect(try await Self.balance(client, "expenses:health:grants:beneficiaries") == 20_000)
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 480_000)
            let both = try await client.call(.post, "/v1/disbursements", json: #"{"fund_id":"health","member_id":"\#(fixture.member)","beneficiary":"x","asset":"USD","amount":1,"purpose":"x"}"#, as: .token(fixture.treasurer))
            #expect(both.code == "validation_failed")
            let neither = try await client.call(.post, "/v1/disbursements", json: #"{"fund_id":"health","asset":"USD","amount":1,"purpose":"x"}"#, as: .token(fixture.treasurer))
            #expect(neither.code == "validation_failed")
        }
    }

    @Test func anApprovalBeyondAvailableCashIsRefusedAndCancellationReversesTheApproval() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            // 6,000.00 asked of 5,000.00 in cash: the approval that would hold it is refused.
            let beyondCash = try await Self.request(client, fixture, amount: 600_000, as: .token(fixture.treasurer))
            _ = try await client.call(.post, "/v1/disbursements/\(beyondCash)/approve", as: .token(fixture.approver))
            let beyond = try await client.call(.post, "/v1/disbursements/\(beyondCash)/approve", as: .token(fixture.secondApprover))
            #expect(beyond.status == .unprocessableContent)
            #expect(beyond.code == "insufficient_available")
            #expect(try await Self.balance(client, "assets:health:cash:usd") == 500_000)
            let big = try await Self.request(client, fixture, amount: 400_000, as: .token(fixture.treasurer))
            _ = try await client.call(.post, "/v1/disbursements/\(big)/approve", as: .token(fixture.approver))
            _ = try await client.call(.post, "/v1/disbursements/\(big)/approve", as: .token(fixture.secondApprover))

            let cancelled = try await client.call(.post, "/v1/disbursements/\(big)/cancel", json: #"{"reason":"Replaced by a smaller grant"}"#, as: .token(fixture.treasurer))
            #expect(cancelled["status"] as? String == "cancelled", "\(cancelled.text)")
            #expect(try await Self.lastEntry(client) == ("disbursement.cancelled", "treasurer"))
            #expect(try await Self.balance(client, "expenses:health:grants:\(fixture.member)") == 0)
            #expect(try await Self.balance(client, "liabilities:health:grants-payable:\(fixture.member)") == 0)
            let reversalID = try #require((cancelled["transaction_ids"] as? [String])?.last)
            #expect(try await client.call(.get, "/v1/transactions/\(reversalID)")["reverses"] as? String != nil)
            // Reversing that reversal through the raw ledger would re-book the grant: refused.
            #expect(try await client.call(.post, "/v1/transactions/\(reversalID)/reverse").code == "managed_by_fund")

            let other = try await Self.request(client, fixture, amount: 1_000, as: .token(fixture.treasurer))
            let rejected = try await client.call(.post, "/v1/disbursements/\(other)/reject", json: #"{"reason":"Outside the fund's purpose"}"#, as: .token(fixture.approver))
            #expect(rejected["status"] as? String == "rejected")
            #expect(try await Self.lastEntry(client) == ("disbursement.rejected", "approver"))
            #expect(try await client.call(.post, "/v1/disbursements/\(other)/approve", as: .token(fixture.secondApprover)).code == "invalid_disbursement_state")
            #expect(try await client.call(.get, "/v1/trial-balance")["is_balanced"] as? Bool == true)
            let rejectedList = try await client.call(.get, "/v1/disbursements?status=rejected&fund_id=health")
            #expect((rejectedList["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [other])
            let badStatus = try await client.call(.get, "/v1/disbursements?status=sideways")
            #expect(badStatus.code == "invalid_parameter")
            #expect(badStatus["detail"] as? String == "status: must be requested, approved, paid, rejected or cancelled")
            #expect((try await client.call(.get, "/v1/disbursements?from=2026-11-26")["items"] as? [Any])?.isEmpty == true)
            #expect((try await client.call(.get, "/v1/disbursements?from=2026-11-25&to=2026-11-25")["items"] as? [Any])?.count == 3)
        }
    }
}
