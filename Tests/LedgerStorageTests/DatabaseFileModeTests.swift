// Goal: the database files hold members' private data, so they are readable by their
// owner only — created 0600 whatever the umask (the main file, and the -wal and -shm
// SQLite creates with its mode), and tightened to 0600 when found looser at open.
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

// Files and their modes: what only a SQLite ledger has (SQLite pass only).
@Suite(.serialized, .enabled(if: TestBackend.isSQLite)) struct DatabaseFileModeTests {
    /// Registers a member, so the WAL and its index exist and hold private data.
    static func writeSomething(_ store: any LedgerStore) async throws {
        let draft = MemberDraft(name: "Mode Probe", kind: "union", country: "KE", region: "East Africa", visibility: "public", contact: .object(["email": .string("probe@example.org")]))
        _ = try await store.registerMember(draft, by: .system, idempotency: nil)
    }

    @Test func aNewDatabaseIsCreatedOwnerOnlyUnderAPermissiveUmask() async throws {
        // The usual umask 022 would give 0644.
        let previous = umask(0o022)
        defer { umask(previous) }
        let ledger = try await TestLedger()
        try await Self.writeSomething(ledger.store)
        let files = DatabaseFileProbe.files(of: ledger.path)
        #expect(files.count >= 3, "main, -wal and -shm exist while the store is open: \(files)")
        for file in files {
            #expect(try DatabaseFileProbe.mode(of: file) == 0o600, "\(file)")
        }
    }

    @Test func aLooserDatabaseIsTightenedWhenOpened() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let first = try SQLiteLedgerStore(path: path, clock: FixedClock(), identifiers: SeededIdentifiers(seed: 1), signer: .test, logger: Logger(label: "test"))
        try first.migrate()
        try await Self.writeSomething(first)
        try first.close()
        // As an older version (or a copy) would have left them: world-readable, a stray WAL too.
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data()))
        for file in [path, path + "-wal"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
            #expect(try DatabaseFileProbe.mode(of: file) == 0o644)
        }
        let second = try SQLiteLedgerStore(path: path, clock: FixedClock(), identifiers: SeededIdentifiers(seed: 2), signer: .test, logger: Logger(label: "test"))
        try second.migrate()
        try await Self.writeSomething(second)
        for file in DatabaseFileProbe.files(of: path) {
            #expect(try DatabaseFileProbe.mode(of: file) == 0o600, "\(file)")
        }
        try second.close()
        // A read-only open (reports on a copy) tightens too, and creates nothing.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let reader = try SQLiteLedgerStore.openReadOnly(path: path, logger: Logger(label: "test"))
        #expect(try DatabaseFileProbe.mode(of: path) == 0o600)
        try reader.close()
    }

    @Test func secureDeleteIsOnForTheWriterAndTheReaders() async throws {
        let store = try await TestLedger().sqliteStore()
        #expect(try store.pragma("secure_delete", onWriter: true) == "1")
        #expect(try store.pragma("secure_delete") == "1")
    }
}
