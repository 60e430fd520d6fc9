// Goal: once the books are closed through a day, nothing dated on or before it is
// recorded — raw transactions, batch items, reversals, contributions and exchange rates
// alike (422 period_closed), whatever writes the database (the schema refuses too);
// corrections are reversals dated in the open period; the closing seals exactly the log
// before its entry, and `verify` catches an edited or forged closing. Both engines.
import AuditLog
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct PeriodClosingTests {
    static let admin = Principal(keyID: nil, name: "admin", role: .admin)

    /// A ledger with a bank account and income, one transaction dated 2026-03-15 (in the
    /// period to close) and a fund with a member for contributions. Clock: 2026-11-25.
    static func ledger() async throws -> (TestLedger, LedgerTransaction, FundID, MemberID) {
        let ledger = try await StoreTests.chart()
        let march = try await StoreTests.record(
            ledger, [("assets:bank:usd", "USD", 10_000), ("income:contributions", "USD", -10_000)], date: "2026-03-15")
        let fund = try applied(await ledger.store.createFund(
            FundDraft(code: "relief", name: "Relief", assets: ["USD"]), by: .system, idempotency: nil))
        let member = try applied(await ledger.store.registerMember(
            MemberDraft(name: "Union", kind: "union", country: "KE", region: "East Africa", visibility: "public"),
            by: .system, idempotency: nil)).member.id
        return (ledger, march, fund.id, member)
    }

    static func close(_ ledger: TestLedger, through: String) async throws -> PeriodClosing {
        try applied(await ledger.store.closePeriod(through: through, by: admin, idempotency: nil))
    }

    static func expectClosed(_ through: String, _ date: String, _ write: () async throws -> Void) async {
        await #expect(throws: Rejection.periodClosed(through: LocalDate(through)!, date: LocalDate(date)!)) {
            try await write()
        }
    }

    @Test func nothingDatedInAClosedPeriodIsRecorded() async throws {
        let (ledger, march, fundID, memberID) = try await Self.ledger()
        let closing = try await Self.close(ledger, through: "2026-03-31")
        #expect(closing.through == LocalDate("2026-03-31"))
        let before = try ledger.scalar("SELECT count(*) FROM transactions")

        await Self.expectClosed("2026-03-31", "2026-03-31") {
            try await StoreTests.record(
                ledger, [("assets:bank:usd", "USD", 1), ("income:contributions", "USD", -1)], date: "2026-03-31")
        }
        let item = TransactionDraft(
            date: "2026-01-02", postings: StoreTests.postings([("assets:bank:usd", "USD", 5), ("income:contributions", "USD", -5)]))
        let outcomes = try await ledger.store.recordTransactions([(item, nil)], atomic: false, by: .system)
        guard case .rejected(let rejection)? = outcomes.first else { Issue.record("the batch item was recorded"); return }
        #expect(rejection == .periodClosed(through: LocalDate("2026-03-31")!, date: LocalDate("2026-01-02")!))
        // A correction of the closed period is a reversal dated in the open period.
        await Self.expectClosed("2026-03-31", "2026-03-15") {
            _ = try await ledger.store.reverseTransaction(
                march.id, date: LocalDate("2026-03-15"), description: nil, by: .system, idempotency: nil)
        }
        let reversal = try applied(await ledger.store.reverseTransaction(
            march.id, date: LocalDate("2026-04-01"), description: "Correction", by: .system, idempotency: nil))
        #expect(reversal.date == LocalDate("2026-04-01"))
        await Self.expectClosed("2026-03-31", "2026-02-01") {
            _ = try await ledger.store.recordContribution(
                ContributionDraft(memberID: memberID.rawValue, fundID: fundID.rawValue, asset: "USD", amount: 500,
                    date: "2026-02-01", pledgeID: nil),
                by: .system, idempotency: nil)
        }
        _ = try applied(await ledger.store.recordContribution(
            ContributionDraft(memberID: memberID.rawValue, fundID: fundID.rawValue, asset: "USD", amount: 500,
                date: "2026-04-02", pledgeID: nil),
            by: .system, idempotency: nil))
        await Self.expectClosed("2026-03-31", "2026-03-31") {
            _ = try await ledger.store.recordExchangeRate(
                base: "EUR", quote: "USD", date: "2026-03-31", rate: "1.08", by: .system, idempotency: nil)
        }
        // The refused writes changed nothing: the reversal and the April gift only.
        #expect(try ledger.scalar("SELECT count(*) FROM transactions") == String(Int(before ?? "0")! + 2))
        _ = try await ledger.verify()
    }

    @Test func closingsMoveForwardAndOnlyOverDays() async throws {
        let (ledger, _, _, _) = try await Self.ledger()
        _ = try await Self.close(ledger, through: "2026-06-30")
        for through in ["2026-06-30", "2026-05-31", "2026-11-25", "2027-01-01", "30 June", ""] {
            await #expect(throws: Rejection.self, "\(through)") { _ = try await Self.close(ledger, through: through) }
        }
        _ = try await Self.close(ledger, through: "2026-11-24")
        #expect(try await ledger.store.periodClosings().map(\.through.description) == ["2026-06-30", "2026-11-24"])
    }

    @Test func theClosingSealsTheLogBeforeItsEntry() async throws {
        let (ledger, _, _, _) = try await Self.ledger()
        let sizeBefore = try #require(await ledger.store.latestCheckpoint()).treeSize
        let closing = try await Self.close(ledger, through: "2026-03-31")
        #expect(closing.sealedTreeSize == sizeBefore)
        // The root of the sealed size is the one a checkpoint of that size states.
        let checkpoint = try #require(await ledger.store.checkpoint(treeSize: sizeBefore))
        let lines = checkpoint.note.split(separator: "\n")
        #expect(String(lines[2]) == closing.sealedRootHash)
        let entry = try #require(await ledger.store.logEntries(start: sizeBefore, end: nil, limit: 1).entries.first)
        #expect(String(decoding: entry.data, as: UTF8.self).contains(#""kind":"period.closed""#))
    }

    @Test func theSchemaRefusesABackDatedRowWhoeverWritesIt() async throws {
        let (ledger, _, _, _) = try await Self.ledger()
        _ = try await Self.close(ledger, through: "2026-03-31")
        try await ledger.close()
        func refusal(_ sql: String) -> String {
            do {
                try ledger.shell(sql)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        let transaction = refusal("""
            INSERT INTO transactions (seq, id, date, description, metadata, recorded_at, reverses_seq)
            VALUES (1000, 'txn_0000000000000000000000000000abcd', '2026-03-01', 'back-dated', '{}',
            '2026-11-25T12:00:00.000000Z', NULL);
            """)
        #expect(transaction.contains("the period of this date is closed"), "\(transaction)")
        let rate = refusal("""
            INSERT INTO fx_rates (base, quote, date, rate, recorded_at)
            VALUES ('EUR', 'USD', '2026-03-01', '1.1', '2026-11-25T12:00:00.000000Z');
            """)
        #expect(rate.contains("the period of this date is closed"), "\(rate)")
        // The same rate dated in the open period is accepted: the refusal is the date's.
        #expect(refusal("""
            INSERT INTO fx_rates (base, quote, date, rate, recorded_at)
            VALUES ('EUR', 'USD', '2026-04-01', '1.1', '2026-11-25T12:00:00.000000Z');
            """) == "accepted")
        #expect(throws: (any Error).self) { try ledger.shell("DELETE FROM period_closings;") }
        #expect(throws: (any Error).self) { try ledger.shell("UPDATE period_closings SET through = '2026-01-31';") }
    }

    @Test(arguments: [
        "UPDATE period_closings SET through = '2026-02-28';",
        "UPDATE period_closings SET sealed_tree_size = sealed_tree_size - 1;",
        "DELETE FROM period_closings;",
    ])
    func verifyCatchesAnEditedClosing(_ sql: String) async throws {
        let (ledger, _, _, _) = try await Self.ledger()
        _ = try await Self.close(ledger, through: "2026-03-31")
        _ = try await ledger.verify()
        try ledger.shell(
            TestSQL.withoutTriggers(["period_closings_are_immutable", "period_closings_are_never_deleted"]) + sql)
        await #expect(throws: AuditFailure.self, "\(sql) was not detected") { try await ledger.verify() }
    }
}

/// `verify`'s rule from the log alone: after a closing, nothing dated in the closed period,
/// and closings move forward — what a dishonest operator who rewrites and re-signs the log
/// would still have to break.
@Suite struct PeriodRuleFromTheLogTests {
    static let at = Timestamp("2026-11-25T12:00:00.000000Z")!

    static func entry(_ index: Int64, _ event: FundEvent) -> LogEntry {
        LogEntry(
            index: index, recordedAt: at, event: .fundAction(event.action()), previousHash: index == 0 ? nil : "x",
            balances: [], principal: .system)
    }

    static func closing(_ through: String) -> FundEvent {
        .periodClosed(PeriodClosing(
            id: PeriodClosingID(bytes: Array(repeating: 7, count: 16)), through: LocalDate(through)!,
            sealedTreeSize: 0, sealedRootHash: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", closedAt: at))
    }

    static func rate(_ date: String) -> FundEvent {
        .exchangeRateRecorded(ExchangeRate(
            base: AssetCode("EUR")!, quote: AssetCode("USD")!, date: LocalDate(date)!, rate: DecimalRate("1.1")!,
            recordedAt: at))
    }

    @Test func aRateDatedInTheClosedPeriodOrAClosingThatGoesBackFails() throws {
        var closed: LocalDate?
        try LedgerVerifier.checkPeriods(Self.entry(0, Self.rate("2026-03-01")), closedThrough: &closed)
        try LedgerVerifier.checkPeriods(Self.entry(1, Self.closing("2026-03-31")), closedThrough: &closed)
        #expect(closed == LocalDate("2026-03-31"))
        try LedgerVerifier.checkPeriods(Self.entry(2, Self.rate("2026-04-01")), closedThrough: &closed)
        #expect(throws: AuditFailure.self) {
            try LedgerVerifier.checkPeriods(Self.entry(3, Self.rate("2026-03-31")), closedThrough: &closed)
        }
        #expect(throws: AuditFailure.self) {
            try LedgerVerifier.checkPeriods(Self.entry(3, Self.closing("2026-02-28")), closedThrough: &closed)
        }
    }
}
