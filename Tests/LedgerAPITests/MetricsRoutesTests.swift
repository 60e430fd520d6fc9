// Goal: GET /metrics serves the Prometheus text format to admins and auditors only, with
// the ledger's own metrics — group commit sizes and durations, the log's size and the
// checkpoint's age — moving as writes are committed.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerTestSupport
import Testing

@Suite struct MetricsRoutesTests {
    /// The value of the sample line that starts with `prefix` (name and labels).
    static func sample(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func metricsFollowTheWritesAndNeedAKey() async throws {
        let server = try TestServer()
        try await server.run { client in
            #expect(try await client.call(.get, "/metrics", as: .anonymous).status == .unauthorized)
            let treasurer = try await client.token(for: "treasurer")
            #expect(try await client.call(.get, "/metrics", as: .token(treasurer)).status == .forbidden)
            try await client.seedChart()
            server.clock.advance(microseconds: 90_000_000)
            let reply = try await client.call(.get, "/metrics")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = reply.text
            #expect(text.contains("# TYPE commons_ledger_commit_requests histogram"))
            // The first admin key, the treasurer's key, two assets and the chart's accounts:
            // every request was committed (alone: the test client waits for each answer).
            let commits = try #require(Self.sample(text, "commons_ledger_commit_requests_count"))
            let entries = try #require(Self.sample(text, "commons_ledger_log_entries"))
            #expect(entries == commits + 1)   // the first admin key was created before the router
            #expect(Self.sample(text, "commons_ledger_commit_requests_sum") == commits)
            #expect(Self.sample(text, "commons_ledger_checkpoint_age_seconds") == 90)
            #expect(text.contains("commons_ledger_commit_sync_seconds_bucket"))
        }
    }
}
