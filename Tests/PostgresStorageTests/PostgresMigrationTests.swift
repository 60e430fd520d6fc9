// Goal: the PostgreSQL schema is applied as SQLite's is — every migration of
// `schema/postgres/` under the same name as its SQLite twin, each wholly or not at all,
// once, even when several servers start at the same moment — on a real PostgreSQL server.
// `scripts/test` starts one (scripts/postgres) and sets COMMONS_LEDGER_TEST_POSTGRES_URL;
// with COMMONS_LEDGER_REQUIRE_POSTGRES=1 (as scripts/test sets it) a missing server fails
// instead of skipping. Each test works in a database of its own.
import Foundation
import LedgerStorage
import LedgerTestSupport
import Logging
import PostgresNIO
@testable import PostgresStorage
import Testing

@Suite(.enabled(if: PostgresServer.isConfigured || PostgresServer.isRequired))
struct PostgresMigrationTests {
    static let logger = Logger(label: "postgres-tests")

    @Test func everyMigrationHasItsSQLiteTwinsName() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sqlite = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("schema/migrations").path
        ).filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
        #expect(PostgresMigrations.all.map(\.name) == sqlite)
    }

    @Test func aFreshDatabaseIsMigratedOnceAndInOrder() async throws {
        try await PostgresServer.withFreshDatabase { database in
            try await database.run { client in
                let first = try await PostgresMigrations.migrate(client, logger: Self.logger)
                #expect(first == PostgresMigrations.all.map(\.name))
                #expect(try await PostgresMigrations.migrate(client, logger: Self.logger).isEmpty)
                #expect(try await PostgresMigrations.applied(client, logger: Self.logger) == first)
            }
        }
    }

    @Test func serversStartingTogetherApplyEachMigrationOnce() async throws {
        try await PostgresServer.withFreshDatabase { database in
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await database.run { try await PostgresMigrations.migrate($0, logger: Self.logger) }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.sorted() == PostgresMigrations.all.map(\.name).sorted())
        }
    }
}

/// The test server scripts/test started, and a fresh database on it per test.
enum PostgresServer {
    static let environment = ProcessInfo.processInfo.environment
    static var isConfigured: Bool { environment["COMMONS_LEDGER_TEST_POSTGRES_URL"] != nil }
    static var isRequired: Bool { environment["COMMONS_LEDGER_REQUIRE_POSTGRES"] == "1" }

    /// Creates a database with a random name, runs `body` on it, then drops it.
    static func withFreshDatabase(_ body: (LedgerPostgresDatabase) async throws -> Void) async throws {
        let database = try await TestPostgres.freshDatabase()
        let name = database.url.database
        do {
            try await body(database)
        } catch {
            try? await TestPostgres.server().dropDatabase(named: name)
            throw error
        }
        try await TestPostgres.server().dropDatabase(named: name)
    }
}

/// The embedded statements are exactly the files' (no server needed): run
/// `scripts/embed-resources` after editing `schema/postgres/`.
@Suite struct EmbeddedPostgresMigrationTests {
    @Test func theEmbeddedStatementsAreTheFilesStatements() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schema/postgres")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(PostgresMigrations.all.map { "\($0.name).sql" } == files)
        for migration in PostgresMigrations.all {
            var rest = Substring(try String(
                contentsOf: folder.appendingPathComponent("\(migration.name).sql"), encoding: .utf8
            ))
            #expect(!migration.statements.isEmpty)
            var residue = ""
            for statement in migration.statements {
                guard let range = rest.firstRange(of: statement) else {
                    Issue.record("\(migration.name): a statement is not in the file, in order; run scripts/embed-resources")
                    break
                }
                residue += rest[..<range.lowerBound]
                rest = rest[range.upperBound...]
            }
            residue += rest
            let code = residue.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("--") && $0.contains(where: { $0 != ";" }) }
            #expect(code.isEmpty, "\(migration.name): text outside the embedded statements: \(code)")
        }
    }
}

/// The triggers the statements create are live: PostgreSQL itself refuses what SQLite does.
@Suite(.enabled(if: PostgresServer.isConfigured || PostgresServer.isRequired))
struct PostgresTriggerTests {
    @Test func theBookOfRecordRefusesTruncationAndTheLogAGap() async throws {
        try await PostgresServer.withFreshDatabase { database in
            try await database.run { client in
                try await PostgresMigrations.migrate(client, logger: PostgresMigrationTests.logger)
                for (sql, state) in [
                    ("TRUNCATE postings", "LG001"),
                    ("TRUNCATE log_nodes", "LG001"),
                    (#"INSERT INTO log_entries (idx, data, leaf_hash) VALUES (1, '\x7b7d', decode(repeat('00', 32), 'hex'))"#, "LG003"),
                ] {
                    do {
                        try await client.query(PostgresQuery(unsafeSQL: sql), logger: PostgresMigrationTests.logger)
                        Issue.record("accepted: \(sql)")
                    } catch let error as PSQLError {
                        #expect(error.serverInfo?[.sqlState] == state, "\(sql)")
                    }
                }
            }
        }
    }
}
