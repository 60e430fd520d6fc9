public import LedgerCore

/// Money a member gave to a fund, against one of its pledges or not.
public struct Contribution: Hashable, Sendable {
    public let id: ContributionID
    public let memberID: MemberID
    public let fundID: FundID
    public let asset: AssetCode
    public let amount: Amount
    /// The date the money arrived.
    public let date: LocalDate
    /// The pledge it pays, if any.
    public let pledgeID: PledgeID?
    public let createdAt: Timestamp

    public init(
        id: ContributionID, memberID: MemberID, fundID: FundID, asset: AssetCode, amount: Amount, date: LocalDate,
        pledgeID: PledgeID?, createdAt: Timestamp
    ) {
        self.id = id
        self.memberID = memberID
        self.fundID = fundID
        self.asset = asset
        self.amount = amount
        self.date = date
        self.pledgeID = pledgeID
        self.createdAt = createdAt
    }

}

/// Identifies a contribution, `ctb_` + 32 hex digits.
public struct ContributionID: PrefixedIdentifier {
    public static let prefix = "ctb_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }
}

/// A request to record a contribution, as received at the edge.
public struct ContributionDraft: Sendable, Equatable {
    public var memberID: String
    public var fundID: String
    public var asset: String
    public var amount: Int64
    public var date: String
    public var pledgeID: String?
    /// Whether an amount above what the pledge still needs may be kept as an unpledged
    /// contribution; without it, paying more than is outstanding is refused.
    public var splitExcess: Bool

    public init(
        memberID: String, fundID: String, asset: String, amount: Int64, date: String, pledgeID: String? = nil,
        splitExcess: Bool = false
    ) {
        self.memberID = memberID
        self.fundID = fundID
        self.asset = asset
        self.amount = amount
        self.date = date
        self.pledgeID = pledgeID
        self.splitExcess = splitExcess
    }

    /// The checked fields (the store resolves member, fund and pledge).
    public func checked() throws(Rejection) -> (asset: AssetCode, amount: Amount, date: LocalDate) {
        var problems: [FieldProblem] = []
        let asset = AssetCode(self.asset)
        if asset == nil { problems.append(.init(field: "asset", detail: "must match [A-Z0-9_]{2,16}")) }
        let amount = Amount(minorUnits: self.amount)
        if amount == nil || self.amount <= 0 {
            problems.append(.init(field: "amount", detail: "must be a positive number of minor units"))
        }
        let date = LocalDate(self.date)
        if date == nil { problems.append(.init(field: "date", detail: "must be a calendar date YYYY-MM-DD")) }
        guard problems.isEmpty, let asset, let amount, let date else { throw .invalidFields(problems) }
        return (asset, amount, date)
    }
}
