import GRDB
import LedgerCore

/// Writes one resolved transaction and keeps the derived balances in step, inside the
/// caller's database transaction.
///
/// Order matters: every check runs before the first row is written, postings go in
/// before their transaction row (whose insert trigger re-checks the balance per asset),
/// and derived balances are updated last with values already proven in range.
enum TransactionWriter {
    /// The planned new state of one balance.
    private struct Plan {
        let change: BalanceChange
        let accountSeq: Int64
        let newBalance: Amount
        let postingCount: Int64
        let dayChange: Amount
        let closing: Amount
        /// Whether days after this one have closings (a back-dated transaction), which move too.
        let movesLaterDays: Bool
    }

    /// Writes the transaction and returns every balance it touched, as it now stands.
    static func insert(
        _ db: Database, transaction: LedgerTransaction, reversesSeq: Int64?,
        accounts: [AccountID: LedgerRows.StoredAccount]
    ) throws -> [BalanceSnapshot] {
        let date = transaction.date.description
        let changes = try BalanceChange.changes(of: transaction)
        var plans: [BalanceKey: Plan] = [:]
        var dayRunning: [BalanceKey: Amount] = [:]
        for change in changes {
            guard let stored = accounts[change.key.accountID] else {
                preconditionFailure("every posting's account is resolved before writing")
            }
            let account = stored.account
            let arguments: StatementArguments = [stored.seq, change.key.asset.rawValue]
            let postingsHere = Int64(transaction.postings.count { BalanceKey(accountID: $0.accountID, asset: $0.asset) == change.key })

            // The current balance (read by column position: this runs per posting key
            // on the serialized writer).
            let current = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT balance, posting_count FROM balances WHERE account_seq = ? AND asset = ?"),
                arguments: arguments
            )
            let currentBalance = try current.map { try LedgerRows.amount($0, atIndex: 0, table: "balances") } ?? .zero
            let currentCount = try current.map { try $0.decode(Int64.self, atIndex: 1) } ?? 0
            let newBalance = try change.applied(to: currentBalance, account: account)

            // The latest day with a closing. Dated on or after it (the usual case) there
            // is no later day to move and this day's opening is that closing; dated before
            // it (back-dated), the later days and the earlier closing are read.
            let latest = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT date, day_change, closing FROM balance_days
                    WHERE account_seq = ? AND asset = ? ORDER BY date DESC LIMIT 1
                    """),
                arguments: arguments
            )
            let latestDate = try latest.map { try $0.decode(String.self, atIndex: 0) }
            let dayChangeBefore: Amount
            let closingBefore: Amount
            let movesLaterDays = latestDate.map { $0 > date } ?? false
            if let latest, let latestDate, latestDate >= date {
                if movesLaterDays {
                    try checkLaterClosings(db, arguments: arguments, after: date, change: change, account: account)
                }
                (dayChangeBefore, closingBefore) = try dayOpening(db, arguments: arguments, date: date, latest: latestDate == date ? latest : nil)
            } else {
                dayChangeBefore = .zero
                closingBefore = try latest.map { try LedgerRows.amount($0, atIndex: 2, table: "balance_days") } ?? .zero
            }
            let closing = try change.applied(to: closingBefore, account: account)
            guard let dayChange = dayChangeBefore.adding(change.amount) else {
                throw Rejection.amountOverflow(account: account.code, asset: change.key.asset)
            }
            let (count, countOverflow) = currentCount.addingReportingOverflow(postingsHere)
            precondition(!countOverflow, "posting counts fit in Int64")
            plans[change.key] = Plan(
                change: change, accountSeq: stored.seq, newBalance: newBalance, postingCount: count,
                dayChange: dayChange, closing: closing, movesLaterDays: movesLaterDays
            )
            dayRunning[change.key] = dayChangeBefore
        }

        // Each posting's running sum within its day, in posting order.
        var postingRows: [(accountSeq: Int64, posting: Posting, dayRunning: Amount)] = []
        for posting in transaction.postings {
            let key = BalanceKey(accountID: posting.accountID, asset: posting.asset)
            guard let plan = plans[key] else { preconditionFailure("every posting's balance is planned") }
            guard let running = dayRunning[key]?.adding(posting.amount) else {
                throw Rejection.amountOverflow(account: posting.accountCode, asset: posting.asset)
            }
            dayRunning[key] = running
            postingRows.append((plan.accountSeq, posting, running))
        }

        // All checks passed: write.
        let seq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(seq), 0) + 1 FROM transactions")) ?? 1
        let insertPosting = try db.cachedStatement(sql: """
            INSERT INTO postings (transaction_seq, position, account_seq, asset, amount, date, day_running)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (position, row) in postingRows.enumerated() {
            try insertPosting.execute(arguments: [
                seq, position, row.accountSeq, row.posting.asset.rawValue, row.posting.amount.minorUnits, date,
                row.dayRunning.minorUnits,
            ])
        }
        try db.cachedStatement(sql: """
            INSERT INTO transactions (seq, id, date, description, metadata, recorded_at, reverses_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                seq, transaction.id.rawValue, date, transaction.description, transaction.metadata.canonicalText,
                transaction.recordedAt.description, reversesSeq,
            ])
        for plan in plans.values.sorted(by: { $0.change.key < $1.change.key }) {
            let key: StatementArguments = [plan.accountSeq, plan.change.key.asset.rawValue]
            try db.cachedStatement(sql: """
                INSERT INTO balances (account_seq, asset, balance, posting_count) VALUES (?, ?, ?, ?)
                ON CONFLICT (account_seq, asset) DO UPDATE SET balance = excluded.balance, posting_count = excluded.posting_count
                """).execute(arguments: key + [plan.newBalance.minorUnits, plan.postingCount])
            try db.cachedStatement(sql: """
                INSERT INTO balance_days (account_seq, asset, date, day_change, closing) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_seq, asset, date) DO UPDATE SET day_change = excluded.day_change, closing = excluded.closing
                """).execute(arguments: key + [date, plan.dayChange.minorUnits, plan.closing.minorUnits])
            if plan.movesLaterDays, !plan.change.amount.isZero {
                try db.cachedStatement(sql: """
                    UPDATE balance_days SET closing = closing + ? WHERE account_seq = ? AND asset = ? AND date > ?
                    """).execute(arguments: [plan.change.amount.minorUnits] + key + [date])
            }
        }
        return plans.values.sorted { $0.change.key < $1.change.key }.map {
            BalanceSnapshot(key: $0.change.key, accountCode: $0.change.accountCode, balance: $0.newBalance)
        }
    }

    /// Every later day's closing moves by the same amount: checking the extremes checks
    /// them all, for range and for the balance constraint.
    private static func checkLaterClosings(
        _ db: Database, arguments: StatementArguments, after date: String, change: BalanceChange, account: Account
    ) throws {
        let later = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT min(closing) AS low, max(closing) AS high FROM balance_days
                WHERE account_seq = ? AND asset = ? AND date > ?
                """),
            arguments: arguments + [date]
        )
        guard let later, let low = try later.decode(Int64?.self, atIndex: 0),
              let high = try later.decode(Int64?.self, atIndex: 1) else { return }
        for closing in [low, high] {
            guard let amount = Amount(minorUnits: closing) else {
                throw StorageError.corruptRow(table: "balance_days", detail: "closing out of range")
            }
            _ = try change.applied(to: amount, account: account)
        }
    }

    /// This day's change so far and its closing before this transaction: the day's own
    /// row (`day`, when already read), else nothing changed yet and the closing is the
    /// last earlier day's.
    private static func dayOpening(
        _ db: Database, arguments: StatementArguments, date: String, latest day: Row?
    ) throws -> (dayChange: Amount, closing: Amount) {
        let row = try day ?? Row.fetchOne(
            db.cachedStatement(sql: "SELECT date, day_change, closing FROM balance_days WHERE account_seq = ? AND asset = ? AND date = ?"),
            arguments: arguments + [date]
        )
        if let row {
            return (
                try LedgerRows.amount(row, atIndex: 1, table: "balance_days"),
                try LedgerRows.amount(row, atIndex: 2, table: "balance_days")
            )
        }
        let previous = try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT closing FROM balance_days WHERE account_seq = ? AND asset = ? AND date < ?
                ORDER BY date DESC LIMIT 1
                """),
            arguments: arguments + [date]
        ) ?? 0
        guard let amount = Amount(minorUnits: previous) else {
            throw StorageError.corruptRow(table: "balance_days", detail: "closing out of range")
        }
        return (.zero, amount)
    }
}
