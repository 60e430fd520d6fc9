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

            // The current balance.
            let current = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT balance, posting_count FROM balances WHERE account_seq = ? AND asset = ?"),
                arguments: arguments
            )
            let currentBalance = try current.map { try LedgerRows.amount($0, "balance", table: "balances") } ?? .zero
            let currentCount = try current.map { try LedgerRows.integer($0, "posting_count") } ?? 0
            let newBalance = try change.applied(to: currentBalance, account: account)

            // Every later day's closing moves by the same amount: checking the extremes
            // checks them all, for range and for the balance constraint.
            let later = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT min(closing) AS low, max(closing) AS high FROM balance_days
                    WHERE account_seq = ? AND asset = ? AND date > ?
                    """),
                arguments: arguments + [date]
            )
            if let later, let low = try later.decode(Int64?.self, forColumn: "low"),
               let high = try later.decode(Int64?.self, forColumn: "high") {
                for closing in [low, high] {
                    guard let amount = Amount(minorUnits: closing) else {
                        throw StorageError.corruptRow(table: "balance_days", detail: "closing out of range")
                    }
                    _ = try change.applied(to: amount, account: account)
                }
            }

            // This day's closing: the existing row's, or the last earlier day's.
            let day = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT day_change, closing FROM balance_days WHERE account_seq = ? AND asset = ? AND date = ?"),
                arguments: arguments + [date]
            )
            let dayChangeBefore: Amount
            let closingBefore: Amount
            if let day {
                dayChangeBefore = try LedgerRows.amount(day, "day_change", table: "balance_days")
                closingBefore = try LedgerRows.amount(day, "closing", table: "balance_days")
            } else {
                dayChangeBefore = .zero
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
                closingBefore = amount
            }
            let closing = try change.applied(to: closingBefore, account: account)
            guard let dayChange = dayChangeBefore.adding(change.amount) else {
                throw Rejection.amountOverflow(account: account.code, asset: change.key.asset)
            }
            let (count, countOverflow) = currentCount.addingReportingOverflow(postingsHere)
            precondition(!countOverflow, "posting counts fit in Int64")
            plans[change.key] = Plan(
                change: change, accountSeq: stored.seq, newBalance: newBalance, postingCount: count,
                dayChange: dayChange, closing: closing
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
            if !plan.change.amount.isZero {
                try db.cachedStatement(sql: """
                    UPDATE balance_days SET closing = closing + ? WHERE account_seq = ? AND asset = ? AND date > ?
                    """).execute(arguments: [plan.change.amount.minorUnits] + key + [date])
            }
        }
        return plans.values.sorted { $0.change.key < $1.change.key }.map {
            BalanceSnapshot(key: $0.change.key, accountCode: $0.change.accountCode, balance: $0.newBalance)
        }
    }
}
