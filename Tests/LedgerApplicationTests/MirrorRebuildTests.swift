// Goal: a ledger rebuilt from a member's mirror of its log alone is the ledger — every
// asset, account, transaction, posting, balance, daily closing, key and fund object row
// for row, the same entries and root, `verify` passing with the log's key — except what
// the log never held (private data, key secrets, the staff names behind principals),
// which stays absent: no old token authenticates, and private data that is present must
// still match its commitment. A mirror whose checkpoint lacks the quorum, or whose entries
// were altered, rebuilds nothing; a database that holds rows is never rebuilt into.
import AuditLog
import Foundation
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

// The fixture is a SQLite file, and the comparison reads both files with the sqlite3 shell.
@Suite(.enabled(if: TestBackend.isSQLite)) struct MirrorRebuildTests {
    static let quiet = Logger(label: "rebuild-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/release-ca54c5a/generated-seed-20261204.sqlite")

    /// Tables compared row for row, each without the columns the log does not hold: a
    /// key's secret hash and a committed key's name, people's names, the salt of the names'
    /// commitment, and the staff name a principal carried (the log names the key only).
    static let compared: [(table: String, without: Set<String>)] = [
        ("assets", []), ("accounts", []), ("account_allowed_assets", []), ("postings", []), ("transactions", []),
        ("balances", []), ("balance_days", []), ("log_entries", []), ("log_subjects", []), ("log_nodes", []),
        ("people", ["name"]), ("api_keys", ["secret_hash", "name"]), ("api_key_people", ["salt"]),
        ("members", []), ("member_erasures", []), ("funds", []), ("fund_assets", []), ("pledges", []),
        ("pledge_cancellations", []), ("contributions", []), ("disbursements", ["requested_by_name"]),
        ("disbursement_steps", ["principal_name"]), ("beneficiary_commitments", []), ("beneficiary_erasures", []),
        ("conversions", []), ("fx_rates", []), ("cash_adjustments", ["requested_by_name"]),
        ("cash_adjustment_steps", ["principal_name"]),
    ]

    /// A copy of the fixture (every entry kind an earlier release wrote), migrated, its
    /// tiles published to `folder/source` with a checkpoint cosigned by W1, and mirrored
    /// into `folder/mirror` by `LogMirror`, as a member would.
    /// With `handingOver`, the log's key is handed over to `LogSigner.testSuccessor` first
    /// (the last entry; its checkpoint signed by both keys, so the policy's old key reads it).
    static func mirroredFixture(_ folder: TemporaryDirectory, handingOver: Bool = false) async throws -> String {
        let path = folder.path("source.sqlite")
        try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
        let store = try SQLiteLedgerStore(
            path: path, clock: FixedClock(), identifiers: SeededIdentifiers(seed: 5), signer: .test, logger: quiet
        )
        _ = try store.migrate()
        if handingOver { _ = try await store.rotateLogKey(to: .testSuccessor, by: .system) }
        try await publishWitnessed(store, to: TileDirectory(path: folder.path("source")))
        try store.close()
        let mirror = LogMirror(
            directory: TileDirectory(path: folder.path("mirror")), policy: LogMirrorTests.policy,
            source: DirectoryTileSource(path: folder.path("source"))
        )
        _ = try await mirror.update()
        return path
    }

    /// Publishes `store`'s tiles into `tiles` with its latest checkpoint cosigned by W1.
    static func publishWitnessed(_ store: some LogReads, to tiles: TileDirectory) async throws {
        _ = try await tiles.publish(from: store, after: 0)
        let note = try SignedNote(parsing: try #require(try tiles.read("checkpoint")))
        let line = try LogMirrorTests.witness.cosign(text: note.text, timestamp: 1_764_892_800)
        let witnessed = try SignedNote(text: note.text, signatures: note.signatures + [line])
        try tiles.writeDurably(Array(witnessed.message.utf8), to: "checkpoint")
    }

    static func rebuild(_ folder: TemporaryDirectory, into name: String) async throws -> MirrorRebuild.Outcome {
        try await MirrorRebuild.rebuild(
            from: TileDirectory(path: folder.path("mirror")), policy: LogMirrorTests.policy,
            into: .sqlite(path: folder.path(name)), logger: quiet
        )
    }

    /// The rows of `table` without the columns `without`, in a total order, as text.
    static func rows(_ path: String, _ table: String, without: Set<String>) throws -> String {
        let columns = try DatabaseShell.execute(path: path, sql: "SELECT name FROM pragma_table_info('\(table)');")
            .split(separator: "\n").map(String.init).filter { !without.contains($0) }
        let list = columns.map { "quote(\($0))" }.joined(separator: ", ")
        let order = (1...columns.count).map(String.init).joined(separator: ", ")
        return try DatabaseShell.execute(path: path, sql: "SELECT \(list) FROM \(table) ORDER BY \(order);")
    }

    @Test func theRebuiltLedgerIsTheLedgerRowForRow() async throws {
        let folder = try TemporaryDirectory()
        let source = try await Self.mirroredFixture(folder)
        let original = try LedgerVerifier(path: source, verifierKeys: [LogSigner.test.verifierKey]).verify()
        let outcome = try await Self.rebuild(folder, into: "rebuilt.sqlite")
        #expect(outcome.summary.entries == 308)
        #expect(outcome.report.entries == original.entries)
        #expect(outcome.report.root == original.root)
        #expect(outcome.report.transactions == original.transactions)
        #expect(outcome.witnesses == ["W1"])
        #expect(outcome.report.rebuiltAt == 308)
        #expect(original.rebuiltAt == nil)
        let rebuilt = folder.path("rebuilt.sqlite")
        for (table, without) in Self.compared {
            let expected = try Self.rows(source, table, without: without)
            #expect(!expected.isEmpty || ["account_allowed_assets"].contains(table), "the fixture has \(table) rows")
            #expect(try Self.rows(rebuilt, table, without: without) == expected, "\(table) differs")
        }
        for table in ["member_private", "beneficiary_private", "idempotency_keys"] {
            #expect(try DatabaseShell.execute(path: rebuilt, sql: "SELECT count(*) FROM \(table);") == "0\n")
        }
        // The witnessed checkpoint is kept: the log's note, and W1's cosignature apart.
        let cosignatures = try DatabaseShell.execute(path: rebuilt, sql: "SELECT count(*) FROM log_cosignatures;")
        #expect(cosignatures == "1\n")
        // A private row that does not match its commitment still fails on a rebuilt database.
        let member = try DatabaseShell.execute(
            path: rebuilt, sql: "SELECT id FROM members WHERE id NOT IN (SELECT member_id FROM member_erasures) LIMIT 1;"
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try DatabaseShell.execute(path: rebuilt, sql: """
            INSERT INTO member_private (member_id, salt, data) VALUES ('\(member)', zeroblob(32), CAST('{}' AS BLOB));
            """)
        #expect(throws: AuditFailure.self) {
            try LedgerVerifier(path: rebuilt, verifierKeys: [LogSigner.test.verifierKey]).verify()
        }
    }

    /// A key hand-over is an entry like any other: rebuilt into its row, and the rebuilt
    /// ledger verifies from the first key (following the hand-over) and refuses it as a
    /// signer at start.
    @Test func aLogWithAKeyHandoverIsRebuiltWithIt() async throws {
        let folder = try TemporaryDirectory()
        let source = try await Self.mirroredFixture(folder, handingOver: true)
        let outcome = try await Self.rebuild(folder, into: "rebuilt.sqlite")
        #expect(outcome.summary.entries == 309)
        let rebuilt = folder.path("rebuilt.sqlite")
        let table = try Self.rows(source, "log_key_rotations", without: [])
        #expect(table.contains(LogSigner.testSuccessor.verifierKey))
        #expect(try Self.rows(rebuilt, "log_key_rotations", without: []) == table)
        for key in [LogSigner.test, .testSuccessor] {
            #expect(try LedgerVerifier(path: rebuilt, verifierKeys: [key.verifierKey]).verify().entries == 309)
        }
        let restarted = try SQLiteLedgerStore(
            path: rebuilt, clock: FixedClock(), identifiers: SeededIdentifiers(seed: 6), signer: .test,
            logger: Self.quiet
        )
        defer { try? restarted.close() }
        await #expect(throws: LogKeyError.self) { try await restarted.checkSigningKey(.test, keyPath: "old.key") }
        try await restarted.checkSigningKey(.testSuccessor, keyPath: "new.key")
    }

    /// Without the rebuild's record, missing private data is what it always was: a failure.
    @Test func absentPrivateDataPassesOnlyOnARebuiltDatabase() async throws {
        let folder = try TemporaryDirectory()
        _ = try await Self.mirroredFixture(folder)
        _ = try await Self.rebuild(folder, into: "rebuilt.sqlite")
        let rebuilt = folder.path("rebuilt.sqlite")
        _ = try DatabaseShell.execute(
            path: rebuilt, sql: TestSQL.withoutTriggers(["log_rebuilds_are_never_deleted"]) + "DELETE FROM log_rebuilds;"
        )
        #expect(throws: AuditFailure.self) {
            try LedgerVerifier(path: rebuilt, verifierKeys: [LogSigner.test.verifierKey]).verify()
        }
    }

    /// The rebuilt keys are the logged keys — same ids, roles, people — but no token of
    /// the original authenticates; the rebuilt ledger takes new writes and still verifies.
    @Test func noOldTokenAuthenticatesAndTheRebuiltLedgerWorks() async throws {
        let folder = try TemporaryDirectory()
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil)])
        let (key, token) = try await ledger.store.createKey(name: "Amina (treasurer)", role: .treasurer, expiresAt: nil, by: .system)
        #expect(try await ledger.store.authenticate(token: token)?.id == key.id)
        try await Self.publishWitnessed(ledger.store, to: TileDirectory(path: folder.path("mirror")))
        let outcome = try await Self.rebuild(folder, into: "rebuilt.sqlite")
        let store = try SQLiteLedgerStore(
            path: folder.path("rebuilt.sqlite"), clock: FixedClock(), identifiers: SeededIdentifiers(seed: 77),
            signer: .test, logger: Self.quiet
        )
        _ = try store.migrate()
        #expect(try await store.keys().map(\.id).contains(key.id))
        #expect(try await store.authenticate(token: token) == nil)
        _ = try await store.openAccount(
            AccountDraft(code: "assets:petty-cash", type: "asset", constraint: nil), by: .system, idempotency: nil
        )
        guard case .applied(let member) = try await store.registerMember(
            MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "anonymous"),
            by: .system, idempotency: nil
        ) else { preconditionFailure("no key, no replay") }
        try store.close()
        let rebuilt = folder.path("rebuilt.sqlite")
        let after = try LedgerVerifier(path: rebuilt, verifierKeys: [LogSigner.test.verifierKey]).verify()
        #expect(after.entries == outcome.report.entries + 2)
        #expect(after.rebuiltAt == outcome.report.entries)
        // Private data written after the rebuild is held, and its loss is caught as anywhere.
        _ = try DatabaseShell.execute(path: rebuilt, sql: TestSQL.withoutTriggers(["member_private_delete_needs_erasure"])
            + "DELETE FROM member_private WHERE member_id = '\(member.member.id)';")
        #expect(throws: AuditFailure.self) {
            try LedgerVerifier(path: rebuilt, verifierKeys: [LogSigner.test.verifierKey]).verify()
        }
    }

    @Test func anUnwitnessedOrAlteredMirrorRebuildsNothing() async throws {
        let folder = try TemporaryDirectory()
        _ = try await Self.mirroredFixture(folder)
        let mirror = TileDirectory(path: folder.path("mirror"))
        let witnessed = try #require(try mirror.read("checkpoint"))

        // The log's own signature without W1's: the quorum is not met.
        let note = try SignedNote(parsing: witnessed)
        let unwitnessed = try SignedNote(text: note.text, signatures: [try #require(note.signatures.first)])
        try mirror.writeDurably(Array(unwitnessed.message.utf8), to: "checkpoint")
        await #expect(throws: MirrorError.notWitnessed) { try await Self.rebuild(folder, into: "a.sqlite") }
        try mirror.writeDurably(witnessed, to: "checkpoint")

        // One amount changed in the first bundle: the entry no longer gives the witnessed tree.
        let bundle = try #require(try mirror.read("tile/entries/000"))
        var entries = try EntryBundle.decode(bundle)
        let target = try #require(entries.firstIndex { String(decoding: $0, as: UTF8.self).contains("\"amount\":") })
        var bytes = entries[target]
        let marker = Array("\"amount\":".utf8)
        let start = try #require((0..<bytes.count - marker.count).first { Array(bytes[$0 ..< $0 + marker.count]) == marker })
        let digit = try #require((start + marker.count ..< bytes.count).first { bytes[$0] != UInt8(ascii: "-") })
        bytes[digit] = bytes[digit] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        let changed = bytes != entries[target]
        #expect(changed)
        entries[target] = bytes
        try mirror.writeDurably(EntryBundle.encode(entries), to: "tile/entries/000")
        await #expect(throws: AuditFailure.self) { try await Self.rebuild(folder, into: "b.sqlite") }
        #expect(try DatabaseShell.execute(path: folder.path("b.sqlite"), sql: "SELECT count(*) FROM log_entries;") == "0\n")
        #expect(try DatabaseShell.execute(path: folder.path("b.sqlite"), sql: "SELECT count(*) FROM accounts;") == "0\n")

        // A database that already holds a ledger is never rebuilt into.
        try mirror.writeDurably(bundle, to: "tile/entries/000")
        _ = try await Self.rebuild(folder, into: "c.sqlite")
        await #expect(throws: LedgerCopy.DestinationNotEmpty.self) { try await Self.rebuild(folder, into: "c.sqlite") }
    }
}
