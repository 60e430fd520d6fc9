import FundCore
public import LedgerCore

/// The fund's paid grants as a 360Giving Data Standard 1.4 JSON package
/// (`commons-ledger export --format 360giving`).
///
/// One grant per paid disbursement, as the log states it up to the exported tree size:
/// - `id` `{grantPrefix}-{dsb_…}`; `title` and `description` from the grant's purpose
///   (the title cut to the standard's 140 characters); `currency`, `amountAwarded` and
///   `amountDisbursed` exact from integer minor units; `awardDate` the day of the final
///   approval; `dateModified` the payment's time.
/// - `fundingOrganization` the configured publisher; `grantProgramme` the fund (code, name).
/// - The recipient: a public member that is an organisation by name, id
///   `{grantPrefix}-{mem_…}` and country; an anonymous or erased member, or one of kind
///   `individual`, as `recipientIndividual` named by pseudonym; a beneficiary outside the
///   membership as `recipientIndividual` named by its label (`Beneficiary 1a2b3c4d`), never
///   by a name — 360Giving's guidance for grants to individuals.
/// - `disbursementTransaction`: the payment, with the ledger transaction's id.
///
/// Grants in an asset that is not an ISO 4217 currency are left out and counted.
public struct GrantsPackage: Sendable {
    /// The package's `version`: the 360Giving minor version the grants follow.
    public static let standardVersion = "1.4"
    /// The standard's advice for a grant title's length.
    static let titleLengthMax = 140

    /// The package, ready to write.
    public let json: OrderedJSON
    /// Grants published.
    public let grantCount: Int
    /// Paid grants left out, by asset, because the asset is not an ISO 4217 currency.
    public let leftOut: [AssetCode: Int]

    /// Builds the package of `book`'s paid grants. `source` says which log and size the
    /// package was computed from (the package description carries it).
    public init(book: OpenDataBook, publisher: OpenDataPublisher, source: String) {
        var grants: [OrderedJSON] = []
        var leftOut: [AssetCode: Int] = [:]
        for id in book.grantOrder {
            guard let grant = book.grants[id], let paidAt = grant.paidAt else { continue }
            guard CurrencyCodes.iso4217.contains(grant.asset.rawValue), let scale = book.assetScales[grant.asset]
            else {
                leftOut[grant.asset, default: 0] += 1
                continue
            }
            grants.append(Self.grant(grant, paidAt: paidAt, scale: scale, book: book, publisher: publisher))
        }
        let modified = book.lastRecordedAt.map { OrderedJSON.string($0.description) }
        var package: [(String, OrderedJSON)] = [
            ("version", .string(Self.standardVersion)),
            ("title", .string("Grants paid by \(publisher.organisationName)")),
            ("description", .string("Every grant paid from the funds of \(publisher.organisationName). \(source)")),
            ("identifier", .string("\(publisher.grantPrefix)-log-\(book.entryCount)")),
        ]
        if let day = book.lastRecordedAt?.date { package.append(("issued", .string(day.description))) }
        if let modified { package.append(("modified", modified)) }
        package.append(
            ("publisher", .object([("identifier", .string(publisher.organisationID)),
                ("name", .string(publisher.organisationName))])))
        if let license = publisher.license { package.append(("license", .string(license))) }
        package.append(("grants", .array(grants)))
        json = .object(package)
        grantCount = grants.count
        self.leftOut = leftOut
    }

    static func grant(
        _ grant: OpenGrant, paidAt: Timestamp, scale: Int, book: OpenDataBook, publisher: OpenDataPublisher
    ) -> OrderedJSON {
        let prefix = publisher.grantPrefix
        let amount = OrderedJSON.decimal(Amount.decimalText(minorUnits: grant.amount, scale: scale))
        var members: [(String, OrderedJSON)] = [
            ("id", .string("\(prefix)-\(grant.id.rawValue)")),
            ("title", .string(title(grant.purpose))),
            ("description", .string(grant.purpose)),
            ("currency", .string(grant.asset.rawValue)),
            ("amountAwarded", amount),
            ("amountDisbursed", amount),
            ("awardDate", .string((grant.approvedAt ?? paidAt).date.description)),
        ]
        members.append(recipient(of: grant, book: book, prefix: prefix))
        members.append(
            ("fundingOrganization", .array([.object([("id", .string(publisher.organisationID)),
                ("name", .string(publisher.organisationName))])])))
        if let fund = book.funds[grant.fundID] {
            members.append(
                ("grantProgramme", .array([.object([("code", .string(fund.code)), ("title", .string(fund.name))])])))
        }
        var payment: [(String, OrderedJSON)] = []
        if let transaction = grant.paymentTransactionID {
            payment.append(("id", .string("\(prefix)-\(transaction.rawValue)")))
        }
        payment += [
            ("transactionDate", .string(paidAt.date.description)), ("currency", .string(grant.asset.rawValue)),
            ("value", amount),
        ]
        members.append(("disbursementTransaction", .array([.object(payment)])))
        members.append(("dateModified", .string(paidAt.description)))
        return .object(members)
    }

    /// `recipientOrganization` for a named organisation, `recipientIndividual` otherwise.
    static func recipient(of grant: OpenGrant, book: OpenDataBook, prefix: String) -> (String, OrderedJSON) {
        guard let memberID = grant.memberID else {
            return ("recipientIndividual", .object([("id", .string("\(prefix)-\(grant.id.rawValue)-beneficiary")),
                ("name", .string(grant.id.beneficiaryLabel))]))
        }
        let member = book.members[memberID]
        let id = OrderedJSON.string("\(prefix)-\(memberID.rawValue)")
        guard let member, member.isOrganisation else {
            return ("recipientIndividual", .object([("id", id), ("name", .string(member?.name ?? memberID.pseudonym))]))
        }
        var organisation: [(String, OrderedJSON)] = [("id", id), ("name", .string(member.name))]
        if let country = member.country { organisation.append(("addressCountry", .string(country))) }
        return ("recipientOrganization", .array([.object(organisation)]))
    }

    /// The purpose as a title: whole when short enough, else cut at a character with `…`.
    static func title(_ purpose: String) -> String {
        guard purpose.count > titleLengthMax else { return purpose }
        return String(purpose.prefix(titleLengthMax - 1)) + "…"
    }
}
