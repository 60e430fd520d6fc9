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
            // Another writer of the file holds its lock until the second write is answered
            // (within SQLite's 10 s busy timeout, so the first write still commits after).
            let holder = try SQLiteWriteLockHolder(path: server.directory.path("ledger.sqlite"))
            // The first write's group begins and waits for the lock; the second waits for a group.
            async let first = client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#)
            // Long enough for the first write's group to have begun, even on a busy machine.
            try await Task.sleep(for: .seconds(1))
            let started = ContinuousClock.now
            let second = try await client.call(.post, "/v1/assets", json: #"{"code":"EUR","scale":2}"#)
            let waited = ContinuousClock.now - started
            // Cut off at its deadline (1 s) while the lock is still held: the database never
            // let go before this answer (a server that waited for it would hang here until
            // the busy timeout); 5 s leaves room for a loaded machine.
            #expect(holder.isHeld)
            #expect(waited < .seconds(5), "answered after \(waited)")
            try holder.release()
            #expect(second.status == .serviceUnavailable)
            #expect(second.code == "request_timeout")
            #expect(second.headers[.retryAfter] == "1")
            let firstReply = try await first
            #expect(firstReply.status == .created, "\(firstReply.text)")
            #expect(try await client.call(.get, "/v1/assets/USD").status == .ok)
            #expect(try await client.call(.get, "/v1/assets/EUR").status == .notFound)
            // Once the database answers again, so does the server, within its deadline.
            #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"EUR","scale":2}"#).status == .created)
        }
    }
}
