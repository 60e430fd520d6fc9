// Goal: a fund converts EUR to KES in one transaction through its conversion account,
// each asset balancing on its own; converting more than the fund holds is refused; rates
// are recorded as exact decimal text and never change a ledger amount.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ConversionTests {
    @Test func conversionMovesCashThroughTheConversionAccount() async throws {
        try await TestServer().run { client in
            for asset in [#"{"code":"EUR","scale":2}"#, #"{"code":"KES","scale":2}"#] {
                #expect(try await client.call(.post, "/v1/assets", json: asset).status == .created)
            }
            #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"drought","name":"Drought relief","assets":["EUR","KES"]}"#).status == .created)
            let member = try #require(try await client.call(.post, "/v1/members", json: #"{"name":"Metalworkers","kind":"union","country":"DE","region":"Europe","visibility":"public"}"#)["id"] as? String)
            #expect(try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"drought","asset":"EUR","amount":100000,"date":"2026-11-20"}"#).status == .created)

            // 600.00 EUR become 84,000.00 KES (a rate of 140, by hand).
            let conversion = try await client.call(.post, "/v1/funds/drought/conversions", json: #"{"from_asset":"EUR","from_amount":60000,"to_asset":"KES","to_amount":8400000,"date":"2026-11-21"}"#)
            #expect(conversion.status == .created, "\(conversion.text)")
            func balance(_ account: String, _ asset: String) async throws -> Int? {
                ((try await client.call(.get, "/v1/accounts/\(account)/balances"))["balances"] as? [[String: Any]])?.first { $0["asset"] as? String == asset }?["balance"] as? Int
            }
            #expect(try await balance("assets:drought:cash:eur", "EUR") == 40_000)
            #expect(try await balance("assets:drought:cash:kes", "KES") == 8_400_000)
            #expect(try await balance("equity:drought:conversion", "EUR") == 60_000)
            #expect(try await balance("equity:drought:conversion", "KES") == -8_400_000)
            let trial = try await client.call(.get, "/v1/trial-balance")
            #expect(trial["is_balanced"] as? Bool == true)

            let tooMuch = try await client.call(.post, "/v1/funds/drought/conversions", json: #"{"from_asset":"EUR","from_amount":50000,"to_asset":"KES","to_amount":7000000,"date":"2026-11-22"}"#)
            #expect(tooMuch.code == "balance_constraint_violated")
            let same = try await client.call(.post, "/v1/funds/drought/conversions", json: #"{"from_asset":"EUR","from_amount":1,"to_asset":"EUR","to_amount":1,"date":"2026-11-22"}"#)
            #expect(same.code == "validation_failed")

            let rate = try await client.call(.post, "/v1/fx-rates", json: #"{"base":"EUR","quote":"KES","date":"2026-11-21","rate":"140.00"}"#)
            #expect(rate.status == .created, "\(rate.text)")
            #expect(rate["rate"] as? String == "140.00")
            #expect(try await client.call(.post, "/v1/fx-rates", json: #"{"base":"EUR","quote":"KES","date":"2026-11-21","rate":"141"}"#).code == "rate_exists")
            #expect(try await client.call(.post, "/v1/fx-rates", json: #"{"base":"EUR","quote":"KES","date":"2026-11-22","rate":"1e2"}"#).code == "validation_failed")
            #expect(try await client.call(.post, "/v1/fx-rates", json: #"{"base":"EUR","quote":"KES","date":"2026-11-23","rate":"1\u0308"}"#).code == "validation_failed")
            let rates = try await client.call(.get, "/v1/fx-rates?base=EUR")
            #expect((rates["items"] as? [[String: Any]])?.count == 1)
            // The rate changed nothing in the ledger.
            #expect(try await balance("assets:drought:cash:eur", "EUR") == 40_000)
        }
    }
}
