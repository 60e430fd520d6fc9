/// The five account types of double-entry bookkeeping.
public enum AccountType: String, CaseIterable, Hashable, Sendable {
    case asset, liability, equity, income, expense

    /// The side on which the account's balance normally grows.
    ///
    /// Assets and expenses grow with debits (positive amounts); liabilities, equity and
    /// income grow with credits (negative amounts).
    public var normalSide: NormalSide {
        switch self {
        case .asset, .expense: .debit
        case .liability, .equity, .income: .credit
        }
    }

    /// Debit or credit.
    public enum NormalSide: String, Sendable {
        case debit, credit
    }
}

/// A rule the account's balance must keep after every transaction.
public enum BalanceConstraint: String, CaseIterable, Hashable, Sendable {
    /// The balance may never go below zero on the account's normal side: a bank
    /// account (asset) can't be overdrawn, a payable (liability) can't turn into a claim.
    case noNegative = "no_negative"

    /// Whether a signed balance (debit positive) satisfies the constraint for `type`.
    public func isSatisfied(by balance: Amount, type: AccountType) -> Bool {
        switch (self, type.normalSide) {
        case (.noNegative, .debit): balance.minorUnits >= 0
        case (.noNegative, .credit): balance.minorUnits <= 0
        }
    }
}

/// An account in the ledger: where postings land and balances accumulate.
public struct Account: Hashable, Sendable {
    public let id: AccountID
    public let code: AccountCode
    public let type: AccountType
    /// The assets the account accepts; `nil` means any registered asset.
    public let allowedAssets: [AssetCode]?
    public let constraint: BalanceConstraint?
    /// Free-form annotations, a JSON object.
    public let metadata: JSONValue
    public let createdAt: Timestamp
    /// When the account was closed; closed accounts reject postings.
    public let closedAt: Timestamp?

    public init(
        id: AccountID, code: AccountCode, type: AccountType, allowedAssets: [AssetCode]?,
        constraint: BalanceConstraint?, metadata: JSONValue, createdAt: Timestamp, closedAt: Timestamp?
    ) {
        self.id = id
        self.code = code
        self.type = type
        self.allowedAssets = allowedAssets
        self.constraint = constraint
        self.metadata = metadata
        self.createdAt = createdAt
        self.closedAt = closedAt
    }

    /// Whether the account has been closed.
    public var isClosed: Bool { closedAt != nil }

    /// Whether postings in `asset` may land here.
    public func allows(_ asset: AssetCode) -> Bool {
        allowedAssets?.contains(asset) ?? true
    }
}

/// A request to open an account, as received at the edge and not yet validated.
public struct AccountDraft: Sendable, Equatable {
    public var code: String
    public var type: String
    public var allowedAssets: [String]?
    public var constraint: String?
    public var metadata: JSONValue?

    public init(
        code: String, type: String, allowedAssets: [String]? = nil, constraint: String? = nil,
        metadata: JSONValue? = nil
    ) {
        self.code = code
        self.type = type
        self.allowedAssets = allowedAssets
        self.constraint = constraint
        self.metadata = metadata
    }

    /// Checks every field and returns the account to store, or every problem at once.
    ///
    /// Whether the allowed assets are registered is checked by the store, which knows them.
    public func validated(id: AccountID, at time: Timestamp) throws(Rejection) -> Account {
        var problems: [FieldProblem] = []
        let code = AccountCode(self.code)
        if code == nil {
            let detail = "must be lowercase segments [a-z0-9][a-z0-9_.-]* joined by ':' "
                + "(at most \(Limits.accountCodeSegmentsMax) segments, \(Limits.accountCodeLengthMax) bytes)"
            problems.append(.init(field: "code", detail: detail))
        }
        let type = AccountType(rawValue: self.type)
        if type == nil {
            problems.append(.init(field: "type", detail: "must be one of asset, liability, equity, income, expense"))
        }
        var allowed: [AssetCode]?
        if let texts = allowedAssets {
            if texts.isEmpty || texts.count > Limits.allowedAssetsMax {
                problems.append(
                    .init(field: "allowed_assets", detail: "must list between 1 and \(Limits.allowedAssetsMax) assets"))
            }
            var codes: [AssetCode] = []
            for (index, text) in texts.enumerated() {
                if let asset = AssetCode(text) {
                    if codes.contains(asset) {
                        problems.append(.init(field: "allowed_assets[\(index)]", detail: "is listed twice"))
                    }
                    codes.append(asset)
                } else {
                    problems.append(.init(field: "allowed_assets[\(index)]", detail: "must match [A-Z0-9_]{2,16}"))
                }
            }
            allowed = codes.sorted()
        }
        var constraint: BalanceConstraint?
        if let text = self.constraint {
            constraint = BalanceConstraint(rawValue: text)
            if constraint == nil {
                problems.append(.init(field: "constraint", detail: "must be no_negative or absent"))
            }
        }
        let metadata = self.metadata ?? .object([:])
        problems += MetadataRules.problems(in: metadata, field: "metadata")
        guard problems.isEmpty, let code, let type else { throw .invalidFields(problems) }
        return Account(
            id: id, code: code, type: type, allowedAssets: allowed, constraint: constraint,
            metadata: metadata, createdAt: time, closedAt: nil
        )
    }
}
