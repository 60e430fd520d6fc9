// Goal: what `serve` does at start, through `buildApplication` (what `serve` calls) on a
// temporary database. A log with entries is served only with the key that signed it — a
// deleted key file is not regenerated, a replaced one is refused (finding 6) — and a
// restart with every admin key revoked mints no new admin key (an incident's "revoke
// every admin key" must stick); only a database where no key was ever created gets one.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite struct StartupKeyTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Builds the application once more on `server`'s database; returns the first admin
    /// token it handed out, if any.
    static func restart(_ server: TestServer, logger: Logger = quiet) async throws -> String? {
        let token = TokenBox()
        _ = try await buildApplication(
            configuration: try await server.servedConfiguration(), clock: server.clock, identifiers: SeededIdentifiers(seed: 8),
            logger: logger, onFirstAdminToken: { _, value in token.set(value) }
        )
        return token.value
    }

    /// A database with a few signed entries, its key file beside it.
    static func signedDatabase() async throws -> TestServer {
        let server = try TestServer()
        try await server.run { client in
            let reply = try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#)
            #expect(reply.status == .created)
        }
        return server
    }

    /// SQLite refuses a missing key once the log has entries; PostgreSQL, which several
    /// servers may share, never makes one (`absentForSharedDatabase`).
    @Test func aDeletedSigningKeyIsNotRegenerated() async throws {
        let server = try await Self.signedDatabase()
        let keyPath = server.logKeyPath
        try FileManager.default.removeItem(atPath: keyPath)
        await #expect {
            _ = try await Self.restart(server)
        } throws: { error in
            switch (TestBackend.selected, error as? LogKeyError) {
            case (.sqlite, .missing(let path, let entries)?): return path == keyPath && entries == 2
            case (.postgres, .absentForSharedDatabase(let path)?): return path == keyPath
            default: return false
            }
        }
        #expect(!FileManager.default.fileExists(atPath: keyPath), "no new key was written")
    }

    /// Witnesses and mirrors know a log by its origin: a start on the default one warns.
    @Test func aLogLeftAtTheDefaultOriginIsWarnedAboutAtEveryStart() async throws {
        for (origin, warned) in [(ServerConfiguration.defaultLogOrigin, true), ("ledger.example.org/solidarity", false)] {
            let server = try TestServer(logOrigin: origin)
            let recorder = LogRecorder()
            _ = try await Self.restart(server, logger: recorder.logger)
            _ = try await Self.restart(server, logger: recorder.logger)
            let warnings = recorder.messages(atLeast: .warning).filter { $0.contains("checkpoint origin is the default") }
            #expect(warnings.count == (warned ? 2 : 0), "origin \(origin): \(warnings)")
            #expect(warnings.allSatisfy { $0.contains("log_origin") })
        }
    }

    @Test func aReplacedSigningKeyIsRefused() async throws {
        let server = try await Self.signedDatabase()
        let keyPath = server.logKeyPath
        let original = try LogSigner.load(path: keyPath)
        try FileManager.default.removeItem(atPath: keyPath)
        try LogSigner.generate(origin: original.origin).write(path: keyPath)
        await #expect {
            _ = try await Self.restart(server)
        } throws: { error in
            guard case .doesNotVerify(let path, let size)? = error as? LogKeyError else { return false }
            return path == keyPath && size == 2
        }
        // With the key that signed the log back in place, the server starts again.
        try FileManager.default.removeItem(atPath: keyPath)
        try original.write(path: keyPath)
        #expect(try await Self.restart(server) == nil)
    }

    @Test(.enabled(if: TestBackend.isSQLite, "a PostgreSQL ledger's key is made beforehand"))
    func aFreshDatabaseStillGetsAKey() async throws {
        let server = try TestServer()
        #expect(!FileManager.default.fileExists(atPath: server.logKeyPath))
        #expect(try await Self.restart(server) != nil)
        #expect(FileManager.default.fileExists(atPath: server.logKeyPath))
    }

    @Test func revokingEveryAdminKeySticksAcrossARestart() async throws {
        let server = try TestServer()
        try await server.run { client in
            let keys = try #require(try await client.call(.get, "/v1/keys")["items"] as? [[String: Any]])
            let admin = try #require(keys.first?["id"] as? String)
            #expect(try await client.call(.post, "/v1/keys/\(admin)/revoke").status == .ok)
        }
        #expect(try await Self.restart(server) == nil, "a restart minted a new admin key")
        // The file itself, in the SQLite pass: still one key, revoked.
        if let path = server.configuration.sqlitePath, TestBackend.isSQLite {
            #expect(try DatabaseShell.scalar(path: path, sql: "SELECT count(*) FROM api_keys") == "1")
            let active = try DatabaseShell.scalar(
                path: path, sql: "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"
            )
            #expect(active == "0")
        }
    }
}
