public import LedgerCore

/// A participant in the fund — a union, community, movement, organisation, state or
/// person — who may both give and receive.
public struct Member: Hashable, Sendable {
    public let id: MemberID
    public let kind: Kind
    public let country: CountryCode
    /// A region of the fund's own choosing, e.g. "East Africa"; reports group by it.
    public let region: String
    public let visibility: Visibility
    /// The display name, when it may be shown: always for public members; for anonymous
    /// members only to those who may read private data, and never after erasure.
    public let name: String?
    public let registeredAt: Timestamp

    public init(id: MemberID, kind: Kind, country: CountryCode, region: String, visibility: Visibility, name: String?, registeredAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.country = country
        self.region = region
        self.visibility = visibility
        self.name = name
        self.registeredAt = registeredAt
    }

    /// What kind of participant a member is.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case union, community, movement, organisation, state, individual
    }

    /// Whether public reports may name the member.
    public enum Visibility: String, CaseIterable, Hashable, Sendable {
        /// Named in public reports and public log entries.
        case `public`
        /// Counted in every figure, never named outside private views.
        case anonymous
    }

    /// The stable pseudonym public views show for an anonymous member.
    public var pseudonym: String { id.pseudonym }

    /// The name the public sees: the name of a public member, the pseudonym otherwise.
    /// Without bidirectional controls, which a name registered before they were refused may
    /// hold: this name goes into descriptions the ledger writes and checks.
    public var publicName: String {
        visibility == .public ? TextRules.removingBidiControls(name ?? pseudonym) : pseudonym
    }
}

/// Identifies a member, `mem_` + 32 hex digits.
public struct MemberID: PrefixedIdentifier {
    public static let prefix = "mem_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }

    /// `Member 1a2b3c4d`: derived from the id alone, so it is stable and reveals nothing.
    public var pseudonym: String { "Member " + rawValue.dropFirst(4).prefix(8) }
}

/// A request to register a member, as received at the edge.
public struct MemberDraft: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var country: String
    public var region: String
    public var visibility: String
    /// Private contact data (address, phone, e-mail …), a JSON object.
    public var contact: JSONValue?

    public init(name: String, kind: String, country: String, region: String, visibility: String, contact: JSONValue? = nil) {
        self.name = name
        self.kind = kind
        self.country = country
        self.region = region
        self.visibility = visibility
        self.contact = contact
    }

    /// Longest member name and region, in characters.
    public static let nameLengthMax = 200
    public static let regionLengthMax = 100

    /// Checks every field; returns the member and its private data, or every problem at once.
    public func validated(id: MemberID, at time: Timestamp) throws(Rejection) -> (member: Member, privateData: MemberPrivateData) {
        var problems: [FieldProblem] = []
        if let problem = TextRules.problem(in: name, field: "name", lengthMax: Self.nameLengthMax) { problems.append(problem) }
        if let problem = TextRules.problem(in: region, field: "region", lengthMax: Self.regionLengthMax) { problems.append(problem) }
        let kind = Member.Kind(rawValue: self.kind)
        if kind == nil {
            problems.append(.init(field: "kind", detail: "must be one of \(Member.Kind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let country = CountryCode(self.country)
        if country == nil { problems.append(.init(field: "country", detail: "must be an ISO 3166-1 alpha-2 code such as KE")) }
        let visibility = Member.Visibility(rawValue: self.visibility)
        if visibility == nil { problems.append(.init(field: "visibility", detail: "must be public or anonymous")) }
        let contact = self.contact ?? .object([:])
        problems += MetadataRules.problems(in: contact, field: "contact")
        guard problems.isEmpty, let kind, let country, let visibility else { throw .invalidFields(problems) }
        let member = Member(id: id, kind: kind, country: country, region: region, visibility: visibility, name: name, registeredAt: time)
        return (member, MemberPrivateData(name: visibility == .anonymous ? name : nil, contact: contact))
    }
}

/// What never enters the audit log in clear: contact data, and an anonymous member's name.
///
/// The log holds only a salted SHA-256 commitment to `canonicalBytes`, so erasing this
/// data leaves every entry and proof verifiable, while whoever holds the data and its
/// salt can still prove it is what was registered.
public struct MemberPrivateData: Hashable, Sendable {
    public let name: String?
    public let contact: JSONValue

    public init(name: String?, contact: JSONValue) {
        self.name = name
        self.contact = contact
    }

    /// The bytes the commitment covers (canonical JSON).
    public var canonicalBytes: [UInt8] {
        JSONValue.object(["name": name.map(JSONValue.string) ?? .null, "contact": contact]).canonicalBytes
    }
}
