// Goal: the store (on either engine) keeps the book of record safe on disk — every write is one
// synced transaction that either lands whole or leaves no trace, the file enforces
// immutability and balance by itself, idempotency keys survive restarts, and derived
// balances (current, as-of and running) always agree with the postings.
import Foundation
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite struct StoreTests {
    static func postings(_ items: [(String, String, Int64)]) -> [PostingDraft] {
        items.map { PostingDraft(account: $0.0, asset: $0.1, amount: $0.2) }
    }

    static func chart() async throws -> TestLedger {
        let ledger = try await TestLedger()
        try await ledger.seed(
            assets: [("USD", 2), ("EUR", 2)],
            accounts: [
                ("assets:bank:usd", "asset", "no_negative"), ("assets:bank:eur", "asset", "no_negative"),
                ("income:contributions", "income", nil), ("expenses:grants", "expense", nil),
            ]
        )
        return ledger
    }

    @discardableResult
    static func record(_ ledger: TestLedger, _ items: [(String, String, Int64)], date: String = "2026-11-20", key: String? = nil) async throws -> LedgerTransaction {
        let draft = TransactionDraft(date: date, description: "test", postings: postings(items))
        let idempotency = key.map { key in
            Idempotency<LedgerTransaction>(key: key, fingerprint: Array(repeating: UInt8(items.count), count: 32)) {
                StoredResponse(status: 201, body: Array($0.id.rawValue.utf8))
            }
        }
        switch try await ledger.store.recordTransaction(draft, by: .system, idempotency: idempotency) {
        case .applied(let transaction): return transaction
        case .replayed(let stored):
            let id = try #require(TransactionID(String(decoding: stored.body, as: UTF8.self)))
            return try #require(await ledger.store.transaction(id))
        }
    }

    static func balance(_ ledger: TestLedger, _ account: String, _ asset: String = "USD", asOf: String? = nil) async throws -> Int64? {
        let balances = try await ledger.store.balances(of: AccountReference(account)!, asOf: asOf.flatMap(LocalDate.init))
        return balances?.balances.first { $0.asset.rawValue == asset }?.balance.minorUnits
    }

    @Test(.enabled(if: TestBackend.isSQLite)) func fileIsWALWithFullSync() async throws {
        let store = try await TestLedger().sqliteStore()
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("synchronous") == "2") // FULL
        #expect(try store.pragma("synchronous", onWriter: true) == "2")
        // Savepoint journals in memory on the writer; readers keep the default (file).
        #expect(try store.pragma("temp_store", onWriter: true) == "2")
        #expect(try store.pragma("temp_store") == "0")
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("schema/migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(try store.appliedMigrations() == files.map { String($0.dropLast(4)) })
        #expect(files.count >= 5)
    }

    @Test func recordsAMultiAssetTransactionAndItsBalances() async throws {
        let ledger = try await Self.chart()
        let transaction = try await Self.record(ledger, [
            ("assets:bank:usd", "USD", 1250), ("income:contributions", "USD", -1250),
            ("assets:bank:eur", "EUR", 900), ("income:contributions", "EUR", -900),
        ])
        let read = try #require(await ledger.store.transaction(transaction.id))
        #expect(read == transaction)
        #expect(try await Self.balance(ledger, "assets:bank:usd") == 1250)
        #expect(try await Self.balance(ledger, "income:contributions", "EUR") == -900)
        let trial = try await ledger.store.trialBalance(asOf: nil)
        #expect(trial.isBalanced)
        #expect(trial.sections.map(\.debitTotal) == [900, 1250])
    }

    @Test func aRejectedWriteLeavesNoTrace() async throws {
        let ledger = try await Self.chart()
        try await Self.record(ledger, [("assets:bank:usd", "USD", 1000), ("income:contributions", "USD", -1000)])
        // The first change of this transaction is fine; the second overdraws the EUR
        // bank account: the whole write must vanish.
        await #expect(throws: Rejection.balanceConstraintViolated(account: AccountCode("assets:bank:eur")!, asset: AssetCode("EUR")!)) {
            try await Self.record(ledger, [
                ("assets:bank:usd", "USD", 500), ("income:contributions", "USD", -500),
                ("assets:bank:eur", "EUR", -1), ("expenses:grants", "EUR", 1),
            ])
        }
        #expect(try await Self.balance(ledger, "assets:bank:usd") == 1000)
        #expect(try await Self.balance(ledger, "expenses:grants", "EUR") == nil)
        let all = try await ledger.store.transactions(filter: TransactionFilter(), page: PageRequest(limit: 10, cursor: nil))
        #expect(all.items.count == 1)
        #expect(try Self.count(ledger, "postings") == 2)
    }

    static func count(_ ledger: TestLedger, _ table: String) throws -> Int {
        try ledger.scalar("SELECT count(*) FROM \(table)").flatMap(Int.init) ?? -1
    }

    @Test(arguments: [
        "UPDATE postings SET amount = 1",
        "DELETE FROM postings",
        "UPDATE transactions SET description = 'edited'",
        "DELETE FROM transactions",
        "UPDATE assets SET scale = 3",
        "DELETE FROM accounts",
        "UPDATE accounts SET code = 'assets:other'",
        "INSERT INTO postings (transaction_seq, position, account_seq, asset, amount, date, day_running) VALUES (1, 9, 1, 'USD', 5, '2026-11-20', 5)",
    ])
    func theFileRefusesEditsByHand(sql: String) async throws {
        let ledger = try await Self.chart()
        try await Self.record(ledger, [("assets:bank:usd", "USD", 1000), ("income:contributions", "USD", -1000)])
        #expect(throws: DatabaseShell.Failure.self) { try ledger.shell(sql) }
        #expect(try await Self.balance(ledger, "assets:bank:usd") == 1000)
    }

    @Test func theFileRefusesAnUnbalancedTransactionByHand() async throws {
        let ledger = try await Self.chart()
        let sql = """
            BEGIN;
            INSERT INTO postings VALUES (1, 0, 1, 'USD', 100, '2026-11-20', 100);
            INSERT INTO postings VALUES (1, 1, 3, 'USD', -99, '2026-11-20', -99);
            INSERT INTO transactions VALUES (1, 'txn_00000000000000000000000000000001', '2026-11-20', '', '{}', '2026-11-20T00:00:00.000000Z', NULL);
            COMMIT;
            """
        #expect(throws: DatabaseShell.Failure.self) { try ledger.shell(sql) }
        #expect(try Self.count(ledger, "transactions") == 0)
    }

    @Test func everythingSurvivesCloseAndReopen() async throws {
        let firstLedger = try await TestLedger(seed: 1)
        let first = firstLedger.store
        _ = try await first.registerAsset(AssetDraft(code: "USD", scale: 2), by: .system, idempotency: nil)
        _ = try await first.openAccount(AccountDraft(code: "assets:bank", type: "asset"), by: .system, idempotency: nil)
        _ = try await first.openAccount(AccountDraft(code: "income:gifts", type: "income"), by: .system, idempotency: nil)
        let claim = Idempotency<LedgerTransaction>(key: "gift-1", fingerprint: Array(repeating: 1, count: 32)) {
            StoredResponse(status: 201, body: Array($0.id.rawValue.utf8))
        }
        let draft = TransactionDraft(date: "2026-11-20", postings: Self.postings([("assets:bank", "USD", 500), ("income:gifts", "USD", -500)]))
        guard case .applied(let original) = try await first.recordTransaction(draft, by: .system, idempotency: claim) else {
            Issue.record("first use of a key must apply")
            return
        }

        let secondLedger = try await firstLedger.reopened()
        let second = secondLedger.store
        #expect(secondLedger.appliedAtOpen == [])
        #expect(try await second.transaction(original.id) == original)
        // The key outlived the restart: the same request replays, nothing is written twice.
        guard case .replayed(let stored) = try await second.recordTransaction(draft, by: .system, idempotency: claim) else {
            Issue.record("a known key must replay")
            return
        }
        #expect(stored.body == Array(original.id.rawValue.utf8))
        let balances = try await second.balances(of: .code(AccountCode("assets:bank")!), asOf: nil)
        #expect(balances?.balances.map(\.balance.minorUnits) == [500])
        // The same key with a different request is a conflict.
        let other = Idempotency<LedgerTransaction>(key: "gift-1", fingerprint: Array(repeating: 2, count: 32)) { _ in StoredResponse(status: 201, body: []) }
        await #expect(throws: Rejection.idempotencyKeyReused(key: "gift-1")) {
            try await second.recordTransaction(draft, by: .system, idempotency: other)
        }
    }

    @Test func aChangeWhoseLogEntryCouldNotBeTiledIsRefusedAndWritesNothing() async throws {
        // Two accounts with 200-character codes; each posting carries its account's code
        // and id into the log entry.
        let codes = ["assets:" + String(repeating: "a", count: 193), "income:" + String(repeating: "b", count: 193)]
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [(codes[0], "asset", nil), (codes[1], "income", nil)])
        let before = try await ledger.store.logEntries(start: 0, end: nil, limit: 1).treeSize
        func draft(_ count: Int) -> TransactionDraft {
            TransactionDraft(date: "2026-11-20", postings: (0..<count).map {
                PostingDraft(account: codes[$0 % 2], asset: "USD", amount: $0 % 2 == 0 ? 1 : -1)
            })
        }
        await #expect {
            try await ledger.store.recordTransaction(draft(256), by: .system, idempotency: nil)
        } throws: { error in
            guard case .logEntryTooLarge(let byteCount) = error as? Rejection else { return false }
            return byteCount > 65_535
        }
        #expect(try await ledger.store.logEntries(start: 0, end: nil, limit: 1).treeSize == before)
        #expect(try Self.count(ledger, "transactions") == 0)
        // Half as many postings make an entry a tile's bundle holds.
        guard case .applied = try await ledger.store.recordTransaction(draft(128), by: .system, idempotency: nil) else {
            Issue.record("128 postings fit"); return
        }
    }

    @Test func reversalRestoresBalancesAndHappensOnce() async throws {
        let ledger = try await Self.chart()
        let gift = try await Self.record(ledger, [("assets:bank:usd", "USD", 700), ("income:contributions", "USD", -700)])
        guard case .applied(let reversal) = try await ledger.store.reverseTransaction(gift.id, date: nil, description: nil, by: .system, idempotency: nil) else {
            Issue.record("reversal must apply")
            return
        }
        #expect(reversal.reversesID == gift.id)
        #expect(reversal.date == LocalDate("2026-11-25")) // today, by the fixed clock
        #expect(try await ledger.store.transaction(gift.id)?.reversedByID == reversal.id)
        #expect(try await Self.balance(ledger, "assets:bank:usd") == 0)
        await #expect(throws: Rejection.alreadyReversed(transaction: gift.id, reversal: reversal.id)) {
            try await ledger.store.reverseTransaction(gift.id, date: nil, description: nil, by: .system, idempotency: nil)
        }
    }

    @Test func aReversalThatWouldOverdrawIsRejected() async throws {
        let ledger = try await Self.chart()
        let gift = try await Self.record(ledger, [("assets:bank:usd", "USD", 700), ("income:contributions", "USD", -700)])
        try await Self.record(ledger, [("assets:bank:usd", "USD", -500), ("expenses:grants", "USD", 500)])
        await #expect(throws: Rejection.balanceConstraintViolated(account: AccountCode("assets:bank:usd")!, asset: AssetCode("USD")!)) {
            try await ledger.store.reverseTransaction(gift.id, date: nil, description: nil, by: .system, idempotency: nil)
        }
    }

    @Test func closedAccountsRejectPostingsAndMustBeEmptyToClose() async throws {
        let ledger = try await Self.chart()
        try await Self.record(ledger, [("assets:bank:usd", "USD", 100), ("income:contributions", "USD", -100)])
        await #expect(throws: Rejection.accountNotEmpty(account: AccountCode("assets:bank:usd")!, asset: AssetCode("USD")!)) {
            try await ledger.store.closeAccount(.code(AccountCode("assets:bank:usd")!), by: .system, idempotency: nil)
        }
        _ = try await ledger.store.closeAccount(.code(AccountCode("expenses:grants")!), by: .system, idempotency: nil)
        await #expect(throws: Rejection.accountClosed(account: AccountCode("expenses:grants")!)) {
            try await Self.record(ledger, [("assets:bank:usd", "USD", -10), ("expenses:grants", "USD", 10)])
        }
        await #expect(throws: Rejection.accountAlreadyClosed(account: AccountCode("expenses:grants")!)) {
            try await ledger.store.closeAccount(.code(AccountCode("expenses:grants")!), by: .system, idempotency: nil)
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite)) func aReadOnlyOpenReadsTheBooksAndWritesNothing() async throws {
        let ledger = try await Self.chart()
        try await Self.record(ledger, [("assets:bank:usd", "USD", 100), ("income:contributions", "USD", -100)])
        try await ledger.close()
        let before = try FileManager.default.contentsOfDirectory(atPath: ledger.directory.url.path).sorted()
        let copy = try SQLiteLedgerStore.openReadOnly(path: ledger.path, logger: Logger(label: "test"))
        #expect(try await copy.trialBalance(asOf: nil).sections.first?.debitTotal == 100)
        #expect(try await copy.logEntries(start: 0, end: nil, limit: 100).entries.count > 3)
        await #expect(throws: (any Error).self) {
            try await copy.recordTransaction(TransactionDraft(date: "2026-11-20", postings: [
                PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 1), PostingDraft(account: "income:contributions", asset: "USD", amount: -1),
            ]), by: .system, idempotency: nil)
        }
        try copy.close()
        // No key, no new file; the book is as it was.
        #expect(try FileManager.default.contentsOfDirectory(atPath: ledger.directory.url.path).sorted().filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") }
            == before.filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") })
        #expect(throws: StorageError.missingDatabase(ledger.directory.path("none.sqlite"))) {
            try SQLiteLedgerStore.openReadOnly(path: ledger.directory.path("none.sqlite"), logger: Logger(label: "test"))
        }
    }

    @Test func anAccountUsedBeforeItWasClosedIsRefusedAfterwards() async throws {
        // The writer remembers accounts it resolved; closing one must still be seen.
        let ledger = try await Self.chart()
        try await Self.record(ledger, [("assets:bank:usd", "USD", 100), ("expenses:grants", "USD", -100)])
        try await Self.record(ledger, [("assets:bank:usd", "USD", 500), ("income:contributions", "USD", -500)])
        let grants = try #require(await ledger.store.account(.code(AccountCode("expenses:grants")!)))
        let batch: [(draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?)] = [(TransactionDraft(date: "2026-11-20", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: -100), PostingDraft(account: grants.id.rawValue, asset: "USD", amount: 100),
        ]), nil)]
        let outcomes = try await ledger.store.recordTransactions(batch, atomic: false, by: .system)
        guard case .applied = outcomes.first else { Issue.record("the batch item was not applied: \(outcomes)"); return }
        _ = try await ledger.store.closeAccount(.code(AccountCode("expenses:grants")!), by: .system, idempotency: nil)
        await #expect(throws: Rejection.accountClosed(account: AccountCode("expenses:grants")!)) {
            try await Self.record(ledger, [("assets:bank:usd", "USD", -10), ("expenses:grants", "USD", 10)])
        }
        let again = try await ledger.store.recordTransactions(batch, atomic: false, by: .system)
        guard case .rejected(let rejection) = again.first else { Issue.record("a closed account took a batch item: \(again)"); return }
        #expect(rejection == .accountClosed(account: AccountCode("expenses:grants")!))
    }

    @Test func backdatedEntriesKeepAsOfAndRunningBalancesRight() async throws {
        let ledger = try await Self.chart()
        try await Self.record(ledger, [("assets:bank:usd", "USD", 1000), ("income:contributions", "USD", -1000)], date: "2026-11-10")
        try await Self.record(ledger, [("assets:bank:usd", "USD", -300), ("expenses:grants", "USD", 300)], date: "2026-11-20")
        // Recorded later, dated in between.
        try await Self.record(ledger, [("assets:bank:usd", "USD", 50), ("income:contributions", "USD", -50)], date: "2026-11-15")
        try await Self.record(ledger, [("assets:bank:usd", "USD", 25), ("income:contributions", "USD", -25)], date: "2026-11-15")
        #expect(try await Self.balance(ledger, "assets:bank:usd", asOf: "2026-11-09") == nil)
        #expect(try await Self.balance(ledger, "assets:bank:usd", asOf: "2026-11-10") == 1000)
        #expect(try await Self.balance(ledger, "assets:bank:usd", asOf: "2026-11-15") == 1075)
        #expect(try await Self.balance(ledger, "assets:bank:usd", asOf: "2026-11-19") == 1075)
        #expect(try await Self.balance(ledger, "assets:bank:usd", asOf: "2026-11-20") == 775)
        #expect(try await Self.balance(ledger, "assets:bank:usd") == 775)
        let register = try #require(await ledger.store.register(
            of: .code(AccountCode("assets:bank:usd")!), filter: RegisterFilter(), page: PageRequest(limit: 10, cursor: nil)
        ))
        #expect(register.items.map(\.date.description) == ["2026-11-10", "2026-11-15", "2026-11-15", "2026-11-20"])
        #expect(register.items.map(\.runningBalance) == [1000, 1050, 1075, 775])
        let trial = try await ledger.store.trialBalance(asOf: LocalDate("2026-11-15"))
        #expect(trial.isBalanced)
        #expect(trial.sections.first?.debitTotal == 1075)
    }

    @Test func aBackdatedWithdrawalCannotOverdrawAnyEarlierDay() async throws {
        let ledger = try await Self.chart()
        try await Self.record(ledger, [("assets:bank:usd", "USD", 1000), ("income:contributions", "USD", -1000)], date: "2026-11-20")
        // Today's balance would stay positive, but on 2026-11-15 the bank held nothing.
        await #expect(throws: Rejection.balanceConstraintViolated(account: AccountCode("assets:bank:usd")!, asset: AssetCode("USD")!)) {
            try await Self.record(ledger, [("assets:bank:usd", "USD", -10), ("expenses:grants", "USD", 10)], date: "2026-11-15")
        }
        // After the deposit it is fine, and every later day moves with it.
        try await Self.record(ledger, [("assets:bank:usd", "USD", -10), ("expenses:grants", "USD", 10)], date: "2026-11-21")
        #expect(try await Self.balance(ledger, "assets:bank:usd") == 990)
    }

    @Test func listsPageWithCursorsAndFilters() async throws {
        let ledger = try await Self.chart()
        for day in 1...9 {
            try await Self.record(ledger, [("assets:bank:usd", "USD", Int64(day)), ("income:contributions", "USD", -Int64(day))], date: "2026-11-0\(day)")
            try await Self.record(ledger, [("assets:bank:eur", "EUR", Int64(day)), ("income:contributions", "EUR", -Int64(day))], date: "2026-11-0\(day)")
        }
        var seen: [LedgerTransaction] = []
        var cursor: PageCursor?
        repeat {
            let page = try await ledger.store.transactions(
                filter: TransactionFilter(account: .code(AccountCode("assets:bank:usd")!), from: LocalDate("2026-11-02"), to: LocalDate("2026-11-08")),
                page: PageRequest(limit: 3, cursor: cursor)
            )
            seen += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.map(\.date.description) == (2...8).map { "2026-11-0\($0)" })
        #expect(seen.allSatisfy { $0.postings.contains { $0.accountCode.rawValue == "assets:bank:usd" } })
        let everything = try await ledger.store.transactions(filter: TransactionFilter(), page: PageRequest(limit: 1000, cursor: nil))
        #expect(everything.items.count == 18)
        #expect(everything.nextCursor == nil)
        await #expect(throws: InvalidCursor.self) {
            try await ledger.store.transactions(filter: TransactionFilter(), page: PageRequest(limit: 5, cursor: PageCursor(fields: ["account", "1"])))
        }
    }

    @Test func embeddedMigrationsMatchTheSchemaFolder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("schema/migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        let embedded = try String(contentsOf: root.appendingPathComponent("Sources/LedgerStorage/Generated/EmbeddedMigrations.swift"), encoding: .utf8)
        for file in files {
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(embedded.contains("name: \"\(file.dropLast(4))\""), "\(file) is not embedded: run scripts/embed-resources")
            #expect(embedded.contains(sql), "\(file) drifted from its embedded copy: run scripts/embed-resources")
        }
    }
}
