public import LedgerCore

/// The ledger's statements a backend provides inside one open write transaction, to
/// write one resolved transaction and keep its derived balances (current balance,
/// posting count, one row per day with its change and closing) in step.
///
/// Accounts and transactions are named by the backend's row number (`seq`: SQLite's
/// rowid, a PostgreSQL `bigserial`), which the backend's account reads return.
///
/// Synchronous, like every statement of the engine: the statements of one transaction
/// run one after another on its writer.
public protocol LedgerWriteStatements {
    /// What the balance of (`accountSeq`, `asset`) held before a transaction dated `date`:
    /// its current balance and posting count, that day's change so far and closing (the
    /// last earlier day's closing when the day has no row yet), and whether later days
    /// have rows (a back-dated transaction).
    func balanceBefore(accountSeq: Int64, asset: AssetCode, date: LocalDate) throws -> BalancePlan.Before
    /// The lowest and highest closings of the days after `date`; `nil` when there are none.
    func laterClosingRange(accountSeq: Int64, asset: AssetCode, after date: LocalDate) throws
        -> (low: Amount, high: Amount)?
    /// Inserts the transaction's postings (in order, each with its account and its running
    /// sum within the day) and then the transaction row itself.
    func insertTransaction(
        _ transaction: LedgerTransaction, reversesSeq: Int64?, postings: [(accountSeq: Int64, dayRunning: Amount)]
    ) throws
    /// Stores a planned balance: the current balance and count, the day's row and, when
    /// `plan.movesLaterDays`, every later day's closing moved by the change.
    func writeBalance(_ plan: BalancePlan, accountSeq: Int64, date: LocalDate) throws
}

/// Writes one resolved transaction through a backend's `LedgerWriteStatements`: reads
/// each balance, plans it (`BalancePlan`: every rule checked before the first row is
/// written), then writes the postings, the transaction and the balances.
public enum LedgerWriter {
    /// Writes `transaction` (the reversal of row `reversesSeq`, if any) and returns every
    /// balance it touched, as it now stands. `accounts` holds every posting's account.
    public static func insert(
        _ statements: some LedgerWriteStatements, transaction: LedgerTransaction, reversesSeq: Int64?,
        accounts: [AccountID: (seq: Int64, account: Account)]
    ) throws -> [BalanceSnapshot] {
        let plans = try plan(statements, transaction: transaction, accounts: accounts)
        let running = try BalancePlan.dayRunning(of: transaction, plans: plans)
        // All checks passed: write.
        let postings = zip(transaction.postings, running).map { posting, sum in
            (accountSeq: seq(of: posting.accountID, in: accounts), dayRunning: sum)
        }
        try statements.insertTransaction(transaction, reversesSeq: reversesSeq, postings: postings)
        let ordered = plans.values.sorted { $0.change.key < $1.change.key }
        for plan in ordered {
            try statements.writeBalance(
                plan, accountSeq: seq(of: plan.change.key.accountID, in: accounts), date: transaction.date
            )
        }
        return ordered.map {
            BalanceSnapshot(key: $0.change.key, accountCode: $0.change.accountCode, balance: $0.newBalance)
        }
    }

    /// Reads and plans every balance the transaction changes.
    private static func plan(
        _ statements: some LedgerWriteStatements, transaction: LedgerTransaction,
        accounts: [AccountID: (seq: Int64, account: Account)]
    ) throws -> [BalanceKey: BalancePlan] {
        var plans: [BalanceKey: BalancePlan] = [:]
        for change in try BalanceChange.changes(of: transaction) {
            guard let (seq, account) = accounts[change.key.accountID] else {
                preconditionFailure("every posting's account is resolved before writing")
            }
            let asset = change.key.asset
            let postingsHere = Int64(transaction.postings.count {
                BalanceKey(accountID: $0.accountID, asset: $0.asset) == change.key
            })
            let before = try statements.balanceBefore(accountSeq: seq, asset: asset, date: transaction.date)
            plans[change.key] = try BalancePlan(change, account: account, before: before, postingsHere: postingsHere) {
                // Every later day's closing moves by the same amount: checking the extremes
                // checks them all, for range and for the account's constraint.
                guard let range = try statements.laterClosingRange(
                    accountSeq: seq, asset: asset, after: transaction.date
                ) else { return }
                for closing in [range.low, range.high] { _ = try change.applied(to: closing, account: account) }
            }
        }
        return plans
    }

    private static func seq(of account: AccountID, in accounts: [AccountID: (seq: Int64, account: Account)]) -> Int64 {
        guard let seq = accounts[account]?.seq else { preconditionFailure("every posting's account is resolved") }
        return seq
    }
}
