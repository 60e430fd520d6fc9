// Goal: through the real router, the approval that completes a grant holds its amount in
// the fund's cash; balances show `held` and `available` beside `balance`; approved grants
// never together exceed the cash (also when two final approvals arrive at once for the
// last of it: one holds, the other is refused; a cash adjustment may not take held cash
// either); paying, cancelling and a hold's expiry release it.
//
// By hand, fund "water" with 5,000.00 USD of cash (two approvals above 1,000.00):
// grant A 3,000.00 approved → held 3,000.00, available 2,000.00; grant B 2,500.00 refused
// (2,000.00 available); A paid → cash 2,000.00, held 0; 1,000.00 more given → cash
// 3,000.00; B approved → held 2,500.00, available 500.00; B cancelled → available 3,000.00.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerTestSupport
import Testing

@Suite struct GrantHoldTests {
    struct Fixture {
        let member: String
        let treasurer: String
        let approvers: (String, String)
    }

    static func setUp(_ client: LedgerClient) async throws -> Fixture {
        #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#).status == .created)
        #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"water","name":"Water","assets":["USD"],"two_approvals_above":{"USD":100000}}"#).status == .created)
        let member = try #require(try await client.call(.post, "/v1/members", json: #"{"name":"Well Diggers","kind":"union","country":"ML","region":"West Africa","visibility":"public"}"#)["id"] as? String)
        try await give(client, member, 500_000)
        return Fixture(
            member: member, treasurer: try await client.token(for: "treasurer"),
            approvers: (try await client.token(for: "approver"), try await client.token(for: "approver")))
    }

    static func give(_ client: LedgerClient, _ member: String, _ amount: Int) async throws {
        #expect(try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"water","asset":"USD","amount":\#(amount),"date":"2026-11-20"}"#).status == .created)
    }

