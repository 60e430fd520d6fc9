import FundCore
import GRDB
public import LedgerCore
import LedgerSQL

/// The reads. They run on the reader pool against a WAL snapshot, so they never wait on
/// the writer and always see a state some write transaction committed.
extension SQLLedgerStore {
    public func asset(_ code: AssetCode) async throws -> Asset? {
        try await engine.read { db in try LedgerRows.asset(db, code: code) }
    }

    public func assets(page: PageRequest) async throws -> Page<Asset> {
        let after = try page.cursor.map { cursor in
            guard cursor.fields.count == 2, cursor.fields[0] == "asset", let code = AssetCode(cursor.fields[1]) else {
                throw InvalidCursor()
            }
            return code.rawValue
        } ?? ""
        return try await engine.read { db in
            let rows = try db.fetchAll("""
                    SELECT \(LedgerRows.assetColumns) FROM assets WHERE code > ? ORDER BY code LIMIT ?
                    """, [after, page.limit + 1])
            let assets = try rows.prefix(page.limit).map(LedgerRows.asset(from:))
            let next = rows.count > page.limit
                ? assets.last.map { PageCursor(fields: ["asset", $0.code.rawValue]) } : nil
            return Page(items: assets, nextCursor: next)
        }
    }

    public func account(_ reference: AccountReference) async throws -> Account? {
        try await engine.read { db in try LedgerRows.account(db, reference: reference)?.account }
    }

    public func accounts(page: PageRequest) async throws -> Page<Account> {
        let after = try page.cursor.map { cursor in
            guard cursor.fields.count == 2, cursor.fields[0] == "account", let seq = Int64(cursor.fields[1]) else {
                throw InvalidCursor()
            }
            return seq
        } ?? Int64(0)
        return try await engine.read { db in
            let rows = try db.fetchAll("""
                    SELECT \(LedgerRows.accountColumns) FROM accounts WHERE seq > ? ORDER BY seq LIMIT ?
                    """, [after, page.limit + 1])
            let stored = try rows.prefix(page.limit).map { try LedgerRows.account(db, from: $0) }
            let next = rows.count > page.limit
                ? stored.last.map { PageCursor(fields: ["account", String($0.seq)]) } : nil
            return Page(items: stored.map(\.account), nextCursor: next)
        }
    }

    public func transaction(_ id: TransactionID) async throws -> LedgerTransaction? {
        try await engine.read { db in try LedgerRows.transaction(db, id: id)?.transaction }
    }

    public func transactions(filter: TransactionFilter, page: PageRequest) async throws -> Page<LedgerTransaction> {
        let after = try page.cursor.map { cursor in
            guard cursor.fields.count == 3, cursor.fields[0] == "transaction",
                  let date = LocalDate(cursor.fields[1]), let seq = Int64(cursor.fields[2])
            else { throw InvalidCursor() }
            return (date: date.description, seq: seq)
        } ?? (date: "", seq: Int64(0))
        let from = filter.from?.description ?? ""
        let to = filter.to?.description ?? "9999-12-31"
        return try await engine.read { db in
            var rows: [Engine.Connection.Row]
            if let reference = filter.account {
                guard let account = try LedgerRows.account(db, reference: reference) else {
                    throw Rejection.notFound(resource: "account", reference: reference.description)
                }
                let keys = try db.fetchAll("""
                        SELECT DISTINCT date, transaction_seq FROM postings
                        WHERE account_seq = ? AND (date, transaction_seq) > (?, ?) AND date >= ? AND date <= ?
                        ORDER BY date, transaction_seq LIMIT ?
                        """, [account.seq, after.date, after.seq, from, to, page.limit + 1])
                rows = try keys.compactMap { key in
                    try db.fetchOne(
                        "\(LedgerRows.transactionSelect) WHERE t.seq = ?",
                        [try LedgerRows.integer(key, "transaction_seq")]
                    )
                }
            } else {
                rows = try db.fetchAll("""
                        \(LedgerRows.transactionSelect)
                        WHERE (t.date, t.seq) > (?, ?) AND t.date >= ? AND t.date <= ?
                        ORDER BY t.date, t.seq LIMIT ?
                        """, [after.date, after.seq, from, to, page.limit + 1])
            }
            let hasMore = rows.count > page.limit
            rows = Array(rows.prefix(page.limit))
            let transactions = try rows.map { try LedgerRows.transaction(db, from: $0) }
            var next: PageCursor?
            if hasMore, let last = rows.last, let transaction = transactions.last {
                next = PageCursor(fields: [
                    "transaction", transaction.date.description, String(try LedgerRows.integer(last, "seq")),
                ])
            }
            return Page(items: transactions, nextCursor: next)
        }
    }

