import LedgerCore

/// Who publishes the fund's open data, as the operator configures it (`open_data` in the
/// configuration file): the identifiers and names 360Giving and IATI put on every record.
public struct OpenDataPublisher: Hashable, Sendable {
    /// The fund's organisation identifier (org-id.guide form, e.g. `GB-CHC-1234567` or
    /// `XI-IATI-EXAMPLE`): the funding organisation in 360Giving, the reporting
    /// organisation in IATI, and the start of every IATI activity identifier.
    public let organisationID: String
    /// The organisation's name.
    public let organisationName: String
    /// The prefix of 360Giving identifiers (grants, recipients, transactions), the one
    /// 360Giving assigned to the publisher, e.g. `360G-commons`.
    public let grantPrefix: String
    /// IATI OrganisationType code of the reporting organisation (21: international NGO).
    public let organisationType: String
    /// URI of the licence of the published data, if any (360Giving `license`).
    public let license: String?

    /// The IATI organisation type used when none is configured: international NGO.
    public static let defaultOrganisationType = "21"

    /// Longest identifier or prefix accepted: room for an id after it in every standard.
    static let identifierLengthMax = 100
    /// Longest name accepted.
    static let nameLengthMax = 200

    /// Why a publisher's fields cannot be published.
    public struct Invalid: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Validates each field; throws naming the first that is not publishable.
    public init(
        organisationID: String, organisationName: String, grantPrefix: String,
        organisationType: String = Self.defaultOrganisationType, license: String? = nil
    ) throws(Invalid) {
        for (field, value) in [("organisation_id", organisationID), ("grant_prefix", grantPrefix)] {
            // Identifiers go into IATI identifiers and 360Giving ids: printable ASCII, no
            // spaces, and none of the characters IATI forbids in an identifier.
            let isSafe = value.unicodeScalars.allSatisfy {
                $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"/&|?\"'<>".unicodeScalars.contains($0)
            }
            guard !value.isEmpty, value.utf8.count <= Self.identifierLengthMax, isSafe else {
                throw Invalid(description: "open_data.\(field) must be 1 to \(Self.identifierLengthMax) printable "
                    + "ASCII characters without spaces or any of / & | ? \" ' < >")
            }
        }
        // The rules of every name the API accepts: no controls or bidirectional overrides.
        if let problem = TextRules.problem(
            in: organisationName, field: "organisation_name", lengthMax: Self.nameLengthMax)
        {
            throw Invalid(description: "open_data.organisation_name \(problem.detail)")
        }
        guard organisationName.contains(where: { !$0.isWhitespace }) else {
            throw Invalid(description: "open_data.organisation_name must not be blank")
        }
        guard organisationType.count == 2, organisationType.allSatisfy(\.isASCIIDigit) else {
            throw Invalid(description: "open_data.organisation_type must be an IATI OrganisationType code (two digits)")
        }
        if let license {
            guard license.hasPrefix("https://") || license.hasPrefix("http://"),
                license.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
            else {
                throw Invalid(description: "open_data.license must be an http(s) URI")
            }
        }
        self.organisationID = organisationID
        self.organisationName = organisationName
        self.grantPrefix = grantPrefix
        self.organisationType = organisationType
        self.license = license
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
