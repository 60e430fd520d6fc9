public import LedgerCore

/// A campaign the fund runs — a climate-adaptation fund, an emergency health fund — with
/// its own accounts, assets and approval threshold.
public struct Fund: Hashable, Sendable {
    public let id: FundID
    /// The fund's code, one account-code segment (`climate`, `health-2026`): every account
    /// of the fund sits under it.
    public let code: String
    public let name: String
    /// The assets the fund holds cash in.
    public let assets: [AssetCode]
    /// Per asset, the amount above which a disbursement needs two approvals.
    public let twoApprovalsAbove: [AssetCode: Amount]
    /// Per asset, the largest cash adjustment (a bank fee, a correction) that posts at
    /// once; a larger one, or any in an asset not listed, waits for an approver.
    public let cashAdjustmentApprovalAbove: [AssetCode: Amount]
    public let createdAt: Timestamp

    public init(
        id: FundID, code: String, name: String, assets: [AssetCode], twoApprovalsAbove: [AssetCode: Amount],
        cashAdjustmentApprovalAbove: [AssetCode: Amount] = [:], createdAt: Timestamp
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.assets = assets
        self.twoApprovalsAbove = twoApprovalsAbove
        self.cashAdjustmentApprovalAbove = cashAdjustmentApprovalAbove
        self.createdAt = createdAt
    }

    /// The fund's chart of accounts (see docs/fund-chart.md for why it is shaped so).
    public var chart: FundChart { FundChart(fundCode: code) }
}

/// Identifies a fund, `fnd_` + 32 hex digits.
public struct FundID: PrefixedIdentifier {
    public static let prefix = "fnd_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }
}

/// The standard accounts of one fund. Cash per asset can never be overdrawn; pledges,
/// contributions, grants and payables are kept per member so every figure of every
/// report comes straight from a balance.
public struct FundChart: Hashable, Sendable {
    public let fundCode: String

    /// `assets:<fund>:cash:<asset>` — the fund's money; `no_negative`.
    public func cash(_ asset: AssetCode) -> AccountCode {
        code("assets:\(fundCode):cash:\(asset.rawValue.lowercased())")
    }
    /// `equity:<fund>:conversion` — both legs of a currency conversion pass through it.
    public var conversion: AccountCode { code("equity:\(fundCode):conversion") }
    /// `assets:<fund>:pledges:<member>` — what a member has promised and not yet paid.
    public func pledges(_ member: MemberID) -> AccountCode { code("assets:\(fundCode):pledges:\(member.rawValue)") }
    /// `income:<fund>:contributions:<member>` — what a member gave (pledged or not).
    public func contributions(_ member: MemberID) -> AccountCode {
        code("income:\(fundCode):contributions:\(member.rawValue)")
    }
    /// `expenses:<fund>:grants:<member>` — grants approved for a member.
    public func grants(_ member: MemberID) -> AccountCode { code("expenses:\(fundCode):grants:\(member.rawValue)") }
    /// The grant expense account of a disbursement's recipient (a member's own, or the
    /// fund's shared `…:grants:beneficiaries`).
    public func grants(to recipient: Disbursement.Recipient) -> AccountCode {
        code("expenses:\(fundCode):grants:\(recipient.accountSegment)")
    }
    /// The grants-payable account of a disbursement's recipient.
    public func grantsPayable(to recipient: Disbursement.Recipient) -> AccountCode {
        code("liabilities:\(fundCode):grants-payable:\(recipient.accountSegment)")
    }
    /// `liabilities:<fund>:grants-payable:<member>` — approved grants not yet paid; `no_negative`.
    public func grantsPayable(_ member: MemberID) -> AccountCode {
        code("liabilities:\(fundCode):grants-payable:\(member.rawValue)")
    }

    private func code(_ text: String) -> AccountCode {
        guard let code = AccountCode(text) else {
            preconditionFailure("fund and member codes make valid account codes")
        }
        return code
    }

    /// Whether `code` has the form of a fund's cash account, `assets:<fund>:cash:<asset>`.
    public static func isCashAccount(_ code: AccountCode) -> Bool {
        let segments = code.rawValue.split(separator: ":")
        return segments.count == 4 && segments[0] == "assets" && segments[2] == "cash"
    }

    /// Whether a raw transaction — one no fund step recorded: `POST /v1/transactions`, a
    /// batch item, an import line, a raw reversal — may post `amount` to an account a
    /// fund opened (one whose metadata names the fund).
    ///
    /// Only money coming into a fund's cash is allowed (interest, a bank's correction in
    /// the fund's favour, an opening balance). Money leaves a fund's cash only through a
    /// fund step that carries its own approvals — a disbursement, a conversion, a cash
    /// adjustment — and the conversion, pledge, contribution and grant accounts move only
    /// with the steps whose statuses and reports read them.
    public static func allowsRawPosting(toFundAccount code: AccountCode, amount: Amount) -> Bool {
        isCashAccount(code) && amount.minorUnits > 0
    }

