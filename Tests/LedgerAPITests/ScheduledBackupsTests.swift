// Goal: `backup_dir` keeps verified backups of the live SQLite ledger: each one a file that
// verifies on its own with the newest entries, only the newest `backup_keep` kept, the last
// success time and the failures in /metrics; a failed backup leaves no file behind and the
// ones before it in place.
import Foundation
@testable import LedgerAPI
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite(.enabled(if: TestBackend.isSQLite)) struct ScheduledBackupsTests {
    static let quiet = Logger(label: "backup-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func metricsText(_ metrics: LedgerMetrics) -> String {
        String(decoding: metrics.exposition(), as: UTF8.self)
    }

    @Test func backupsAreVerifiedPrunedAndReported() async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil)])
        let metrics = LedgerMetrics()
        var backups = ScheduledBackups(
            databasePath: ledger.path, directory: URL(fileURLWithPath: ledger.directory.path("backups")),
            every: .seconds(3_600), keep: 2, verifierKey: LogSigner.test.verifierKey, metrics: metrics,
            logger: Self.quiet
        )
        #expect(Self.metricsText(metrics).contains("commons_ledger_backup_last_success_timestamp_seconds 0"))
        for account in ["assets:a", "assets:b", "assets:c"] {
            _ = try await ledger.store.openAccount(
                AccountDraft(code: account, type: "asset", constraint: nil), by: .system, idempotency: nil
            )
            await backups.backUp()
            try await Task.sleep(for: .milliseconds(5))  // distinct names, to the millisecond
        }
        let kept = try backups.backups()
        #expect(kept.count == 2)
        let live = try LedgerVerifier(path: ledger.path, verifierKeys: [LogSigner.test.verifierKey]).verify()
        let newest = try LedgerVerifier(path: try #require(kept.last).path, verifierKeys: [LogSigner.test.verifierKey])
            .verify()
        #expect(newest.entries == live.entries)
        #expect(newest.root == live.root)
        let text = Self.metricsText(metrics)
        #expect(!text.contains("commons_ledger_backup_last_success_timestamp_seconds 0"))
        #expect(text.contains("commons_ledger_backup_failures_total 0"))

        // A backup that does not verify (the wrong key) fails: counted, no file left behind.
        backups = ScheduledBackups(
            databasePath: ledger.path, directory: backups.directory, every: .seconds(3_600), keep: 2,
            verifierKey: try LogSigner.generate(origin: "another").verifierKey, metrics: metrics, logger: Self.quiet
        )
        await backups.backUp()
        #expect(Self.metricsText(metrics).contains("commons_ledger_backup_failures_total 1"))
        #expect(try backups.backups() == kept)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: backups.directory.path)
            .filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }
}
