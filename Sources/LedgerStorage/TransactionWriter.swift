import GRDB
public import LedgerCore
public import LedgerEngine
import LedgerSQL

/// Writes one resolved transaction and keeps the derived balances in step, inside the
/// caller's database transaction: the engine's `LedgerWriter` over this transaction's
/// statements.
///
/// Order matters: every check runs before the first row is written, postings go in
/// before their transaction row (whose insert trigger re-checks the balance per asset),
/// and derived balances are updated last with values already proven in range.
enum TransactionWriter {
    /// Writes the transaction and returns every balance it touched, as it now stands.
    static func insert(
        _ db: some SQLConnection, transaction: LedgerTransaction, reversesSeq: Int64?,
        accounts: [AccountID: LedgerRows.StoredAccount]
    ) throws -> [BalanceSnapshot] {
        try LedgerWriter.insert(
            SQLStatements(db: db), transaction: transaction, reversesSeq: reversesSeq,
            accounts: accounts.mapValues { (seq: $0.seq, account: $0.account) }
        )
    }
}

/// The ledger's write statements (`LedgerWriteStatements`) over any connection: the
/// `balances`, `balance_days`, `postings` and `transactions` tables.
extension SQLStatements: LedgerWriteStatements {
    @_specialize(where Connection == Database)
    public func balanceBefore(accountSeq: Int64, asset: AssetCode, date day: LocalDate) throws -> BalancePlan.Before {
        let date = day.description
        let key: SQLArguments = [accountSeq, asset.rawValue]
        // The current balance (read by column position: this runs per posting key on the
        // serialized writer).
        let current = try db.fetchOne(
            "SELECT balance, posting_count FROM balances WHERE account_seq = ? AND asset = ?", key
        )
        let balance = try current.map { try LedgerRows.amount($0, atIndex: 0, table: "balances") } ?? .zero
        let count = try current.map { try $0.value(Int64.self, at: 1) } ?? 0
        // The latest day with a closing. Dated on or after it (the usual case) there is no
        // later day to move and this day's opening is that closing; dated before it
        // (back-dated), the earlier closing is read.
        let latest = try db.fetchOne(
            """
            SELECT date, day_change, closing FROM balance_days
            WHERE account_seq = ? AND asset = ? ORDER BY date DESC LIMIT 1
            """,
            key
        )
        let latestDate = try latest.map { try $0.value(String.self, at: 0) }
        let opening: (dayChange: Amount, closing: Amount)
        if let latest, let latestDate, latestDate >= date {
            opening = try dayOpening(key: key, date: date, latest: latestDate == date ? latest : nil)
        } else {
            opening = (.zero, try latest.map { try LedgerRows.amount($0, atIndex: 2, table: "balance_days") } ?? .zero)
        }
        return BalancePlan.Before(
            balance: balance, postingCount: count, dayChange: opening.dayChange, closing: opening.closing,
            movesLaterDays: latestDate.map { $0 > date } ?? false
        )
    }

    /// This day's change so far and its closing before this transaction: the day's own
    /// row (`day`, when already read), else nothing changed yet and the closing is the
    /// last earlier day's.
    private func dayOpening(
        key: SQLArguments, date: String, latest day: Connection.Row?
    ) throws -> (dayChange: Amount, closing: Amount) {
        let row = try day ?? db.fetchOne(
            "SELECT date, day_change, closing FROM balance_days WHERE account_seq = ? AND asset = ? AND date = ?",
            key + [date]
        )
        if let row {
            return (
                try LedgerRows.amount(row, atIndex: 1, table: "balance_days"),
                try LedgerRows.amount(row, atIndex: 2, table: "balance_days")
            )
        }
        let previous = try db.fetchValue(
            Int64.self,
            """
            SELECT closing FROM balance_days WHERE account_seq = ? AND asset = ? AND date < ?
            ORDER BY date DESC LIMIT 1
            """,
            key + [date]
        ) ?? 0
        guard let amount = Amount(minorUnits: previous) else {
            throw StorageError.corruptRow(table: "balance_days", detail: "closing out of range")
        }
        return (.zero, amount)
    }

    @_specialize(where Connection == Database)
    public func laterClosingRange(accountSeq: Int64, asset: AssetCode, after date: LocalDate) throws
        -> (low: Amount, high: Amount)? {
        let later = try db.fetchOne(
            """
            SELECT min(closing) AS low, max(closing) AS high FROM balance_days
            WHERE account_seq = ? AND asset = ? AND date > ?
            """,
            [accountSeq, asset.rawValue, date.description]
        )
        guard let later, let low = try later.value(Int64?.self, at: 0),
              let high = try later.value(Int64?.self, at: 1) else { return nil }
        guard let lowAmount = Amount(minorUnits: low), let highAmount = Amount(minorUnits: high) else {
            throw StorageError.corruptRow(table: "balance_days", detail: "closing out of range")
        }
        return (lowAmount, highAmount)
    }

    @_specialize(where Connection == Database)
    public func insertTransaction(
        _ transaction: LedgerTransaction, reversesSeq: Int64?, postings: [(accountSeq: Int64, dayRunning: Amount)]
    ) throws {
        let date = transaction.date.description
        let seq = try db.fetchValue(Int64.self, "SELECT coalesce(max(seq), 0) + 1 FROM transactions") ?? 1
        for (position, (posting, row)) in zip(transaction.postings, postings).enumerated() {
            try db.execute(
                """
                INSERT INTO postings (transaction_seq, position, account_seq, asset, amount, date, day_running)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    seq, position, row.accountSeq, posting.asset.rawValue, posting.amount.minorUnits, date,
                    row.dayRunning.minorUnits,
                ]
            )
        }
        try db.execute(
            """
            INSERT INTO transactions (seq, id, date, description, metadata, recorded_at, reverses_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                seq, transaction.id.rawValue, date, transaction.description, transaction.metadata.canonicalText,
                transaction.recordedAt.description, reversesSeq,
            ]
        )
    }

    @_specialize(where Connection == Database)
    public func writeBalance(_ plan: BalancePlan, accountSeq: Int64, date day: LocalDate) throws {
        let date = day.description
        let key: SQLArguments = [accountSeq, plan.change.key.asset.rawValue]
        try db.execute(
            """
            INSERT INTO balances (account_seq, asset, balance, posting_count) VALUES (?, ?, ?, ?)
            ON CONFLICT (account_seq, asset) DO UPDATE
            SET balance = excluded.balance, posting_count = excluded.posting_count
            """,
            key + [plan.newBalance.minorUnits, plan.postingCount]
        )
        try db.execute(
            """
            INSERT INTO balance_days (account_seq, asset, date, day_change, closing) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account_seq, asset, date) DO UPDATE
            SET day_change = excluded.day_change, closing = excluded.closing
            """,
            key + [date, plan.dayChange.minorUnits, plan.closing.minorUnits]
        )
        if plan.movesLaterDays, !plan.change.amount.isZero {
            try db.execute(
                "UPDATE balance_days SET closing = closing + ? WHERE account_seq = ? AND asset = ? AND date > ?",
                [plan.change.amount.minorUnits] + key + [date]
            )
        }
    }
}
