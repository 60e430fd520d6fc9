import FundCore
public import LedgerCore

/// The fund's money as IATI Activity Standard 2.03 XML (`commons-ledger export --format iati`):
/// one `iati-activity` per fund, reported by the configured publisher.
///
/// Each activity's transactions, in date order (log order within a day):
/// - type 1, incoming funds: every contribution, provided by the member (its public name,
///   or its pseudonym);
/// - type 2, outgoing commitment: every grant at its final approval, and the same amount
///   negated on the day an approved grant is cancelled or rejected (IATI's way to reduce
///   a commitment);
/// - type 3, disbursement: every payment of a grant.
///
/// Recipients are named as in the 360Giving export (pseudonyms for anonymous members and
/// individuals, labels for beneficiaries). Values are exact decimal text from integer
/// minor units. Amounts in an asset that is not an ISO 4217 currency are left out and
/// counted. The file is a function of the log alone: `generated-datetime` is the time of
/// the last exported entry, so anyone with the log can rebuild it byte for byte.
public struct IATIActivities: Sendable {
    /// The IATI version written.
    public static let standardVersion = "2.03"
    /// IATI ActivityStatus: implementation (a fund that takes and gives money).
    static let activityStatus = "2"
    /// IATI OrganisationRole: extending (manages the budget on behalf of the funders).
    static let publisherRole = "3"

    /// The XML document.
    public let xml: String
    /// Activities written (one per fund).
    public let activityCount: Int
    /// Transactions written.
    public let transactionCount: Int
    /// Contributions and grants left out, by asset, because it is not an ISO 4217 currency.
    public let leftOut: [AssetCode: Int]

    /// An IATI transaction before it is placed in date order.
    struct Entry {
        let date: LocalDate
        let sequence: Int
        let xml: String
    }

    /// Builds the activities of `book`. `source` says which log and size the file was
    /// computed from (each activity's description carries it).
    public init(book: OpenDataBook, publisher: OpenDataPublisher, source: String) {
        var entries: [FundID: [Entry]] = [:]
        var leftOut: [AssetCode: Int] = [:]
        var sequence = 0
        func add(_ fund: FundID, _ asset: AssetCode, _ date: LocalDate, _ make: (Int) -> String) {
            guard CurrencyCodes.iso4217.contains(asset.rawValue), let scale = book.assetScales[asset] else {
                leftOut[asset, default: 0] += 1
                return
            }
            sequence += 1
            entries[fund, default: []].append(Entry(date: date, sequence: sequence, xml: make(scale)))
        }
        let publisherOrg = Party(ref: publisher.organisationID, name: publisher.organisationName)
        for contribution in book.contributions {
            let giverName = book.members[contribution.memberID]?.name ?? contribution.memberID.pseudonym
            let giver = Party(ref: nil, name: giverName)
            add(contribution.fundID, contribution.asset, contribution.date) { scale in
                Self.transaction(
                    ref: contribution.id.rawValue, type: "1", date: contribution.date, asset: contribution.asset,
                    value: Amount.decimalText(minorUnits: contribution.amount.minorUnits, scale: scale),
                    provider: giver, receiver: publisherOrg)
            }
        }
        for id in book.grantOrder {
            guard let grant = book.grants[id], let approvedAt = grant.approvedAt else { continue }
            let receiver = Party(ref: nil, name: Self.recipientName(of: grant, book: book))
            func value(_ scale: Int, negated: Bool = false) -> String {
                Amount.decimalText(minorUnits: negated ? -grant.amount : grant.amount, scale: scale)
            }
            add(grant.fundID, grant.asset, approvedAt.date) { scale in
                Self.transaction(
                    ref: grant.id.rawValue, type: "2", date: approvedAt.date, asset: grant.asset,
                    value: value(scale), provider: publisherOrg, receiver: receiver)
            }
            if let paidAt = grant.paidAt {
                add(grant.fundID, grant.asset, paidAt.date) { scale in
                    Self.transaction(
                        ref: grant.paymentTransactionID?.rawValue ?? grant.id.rawValue, type: "3", date: paidAt.date,
                        asset: grant.asset, value: value(scale), provider: publisherOrg, receiver: receiver)
                }
            } else if let endedAt = grant.endedAt {
                add(grant.fundID, grant.asset, endedAt.date) { scale in
                    Self.transaction(
                        ref: "\(grant.id.rawValue)-withdrawn", type: "2", date: endedAt.date, asset: grant.asset,
                        value: value(scale, negated: true), provider: publisherOrg, receiver: receiver)
                }
            }
        }
        let generated = book.lastRecordedAt?.description ?? "1970-01-01T00:00:00Z"
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<iati-activities version=\"\(Self.standardVersion)\" generated-datetime=\"\(generated)\">\n"
        xml += "  <!-- \(XMLText.comment(source)) -->\n"
        var transactionCount = 0
        for fundID in book.fundOrder {
            guard let fund = book.funds[fundID] else { continue }
            let ordered = (entries[fundID] ?? []).sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
            transactionCount += ordered.count
            xml += Self.activity(
                fund, publisher: publisher, updated: generated, source: source, transactions: ordered.map(\.xml))
        }
        xml += "</iati-activities>\n"
        self.xml = xml
        activityCount = book.fundOrder.count
        self.transactionCount = transactionCount
        self.leftOut = leftOut
    }

