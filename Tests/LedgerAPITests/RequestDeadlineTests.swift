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
    /// Holds the ledger file's write lock from another process for `seconds`; returns once
    /// the lock is held (the shell says so on its output after `BEGIN IMMEDIATE`).
    static func holdWriteLock(_ path: String, seconds: Int) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["sqlite3", path, "BEGIN IMMEDIATE;", ".shell echo locked; sleep \(seconds)", "ROLLBACK;"]
        let output = Pipe()
        holder.standardOutput = output
        try DatabaseShell.launch(holder)
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("locked") {
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else { throw HolderFailed() }
            said.append(more)
        }
        return holder
    }

    /// The shell ended without taking the lock.
    struct HolderFailed: Error {}

    @Test func aWriteWaitingBehindTheDatabaseIsCutOffAndWritesNothing() async throws {
        var limits = RequestLimits.standard
        limits.requestTimeoutSeconds = 1
        let server = try TestServer(limits: limits)
        try await server.run { client in
            let holder = try Self.holdWriteLock(server.directory.path("ledger.sqlite"), seconds: 6)
            // The first write's group begins and waits for the lock; the second waits for a group.
            async let first = client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#)
            // Long enough for the first write's group to have begun, even on a busy machine.
            try await Task.sleep(for: .seconds(1))
            let second = try await client.call(.post, "/v1/assets", json: #"{"code":"EUR","scale":2}"#)
            // Cut off at its deadline (1 s), not when the database let go (5 s later).
            #expect(holder.isRunning, "answered only once the lock was released")
            #expect(second.status == .serviceUnavailable)
            #expect(second.code == "request_timeout")
            #expect(second.headers[.retryAfter] == "1")
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
