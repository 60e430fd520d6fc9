// Goal: a request slow inside the database is cut off at `request_timeout_seconds` with a
// 503 problem (not left to hold its connection until the database lets go), and cutting
// it off never half-writes: a write that was still waiting for its commit writes
// nothing, and a write whose commit had begun is answered with its own outcome.
// Through the real router, with another connection holding SQLite's write lock.
import Foundation
import Hummingbird
import LedgerApplication
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite(.enabled(if: TestBackend.isSQLite)) struct RequestDeadlineTests {
    @Test func aWriteWaitingBehindTheDatabaseIsCutOffAndWritesNothing() async throws {
        var limits = RequestLimits.standard
        limits.requestTimeoutSeconds = 1
        let server = try TestServer(limits: limits)
        try await server.run { client in
            // Another writer of the file holds its lock for 6 s.
            let holder = try SQLiteWriteLockHolder(path: server.directory.path("ledger.sqlite"))
            let release = Task {
                try await Task.sleep(for: .seconds(6))
                try holder.release()
            }
            // The first write's group begins and waits for the lock; the second waits for a group.
            async let first = client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#)
            // Long enough for the first write's group to have begun, even on a busy machine.
            try await Task.sleep(for: .seconds(1))
            let second = try await client.call(.post, "/v1/assets", json: #"{"code":"EUR","scale":2}"#)
            // Cut off at its deadline (1 s), not when the database let go (5 s later).
            #expect(holder.isHeld, "answered only once the lock was released")
            #expect(second.status == .serviceUnavailable)
            #expect(second.code == "request_timeout")
            #expect(second.headers[.retryAfter] == "1")
            let firstReply = try await first
            #expect(firstReply.status == .created, "\(firstReply.text)")
            try await release.value
            #expect(try await client.call(.get, "/v1/assets/USD").status == .ok)
            #expect(try await client.call(.get, "/v1/assets/EUR").status == .notFound)
            // Once the database answers again, so does the server, within its deadline.
            #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"EUR","scale":2}"#).status == .created)
        }
    }
}
