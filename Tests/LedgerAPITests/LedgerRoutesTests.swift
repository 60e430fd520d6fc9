// Goal: every route works through the real Hummingbird router on a real SQLite file —
// the README walk-through, balances, register, trial balance, pagination, reversal and
// idempotent replays — with exact numbers.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct LedgerRoutesTests {
    @Test func walkThroughFromTheREADME() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let created = try await client.call(.post, "/v1/transactions", json: #"""
                {"date":"2026-11-20","description":"Contribution from the dockworkers' union","metadata":{"campaign":"climate"},
                 "postings":[{"account":"assets:bank:usd","asset":"USD","amount":125000},
                             {"account":"income:contributions","asset":"USD","amount":-125000}]}
                """#)
            #expect(created.status == .created)
            let id = try #require(created["id"] as? String)
            #expect(id.hasPrefix("txn_"))
            #expect((created["metadata"] as? [String: Any])?["campaign"] as? String == "climate")
            #expect(created["recorded_at"] as? String == "2026-11-25T12:00:00.000000Z")

            let fetched = try await client.call(.get, "/v1/transactions/\(id)")
            #expect(fetched.status == .ok)
            #expect(fetched.body == created.body)

            let balances = try await client.call(.get, "/v1/accounts/assets:bank:usd/balances")
            #expect(balances.status == .ok)
            #expect((balances["balances"] as? [[String: Any]])?.first?["balance"] as? Int == 125_000)
            // Paths accept the id as well as the code, and percent-encoded codes.
            let accountID = try #require(balances["account_id"] as? String)
            let byID = try await client.call(.get, "/v1/accounts/\(accountID)/balances")
            #expect(byID.body == balances.body)
            let encoded = try await client.call(.get, "/v1/accounts/assets%3Abank%3Ausd/balances")
            #expect(encoded.body == balances.body)

            let trial = try await client.call(.get, "/v1/trial-balance")
            #expect(trial.status == .ok)
            #expect(trial["is_balanced"] as? Bool == true)
            let section = try #require((trial["assets"] as? [[String: Any]])?.first)
            #expect(section["asset"] as? String == "USD")
            #expect(section["debit_total"] as? Int == 125_000)
            #expect(section["credit_total"] as? Int == 125_000)

            let earlier = try await client.call(.get, "/v1/trial-balance?as_of=2026-11-19")
            #expect((earlier["assets"] as? [Any])?.isEmpty == true)

            let unbalanced = try await client.call(.post, "/v1/transactions", json: #"""
                {"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":100},
                                                {"account":"income:contributions","asset":"USD","amount":-90}]}
                """#)
            #expect(unbalanced.status == .unprocessableContent)
            #expect(unbalanced.headers[.contentType] == "application/problem+json")
            #expect(unbalanced.code == "unbalanced")
            #expect(unbalanced["type"] as? String == "urn:commons-ledger:problem:unbalanced")
        }
    }

    @Test func registerShowsRunningBalancesInDateOrder() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            _ = try await client.call(.post, "/v1/transactions", json: contribution(1000, date: "2026-11-10"))
            _ = try await client.call(.post, "/v1/transactions", json: contribution(500, date: "2026-11-20"))
            _ = try await client.call(.post, "/v1/transactions", json: contribution(250, date: "2026-11-15"))
            let register = try await client.call(.get, "/v1/accounts/assets:bank:usd/register?asset=USD")
            let items = try #require(register["items"] as? [[String: Any]])
            #expect(items.map { $0["date"] as? String } == ["2026-11-10", "2026-11-15", "2026-11-20"])
            #expect(items.map { $0["running_balance"] as? Int } == [1000, 1250, 1750])
            let asOf = try await client.call(.get, "/v1/accounts/assets:bank:usd/balances?as_of=2026-11-15")
            #expect((asOf["balances"] as? [[String: Any]])?.first?["balance"] as? Int == 1250)
            #expect(asOf["as_of"] as? String == "2026-11-15")
        }
    }

    @Test func listsPaginateWithOpaqueCursors() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            for day in 1...5 {
                _ = try await client.call(.post, "/v1/transactions", json: contribution(Int64(day), date: "2026-11-0\(day)"))
            }
            var dates: [String] = []
            var uri = "/v1/transactions?limit=2&account=assets:bank:usd"
            while true {
                let page = try await client.call(.get, uri)
                #expect(page.status == .ok)
                dates += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["date"] as? String }
                guard let cursor = page["next_cursor"] as? String else { break }
                uri = "/v1/transactions?limit=2&account=assets:bank:usd&cursor=\(cursor)"
            }
            #expect(dates == (1...5).map { "2026-11-0\($0)" })
            let ranged = try await client.call(.get, "/v1/transactions?from=2026-11-02&to=2026-11-03")
            #expect((ranged["items"] as? [Any])?.count == 2)
            let accounts = try await client.call(.get, "/v1/accounts?limit=3")
            #expect((accounts["items"] as? [Any])?.count == 3)
            #expect(accounts["next_cursor"] is String)
            let assets = try await client.call(.get, "/v1/assets")
            #expect((assets["items"] as? [[String: Any]])?.map { $0["code"] as? String } == ["EUR", "USD"])
            #expect(try await client.call(.get, "/v1/assets/USD")["scale"] as? Int == 2)
        }
    }

    @Test func idempotencyKeysReplayTheOriginalResponse() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let key: HTTPFields = [.init("Idempotency-Key")!: "0c1a3f9e-gift-17"]
            let first = try await client.call(.post, "/v1/transactions", json: contribution(700), headers: key)
            #expect(first.status == .created)
            #expect(first.headers[.init("Idempotent-Replayed")!] == nil)
            let again = try await client.call(.post, "/v1/transactions", json: contribution(700), headers: key)
            #expect(again.status == .created)
            #expect(again.body == first.body)
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true")
            let balance = try await client.call(.get, "/v1/accounts/assets:bank:usd/balances")
            #expect((balance["balances"] as? [[String: Any]])?.first?["balance"] as? Int == 700)
            let different = try await client.call(.post, "/v1/transactions", json: contribution(701), headers: key)
            #expect(different.status == .conflict)
            #expect(different.code == "idempotency_key_reused")
            let badKey = try await client.call(.post, "/v1/transactions", json: contribution(1), headers: [.init("Idempotency-Key")!: "has space"])
            #expect(badKey.status == .badRequest)
            #expect(badKey.code == "invalid_idempotency_key")
        }
    }

    @Test func reversalIsRecordedOnceAndLinked() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let gift = try await client.call(.post, "/v1/transactions", json: contribution(900))
            let id = try #require(gift["id"] as? String)
            let reversal = try await client.call(.post, "/v1/transactions/\(id)/reverse", json: #"{"description":"entered twice"}"#)
            #expect(reversal.status == .created)
            #expect(reversal["reverses"] as? String == id)
            #expect(reversal["description"] as? String == "entered twice")
            #expect((reversal["postings"] as? [[String: Any]])?.map { $0["amount"] as? Int } == [-900, 900])
            let original = try await client.call(.get, "/v1/transactions/\(id)")
            #expect(original["reversed_by"] as? String == reversal["id"] as? String)
            let twice = try await client.call(.post, "/v1/transactions/\(id)/reverse")
            #expect(twice.status == .conflict)
            #expect(twice.code == "already_reversed")
            let balance = try await client.call(.get, "/v1/accounts/assets:bank:usd/balances")
            #expect((balance["balances"] as? [[String: Any]])?.first?["balance"] as? Int == 0)
        }
    }

    @Test func closingAnAccount() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let closed = try await client.call(.post, "/v1/accounts/expenses:grants/close")
            #expect(closed.status == .ok)
            #expect(closed["is_closed"] as? Bool == true)
            #expect(closed["closed_at"] as? String == "2026-11-25T12:00:00.000000Z")
            let again = try await client.call(.post, "/v1/accounts/expenses:grants/close", json: "{}")
            #expect(again.status == .conflict)
            #expect(again.code == "account_already_closed")
        }
    }

    @Test func healthAndReadiness() async throws {
        try await TestServer().run { client in
            #expect(try await client.call(.get, "/healthz").status == .ok)
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready["status"] as? String == "ready")
        }
    }
}