    /// An organisation in a transaction: an identifier when it has one, and a name.
    struct Party {
        let ref: String?
        let name: String
    }

    static func recipientName(of grant: OpenGrant, book: OpenDataBook) -> String {
        guard let memberID = grant.memberID else { return grant.id.beneficiaryLabel }
        return book.members[memberID]?.name ?? memberID.pseudonym
    }

    static func activity(
        _ fund: OpenFund, publisher: OpenDataPublisher, updated: String, source: String, transactions: [String]
    ) -> String {
        let org = XMLText.attribute(publisher.organisationID)
        let name = XMLText.element(publisher.organisationName)
        var xml = "  <iati-activity last-updated-datetime=\"\(updated)\">\n"
        xml += "    <iati-identifier>\(org)-\(XMLText.element(fund.code))</iati-identifier>\n"
        xml += "    <reporting-org ref=\"\(org)\" type=\"\(publisher.organisationType)\">"
            + "<narrative>\(name)</narrative></reporting-org>\n"
        xml += "    <title><narrative>\(XMLText.element(fund.name))</narrative></title>\n"
        let description = XMLText.element("Fund \(fund.code) of \(publisher.organisationName). \(source)")
        xml += "    <description type=\"1\"><narrative>\(description)</narrative></description>\n"
        xml += "    <participating-org ref=\"\(org)\" role=\"\(publisherRole)\" type=\"\(publisher.organisationType)\">"
            + "<narrative>\(name)</narrative></participating-org>\n"
        xml += "    <activity-status code=\"\(activityStatus)\"/>\n"
        xml += "    <activity-date type=\"2\" iso-date=\"\(fund.createdAt.date)\"/>\n"
        for transaction in transactions { xml += transaction }
        xml += "  </iati-activity>\n"
        return xml
    }

    static func transaction(
        ref: String, type: String, date: LocalDate, asset: AssetCode, value: String, provider: Party, receiver: Party
    ) -> String {
        func organisation(_ element: String, _ party: Party) -> String {
            let ref = party.ref.map { " ref=\"\(XMLText.attribute($0))\"" } ?? ""
            return "      <\(element)\(ref)><narrative>\(XMLText.element(party.name))</narrative></\(element)>\n"
        }
        var xml = "    <transaction ref=\"\(XMLText.attribute(ref))\">\n"
        xml += "      <transaction-type code=\"\(type)\"/>\n"
        xml += "      <transaction-date iso-date=\"\(date)\"/>\n"
        xml += "      <value currency=\"\(asset.rawValue)\" value-date=\"\(date)\">\(value)</value>\n"
        xml += organisation("provider-org", provider)
        xml += organisation("receiver-org", receiver)
        xml += "    </transaction>\n"
        return xml
    }
}

/// Text made safe for XML 1.0: markup characters escaped, and characters XML cannot hold
/// (controls other than tab, line feed and carriage return; U+FFFE, U+FFFF) replaced by
/// U+FFFD, so no value from the log can break the document or inject markup.
enum XMLText {
    static func element(_ text: String) -> String { escaped(text, quotes: false) }
    static func attribute(_ text: String) -> String { escaped(text, quotes: true) }

    /// A comment's text: `--` may not appear in one.
    static func comment(_ text: String) -> String {
        escaped(text, quotes: false).replacingDoubleHyphens
    }

    static func escaped(_ text: String, quotes: Bool) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where quotes: output += "&quot;"
            case "'" where quotes: output += "&apos;"
            case "\t", "\n", "\r": output.unicodeScalars.append(scalar)
            default:
                let isAllowed = scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
                output.unicodeScalars.append(isAllowed ? scalar : "\u{FFFD}")
            }
        }
        return output
    }
}

extension String {
    fileprivate var replacingDoubleHyphens: String {
        var text = self
        while text.contains("--") { text = text.replacing("--", with: "- -") }
        return text.hasSuffix("-") ? text + " " : text
    }
}
