// Goal: what only PostgreSQL has to prove (the storage suite runs every other store test
// on both engines: scripts/test's PostgreSQL pass): two servers writing to one database at
// once append one dense, chained log in commit order with every acknowledged write present
// once, and a session allowed temporary tables cannot shadow the ledger's tables inside its
// rules. On the real server scripts/test starts.
import AuditLog
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import PostgresNIO
import PostgresStorage
import Testing

@Suite(.enabled(if: PostgresServer.isConfigured || PostgresServer.isRequired))
struct PostgresStoreTests {
    static func open(_ database: LedgerPostgresDatabase, seed: UInt64 = 42) async throws -> PostgresLedgerStore {
        try await PostgresLedgerStore.open(
            database: database, clock: FixedClock(), identifiers: SeededIdentifiers(seed: seed), signer: .test,
            logger: Logger(label: "postgres-store-tests")
        ).store
    }

    static func chart(_ store: PostgresLedgerStore) async throws {
        for (code, scale) in [("USD", 2), ("EUR", 2)] {
            _ = try await store.registerAsset(AssetDraft(code: code, scale: scale), by: .system, idempotency: nil)
        }
        for (code, type, constraint) in [
            ("assets:bank", "asset", "no_negative"), ("income:gifts", "income", nil), ("expenses:grants", "expense", nil),
        ] {
            _ = try await store.openAccount(
                AccountDraft(code: code, type: type, constraint: constraint), by: .system, idempotency: nil
            )
        }
    }

    static func gift(_ amount: Int64, date: String = "2026-11-20") -> TransactionDraft {
        TransactionDraft(date: date, description: "gift", postings: [
            PostingDraft(account: "assets:bank", asset: "USD", amount: amount),
            PostingDraft(account: "income:gifts", asset: "USD", amount: -amount),
        ])
    }

    static func keyed(_ key: String) -> Idempotency<LedgerTransaction> {
        Idempotency(key: key, fingerprint: Array(repeating: 7, count: 32)) {
            StoredResponse(status: 201, body: Array($0.id.rawValue.utf8))
        }
    }

    static func balance(_ store: PostgresLedgerStore, _ account: String, asOf: String? = nil) async throws -> Int64? {
        let balances = try await store.balances(of: AccountReference(account)!, asOf: asOf.flatMap(LocalDate.init))
        return balances?.balances.first { $0.asset.rawValue == "USD" }?.balance.minorUnits
    }

    /// Every entry audited in order (canonical bytes, index, chain, replayed rules and
    /// balances, Merkle tree), then the latest checkpoint's signature and root; returns the
    /// entries' count.
    static func audit(_ store: PostgresLedgerStore) async throws -> Int64 {
        let latest = try #require(try await store.latestCheckpoint())
        var auditor = LogAuditor(rootSizes: [latest.treeSize])
        var start: Int64 = 0
        while true {
            let page = try await store.logEntries(start: start, end: nil, limit: 500)
            for entry in page.entries { _ = try auditor.consume(index: entry.index, data: entry.data) }
            guard let next = page.nextStart else { break }
            start = next
        }
        let chain = try auditor.keyChain(trusting: [LogSigner.test.signer.verifier])
        let checkpoint = try auditor.check(checkpointNote: latest.note, chain: chain)
        #expect(checkpoint.treeSize == auditor.treeSize)
        _ = try auditor.checkRoot(of: checkpoint)
        return auditor.treeSize
    }

