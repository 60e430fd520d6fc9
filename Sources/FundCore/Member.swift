public import LedgerCore

/// A participant in the fund — a union, community, movement, organisation, state or
/// person — who may both give and receive.
///
/// What anonymity promises: an anonymous member appears in public outputs (the log,
/// public reports, non-private API views) only by its pseudonym. Its kind, country and
/// region identify as surely as a name once a group is small, so they are private data
/// like the name (`MemberPrivateData`), covered by the log's salted commitment and erased
/// with it. The one quasi-identifier that stays public is the registration time (the log
/// entry's time). A state is a public body and its country names it, so it is never
/// anonymous.
public struct Member: Hashable, Sendable {
    public let id: MemberID
    public let visibility: Visibility
    /// Kind, country and region, when the record at hand holds them: always for public
    /// members; for anonymous ones only in private data (or in entries written before
    /// they became private), and never after erasure.
    public let profile: Profile?
    /// The display name, when it may be shown: always for public members; for anonymous
    /// members only to those who may read private data, and never after erasure.
    public let name: String?
    public let registeredAt: Timestamp

    public init(id: MemberID, visibility: Visibility, profile: Profile?, name: String?, registeredAt: Timestamp) {
        self.id = id
        self.visibility = visibility
        self.profile = profile
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
        /// Counted in every figure, never named or profiled outside private views.
        case anonymous
    }

    /// Kind, country and region: what reports group members by, and what, for a lone
    /// member of a group, identifies it.
    public struct Profile: Hashable, Sendable {
        public let kind: Kind
        public let country: CountryCode
        /// A region of the fund's own choosing, e.g. "East Africa"; reports group by it.
        public let region: String

        public init(kind: Kind, country: CountryCode, region: String) {
            self.kind = kind
            self.country = country
            self.region = region
        }

        /// What public outputs show in place of an anonymous member's kind, country and region.
        public static let undisclosed = "(undisclosed)"
    }

    /// The stable pseudonym public views show for an anonymous member.
    public var pseudonym: String { id.pseudonym }

    /// The name the public sees: the name of a public member, the pseudonym otherwise.
    /// Without bidirectional controls, which a name registered before they were refused may
    /// hold: this name goes into descriptions the ledger writes and checks.
    public var publicName: String {
        visibility == .public ? TextRules.removingBidiControls(name ?? pseudonym) : pseudonym
    }

    /// The profile the public sees: a public member's; never an anonymous member's.
    public var publicProfile: Profile? { visibility == .public ? profile : nil }
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

    public init(
        name: String, kind: String, country: String, region: String, visibility: String, contact: JSONValue? = nil
    ) {
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
    public func validated(
        id: MemberID, at time: Timestamp
    ) throws(Rejection) -> (member: Member, privateData: MemberPrivateData) {
        var problems: [FieldProblem] = []
        if let problem = TextRules.problem(in: name, field: "name", lengthMax: Self.nameLengthMax) {
            problems.append(problem)
        }
        if let problem = TextRules.problem(in: region, field: "region", lengthMax: Self.regionLengthMax) {
            problems.append(problem)
        }
        let kind = Member.Kind(rawValue: self.kind)
        if kind == nil {
            problems.append(
                .init(
                    field: "kind",
                    detail: "must be one of \(Member.Kind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let country = CountryCode(self.country)
        if country == nil {
            problems.append(.init(field: "country", detail: "must be an ISO 3166-1 alpha-2 code such as KE"))
        }
        let visibility = Member.Visibility(rawValue: self.visibility)
        if visibility == nil { problems.append(.init(field: "visibility", detail: "must be public or anonymous")) }
        let contact = self.contact ?? .object([:])
        problems += MetadataRules.problems(in: contact, field: "contact")
        guard problems.isEmpty, let kind, let country, let visibility else { throw .invalidFields(problems) }
        // A state's country names it: it cannot be anonymous.
        if kind == .state && visibility == .anonymous { throw .anonymousState }
        let profile = Member.Profile(kind: kind, country: country, region: region)
        let member = Member(id: id, visibility: visibility, profile: profile, name: name, registeredAt: time)
        let isAnonymous = visibility == .anonymous
        let privateData = MemberPrivateData(
            name: isAnonymous ? name : nil, contact: contact, profile: isAnonymous ? profile : nil
        )
        return (member, privateData)
    }
}

/// What never enters the audit log in clear: contact data, and an anonymous member's
/// name, kind, country and region.
///
/// The log holds only a salted SHA-256 commitment to `canonicalBytes`, so erasing this
/// data leaves every entry and proof verifiable, while whoever holds the data and its
/// salt can still prove it is what was registered.
public struct MemberPrivateData: Hashable, Sendable {
    public let name: String?
    public let contact: JSONValue
    /// An anonymous member's kind, country and region; `nil` for public members (theirs
    /// are public) and for anonymous members registered before these became private.
    public let profile: Member.Profile?

    public init(name: String?, contact: JSONValue, profile: Member.Profile? = nil) {
        self.name = name
        self.contact = contact
        self.profile = profile
    }

    /// The bytes the commitment covers (canonical JSON). Without a profile the bytes are
    /// exactly those of records made before profiles were private, so old commitments hold.
    public var canonicalBytes: [UInt8] {
        var members: [String: JSONValue] = ["name": name.map(JSONValue.string) ?? .null, "contact": contact]
        if let profile {
            members["kind"] = .string(profile.kind.rawValue)
            members["country"] = .string(profile.country.rawValue)
            members["region"] = .string(profile.region)
        }
        return JSONValue.object(members).canonicalBytes
    }

    /// Reads `canonicalBytes` back; `nil` when they do not parse.
    public init?(canonicalBytes bytes: [UInt8]) {
        guard case .object(let members)? = try? JSONParser.parse(bytes), let contact = members["contact"] else {
            return nil
        }
        var name: String?
        if case .string(let text)? = members["name"] { name = text }
        var profile: Member.Profile?
        if case .string(let kindText)? = members["kind"], case .string(let countryText)? = members["country"],
            case .string(let region)? = members["region"]
        {
            guard let kind = Member.Kind(rawValue: kindText), let country = CountryCode(countryText) else { return nil }
            profile = Member.Profile(kind: kind, country: country, region: region)
        }
        self.init(name: name, contact: contact, profile: profile)
    }
}
