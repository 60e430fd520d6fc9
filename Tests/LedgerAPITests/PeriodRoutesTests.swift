// Goal: through the real router, an admin closes the books through a day; afterwards a
// transaction, a batch item or a reversal dated in the closed period is a 422
// period_closed problem and changes nothing; a correction is a reversal dated in the open
// period; the period's balances (as of the closing day) are the same after later
// writes; only an admin closes, and the closing is in the log and the list.
//
// By hand: 1,000.00 USD received on 2026-03-10 and 250.00 on 2026-03-20 (in Q1), closed
// through 2026-03-31; then 99.00 on 2026-04-05 (open). The Q1 trial balance stays at
// 1,250.00 USD of debits; the balance now is 1,349.00 USD, and 1,099.00 after the
// correction of the 250.00 dated 2026-04-06.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PeriodRoutesTests {
    static func gift(_ amount: Int, _ date: String) -> String {
        #"{"date":"\#(date)","description":"gift","postings":[{"account":"assets:bank:usd","asset":"USD","amount":\#(amount)},{"account":"income:contributions","asset":"USD","amount":-\#(amount)}]}"#
    }

    @Test func aClosedPeriodRefusesBackDatedWritesAndKeepsItsFigures() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            #expect(try await client.call(.post, "/v1/transactions", json: Self.gift(100_000, "2026-03-10")).status == .created)
            let march20 = try await client.call(.post, "/v1/transactions", json: Self.gift(25_000, "2026-03-20"))
            let march20ID = try #require(march20["id"] as? String)

            let treasurer = try await client.token(for: "treasurer")
            let notAdmin = try await client.call(.post, "/v1/periods", json: #"{"through":"2026-03-31"}"#, as: .token(treasurer))
            #expect(notAdmin.status == .forbidden)
            let closing = try await client.call(.post, "/v1/periods", json: #"{"through":"2026-03-31"}"#)
            #expect(closing.status == .created, "\(closing.text)")
            #expect(closing["through"] as? String == "2026-03-31")
            let sealed = try #require(closing["sealed_tree_size"] as? Int)
            let reports = try #require(closing["reports"] as? [String: String])
            #expect(reports["trial-balance"] == "/v1/reports/trial-balance?as_of=2026-03-31")

            let backDated = try await client.call(.post, "/v1/transactions", json: Self.gift(1, "2026-03-31"))
            #expect(backDated.status == .unprocessableContent)
            #expect(backDated.code == "period_closed")
            #expect(backDated.headers[.contentType] == "application/problem+json")
            #expect((backDated["detail"] as? String)?.contains("closed through 2026-03-31") == true)
            let batch = try await client.call(.post, "/v1/transactions/batch", json: #"{"atomic":true,"transactions":[\#(Self.gift(1, "2026-04-01")),\#(Self.gift(2, "2026-01-01"))]}"#)
            #expect(batch.status == .unprocessableContent, "\(batch.text)")
            #expect(batch.text.contains("period_closed"))
            let sameDay = try await client.call(.post, "/v1/periods", json: #"{"through":"2026-03-31"}"#)
            #expect(sameDay.code == "validation_failed")
            let future = try await client.call(.post, "/v1/periods", json: #"{"through":"2099-12-31"}"#)
            #expect(future.code == "validation_failed")

            #expect(try await client.call(.post, "/v1/transactions", json: Self.gift(9_900, "2026-04-05")).status == .created)
            // The correction of a Q1 entry is a reversal dated in the open period.
            let inQ1 = try await client.call(.post, "/v1/transactions/\(march20ID)/reverse", json: #"{"date":"2026-03-25"}"#)
            #expect(inQ1.code == "period_closed")
            let correction = try await client.call(.post, "/v1/transactions/\(march20ID)/reverse", json: #"{"date":"2026-04-06"}"#)
            #expect(correction.status == .created, "\(correction.text)")

            func balance() async throws -> Int? {
                ((try await client.call(.get, "/v1/accounts/assets:bank:usd/balances"))["balances"] as? [[String: Any]])?.first?["balance"] as? Int
            }
            #expect(try await balance() == 109_900)
            let periodTrial = try await client.call(.get, "/v1/trial-balance?as_of=2026-03-31")
            #expect(periodTrial["is_balanced"] as? Bool == true)
            let periodBank = ((try await client.call(.get, "/v1/accounts/assets:bank:usd/balances?as_of=2026-03-31"))["balances"] as? [[String: Any]])?.first?["balance"] as? Int
            #expect(periodBank == 125_000)

            let list = try await client.call(.get, "/v1/periods")
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.map { $0["through"] as? String } == ["2026-03-31"])
            let entries = try await client.call(.get, "/v1/log/entries?start=\(sealed)&end=\(sealed + 1)")
            let data = try #require((entries["entries"] as? [[String: Any]])?.first?["data"] as? String)
            let entry = String(decoding: try #require(Data(base64Encoded: data)), as: UTF8.self)
            #expect(entry.contains(#""kind":"period.closed""#), "\(entry)")
        }
    }
}
