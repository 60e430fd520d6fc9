/// One leg of a transaction: a signed amount of one asset on one account.
///
/// Debit positive, credit negative; never zero.
public struct Posting: Hashable, Sendable {
    public let accountID: AccountID
    public let accountCode: AccountCode
    public let asset: AssetCode
    public let amount: Amount

    public init(accountID: AccountID, accountCode: AccountCode, asset: AssetCode, amount: Amount) {
        precondition(!amount.isZero, "postings are never zero")
        self.accountID = accountID
        self.accountCode = accountCode
        self.asset = asset
        self.amount = amount
    }
}

/// A posting as received at the edge: the account named by code or id, nothing checked yet.
public struct PostingDraft: Sendable, Equatable {
    public var account: String
    public var asset: String
    public var amount: Int64

    public init(account: String, asset: String, amount: Int64) {
        self.account = account
        self.asset = asset
        self.amount = amount
    }
}