    public func balances(of reference: AccountReference, asOf: LocalDate?) async throws -> AccountBalances? {
        let now = clock.now()
        return try await engine.read { db in
            guard let stored = try LedgerRows.account(db, reference: reference) else { return nil }
            let rows = try db.fetchAll(
                "SELECT asset, balance FROM balances WHERE account_seq = ? ORDER BY asset", [stored.seq]
            )
            var lines: [AccountBalances.Line] = []
            for row in rows {
                let asset = try LedgerRows.parse(row, "asset", table: "balances", AssetCode.init)
                if let asOf {
                    guard let closing = try Self.closing(db, accountSeq: stored.seq, asset: asset, asOf: asOf) else {
                        continue
                    }
                    lines.append(.init(asset: asset, balance: closing))
                } else {
                    lines.append(.init(
                        asset: asset, balance: try LedgerRows.amount(row, "balance", table: "balances"),
                        held: try Self.heldOfCash(db, account: stored.account.code, asset: asset, at: now)))
                }
            }
            return AccountBalances(account: stored.account, asOf: asOf, balances: lines)
        }
    }

    /// What approved grants hold of `asset` when `account` is a fund's cash in it; `nil`
    /// for any other account (only a fund's cash is held).
    static func heldOfCash(
        _ db: some SQLConnection, account: AccountCode, asset: AssetCode, at now: Timestamp
    ) throws -> Int64? {
        let segments = account.rawValue.split(separator: ":")
        guard segments.count == 4, segments[0] == "assets", segments[2] == "cash",
            let fund = try? Self.fund(db, reference: String(segments[1])), fund.chart.cash(asset) == account
        else { return nil }
        return try held(db, fund: fund.id, asset: asset, at: now)
    }

    /// The closing balance at the end of `asOf`: one index seek, `nil` before the first posting.
    static func closing(
        _ db: some SQLConnection, accountSeq: Int64, asset: AssetCode, asOf: LocalDate
    ) throws -> Amount? {
        let value = try db.fetchValue(Int64.self, """
                SELECT closing FROM balance_days WHERE account_seq = ? AND asset = ? AND date <= ?
                ORDER BY date DESC LIMIT 1
                """, [accountSeq, asset.rawValue, asOf.description])
        return try value.map { value in
            guard let amount = Amount(minorUnits: value) else {
                throw StorageError.corruptRow(table: "balance_days", detail: "closing out of range")
            }
            return amount
        }
    }

