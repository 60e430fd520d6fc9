// Goal: the operator's limits are enforced before any work is done — body size (413),
// postings, strings, metadata, page size and JSON depth (4xx naming the field), a
// per-key rate limit (429 with Retry-After) — and text is stored in NFC.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerTestSupport
import Testing

@Suite struct LimitsTests {
    static func tight() -> RequestLimits {
        var limits = RequestLimits()
        limits.bodyBytesMax = 2_048
        limits.postingsMax = 2
        limits.stringLengthMax = 10
        limits.metadataBytesMax = 20
        limits.pageSizeMax = 5
        limits.jsonDepthMax = 5
        limits.rateLimitBurst = 0
        return limits
    }

    @Test func configuredLimitsRefuseRequestsBeforeWork() async throws {
        try await TestServer(limits: Self.tight()).run { client in
            try await client.seedChart()
            let big = try await client.call(.post, "/v1/assets", json: #"{"code":"KES","scale":2,"name":"\#(String(repeating: "x", count: 3_000))"}"#)
            #expect(big.status == .contentTooLarge)
            let three = #"{"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":1},{"account":"assets:bank:usd","asset":"USD","amount":1},{"account":"income:contributions","asset":"USD","amount":-2}]}"#
            let postings = try await client.call(.post, "/v1/transactions", json: three)
            #expect(postings.status == .unprocessableContent)
            #expect((postings["errors"] as? [[String: Any]])?.first?["field"] as? String == "postings")
            let long = try await client.call(.post, "/v1/transactions", json: #"{"date":"2026-11-20","description":"far too long here","postings":[{"account":"assets:bank:usd","asset":"USD","amount":1},{"account":"income:contributions","asset":"USD","amount":-1}]}"#)
            #expect((long["errors"] as? [[String: Any]])?.first?["field"] as? String == "description")
            let metadata = try await client.call(.post, "/v1/accounts", json: #"{"code":"assets:x","type":"asset","metadata":{"note":"more than twenty bytes"}}"#)
            #expect((metadata["errors"] as? [[String: Any]])?.first?["field"] as? String == "metadata")
            let deep = try await client.call(.post, "/v1/accounts", json: #"{"code":"assets:y","type":"asset","metadata":{"a":{"b":{"c":{"d":{"e":1}}}}}}"#)
            #expect(deep.status == .badRequest)
            #expect(try await client.call(.get, "/v1/accounts?limit=6").status == .badRequest)
            #expect(try await client.call(.get, "/v1/accounts?limit=5").status == .ok)
            // Nothing of the refused requests was written.
            let accounts = try await client.call(.get, "/v1/accounts?limit=5")
            #expect((accounts["items"] as? [Any])?.count == 4)
        }
    }

    @Test func aKeyOverItsRateGets429WithRetryAfter() async throws {
        var limits = RequestLimits()
        limits.rateLimitBurst = 3
        limits.rateLimitPerMinute = 60 // one a second
        let server = try TestServer(limits: limits)
        try await server.run { client in
            for _ in 0..<3 { #expect(try await client.call(.get, "/v1/assets").status == .ok) }
            let refused = try await client.call(.get, "/v1/assets")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.code == "rate_limited")
            #expect(refused.headers[.retryAfter] == "1")
            // The public is not keyed; other keys have their own buckets.
            #expect(try await client.call(.get, "/v1/log/checkpoint", as: .anonymous).status == .ok)
            server.clock.advance(microseconds: 1_000_000)
            #expect(try await client.call(.get, "/v1/assets").status == .ok)
            #expect(try await client.call(.get, "/v1/assets").status == .tooManyRequests)
        }
    }

    @Test func namesAndDescriptionsAreStoredInNFC() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            // "é" as e + combining acute (NFD) comes back as the single code point U+00E9.
            let decomposed = "Cafe\u{0301} workers"
            let reply = try await client.call(.post, "/v1/transactions", json: #"{"date":"2026-11-20","description":"\#(decomposed)","postings":[{"account":"assets:bank:usd","asset":"USD","amount":1},{"account":"income:contributions","asset":"USD","amount":-1}]}"#)
            #expect(reply.status == .created)
            let stored = try #require(reply["description"] as? String)
            #expect(Array(stored.unicodeScalars) == Array("Caf\u{00E9} workers".unicodeScalars))
        }
    }
}
