// Goal: `log-key rotate` as an operator runs it. The key file is replaced in place — the
// new key under the configured name, the retired one beside it, both owner-only — and the
// database opens with the new key and refuses the retired one; a rotation that cannot be
// recorded leaves no new key behind; and a key file others could read, or that another
// user owns, is refused before anything is opened.
import AuditLog
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite(.enabled(if: TestBackend.isSQLite)) struct LogKeyRotatorTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func configuration(_ directory: TemporaryDirectory) -> ServerConfiguration {
        ServerConfiguration(
            host: "127.0.0.1", port: 0, database: .sqlite(path: directory.path("ledger.sqlite")), logLevel: .critical,
            logOrigin: "ledger.example.org/fund"
        )
    }

    /// Opens the configured ledger as `serve` does (making its key on first start),
    /// registers the asset `writing` when given (one entry), and closes it.
    static func start(_ configuration: ServerConfiguration, writing asset: String?) async throws {
        try await OpenedStore.with(configuration, logger: logger) { opened in
            guard let asset else { return }
            _ = try await opened.ledger.registerAsset(AssetDraft(code: asset, scale: 2), by: .system, idempotency: nil)
        }
    }

    static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test func theKeyFileIsReplacedInPlaceAndTheRetiredKeyRefused() async throws {
        let directory = try TemporaryDirectory()
        let configuration = Self.configuration(directory)
        try await Self.start(configuration, writing: "USD")
        let keyPath = try configuration.resolvedLogKeyPath
        let old = try LogSigner.loadPrivate(path: keyPath)

        let outcome = try await LogKeyRotator.rotate(configuration, newKeyPath: nil, logger: Self.logger)
        #expect(outcome.handover.index == 1)
        #expect(outcome.handover.oldKey == old.signer.verifier)
        let new = try LogSigner.loadPrivate(path: keyPath)
        #expect(new.verifierKey == outcome.handover.newKey.verifierKey)
        #expect(new.origin == "ledger.example.org/fund")
        let retired = try #require(outcome.retiredKeyPath)
        #expect(try LogSigner.loadPrivate(path: retired).verifierKey == old.verifierKey)
        #expect(try Self.mode(keyPath) == 0o600 && Self.mode(retired) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: keyPath + ".next"))

        // The next start signs with the new key; the old key file is refused by name.
        try await Self.start(configuration, writing: "EUR")
        var withOldKey = configuration
        withOldKey.logKeyPath = retired
        await #expect(throws: LogKeyError.retired(retired, current: new.verifierKey)) {
            try await Self.start(withOldKey, writing: nil)
        }
        let report = try LedgerVerifier(path: directory.path("ledger.sqlite"), verifierKeys: [old.verifierKey]).verify()
        #expect(report.entries == 3)
    }

    @Test func aRotationThatCannotBeRecordedLeavesNoNewKey() async throws {
        let directory = try TemporaryDirectory()
        let configuration = Self.configuration(directory)
        try await Self.start(configuration, writing: nil)
        let keyPath = try configuration.resolvedLogKeyPath
        let before = try LogSigner.loadPrivate(path: keyPath).verifierKey
        await #expect(throws: LogKeyRotationError.emptyLog) {
            try await LogKeyRotator.rotate(configuration, newKeyPath: nil, logger: Self.logger)
        }
        #expect(try LogSigner.loadPrivate(path: keyPath).verifierKey == before)
        #expect(!FileManager.default.fileExists(atPath: keyPath + ".next"))
        // An existing file is never overwritten by a new key.
        try await Self.start(configuration, writing: "USD")
        let taken = directory.path("taken.key")
        #expect(FileManager.default.createFile(atPath: taken, contents: Data("keep".utf8)))
        await #expect(throws: LogKeyRotationError.newKeyFileExists(taken)) {
            try await LogKeyRotator.rotate(configuration, newKeyPath: taken, logger: Self.logger)
        }
        #expect(FileManager.default.contents(atPath: taken) == Data("keep".utf8))
    }

    @Test(arguments: [0o640, 0o644, 0o604])
    func aKeyFileOthersCanReadIsRefused(mode: Int) async throws {
        let directory = try TemporaryDirectory()
        let configuration = Self.configuration(directory)
        try await Self.start(configuration, writing: "USD")
        let keyPath = try configuration.resolvedLogKeyPath
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: keyPath)
        await #expect(throws: LogKeyError.self) { try await Self.start(configuration, writing: nil) }
        do {
            _ = try LogSigner.loadPrivate(path: keyPath)
            Issue.record("a key file of mode \(String(mode, radix: 8)) was accepted")
        } catch let error as LogKeyError {
            guard case .exposed = error else {
                Issue.record("refused for another reason: \(error)")
                return
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        try await Self.start(configuration, writing: nil)
    }
}
