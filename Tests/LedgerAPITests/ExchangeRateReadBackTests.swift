// Goal: a rate the writer accepts never breaks a report. The security review recorded
// `1234567890.1234567890` (201) and from then on every report answered 500, because the
// report book parsed rates more narrowly than the writer; both now share `DecimalRate`.
// Through the real router: the widest rates the writer accepts are recorded, then every
// report (converted or not) answers 200, and a figure the rate takes beyond the ledger's
// amount range is a listed gap, not a failed report.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ExchangeRateReadBackTests {
    @Test func everyReportReadsTheWidestRatesTheWriterAccepts() async throws {
        try await TestServer().run { client in
            for (code, scale) in [("USD", 2), ("EUR", 2), ("XOF", 0)] {
                let asset = #"{"code":"\#(code)","scale":\#(scale)}"#
                #expect(try await client.call(.post, "/v1/assets", json: asset).status == .created)
            }
            let fund = #"{"code":"relief","name":"Relief","assets":["USD","EUR","XOF"]}"#
            #expect(try await client.call(.post, "/v1/funds", json: fund).status == .created)
            let registration = #"{"name":"Dockworkers","kind":"union","country":"KE","region":"East Africa","#
                + #""visibility":"public"}"#
            let member = try await client.call(.post, "/v1/members", json: registration)
            let memberID = try #require(member["id"] as? String)
            // 100.00 EUR and 7 XOF given.
            for (asset, amount) in [("EUR", 10_000), ("XOF", 7)] {
                let gift = #"{"member_id":"\#(memberID)","fund_id":"relief","asset":"\#(asset)","amount":\#(amount),"#
                    + #""date":"2026-11-20"}"#
                #expect(try await client.call(.post, "/v1/contributions", json: gift).status == .created)
            }
            for (pair, rate) in [
                ("EUR/USD", "1234567890.1234567890"),                    // the reviewer's rate
                ("XOF/USD", "999999999999999999.999999999999999999"),    // the widest
                ("USD/EUR", "0.000000000000000001"),                     // the smallest
            ] {
                let codes = pair.split(separator: "/")
                let body = #"{"base":"\#(codes[0])","quote":"\#(codes[1])","date":"2026-11-21","rate":"\#(rate)"}"#
                let reply = try await client.call(.post, "/v1/fx-rates", json: body)
                #expect(reply.status == .created, "\(pair) \(reply.text)")
                #expect(reply["rate"] as? String == rate)
            }

            let reciprocity = try await client.call(.get, "/v1/reports/reciprocity?currency=USD")
            #expect(reciprocity.status == .ok, "\(reciprocity.text)")
            let used = ReportRoutesTests.rows(reciprocity, "conversions")
            let usedRates = used.map { $0["rate"] as? String }
            #expect(usedRates == ["1234567890.1234567890", "999999999999999999.999999999999999999"])
            // 100.00 EUR × 1234567890.1234567890 = 123456789012.3456789 USD → 12345678901235 minor units;
            // 7 XOF × 999999999999999999.999999999999999999 = 6999999999999999999.99… USD: beyond the
            // ledger's range, so a gap with its reason rather than a failed report.
            let regions = ReportRoutesTests.rows(reciprocity, "regions")
            #expect(regions.first?["contributed"] as? Int == 12_345_678_901_235, "\(regions)")
            let gaps = ReportRoutesTests.rows(reciprocity, "gaps")
            #expect(gaps.map { $0["asset"] as? String } == ["XOF"])
            #expect((gaps.first?["reason"] as? String)?.contains("amount range") == true, "\(gaps)")

            #expect(try await client.call(.get, "/v1/reports/trial-balance").status == .ok)
            #expect(try await client.call(.get, "/v1/trial-balance").status == .ok)
            let names = [
                "trial-balance", "financial-position", "income-expenditure", "member-statements", "pledge-fulfilment",
                "reciprocity",
            ]
            let queries = [
                "", "?currency=USD", "?currency=EUR", "?currency=XOF&format=csv", "?format=html&currency=EUR",
            ]
            for name in names {
                for query in queries {
                    let reply = try await client.call(.get, "/v1/reports/\(name)\(query)")
                    #expect(reply.status == .ok, "\(name)\(query): \(reply.text)")
                }
            }
        }
    }
}
