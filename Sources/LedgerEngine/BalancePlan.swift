public import LedgerCore

/// The new state of one balance (account × asset) after a transaction, decided from what
/// the backend read before it: the ledger's write rules that are not SQL.
///
/// Why here: every backend keeps a current balance, a posting count and one row per day
/// (that day's change and closing); which values they take — each checked against the
/// account's constraint and the amount range, before the first row is written — is the
/// same rule for all of them.
public struct BalancePlan: Sendable {
    /// What one balance's rows held before the transaction, as the backend read them.
    public struct Before: Sendable {
        /// The current balance and its posting count (zero for a new balance).
        public let balance: Amount
        public let postingCount: Int64
        /// The transaction's day: its change so far and its closing before this transaction.
        public let dayChange: Amount
        public let closing: Amount
        /// Whether later days have closings (a back-dated transaction), which move too.
        public let movesLaterDays: Bool

        /// What the backend read.
        public init(balance: Amount, postingCount: Int64, dayChange: Amount, closing: Amount, movesLaterDays: Bool) {
            self.balance = balance
            self.postingCount = postingCount
            self.dayChange = dayChange
            self.closing = closing
            self.movesLaterDays = movesLaterDays
        }
    }

    /// The change this plan applies.
    public let change: BalanceChange
    /// The balance after the transaction.
    public let newBalance: Amount
    /// The posting count after the transaction.
    public let postingCount: Int64
    /// The day's change after the transaction.
    public let dayChange: Amount
    /// The day's closing after the transaction.
    public let closing: Amount
    /// The day's change before the transaction: where the day's running sums start.
    public let dayChangeBefore: Amount
    /// Whether later days' closings move by `change.amount`.
    public let movesLaterDays: Bool

    /// Plans `change` on `account` from the state `before`; `postingsHere` is how many of
    /// the transaction's postings fall on this balance. Throws when a balance would break
    /// the account's constraint or leave the amount range; `checkLaterDays` (the backend's
    /// check of later days' closings, called only when they move) runs after the new
    /// balance and before the day's closing are checked, so the first failing rule is
    /// the one reported.
    public init(
        _ change: BalanceChange, account: Account, before: Before, postingsHere: Int64,
        checkLaterDays: () throws -> Void
    ) throws {
        self.change = change
        newBalance = try change.applied(to: before.balance, account: account)
        if before.movesLaterDays { try checkLaterDays() }
        closing = try change.applied(to: before.closing, account: account)
        guard let dayChange = before.dayChange.adding(change.amount) else {
            throw Rejection.amountOverflow(account: account.code, asset: change.key.asset)
        }
        self.dayChange = dayChange
        let (count, countOverflow) = before.postingCount.addingReportingOverflow(postingsHere)
        precondition(!countOverflow, "posting counts fit in Int64")
        postingCount = count
        dayChangeBefore = before.dayChange
        movesLaterDays = before.movesLaterDays
    }

    /// Each posting's running sum within its day, in posting order, starting from each
    /// balance's `dayChangeBefore`; throws when a running sum leaves the amount range.
    public static func dayRunning(
        of transaction: LedgerTransaction, plans: [BalanceKey: BalancePlan]
    ) throws(Rejection) -> [Amount] {
        var running = plans.mapValues(\.dayChangeBefore)
        var sums: [Amount] = []
        sums.reserveCapacity(transaction.postings.count)
        for posting in transaction.postings {
            let key = BalanceKey(accountID: posting.accountID, asset: posting.asset)
            guard let before = running[key] else { preconditionFailure("every posting's balance is planned") }
            guard let sum = before.adding(posting.amount) else {
                throw Rejection.amountOverflow(account: posting.accountCode, asset: posting.asset)
            }
            running[key] = sum
            sums.append(sum)
        }
        return sums
    }
}
