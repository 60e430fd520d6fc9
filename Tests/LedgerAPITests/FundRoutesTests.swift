// Goal: members and funds through the real router — private member data is shown only
// to admins and auditors, anonymous members appear by pseudonym to everyone else,
// erasure answers with the data gone, and a fund answers with its standing accounts.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct FundRoutesTests {
    static let anonymousMember = #"{"name":"Secret Sisters Collective","kind":"movement","country":"PH","region":"South-East Asia","visibility":"anonymous","contact":{"email":"hello@example.org"}}"#

    @Test func privateDataIsShownOnlyToAdminsAndAuditors() async throws {
        try await TestServer().run { client in
            let treasurer = try await client.token(for: "treasurer")
            let auditor = try await client.token(for: "auditor")
            let created = try await client.call(.post, "/v1/members", json: Self.anonymousMember, as: .token(treasurer))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["id"] as? String)
            let pseudonym = try #require(created["pseudonym"] as? String)
            #expect(pseudonym == "Member " + id.dropFirst(4).prefix(8))
            // The 201 (kept for idempotent replays) shows only what the public may see.
            #expect(created["name"] as? String == pseudonym)
            #expect(created["contact"] == nil)

            let asTreasurer = try await client.call(.get, "/v1/members/\(id)", as: .token(treasurer))
            #expect(asTreasurer["name"] as? String == pseudonym)
            #expect(asTreasurer["contact"] == nil)
            let asAuditor = try await client.call(.get, "/v1/members/\(id)", as: .token(auditor))
            #expect(asAuditor["name"] as? String == "Secret Sisters Collective")
            #expect((asAuditor["contact"] as? [String: Any])?["email"] as? String == "hello@example.org")
            #expect(try await client.call(.get, "/v1/members/\(id)", as: .anonymous).status == .unauthorized)

            // Erasure is an admin's act; afterwards even auditors see only the pseudonym.
            #expect(try await client.call(.delete, "/v1/members/\(id)/private-data", as: .token(treasurer)).status == .forbidden)
            let erased = try await client.call(.delete, "/v1/members/\(id)/private-data")
            #expect(erased.status == .ok)
            #expect(erased["private_data_erased_at"] as? String != nil)
            #expect(erased["contact"] == nil)
            let after = try await client.call(.get, "/v1/members/\(id)", as: .token(auditor))
            #expect(after["name"] as? String == pseudonym)
            #expect(after["private_data_commitment"] as? String == created["private_data_commitment"] as? String)
            #expect(try await client.call(.delete, "/v1/members/\(id)/private-data").code == "private_data_erased")

            // The log shows the pseudonym and the commitment, never the name or the contact.
            let entries = try await client.call(.get, "/v1/log/entries", as: .anonymous)
            let text = (entries["entries"] as? [[String: Any]] ?? []).compactMap { ($0["data"] as? String).flatMap { Data(base64Encoded: $0) } }
                .map { String(decoding: $0, as: UTF8.self) }.joined()
            #expect(text.contains(pseudonym))
            #expect(!text.contains("Secret Sisters"))
            #expect(!text.contains("hello@example.org"))
            #expect(text.contains(#""kind":"member.private_data_erased""#))
        }
    }

    @Test func aFundIsCreatedWithItsAccounts() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let fund = try await client.call(.post, "/v1/funds", json: #"{"code":"emergency-health","name":"Emergency health fund","assets":["USD","EUR"],"two_approvals_above":{"USD":500000}}"#)
            #expect(fund.status == .created, "\(fund.text)")
            let accounts = try #require(fund["accounts"] as? [String: String])
            #expect(accounts == [
                "cash_EUR": "assets:emergency-health:cash:eur", "cash_USD": "assets:emergency-health:cash:usd",
                "conversion": "equity:emergency-health:conversion",
            ])
            let cash = try await client.call(.get, "/v1/accounts/assets:emergency-health:cash:usd")
            #expect(cash["constraint"] as? String == "no_negative")
            #expect(try await client.call(.get, "/v1/funds/emergency-health")["id"] as? String == fund["id"] as? String)
            #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"emergency-health","name":"Again","assets":["USD"]}"#).code == "fund_exists")
            let underscore = try await client.call(.post, "/v1/assets", json: #"{"code":"_X","scale":0}"#)
            #expect(underscore.status == .created)
            let unnamable = try await client.call(.post, "/v1/funds", json: #"{"code":"odd","name":"Odd","assets":["_X"]}"#)
            #expect(unnamable.status == .unprocessableContent, "\(unnamable.text)")
            let bad = try await client.call(.post, "/v1/funds", json: #"{"code":"Bad Code","name":"x","assets":["USD"],"two_approvals_above":{"KES":1}}"#)
            #expect(bad.status == .unprocessableContent)
            let fields = (bad["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields == ["code", "two_approvals_above.KES"])
            #expect(try await client.call(.get, "/v1/funds")["items"] as? [Any] != nil)
        }
    }
}
