// Goal: migration 0009 rebuilds the members table (an anonymous member's kind, country
// and region may now be absent) on a database that already holds members and rows that
// reference them: nothing is lost, old anonymous members keep their recorded profile
// (their log entries hold it) but public views never show it, and new rows obey the
// new rules (a public member always has all three).
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

// A SQLite file from before the migration (SQLite pass only: no PostgreSQL ledger predates it).
@Suite(.enabled(if: TestBackend.isSQLite)) struct ProfileMigrationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let old = "mem_0123456789abcdef0123456789abcdef"

    /// A database as the release before 0009 left it, with an anonymous member (profile
    /// in its row) and its private data.
    static func databaseBefore0009(at path: String) throws {
        let folder = root.appendingPathComponent("schema/migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") && $0 < "0009" }.sorted()
        #expect(files.first == "0001_create_ledger.sql")
        var sql = "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);\n"
        for file in files {
            sql += try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) + "\n"
            sql += "INSERT INTO grdb_migrations VALUES ('\(file.dropLast(4))');\n"
        }
        sql += """
            INSERT INTO members VALUES ('\(old)', 'community', 'SN', 'West Africa', 'anonymous', NULL, zeroblob(32), '2026-01-01T00:00:00.000000Z');
            INSERT INTO member_private VALUES ('\(old)', zeroblob(32), CAST('{"contact":{},"name":"Secret Sisters"}' AS BLOB));
            """
        try DatabaseShell.execute(path: path, sql: sql)
    }

    @Test func oldAnonymousMembersSurviveTheRebuildAndStayHiddenInPublicViews() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        try Self.databaseBefore0009(at: path)
        let store = try SQLiteLedgerStore(path: path, clock: FixedClock(), identifiers: SeededIdentifiers(seed: 5), signer: .test, logger: Logger(label: "test"))
        let applied = try store.migrate()
        #expect(applied.first == "0009_protect_member_profiles")
        let view = try #require(try await store.member(MemberID(Self.old)!))
        #expect(view.recordedProfile == Member.Profile(kind: .community, country: CountryCode("SN")!, region: "West Africa"))
        #expect(view.member.profile?.region == "West Africa")
        #expect(view.member.publicProfile == nil)
        #expect(view.member.name == "Secret Sisters")
        // The rebuilt table keeps its rules: immutable, and a public member needs a profile.
        #expect(throws: DatabaseShell.Failure.self) { try DatabaseShell.execute(path: path, sql: "UPDATE members SET region = 'Elsewhere'") }
        #expect(throws: DatabaseShell.Failure.self) {
            try DatabaseShell.execute(path: path, sql: "INSERT INTO members VALUES ('mem_1123456789abcdef0123456789abcdef', NULL, NULL, NULL, 'public', 'A', zeroblob(32), 'x')")
        }
        try store.close()
    }
}
