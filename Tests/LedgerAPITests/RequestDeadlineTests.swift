// Goal: a request slow inside the database is cut off at `request_timeout_seconds` with a
// 503 problem (not left to hold its connection until the database lets go), and cutting
// it off never half-writes: a write that was still waiting for its commit writes
// nothing, and a write whose commit had begun is answered with its own outcome.
// Through the real router, with another process holding SQLite's write lock.
import Foundation
import Hummingbird
import LedgerApplication
import LedgerTestSupport
import Testing

@Suite(.enabled(if: TestBackend.isSQLite)) struct RequestDeadlineTests {
    /// Holds the ledger file's write lock from another process for `seconds`.
    static func holdWriteLock(_ path: String, seconds: Int) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["sqlite3", path, "BEGIN IMMEDIATE;", ".shell sleep \(seconds)", "ROLLBACK;"]
        holder.standardOutput = FileHandle.nullDevice
        try DatabaseShell.launch(holder)
        return holder
    }

    @Test func aWriteWaitingBehindTheDatabaseIsCutOffAndWritesNothing() async throws {
        var limits = RequestLimits.standard
        limits.requestTimeoutSeconds = 1
        let server = try TestServer(limits: limits)
        try await server.run { client in
            let holder = try Self.holdWriteLock(server.directory.path("ledger.sqlite"), seconds: 4)
            try await Task.sleep(for: .milliseconds(500))
            // The first write's group begins and waits for the lock; the second waits for a group.
            async let first = client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#)
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            let second = try await client.call(.post, "/v1/assets", json: #"{"code":"EUR","scale":2}"#)
            let waited = ContinuousClock.now - started
            #expect(second.status == .serviceUnavailable)
            #expect(second.code == "request_timeout")
            #expect(second.headers[.retryAfter] == "1")
            // Cut off at its deadline, not when the database let go (4 s).
            #expect(waited < .milliseconds(2_500), "answered after \(waited)")
            let firstReply = try await first
            #expect(firstReply.status == .created, "\(firstReply.text)")
            holder.waitUntilExit()
            #expect(try await client.call(.get, "/v1/assets/USD").status == .ok)
            #expect(try await client.call(.get, "/v1/assets/EUR").status == .notFound)
            // Once the database answers again, so does the server, within its deadline.
            #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"EUR","scale":2}"#).status == .created)
        }
    }
}
