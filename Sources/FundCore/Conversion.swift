public import LedgerCore

/// A fund converting cash from one asset to another: one transaction whose two legs both
/// pass through the fund's conversion equity account, so each asset balances on its own.
public struct Conversion: Hashable, Sendable {
    public let id: String
    public let fundID: FundID
    public let fromAsset: AssetCode
    public let fromAmount: Amount
    public let toAsset: AssetCode
    public let toAmount: Amount
    public let date: LocalDate
    public let createdAt: Timestamp

    public init(
        id: String, fundID: FundID, fromAsset: AssetCode, fromAmount: Amount, toAsset: AssetCode, toAmount: Amount,
        date: LocalDate, createdAt: Timestamp
    ) {
        self.id = id
        self.fundID = fundID
        self.fromAsset = fromAsset
        self.fromAmount = fromAmount
        self.toAsset = toAsset
        self.toAmount = toAmount
        self.date = date
        self.createdAt = createdAt
    }

    /// Checks a conversion request's fields.
    public static func check(
        fromAsset: String, fromAmount: Int64, toAsset: String, toAmount: Int64, date: String
    ) throws(Rejection) -> (AssetCode, Amount, AssetCode, Amount, LocalDate) {
        var problems: [FieldProblem] = []
        let from = AssetCode(fromAsset)
        let to = AssetCode(toAsset)
        if from == nil { problems.append(.init(field: "from_asset", detail: "must match [A-Z0-9_]{2,16}")) }
        if to == nil { problems.append(.init(field: "to_asset", detail: "must match [A-Z0-9_]{2,16}")) }
        if let from, let to, from == to {
            problems.append(.init(field: "to_asset", detail: "must differ from from_asset"))
        }
        let fromValue = Amount(minorUnits: fromAmount)
        let toValue = Amount(minorUnits: toAmount)
        if fromValue == nil || fromAmount <= 0 {
            problems.append(.init(field: "from_amount", detail: "must be a positive number of minor units"))
        }
        if toValue == nil || toAmount <= 0 {
            problems.append(.init(field: "to_amount", detail: "must be a positive number of minor units"))
        }
        let day = LocalDate(date)
        if day == nil { problems.append(.init(field: "date", detail: "must be a calendar date YYYY-MM-DD")) }
        guard problems.isEmpty, let from, let to, let fromValue, let toValue, let day else {
            throw .invalidFields(problems)
        }
        return (from, fromValue, to, toValue, day)
    }
}

/// An exchange rate recorded for reporting: how many `quote` units one `base` unit was
/// worth on a date. Rates never change ledger amounts.
public struct ExchangeRate: Hashable, Sendable {
    public let base: AssetCode
    public let quote: AssetCode
    public let date: LocalDate
    /// The rate as exact decimal text, e.g. "129.35"; never a binary fraction. The same
    /// type reads it back in reports.
    public let rate: DecimalRate
    public let recordedAt: Timestamp

    /// The rate's key, `BASE/QUOTE@date`: one rate per pair and day (a later one replaces it).
    public var key: String { "\(base)/\(quote)@\(date)" }

    public init(base: AssetCode, quote: AssetCode, date: LocalDate, rate: DecimalRate, recordedAt: Timestamp) {
        self.base = base
        self.quote = quote
        self.date = date
        self.rate = rate
        self.recordedAt = recordedAt
    }

    /// Checks a rate request: distinct codes, a date, and a positive plain decimal of at
    /// most 18 integer and 18 fractional digits.
    public static func check(
        base: String, quote: String, date: String, rate: String, at time: Timestamp
    ) throws(Rejection) -> ExchangeRate {
        var problems: [FieldProblem] = []
        let baseCode = AssetCode(base)
        let quoteCode = AssetCode(quote)
        if baseCode == nil { problems.append(.init(field: "base", detail: "must match [A-Z0-9_]{2,16}")) }
        if quoteCode == nil { problems.append(.init(field: "quote", detail: "must match [A-Z0-9_]{2,16}")) }
        if let baseCode, let quoteCode, baseCode == quoteCode {
            problems.append(.init(field: "quote", detail: "must differ from base"))
        }
        let day = LocalDate(date)
        if day == nil { problems.append(.init(field: "date", detail: "must be a calendar date YYYY-MM-DD")) }
        let decimal = DecimalRate(rate)
        if decimal == nil {
            problems.append(.init(field: "rate", detail: "must be a positive decimal such as \"129.35\""))
        }
        guard problems.isEmpty, let baseCode, let quoteCode, let day, let decimal else {
            throw .invalidFields(problems)
        }
        return ExchangeRate(base: baseCode, quote: quoteCode, date: day, rate: decimal, recordedAt: time)
    }
}