    static let quiet = Logger(label: "postgres-store-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A session that may create temporary tables makes a temporary `postings` holding
    /// balancing rows and inserts a one-sided transaction into the real tables. Without
    /// migration 0014 the balance rule summed the temporary rows and this committed; the
    /// rule now reads the ledger's own table and refuses it (LG002).
    @Test func aTemporaryTableCannotStandInForTheLedgersTables() async throws {
        try await PostgresServer.withFreshDatabase { database in
            let store = try await Self.open(database)
            try await Self.chart(store)
            await store.close()
            let forged = "txn_" + String(repeating: "f", count: 32)
            let statements = [
                "BEGIN",
                "CREATE TEMP TABLE postings (LIKE public.postings)",
                """
                INSERT INTO public.postings (transaction_seq, position, account_seq, asset, amount, date, day_running)
                SELECT 900, 0, seq, 'USD', 500, '2026-11-20', 500 FROM accounts WHERE code = 'assets:bank'
                """,
                """
                INSERT INTO pg_temp.postings (transaction_seq, position, account_seq, asset, amount, date, day_running)
                SELECT 900, p, seq, 'USD', a, '2026-11-20', a FROM accounts, (VALUES (0, 500), (1, -500)) v(p, a)
                WHERE code = 'assets:bank'
                """,
                """
                INSERT INTO public.transactions (seq, id, date, description, metadata, recorded_at)
                VALUES (900, '\(forged)', '2026-11-20', 'one-sided', '{}', '2026-11-20T00:00:00.000000Z')
                """,
                "COMMIT",
            ]
            let refusal: String? = try await database.run { client in
                try await client.withConnection { connection in
                    for statement in statements {
                        do {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.quiet)
                        } catch let error as PSQLError {
                            return error.serverInfo?[.sqlState]
                        }
                    }
                    return nil
                }
            }
            #expect(refusal == "LG002")
            let reopened = try await PostgresLedgerStore.openReadOnly(database: database, logger: Self.quiet)
            #expect(try await reopened.transaction(TransactionID(forged)!) == nil)
            await reopened.close()
        }
    }

    /// Two stores with pools of their own, as two `serve` processes on one database, write
    /// singles and batches at once: log_head orders their commits into one log.
    /// Two servers starting together on one empty database issue one first admin key
    /// between them (the check runs inside the write, after the log head is locked).
    @Test func twoServersStartingTogetherIssueOneFirstAdminKey() async throws {
        try await PostgresServer.withFreshDatabase { database in
            let first = try await Self.open(database, seed: 1)
            let second = try await Self.open(database, seed: 2)
            let issued = try await withThrowingTaskGroup(of: APIKey?.self) { group in
                for store in [first, second, first, second] {
                    group.addTask { try await store.createFirstAdminKey()?.key }
                }
                return try await group.reduce(into: [APIKey]()) { keys, key in if let key { keys.append(key) } }
            }
            #expect(issued.count == 1)
            #expect(try await first.keys().map(\.id) == issued.map(\.id))
            await first.close()
            await second.close()
        }
    }

    @Test func twoServersOnOneDatabaseKeepOneLogInCommitOrder() async throws {
        try await PostgresServer.withFreshDatabase { database in
            let first = try await Self.open(database, seed: 1)
            try await Self.chart(first)
            let second = try await Self.open(database, seed: 2)
            let acknowledged = try await withThrowingTaskGroup(of: [TransactionID].self) { group in
                for (server, store) in [(0, first), (1, second)] {
                    for writer in 0..<4 {
                        group.addTask {
                            var ids: [TransactionID] = []
                            for round in 0..<10 {
                                let key = "s\(server)-w\(writer)-r\(round)"
                                switch try await store.recordTransaction(Self.gift(100), by: .system, idempotency: Self.keyed(key)) {
                                case .applied(let transaction): ids.append(transaction.id)
                                case .replayed: Issue.record("a fresh key never replays")
                                }
                            }
                            let batch = try await store.recordTransactions(
                                (0..<5).map { _ in (Self.gift(10), nil) }, atomic: writer % 2 == 0, by: .system
                            )
                            for outcome in batch {
                                guard case .applied(let transaction) = outcome else {
                                    Issue.record("every batch item applies"); continue
                                }
                                ids.append(transaction.id)
                            }
                            return ids
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(acknowledged.count == 2 * 4 * 15)
            #expect(Set(acknowledged).count == acknowledged.count)
            for id in acknowledged { #expect(try await first.transaction(id) != nil) }
            #expect(try await Self.balance(second, "assets:bank") == 2 * 4 * (10 * 100 + 5 * 10))
            // 1 asset pair + 3 accounts = 5 setup entries, then one per acknowledged write.
            #expect(try await Self.audit(first) == Int64(5 + acknowledged.count))
            let report = try await second.verify(verifierKeys: [LogSigner.test.verifierKey])
            #expect(report.transactions == acknowledged.count)
            await first.close()
            await second.close()
        }
    }
}
