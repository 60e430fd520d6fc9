public import LedgerCore

/// What a report is asked for: which report, at which date, for which fund, in which
/// reporting asset, and for whom.
///
/// Part of every report's content, so a verifier recomputes exactly the same thing.
public struct ReportParameters: Hashable, Sendable {
    public let name: ReportName
    /// Only what is dated on or before this day counts; `nil` for everything in the log.
    public let asOf: LocalDate?
    /// The first day of the period of the income and expenditure statement; `nil` for
    /// the beginning of the book. Other reports ignore it.
    public let from: LocalDate?
    /// A fund's code or id; `nil` for every fund.
    public let fund: String?
    /// A member id: the member statements of that member only; other reports ignore it.
    public let member: String?
    /// The reporting asset amounts are converted into with the recorded rates; `nil` to
    /// report every asset on its own.
    public let currency: AssetCode?
    public let audience: Audience

    public init(
        name: ReportName, asOf: LocalDate? = nil, from: LocalDate? = nil, fund: String? = nil, member: String? = nil,
        currency: AssetCode? = nil, audience: Audience = .public
    ) {
        self.name = name
        self.asOf = asOf
        self.from = from
        self.fund = fund
        self.member = member
        self.currency = currency
        self.audience = audience
    }

    /// Who the report is for.
    public enum Audience: String, CaseIterable, Hashable, Sendable {
        /// Anyone: anonymous members are shown by pseudonym only (and counted everywhere).
        case `public`
        /// Auditors: anonymous members' names are added from the fund's private records.
        case auditor
    }

    /// The parameters as the report states them.
    public var json: JSONValue {
        .object([
            "name": .string(name.rawValue),
            "as_of": asOf.map { .string($0.description) } ?? .null,
            "from": from.map { .string($0.description) } ?? .null,
            "fund": fund.map(JSONValue.string) ?? .null,
            "member": member.map(JSONValue.string) ?? .null,
            "currency": currency.map { .string($0.rawValue) } ?? .null,
            "audience": .string(audience.rawValue),
        ])
    }

    /// Reads the parameters a report states.
    public init(json: JSONValue) throws(ReportError) {
        guard case .object(let members) = json, members.count == 7 else {
            throw .malformed("parameters must be an object of seven fields")
        }
        func text(_ key: String) throws(ReportError) -> String? {
            switch members[key] {
            case .string(let value): return value
            case .null: return nil
            default: throw .malformed("parameters.\(key) must be a string or null")
            }
        }
        guard let nameText = try text("name"), let name = ReportName(rawValue: nameText) else {
            throw .malformed("parameters.name is not a report")
        }
        guard let audienceText = try text("audience"), let audience = Audience(rawValue: audienceText) else {
            throw .malformed("parameters.audience must be public or auditor")
        }
        func date(_ key: String) throws(ReportError) -> LocalDate? {
            guard let value = try text(key) else { return nil }
            guard let date = LocalDate(value) else { throw .malformed("parameters.\(key) is not a date") }
            return date
        }
        var currency: AssetCode?
        if let value = try text("currency") {
            guard let code = AssetCode(value) else { throw .malformed("parameters.currency is not an asset code") }
            currency = code
        }
        self.init(
            name: name, asOf: try date("as_of"), from: try date("from"), fund: try text("fund"),
            member: try text("member"), currency: currency, audience: audience)
    }
}

/// Why a report could not be computed or read.
public enum ReportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A report document, or the log it is computed from, is not what it should be.
    case malformed(String)
    /// The parameters name something the book does not have (a fund, an asset).
    case unknown(String)
    /// A total does not fit the ledger's integer range; reported, never wrapped.
    case overflow(String)

    public var description: String {
        switch self {
        case .malformed(let detail), .unknown(let detail), .overflow(let detail): detail
        }
    }
}
