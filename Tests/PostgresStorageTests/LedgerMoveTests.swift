// Goal: `commons-ledger copy` moves a whole ledger between engines and proves it — the
// same entries and root on both sides, verified — and the copy is a working ledger (new
// writes get new seqs on PostgreSQL's identities); a destination that holds rows is
// refused; a copy the destination refuses halfway leaves it empty, and runs again once
// the source is fixed. On the real server scripts/test starts.
import AuditLog
import Foundation
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import PostgresStorage
import Testing

@Suite(.enabled(if: PostgresServer.isConfigured || PostgresServer.isRequired))
struct LedgerMoveTests {
    static let quiet = Logger(label: "move-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let keys = [LogSigner.test.verifierKey]

    /// A SQLite ledger with a fund, a member, a pledge and a contribution, closed.
    static func sourceLedger() async throws -> TestLedger {
        let ledger = try await TestLedger(backend: .sqlite)
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        _ = try await ledger.store.createFund(
            FundDraft(code: "health", name: "Health", assets: ["USD"]), by: .system, idempotency: nil
        )
        guard case .applied(let member) = try await ledger.store.registerMember(
            MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "anonymous"),
            by: .system, idempotency: nil
        ) else { preconditionFailure("no key, no replay") }
        _ = try await ledger.store.recordContribution(
            ContributionDraft(
                memberID: member.member.id.rawValue, fundID: "health", asset: "USD", amount: 5_000, date: "2026-11-20"
            ),
            by: .system, idempotency: nil
        )
        try await ledger.close()
        return ledger
    }

    @Test func aLedgerMovesToPostgreSQLAndBackWithTheSameRoot() async throws {
        let ledger = try await Self.sourceLedger()
        try await PostgresServer.withFreshDatabase { database in
            let there = try await LedgerMove.copy(
                from: .sqlite(path: ledger.path), to: .postgres(database.url), verifierKeys: Self.keys, logger: Self.quiet
            )
            #expect(there.destination.root == there.source.root)
            #expect(there.destination.entries == there.source.entries)
            #expect(there.summary.rows.first { $0.table == "member_private" }?.count == 1)
            // The copy is a ledger: it takes new writes (new seqs past the copied ones).
            let store = try await PostgresLedgerStore.open(
                database: database, clock: FixedClock(), identifiers: SeededIdentifiers(seed: 9), signer: .test,
                logger: Self.quiet
            ).store
            _ = try await store.openAccount(
                AccountDraft(code: "assets:petty-cash", type: "asset", constraint: nil), by: .system, idempotency: nil
            )
            _ = try await store.createFund(
                FundDraft(code: "water", name: "Water", assets: ["USD"]), by: .system, idempotency: nil
            )
            let report = try await store.verify(verifierKeys: Self.keys)
            #expect(report.entries > there.destination.entries)
            await store.close()
            // And back to a file, with everything written since.
            let directory = try TemporaryDirectory()
            let back = try await LedgerMove.copy(
                from: .postgres(database.url), to: .sqlite(path: directory.path("back.sqlite")),
                verifierKeys: Self.keys, logger: Self.quiet
            )
            #expect(back.destination.root == report.root)
        }
    }

    /// `rebuild --from-mirror` into PostgreSQL: the ledger's tiles in a folder, rebuilt from
    /// them alone, verify to the same entries and root (the rows are compared in detail
    /// on SQLite by MirrorRebuildTests).
    @Test func aLedgerIsRebuiltFromItsTilesIntoPostgreSQL() async throws {
        let ledger = try await Self.sourceLedger()
        let source = try LedgerVerifier(path: ledger.path, verifierKeys: Self.keys).verify()
        let reader = try SQLiteLedgerStore.openReadOnly(path: ledger.path, logger: Self.quiet)
        let tiles = TileDirectory(path: ledger.directory.path("tiles"))
        _ = try await tiles.publish(from: reader, after: 0)
        try reader.close()
        let policy = try WitnessPolicy(parsing: "log \(LogSigner.test.verifierKey)\nquorum none\n")
        try await PostgresServer.withFreshDatabase { database in
            let outcome = try await MirrorRebuild.rebuild(
                from: tiles, policy: policy, into: .postgres(database.url), logger: Self.quiet
            )
            #expect(outcome.report.root == source.root)
            #expect(outcome.report.entries == source.entries)
            #expect(outcome.report.transactions == source.transactions)
        }
    }

    @Test func aDestinationWithRowsIsRefused() async throws {
        let ledger = try await Self.sourceLedger()
        try await PostgresServer.withFreshDatabase { database in
            _ = try await LedgerMove.copy(
                from: .sqlite(path: ledger.path), to: .postgres(database.url), verifierKeys: Self.keys, logger: Self.quiet
            )
            await #expect(throws: LedgerCopy.DestinationNotEmpty.self) {
                try await LedgerMove.copy(
                    from: .sqlite(path: ledger.path), to: .postgres(database.url), verifierKeys: Self.keys,
                    logger: Self.quiet
                )
            }
        }
    }

    /// A row PostgreSQL refuses (a balance of an account that does not exist, slipped into
    /// the file with the sqlite3 shell, which does not enforce foreign keys) stops the
    /// copy: nothing of it stays, and it runs again once the row is gone.
    @Test func anInterruptedCopyLeavesNothingAndRunsAgain() async throws {
        let ledger = try await Self.sourceLedger()
        _ = try DatabaseShell.execute(
            path: ledger.path,
            sql: "INSERT INTO balances (account_seq, asset, balance, posting_count) VALUES (999999, 'USD', 0, 1)"
        )
        try await PostgresServer.withFreshDatabase { database in
            await #expect(throws: (any Error).self) {
                try await LedgerMove.copy(
                    from: .sqlite(path: ledger.path), to: .postgres(database.url), verifierKeys: Self.keys,
                    logger: Self.quiet
                )
            }
            let store = try await PostgresLedgerStore.openReadOnly(database: database, logger: Self.quiet)
            #expect(try await store.logEntries(start: 0, end: nil, limit: 10).entries.isEmpty)
            #expect(try await store.trialBalance(asOf: nil).sections.isEmpty)
            await store.close()
            _ = try DatabaseShell.execute(path: ledger.path, sql: "DELETE FROM balances WHERE account_seq = 999999")
            let again = try await LedgerMove.copy(
                from: .sqlite(path: ledger.path), to: .postgres(database.url), verifierKeys: Self.keys, logger: Self.quiet
            )
            #expect(again.destination.root == again.source.root)
        }
    }
}
