/// Names one balance: an account's holding of one asset.
public struct BalanceKey: Hashable, Comparable, Sendable {
    public let accountID: AccountID
    public let asset: AssetCode

    public init(accountID: AccountID, asset: AssetCode) {
        self.accountID = accountID
        self.asset = asset
    }

    public static func < (lhs: BalanceKey, rhs: BalanceKey) -> Bool {
        (lhs.accountID, lhs.asset) < (rhs.accountID, rhs.asset)
    }
}

/// The net effect of one transaction on one balance, and the checked arithmetic that
/// applies it.
///
/// The store applies a change to the current balance and to every dated closing balance
/// on or after the transaction's date, so a back-dated entry can't overdraw an account
/// on any day or leave any balance outside the exact range.
public struct BalanceChange: Hashable, Sendable {
    public let key: BalanceKey
    public let accountCode: AccountCode
    /// The net signed amount of the transaction's postings on this balance.
    public let amount: Amount

    /// The net change per balance of `transaction`, in key order, including balances
    /// whose postings net to zero (they still gain postings and a register line).
    ///
    /// Several postings on one balance are netted first; a net that leaves the exact
    /// range is an overflow rejection.
    public static func changes(of transaction: LedgerTransaction) throws(Rejection) -> [BalanceChange] {
        var nets: [BalanceKey: (code: AccountCode, sum: Int64)] = [:]
        for posting in transaction.postings {
            let key = BalanceKey(accountID: posting.accountID, asset: posting.asset)
            let previous = nets[key]?.sum ?? 0
            let (sum, overflow) = previous.addingReportingOverflow(posting.amount.minorUnits)
            precondition(!overflow, "posting sums are bounded by postingsMax × 2^53")
            nets[key] = (posting.accountCode, sum)
        }
        var result: [BalanceChange] = []
        for (key, net) in nets.sorted(by: { $0.key < $1.key }) {
            guard let amount = Amount(minorUnits: net.sum) else {
                throw .amountOverflow(account: net.code, asset: key.asset)
            }
            result.append(BalanceChange(key: key, accountCode: net.code, amount: amount))
        }
        return result
    }

    /// The balance after this change, rejecting a result outside the exact range or one
    /// that breaks the account's balance constraint.
    public func applied(to balance: Amount, account: Account) throws(Rejection) -> Amount {
        precondition(account.id == key.accountID, "change applied to the wrong account")
        guard let result = balance.adding(amount) else {
            throw .amountOverflow(account: accountCode, asset: key.asset)
        }
        if let constraint = account.constraint, !constraint.isSatisfied(by: result, type: account.type) {
            throw .balanceConstraintViolated(account: accountCode, asset: key.asset)
        }
        return result
    }
}
