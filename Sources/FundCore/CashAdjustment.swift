public import LedgerCore

/// Money taken out of a fund's cash that is neither a grant nor a conversion — a bank
/// fee, a correction — booked against an account outside every fund.
///
/// A raw transaction may not take money out of a fund's cash (`FundChart.allowsRawPosting`),
/// so this step is the way out for everything else, with its own four-eyes rule: within
/// the fund's daily `cashAdjustmentApprovalAbove` allowance for the asset it posts at
/// once (a routine fee); beyond it, or when the fund sets no limit for the asset, it
/// waits for an approver who is not its requester. Its state is derived from its recorded steps:
/// requested → posted (at once, or on approval) or rejected.
public struct CashAdjustment: Hashable, Sendable {
    public let id: CashAdjustmentID
    public let fundID: FundID
    public let asset: AssetCode
    /// What leaves the fund's cash: always positive.
    public let amount: Amount
    /// The account outside every fund that the money goes to (`expenses:bank-fees`).
    public let counterAccount: AccountCode
    /// The date the ledger transaction carries (the day of the bank's statement line).
    public let date: LocalDate
    /// Why the money left; public, as a disbursement's purpose is.
    public let reason: String
    /// Whether an approver must approve it before it posts, decided when requested.
    public let needsApproval: Bool
    public let requestedBy: Principal
    public let requestedAt: Timestamp

    public init(
        id: CashAdjustmentID, fundID: FundID, asset: AssetCode, amount: Amount, counterAccount: AccountCode,
        date: LocalDate, reason: String, needsApproval: Bool, requestedBy: Principal, requestedAt: Timestamp
    ) {
        self.id = id
        self.fundID = fundID
        self.asset = asset
        self.amount = amount
        self.counterAccount = counterAccount
        self.date = date
        self.reason = reason
        self.needsApproval = needsApproval
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
    }

    /// Whether taking `amount` of `asset` out of `fund`'s cash needs an approver.
    ///
    /// The fund's limit is a daily allowance, not a per-request one: `postedToday` is what
    /// adjustments in the asset already took without an approver on the same UTC day, so
    /// many small requests (a salami drain) need an approver as soon as they add up to
    /// more than the limit. No limit for the asset: always an approver (the safe default).
    public static func needsApproval(
        amount: Amount, asset: AssetCode, postedToday: Amount = .zero, in fund: Fund
    ) -> Bool {
        guard let limit = fund.cashAdjustmentApprovalAbove[asset] else { return true }
        let (total, overflow) = amount.minorUnits.addingReportingOverflow(postedToday.minorUnits)
        return overflow || total > limit.minorUnits
    }

    /// Where an adjustment stands.
    public enum State: String, Sendable, CaseIterable {
        case requested, posted, rejected
    }

    /// The state after `steps`.
    public func state(after steps: [CashAdjustmentStep]) -> State {
        if !needsApproval { return .posted }
        if steps.contains(where: { $0.kind == .reject }) { return .rejected }
        if steps.contains(where: { $0.kind == .approve }) { return .posted }
        return .requested
    }

    /// Checks that `principal` may take `kind` now; throws the exact rejection otherwise.
    ///
    /// Only a waiting adjustment takes a step; its requester may reject it but never
    /// approve it (the same rule, and the same `FourEyes` helper, as disbursements).
    public func check(
        _ kind: CashAdjustmentStep.Kind, by principal: Principal, after steps: [CashAdjustmentStep]
    ) throws(Rejection) {
        let state = state(after: steps)
        guard state == .requested else {
            throw .cashAdjustmentState(id: id.rawValue, state: state.rawValue, action: kind.rawValue)
        }
        if kind == .approve {
            try FourEyes.check(approver: principal, requester: requestedBy, approvedBefore: [], subject: id.rawValue)
        }
    }
}

/// One recorded step of a cash adjustment and who took it.
public struct CashAdjustmentStep: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case approve, reject
    }

    public let kind: Kind
    public let principal: Principal
    public let at: Timestamp
    /// The ledger transaction an approval posted; `nil` for a rejection.
    public let transactionID: TransactionID?
    public let reason: String?

    public init(kind: Kind, principal: Principal, at: Timestamp, transactionID: TransactionID?, reason: String?) {
        self.kind = kind
        self.principal = principal
        self.at = at
        self.transactionID = transactionID
        self.reason = reason
    }
}

/// Identifies a cash adjustment, `adj_` + 32 hex digits.
public struct CashAdjustmentID: PrefixedIdentifier {
    public static let prefix = "adj_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }
}

/// A request to take money out of a fund's cash, as received at the edge.
public struct CashAdjustmentDraft: Sendable, Equatable {
    public var asset: String
    public var amount: Int64
    public var counterAccount: String
    public var date: String
    public var reason: String

    public init(asset: String, amount: Int64, counterAccount: String, date: String, reason: String) {
        self.asset = asset
        self.amount = amount
        self.counterAccount = counterAccount
        self.date = date
        self.reason = reason
    }

    /// The checked fields (the store resolves the fund and the counter account).
    public func checked() throws(Rejection)
        -> (asset: AssetCode, amount: Amount, counterAccount: AccountCode, date: LocalDate)
    {
        var problems: [FieldProblem] = []
        let asset = AssetCode(self.asset)
        if asset == nil { problems.append(.init(field: "asset", detail: "must match [A-Z0-9_]{2,16}")) }
        let amount = Amount(minorUnits: self.amount)
        if amount == nil || self.amount <= 0 {
            problems.append(.init(field: "amount", detail: "must be a positive number of minor units"))
        }
        let counter = AccountCode(counterAccount)
        if counter == nil { problems.append(.init(field: "counter_account", detail: "must be an account code")) }
        let day = LocalDate(date)
        if day == nil { problems.append(.init(field: "date", detail: "must be a calendar date YYYY-MM-DD")) }
        if let problem = TextRules.problem(in: reason, field: "reason", lengthMax: Limits.descriptionLengthMax) {
            problems.append(problem)
        }
        guard problems.isEmpty, let asset, let amount, let counter, let day else { throw .invalidFields(problems) }
        return (asset, amount, counter, day)
    }
}
