// Goal: the embedded ledger survives the loss of its disk. A backup taken while writes go
// on is one consistent snapshot that verifies, owner-only, and never overwrites a file; a
// restore from an older backup plus a member's mirror brings back every entry the mirror
// held — the mirror's root, every balance as it was before the loss — and a backup that is
// not a prefix of the mirrored log (another ledger's) is refused with nothing written.
import AuditLog
import Foundation
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite(.enabled(if: TestBackend.isSQLite)) struct LedgerBackupTests {
    static let keys = [LogSigner.test.verifierKey]

    /// A ledger with a bank account and an income account in USD.
    static func ledger() async throws -> TestLedger {
        let ledger = try await TestLedger()
        try await ledger.seed(
            assets: [("USD", 2)],
            accounts: [("assets:bank:usd", "asset", nil), ("income:contributions", "income", nil)]
        )
        return ledger
    }

    static func gifts(_ ledger: TestLedger, _ count: Int) async throws {
        let draft = TransactionDraft(date: "2026-11-20", description: "gift", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 250),
            PostingDraft(account: "income:contributions", asset: "USD", amount: -250),
        ])
        for _ in 0..<count { _ = try await ledger.store.recordTransaction(draft, by: .system, idempotency: nil) }
    }

    @Test func aBackupTakenWhileWritingIsOneVerifiedOwnerOnlySnapshot() async throws {
        let ledger = try await Self.ledger()
        try await Self.gifts(ledger, 20)
        let base = try LedgerVerifier(path: ledger.path, verifierKeys: Self.keys).verify().entries
        let output = ledger.directory.path("backup.sqlite")
        let writing = Task { try await Self.gifts(ledger, 200) }
        let report = try LedgerBackup.backup(database: ledger.path, to: output, verifierKeys: Self.keys)
        try await writing.value
        #expect(report.entries >= base)
        let attributes = try FileManager.default.attributesOfItem(atPath: output)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: output + ".partial"))
        // The copy is a ledger as of one commit: it verifies on its own, and holds fewer
        // entries than the live file has now.
        let copy = try LedgerVerifier(path: output, verifierKeys: Self.keys).verify()
        #expect(copy == report)
        let live = try LedgerVerifier(path: ledger.path, verifierKeys: Self.keys).verify()
        #expect(live.entries == base + 200)
        #expect(throws: LedgerBackup.Refusal.self) {
            try LedgerBackup.backup(database: ledger.path, to: output, verifierKeys: Self.keys)
        }
    }

    /// Write, back up, write more (a member with private data among it), mirror, lose the
    /// database: the backup plus the mirror give back every entry and every balance.
    @Test func aRestoreFromAnOlderBackupAndAMirrorLosesNothing() async throws {
        let ledger = try await Self.ledger()
        let folder = ledger.directory
        try await Self.gifts(ledger, 30)
        _ = try await ledger.store.createFund(
            FundDraft(code: "health", name: "Health", assets: ["USD"]), by: .system, idempotency: nil
        )
        let backup = folder.path("backup.sqlite")
        let kept = try LedgerBackup.backup(database: ledger.path, to: backup, verifierKeys: Self.keys)
        try await Self.gifts(ledger, 300)
        guard case .applied(let member) = try await ledger.store.registerMember(
            MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "anonymous"),
            by: .system, idempotency: nil
        ) else { preconditionFailure("no key, no replay") }
        _ = try await ledger.store.recordContribution(
            ContributionDraft(
                memberID: member.member.id.rawValue, fundID: "health", asset: "USD", amount: 5_000, date: "2026-11-21"
            ),
            by: .system, idempotency: nil
        )
        try await MirrorRebuildTests.publishWitnessed(ledger.store, to: TileDirectory(path: folder.path("source")))
        _ = try await LogMirror(
            directory: TileDirectory(path: folder.path("mirror")), policy: LogMirrorTests.policy,
            source: DirectoryTileSource(path: folder.path("source"))
        ).update()
        let before = try LedgerVerifier(path: ledger.path, verifierKeys: Self.keys).verify()
        let balances = "SELECT account_seq, asset, balance, posting_count FROM balances ORDER BY 1, 2;"
        let balancesBefore = try DatabaseShell.execute(path: ledger.path, sql: balances)
        try await ledger.close()
        for file in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledger.path + file) }

        let restored = folder.path("restored.sqlite")
        let outcome = try await LedgerBackup.restore(
            backup: backup, to: restored, mirror: (TileDirectory(path: folder.path("mirror")), LogMirrorTests.policy),
            verifierKeys: Self.keys, logger: MirrorRebuildTests.quiet
        )
        #expect(outcome.report.root == before.root)
        #expect(outcome.report.entries == before.entries)
        #expect(outcome.rebuiltFromMirror == before.entries - kept.entries)
        #expect(try DatabaseShell.execute(path: restored, sql: balances) == balancesBefore)
        // What the backup held keeps its private data; the entries after it had theirs only
        // in the lost file (the log commits to it): the member is there, its data is not.
        #expect(try DatabaseShell.execute(path: restored, sql: "SELECT count(*) FROM members;") == "1\n")
        #expect(try DatabaseShell.execute(path: restored, sql: "SELECT count(*) FROM member_private;") == "0\n")
        #expect(outcome.report.rebuiltAt == before.entries)
    }

    @Test func aBackupOfAnotherLedgerIsRefusedAndNothingIsWritten() async throws {
        let ledger = try await Self.ledger()
        try await Self.gifts(ledger, 10)
        try await MirrorRebuildTests.publishWitnessed(
            ledger.store, to: TileDirectory(path: ledger.directory.path("mirror"))
        )
        let other = try await Self.ledger()
        try await Self.gifts(other, 3)
        _ = try await other.store.openAccount(
            AccountDraft(code: "assets:petty-cash", type: "asset", constraint: nil), by: .system, idempotency: nil
        )
        let backup = other.directory.path("backup.sqlite")
        _ = try LedgerBackup.backup(database: other.path, to: backup, verifierKeys: Self.keys)
        let restored = other.directory.path("restored.sqlite")
        await #expect(throws: AuditFailure.self) {
            try await LedgerBackup.restore(
                backup: backup, to: restored,
                mirror: (TileDirectory(path: ledger.directory.path("mirror")), LogMirrorTests.policy),
                verifierKeys: Self.keys, logger: MirrorRebuildTests.quiet
            )
        }
        #expect(!FileManager.default.fileExists(atPath: restored))
        #expect(!FileManager.default.fileExists(atPath: restored + ".partial"))
    }
}
