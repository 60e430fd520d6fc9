// Goal: the one store runs on PostgreSQL with the guarantees it has on SQLite — raw
// transactions, idempotent replays, derived balances, the fund's steps (pledge,
// contribution, four-eyes disbursement) and a log that audits entry by entry against its
// signed checkpoint — and two servers writing to one database at once append one dense,
// chained log in commit order with every acknowledged write present once. On the real
// server scripts/test starts.
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
    static let treasurer = Principal(keyID: "key_11111111111111111111111111111111", name: "Amina", role: .treasurer)
    static let approver = Principal(keyID: "key_22222222222222222222222222222222", name: "Bongani", role: .approver)

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
        let checkpoint = try auditor.check(checkpointNote: latest.note, verifiers: [LogSigner.test.signer.verifier])
        #expect(checkpoint.treeSize == auditor.treeSize)
        _ = try auditor.checkRoot(of: checkpoint)
        return auditor.treeSize
    }

    @Test func transactionsBalancesAndReplaysAsOnSQLite() async throws {
        try await PostgresServer.withFreshDatabase { database in
            let store = try await Self.open(database)
            try await Self.chart(store)
            guard case .applied(let first) = try await store.recordTransaction(
                Self.gift(10_000), by: .system, idempotency: Self.keyed("gift-1")
            ) else { Issue.record("a new key applies"); return }
            guard case .replayed(let stored) = try await store.recordTransaction(
                Self.gift(10_000), by: .system, idempotency: Self.keyed("gift-1")
            ) else { Issue.record("the same key replays"); return }
            #expect(stored.body == Array(first.id.rawValue.utf8))
            _ = try await store.recordTransaction(Self.gift(2_500, date: "2026-11-18"), by: .system, idempotency: nil)
            // Overdrawing a no_negative account is refused and changes nothing.
            let overdraw = TransactionDraft(date: "2026-11-21", description: "too much", postings: [
                PostingDraft(account: "expenses:grants", asset: "USD", amount: 20_000),
                PostingDraft(account: "assets:bank", asset: "USD", amount: -20_000),
            ])
            await #expect(throws: Rejection.self) {
                try await store.recordTransaction(overdraw, by: .system, idempotency: nil)
            }
            #expect(try await Self.balance(store, "assets:bank") == 12_500)
            #expect(try await Self.balance(store, "assets:bank", asOf: "2026-11-19") == 2_500)
            #expect(try await Self.balance(store, "income:gifts") == -12_500)
            let trial = try await store.trialBalance(asOf: nil)
            #expect(trial.sections.map(\.asset.rawValue) == ["USD"])
            #expect(trial.sections.first?.lines.count == 2)
            #expect(trial.sections.first?.debitTotal == 12_500)
            #expect(trial.sections.first?.isBalanced == true)
            // Assets and accounts are logged too: 2 + 3 + 2 transactions.
            #expect(try await Self.audit(store) == 7)
            // `verify` on the database: the log against the tables, in one snapshot.
            let report = try await store.verify(verifierKeys: [LogSigner.test.verifierKey])
            #expect(report.entries == 7)
            #expect(report.transactions == 2)
            await store.close()
        }
    }

    @Test func theFundsStepsRunOnPostgreSQL() async throws {
        try await PostgresServer.withFreshDatabase { database in
            let store = try await Self.open(database)
            _ = try await store.registerAsset(AssetDraft(code: "USD", scale: 2), by: .system, idempotency: nil)
            _ = try await store.createFund(
                FundDraft(code: "health", name: "Health", assets: ["USD"], twoApprovalsAbove: ["USD": 5_000]),
                by: .system, idempotency: nil
            )
            guard case .applied(let member) = try await store.registerMember(
                MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "public"),
                by: .system, idempotency: nil
            ) else { Issue.record("a registration applies"); return }
            let memberID = member.member.id.rawValue
            guard case .applied(let pledge) = try await store.makePledge(
                PledgeDraft(
                    memberID: memberID, fundID: "health", asset: "USD", amount: 50_000, dueDate: "2026-12-31",
                    date: "2026-11-01"
                ),
                by: Self.treasurer, idempotency: nil
            ) else { Issue.record("a pledge applies"); return }
            _ = try await store.recordContribution(
                ContributionDraft(
                    memberID: memberID, fundID: "health", asset: "USD", amount: 20_000, date: "2026-11-20",
                    pledgeID: pledge.pledge.id.rawValue
                ),
                by: Self.treasurer, idempotency: nil
            )
            let paid = try #require(try await store.pledge(pledge.pledge.id))
            #expect(paid.status.paid == 20_000)
            let partly = try await store.pledges(filter: PledgeFilter(state: .partlyPaid), page: PageRequest(limit: 10, cursor: nil))
            #expect(partly.items.map(\.pledge.id) == [pledge.pledge.id])
            guard case .applied(let request) = try await store.requestDisbursement(
                DisbursementDraft(fundID: "health", memberID: memberID, asset: "USD", amount: 10_000, purpose: "Medicines"),
                by: Self.treasurer, idempotency: nil
            ) else { Issue.record("a request applies"); return }
            let id = request.disbursement.id
            // Above the threshold: the requester may not approve, and one approval is not enough.
            await #expect(throws: Rejection.self) {
                try await store.takeDisbursementStep(id, .approve, reason: nil, by: Self.treasurer, idempotency: nil)
            }
            guard case .applied(let approved) = try await store.takeDisbursementStep(
                id, .approve, reason: nil, by: Self.approver, idempotency: nil
            ) else { Issue.record("an approval applies"); return }
            #expect(approved.approvalsNeeded == 2)
            #expect(approved.state == .requested)
            #expect(try await Self.audit(store) > 5)
            await store.close()
        }
    }

    /// Whoever can write to the database (its owner, a superuser who disables the
    /// triggers) can change rows; `verify` catches each change against the log.
    @Test(arguments: [
        "UPDATE balances SET balance = balance + 1 WHERE asset = 'USD' AND balance > 0",
        "UPDATE balance_days SET closing = closing - 1 WHERE closing > 0",
        "ALTER TABLE transactions DISABLE TRIGGER USER; UPDATE transactions SET description = 'forged'",
        "ALTER TABLE postings DISABLE TRIGGER USER; UPDATE postings SET amount = amount * 2",
        """
        ALTER TABLE log_subjects DISABLE TRIGGER ALL; ALTER TABLE log_entries DISABLE TRIGGER ALL;
        DELETE FROM log_subjects WHERE idx = (SELECT max(idx) FROM log_entries);
        DELETE FROM log_entries WHERE idx = (SELECT max(idx) FROM log_entries)
        """,
        """
        ALTER TABLE log_checkpoints DISABLE TRIGGER USER;
        UPDATE log_checkpoints SET tree_size = tree_size + 1000 WHERE tree_size = (SELECT max(tree_size) FROM log_checkpoints)
        """,
    ])
    func verifyCatchesTamperingOnPostgreSQL(tampering: String) async throws {
        try await PostgresServer.withFreshDatabase { database in
            let store = try await Self.open(database)
            try await Self.chart(store)
            _ = try await store.recordTransaction(Self.gift(10_000), by: .system, idempotency: nil)
            _ = try await store.verify(verifierKeys: [LogSigner.test.verifierKey])
            try await database.run { client in
                for statement in tampering.split(separator: ";") {
                    do {
                        try await client.query(PostgresQuery(unsafeSQL: String(statement)), logger: Self.quiet)
                    } catch {
                        Issue.record("the tampering itself failed: \(String(reflecting: error))")
                    }
                }
            }
            await #expect(throws: (any Error).self) {
                try await store.verify(verifierKeys: [LogSigner.test.verifierKey])
            }
            await store.close()
        }
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