    public func register(
        of reference: AccountReference, filter: RegisterFilter, page: PageRequest
    ) async throws -> Page<RegisterLine>? {
        let after = try page.cursor.map { cursor in
            guard cursor.fields.count == 5, cursor.fields[0] == "register", AssetCode(cursor.fields[1]) != nil,
                  LocalDate(cursor.fields[2]) != nil, let seq = Int64(cursor.fields[3]),
                  let position = Int64(cursor.fields[4])
            else { throw InvalidCursor() }
            return (asset: cursor.fields[1], date: cursor.fields[2], seq: seq, position: position)
        } ?? (asset: "", date: "", seq: Int64(0), position: Int64(-1))
        return try await engine.read { db -> Page<RegisterLine>? in
            guard let stored = try LedgerRows.account(db, reference: reference) else { return nil }
            var sql = """
                SELECT p.asset, p.date, p.amount, p.day_running, p.transaction_seq, p.position,
                       t.id, t.description, d.closing - d.day_change AS opening
                FROM postings p
                JOIN transactions t ON t.seq = p.transaction_seq
                JOIN balance_days d ON d.account_seq = p.account_seq AND d.asset = p.asset AND d.date = p.date
                WHERE p.account_seq = ? AND (p.asset, p.date, p.transaction_seq, p.position) > (?, ?, ?, ?)
                  AND p.date >= ? AND p.date <= ?
                """
            var arguments: SQLArguments = [
                stored.seq, after.asset, after.date, after.seq, after.position,
                filter.from?.description ?? "", filter.to?.description ?? "9999-12-31",
            ]
            if let asset = filter.asset {
                sql += " AND p.asset = ?"
                arguments += [asset.rawValue]
            }
            sql += " ORDER BY p.asset, p.date, p.transaction_seq, p.position LIMIT ?"
            arguments += [page.limit + 1]
            let rows = try db.fetchAll(sql, arguments)
            var lines: [RegisterLine] = []
            for row in rows.prefix(page.limit) {
                let opening = try LedgerRows.integer(row, "opening")
                let running = try LedgerRows.integer(row, "day_running")
                lines.append(RegisterLine(
                    transactionID: try LedgerRows.parse(row, "id", table: "transactions", TransactionID.init),
                    date: try LedgerRows.parse(row, "date", table: "postings", LocalDate.init),
                    description: try LedgerRows.text(row, "description"),
                    asset: try LedgerRows.parse(row, "asset", table: "postings", AssetCode.init),
                    amount: try LedgerRows.amount(row, "amount", table: "postings"),
                    runningBalance: opening &+ running
                ))
            }
            var next: PageCursor?
            if rows.count > page.limit, let last = rows.prefix(page.limit).last {
                next = PageCursor(fields: [
                    "register", try LedgerRows.text(last, "asset"), try LedgerRows.text(last, "date"),
                    String(try LedgerRows.integer(last, "transaction_seq")),
                    String(try LedgerRows.integer(last, "position")),
                ])
            }
            return Page(items: lines, nextCursor: next)
        }
    }

    public func trialBalance(asOf: LocalDate?) async throws -> TrialBalance {
        try await engine.read { db in
            // One statement either way, and only non-zero balances leave SQLite (a fund's
            // chart holds many settled accounts: a receivable per pledge). As of a date,
            // each balance is its account's last daily closing on or before it: one seek
            // of the (account, asset, date) key per balance.
            let sql = asOf == nil
                ? """
                    SELECT b.asset, b.balance, a.id, a.code, a.type
                    FROM balances b JOIN accounts a ON a.seq = b.account_seq
                    WHERE b.balance <> 0
                    """
                : """
                    SELECT b.asset, d.closing, a.id, a.code, a.type
                    FROM balances b JOIN accounts a ON a.seq = b.account_seq
                    JOIN balance_days d ON d.account_seq = b.account_seq AND d.asset = b.asset AND d.date = (
                        SELECT max(x.date) FROM balance_days x
                        WHERE x.account_seq = b.account_seq AND x.asset = b.asset AND x.date <= ?)
                    WHERE d.closing <> 0
                    """
            let arguments: SQLArguments = asOf.map { [$0.description] } ?? []
            var entries: [(asset: AssetCode, line: TrialBalance.Line)] = []
            try db.forEachRow(sql, arguments) { row in
                let asset = try LedgerRows.parse(row, atIndex: 0, table: "balances", AssetCode.init)
                entries.append((asset, TrialBalance.Line(
                    accountID: try LedgerRows.parse(row, atIndex: 2, table: "accounts", AccountID.init),
                    accountCode: try LedgerRows.parse(row, atIndex: 3, table: "accounts", AccountCode.init),
                    accountType: try LedgerRows.parse(row, atIndex: 4, table: "accounts", AccountType.init(rawValue:)),
                    balance: try LedgerRows.amount(row, atIndex: 1, table: "balances")
                )))
                return true
            }
            return try TrialBalance(asOf: asOf, balances: entries)
        }
    }
}