    static func grant(_ client: LedgerClient, _ fixture: Fixture, _ amount: Int) async throws -> String {
        let reply = try await client.call(.post, "/v1/disbursements", json: #"{"fund_id":"water","member_id":"\#(fixture.member)","asset":"USD","amount":\#(amount),"purpose":"Wells"}"#, as: .token(fixture.treasurer))
        return try #require(reply["id"] as? String)
    }

    /// The cash line: balance, held, available.
    static func cash(_ client: LedgerClient) async throws -> [Int?] {
        let line = ((try await client.call(.get, "/v1/accounts/assets:water:cash:usd/balances"))["balances"] as? [[String: Any]])?.first
        return ["balance", "held", "available"].map { line?[$0] as? Int }
    }

    @Test func approvedGrantsNeverTogetherExceedTheCash() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            #expect(try await Self.cash(client) == [500_000, 0, 500_000])
            let a = try await Self.grant(client, fixture, 300_000)
            _ = try await client.call(.post, "/v1/disbursements/\(a)/approve", as: .token(fixture.approvers.0))
            #expect(try await Self.cash(client) == [500_000, 0, 500_000])  // one approval of two: no hold yet
            let approved = try await client.call(.post, "/v1/disbursements/\(a)/approve", as: .token(fixture.approvers.1))
            #expect(approved["status"] as? String == "approved", "\(approved.text)")
            #expect(try await Self.cash(client) == [500_000, 300_000, 200_000])

            // Money out of the cash by other ways may not take what grants hold either.
            #expect(try await client.call(.post, "/v1/accounts", json: #"{"code":"expenses:bank-fees","type":"expense"}"#).status == .created)
            let fee = try await client.call(.post, "/v1/funds/water/cash-adjustments", json: #"{"asset":"USD","amount":250000,"counter_account":"expenses:bank-fees","date":"2026-11-25","reason":"Bank fee"}"#, as: .token(fixture.treasurer))
            let adjustment = try #require(fee["id"] as? String, "\(fee.text)")  // waits for an approver
            let posted = try await client.call(.post, "/v1/cash-adjustments/\(adjustment)/approve", as: .token(fixture.approvers.0))
            #expect(posted.code == "insufficient_available", "\(posted.text)")
            #expect(try await Self.cash(client) == [500_000, 300_000, 200_000])

            let b = try await Self.grant(client, fixture, 250_000)
            _ = try await client.call(.post, "/v1/disbursements/\(b)/approve", as: .token(fixture.approvers.0))
            let refused = try await client.call(.post, "/v1/disbursements/\(b)/approve", as: .token(fixture.approvers.1))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.code == "insufficient_available")
            #expect((refused["detail"] as? String)?.contains("has 200000 minor units of USD") == true, "\(refused.text)")

            #expect(try await client.call(.post, "/v1/disbursements/\(a)/pay", as: .token(fixture.treasurer))["status"] as? String == "paid")
            #expect(try await Self.cash(client) == [200_000, 0, 200_000])
            #expect(try await client.call(.post, "/v1/disbursements/\(b)/approve", as: .token(fixture.approvers.1)).code == "insufficient_available")
            try await Self.give(client, fixture.member, 100_000)
            #expect(try await client.call(.post, "/v1/disbursements/\(b)/approve", as: .token(fixture.approvers.1))["status"] as? String == "approved")
            #expect(try await Self.cash(client) == [300_000, 250_000, 50_000])
            #expect(try await client.call(.post, "/v1/disbursements/\(b)/cancel", as: .token(fixture.treasurer))["status"] as? String == "cancelled")
            #expect(try await Self.cash(client) == [300_000, 0, 300_000])
            // Only a fund's cash is held: other accounts have no held or available.
            let payable = try await client.call(.get, "/v1/accounts/liabilities:water:grants-payable:\(fixture.member)/balances")
            #expect(((payable["balances"] as? [[String: Any]])?.first?.keys.sorted()) == ["asset", "balance"])
        }
    }

    @Test func twoFinalApprovalsForTheLastOfTheCashArrivingTogether() async throws {
        try await TestServer().run { client in
            let fixture = try await Self.setUp(client)
            let first = try await Self.grant(client, fixture, 300_000)
            let second = try await Self.grant(client, fixture, 300_000)
            for grant in [first, second] {
                _ = try await client.call(.post, "/v1/disbursements/\(grant)/approve", as: .token(fixture.approvers.0))
            }
            async let one = try client.call(.post, "/v1/disbursements/\(first)/approve", as: .token(fixture.approvers.1))
            async let other = try client.call(.post, "/v1/disbursements/\(second)/approve", as: .token(fixture.approvers.1))
            let replies = try await [one, other]
            #expect(replies.map(\.status.code).sorted() == [200, 422], "\(replies.map(\.text))")
            #expect(replies.compactMap(\.code) == ["insufficient_available"])
            #expect(try await Self.cash(client) == [500_000, 300_000, 200_000])
        }
    }

    @Test func aHoldMayExpireAndOnlyTheCompletingApprovalSetsIt() async throws {
        let server = try TestServer()
        try await server.run { client in
            let fixture = try await Self.setUp(client)
            let grant = try await Self.grant(client, fixture, 400_000)
            let early = try await client.call(.post, "/v1/disbursements/\(grant)/approve", json: #"{"hold_expires_at":"2026-11-26T12:00:00.000000Z"}"#, as: .token(fixture.approvers.0))
            #expect(early.code == "validation_failed", "\(early.text)")
            _ = try await client.call(.post, "/v1/disbursements/\(grant)/approve", as: .token(fixture.approvers.0))
            let past = try await client.call(.post, "/v1/disbursements/\(grant)/approve", json: #"{"hold_expires_at":"2026-11-01T00:00:00.000000Z"}"#, as: .token(fixture.approvers.1))
            #expect(past.code == "validation_failed")
            let onPay = try await client.call(.post, "/v1/disbursements/\(grant)/pay", json: #"{"hold_expires_at":"2026-12-01T00:00:00.000000Z"}"#, as: .token(fixture.treasurer))
            #expect(onPay.code == "validation_failed")
            let approved = try await client.call(.post, "/v1/disbursements/\(grant)/approve", json: #"{"hold_expires_at":"2026-11-26T12:00:00.000000Z"}"#, as: .token(fixture.approvers.1))
            #expect(approved["status"] as? String == "approved", "\(approved.text)")
            #expect(try await Self.cash(client) == [500_000, 400_000, 100_000])
            // A day later the hold has expired: the cash is available again (the grant stays approved).
            server.clock.advance(microseconds: 86_400_000_000)
            #expect(try await Self.cash(client) == [500_000, 0, 500_000])
            let other = try await Self.grant(client, fixture, 50_000)
            #expect(try await client.call(.post, "/v1/disbursements/\(other)/approve", as: .token(fixture.approvers.0))["status"] as? String == "approved")
            #expect(try await Self.cash(client) == [500_000, 50_000, 450_000])
            #expect(try await client.call(.post, "/v1/disbursements/\(grant)/pay", as: .token(fixture.treasurer))["status"] as? String == "paid")
            #expect(try await Self.cash(client) == [100_000, 50_000, 50_000])
        }
    }
}
