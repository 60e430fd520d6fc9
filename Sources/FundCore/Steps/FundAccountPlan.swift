public import LedgerCore

/// An account a fund step posts to, as the step would open it: the store opens it when
/// missing and adopts an existing one only when it is exactly this (same type, asset and
/// constraint, and the fund's id in its metadata).
///
/// The rule names the account; whether it already exists is a stored fact the store
/// resolves, so every backend opens fund accounts the same way.
public struct FundAccountPlan: Hashable, Sendable {
    public let code: AccountCode
    public let type: AccountType
    /// The one asset the account may hold; `nil` for any asset.
    public let asset: AssetCode?
    public let constraint: BalanceConstraint?

    public init(code: AccountCode, type: AccountType, asset: AssetCode?, constraint: BalanceConstraint?) {
        self.code = code
        self.type = type
        self.asset = asset
        self.constraint = constraint
    }

    /// `income:<fund>:contributions:<member>`: what a member gave, in any asset.
    public static func contributions(of member: MemberID, in fund: Fund) -> FundAccountPlan {
        FundAccountPlan(code: fund.chart.contributions(member), type: .income, asset: nil, constraint: nil)
    }
}

/// The reason text a pledge, disbursement or cash-adjustment step may carry.
public enum StepReason {
    /// Refuses a reason that is not plain text of at most `Limits.descriptionLengthMax`
    /// characters, before any state is read (and before an idempotent replay is answered).
    public static func check(_ reason: String?) throws(Rejection) {
        guard let reason else { return }
        if let problem = TextRules.problem(in: reason, field: "reason", lengthMax: Limits.descriptionLengthMax) {
            throw .invalidFields([problem])
        }
    }
}