    /// Whether `code` has the form of a fund's per-member or per-pledge account —
    /// pledges, contributions, grants, grants payable — whose balances pledge statuses,
    /// disbursement states and reports read. Cash and conversion are not among them.
    public static func isStepAccount(_ code: AccountCode) -> Bool {
        let segments = code.rawValue.split(separator: ":")
        guard segments.count >= 4 else { return false }
        switch (segments[0], segments[2]) {
        case ("assets", "pledges"), ("income", "contributions"), ("expenses", "grants"),
            ("liabilities", "grants-payable"):
            return true
        default: return false
        }
    }
}

/// A request to create a fund, as received at the edge.
public struct FundDraft: Sendable, Equatable {
    public var code: String
    public var name: String
    public var assets: [String]
    public var twoApprovalsAbove: [String: Int64]
    /// Per asset, the largest cash adjustment that posts without an approver.
    public var cashAdjustmentApprovalAbove: [String: Int64]

    public init(
        code: String, name: String, assets: [String], twoApprovalsAbove: [String: Int64] = [:],
        cashAdjustmentApprovalAbove: [String: Int64] = [:]
    ) {
        self.code = code
        self.name = name
        self.assets = assets
        self.twoApprovalsAbove = twoApprovalsAbove
        self.cashAdjustmentApprovalAbove = cashAdjustmentApprovalAbove
    }

    /// Longest fund code: it is one segment of every account code of the fund.
    public static let codeLengthMax = 40

    /// Checks every field; whether the assets are registered is the store's to check.
    public func validated(id: FundID, at time: Timestamp) throws(Rejection) -> Fund {
        var problems: [FieldProblem] = []
        let isCode =
            !code.isEmpty && code.utf8.count <= Self.codeLengthMax
            && code.utf8.first.map { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) } == true
            && code.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
        if !isCode {
            problems.append(
                .init(
                    field: "code",
                    detail: "must be 1 to \(Self.codeLengthMax) of [a-z0-9-], starting with a letter or digit"))
        }
        if let problem = TextRules.problem(in: name, field: "name", lengthMax: 200) { problems.append(problem) }
        if assets.isEmpty || assets.count > Limits.allowedAssetsMax {
            problems.append(.init(field: "assets", detail: "must list between 1 and \(Limits.allowedAssetsMax) assets"))
        }
        var codes: [AssetCode] = []
        for (index, text) in assets.enumerated() {
            guard let asset = AssetCode(text) else {
                problems.append(.init(field: "assets[\(index)]", detail: "must match [A-Z0-9_]{2,16}"))
                continue
            }
            if codes.contains(asset) { problems.append(.init(field: "assets[\(index)]", detail: "is listed twice")) }
            // The cash account's last segment is the lowercased code, and account-code
            // segments start with a letter or digit.
            if AccountCode("assets:x:cash:\(asset.rawValue.lowercased())") == nil {
                problems.append(
                    .init(
                        field: "assets[\(index)]",
                        detail: "must start with a letter or digit to name the fund's cash account"))
                continue
            }
            codes.append(asset)
        }
        let thresholds = Self.amounts(
            twoApprovalsAbove, field: "two_approvals_above", assets: codes, problems: &problems)
        let adjustmentLimits = Self.amounts(
            cashAdjustmentApprovalAbove, field: "cash_adjustment_approval_above", assets: codes, problems: &problems
        )
        guard problems.isEmpty else { throw .invalidFields(problems) }
        return Fund(
            id: id, code: code, name: name, assets: codes.sorted(), twoApprovalsAbove: thresholds,
            cashAdjustmentApprovalAbove: adjustmentLimits, createdAt: time
        )
    }

    /// A per-asset amount setting, each key one of the fund's assets and each value in range.
    private static func amounts(
        _ values: [String: Int64], field: String, assets: [AssetCode], problems: inout [FieldProblem]
    ) -> [AssetCode: Amount] {
        var amounts: [AssetCode: Amount] = [:]
        for (text, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let asset = AssetCode(text), assets.contains(asset) else {
                problems.append(.init(field: "\(field).\(text)", detail: "must name one of the fund's assets"))
                continue
            }
            guard let amount = Amount(minorUnits: value), value >= 0 else {
                problems.append(.init(field: "\(field).\(text)", detail: "must be between 0 and 9007199254740991"))
                continue
            }
            amounts[asset] = amount
        }
        return amounts
    }
}
