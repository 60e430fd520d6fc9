// Goal: POST /v1/transactions/batch records many transactions in one commit, answering
// per item (a bad item refused alone, its neighbours recorded), replays items by their
// own idempotency keys, and with `atomic: true` writes all or nothing.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct BatchRoutesTests {
    static func item(_ amount: Int, key: String? = nil) -> String {
        let keyField = key.map { #""idempotency_key":"\#($0)","# } ?? ""
        return #"{\#(keyField)"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":\#(amount)},{"account":"income:contributions","asset":"USD","amount":-\#(amount)}]}"#
    }

    static func balance(_ client: LedgerClient) async throws -> Int? {
        ((try await client.call(.get, "/v1/accounts/assets:bank:usd/balances"))["balances"] as? [[String: Any]])?.first?["balance"] as? Int
    }

    @Test func eachItemKeepsItsOwnResult() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let unbalanced = #"{"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":5},{"account":"income:contributions","asset":"USD","amount":-4}]}"#
            let reply = try await client.call(.post, "/v1/transactions/batch", json: #"{"transactions":[\#(Self.item(100, key: "a")),\#(unbalanced),\#(Self.item(50))]}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            let results = try #require(reply["results"] as? [[String: Any]])
            #expect(results.map { $0["status"] as? Int } == [201, 422, 201])
            #expect((results[1]["problem"] as? [String: Any])?["code"] as? String == "unbalanced")
            #expect(try await Self.balance(client) == 150)
            // The keyed item replays; the others are new.
            let again = try await client.call(.post, "/v1/transactions/batch", json: #"{"transactions":[\#(Self.item(100, key: "a")),\#(Self.item(7))]}"#)
            let second = try #require(again["results"] as? [[String: Any]])
            #expect(second[0]["replayed"] as? Bool == true)
            #expect((second[0]["transaction"] as? [String: Any])?["id"] as? String == (results[0]["transaction"] as? [String: Any])?["id"] as? String)
            #expect(try await Self.balance(client) == 157)
            let reused = try await client.call(.post, "/v1/transactions/batch", json: #"{"transactions":[\#(Self.item(101, key: "a"))]}"#)
            #expect(((reused["results"] as? [[String: Any]])?.first?["problem"] as? [String: Any])?["code"] as? String == "idempotency_key_reused")
        }
    }

    @Test func anAtomicBatchWritesAllOrNothing() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let overdraft = #"{"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":-1000},{"account":"expenses:grants","asset":"USD","amount":1000}]}"#
            let refused = try await client.call(.post, "/v1/transactions/batch", json: #"{"atomic":true,"transactions":[\#(Self.item(100)),\#(overdraft)]}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.code == "balance_constraint_violated")
            #expect((refused["errors"] as? [[String: Any]])?.first?["field"] as? String == "transactions[1]")
            #expect(try await Self.balance(client) == nil)
            let many = (1...200).map { Self.item($0) }.joined(separator: ",")
            let accepted = try await client.call(.post, "/v1/transactions/batch", json: #"{"atomic":true,"transactions":[\#(many)]}"#)
            #expect((accepted["results"] as? [Any])?.count == 200)
            #expect(try await Self.balance(client) == 20_100)
            let checkpoint = try await client.call(.get, "/v1/log/checkpoints?limit=1000", as: .anonymous)
            // One signed checkpoint for the whole batch, not one per transaction.
            let sizes = (checkpoint["items"] as? [[String: Any]])?.compactMap { $0["tree_size"] as? Int } ?? []
            #expect(sizes.last.map { size in !sizes.contains(size - 1) } == true)
            #expect(try await client.call(.post, "/v1/transactions/batch", json: #"{"transactions":[]}"#).code == "validation_failed")
        }
    }
}
