// Goal: the 360Giving and IATI exports of ReportFixture's fund hold exactly the grants and
// flows computed by hand below (never produced by the code under test), name nobody the
// public log does not name, and cannot be broken by hostile text. Validation against the
// official schemas is scripts/open-data-check (jsonschema, xmlschema), run by scripts/test.
//
// By hand, from ReportFixture: paid grants G1 300.00 USD to B (anonymous: pseudonym),
// G2 100.00 EUR to C (public movement, PE), G4 50.00 USD to the beneficiary (label only),
// all approved and paid on 2026-11-25; G3 5000 XOF to A approved, never paid (not in
// 360Giving; an IATI commitment). IATI, one activity "relief", 13 transactions in date
// order: incoming A 600.00 USD 03-01, B 100.00 USD 04-20, A 400.00 USD 05-15, D 50.00
// USD 07-01, C 10000 XOF 08-01, C 300.00 EUR 09-01; on 11-25 commitment and payment of
// G1, G2, G4 in request order, then G3's commitment.
import FundCore
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
@testable import Reports
import Testing

@Suite struct OpenDataExportTests {
    static let publisher = try! OpenDataPublisher(
        organisationID: "XI-IATI-EXAMPLE", organisationName: "Commons Solidarity Fund", grantPrefix: "360G-commons")

    func export(_ fixture: ReportFixture, _ format: OpenDataFormat) async throws -> OpenDataOutput {
        try await Self.export(fixture.ledger.store, format)
    }

    static func export<Store: LedgerStore>(_ store: Store, _ format: OpenDataFormat) async throws -> OpenDataOutput {
        try await OpenDataExporter(store: store, publisher: publisher).run(format)
    }

    @Test func the360GivingPackageHoldsThePaidGrantsComputedByHand() async throws {
        let fixture = try await ReportFixture.build()
        let output = try await export(fixture, .threeSixtyGiving)
        #expect(output.records == 3)
        #expect(output.leftOut.isEmpty)
        let package = try #require(try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as? [String: Any])
        #expect(package["version"] as? String == "1.4")
        #expect((package["publisher"] as? [String: String])?["identifier"] == "XI-IATI-EXAMPLE")
        #expect((package["description"] as? String)?.contains("tree size \(output.entries)") == true)
        let grants = try #require(package["grants"] as? [[String: Any]])
        #expect(grants.map { $0["currency"] as? String } == ["USD", "EUR", "USD"])
        #expect(grants.map { $0["awardDate"] as? String } == ["2026-11-25", "2026-11-25", "2026-11-25"])
        #expect(grants.allSatisfy { ($0["id"] as? String)?.hasPrefix("360G-commons-dsb_") == true })
        #expect(grants.allSatisfy { ($0["grantProgramme"] as? [[String: String]])?.first?["code"] == "relief" })
        // Exact decimal text, never a binary floating-point rendering.
        for amount in ["300.00", "100.00", "50.00"] {
            #expect(output.text.contains("\"amountAwarded\": \(amount),"))
            #expect(output.text.contains("\"amountDisbursed\": \(amount),"))
            #expect(output.text.contains("\"value\": \(amount)\n"))
        }
        let b = fixture.members["B"]!, c = fixture.members["C"]!
        #expect((grants[0]["recipientIndividual"] as? [String: String]) == [
            "id": "360G-commons-\(b.rawValue)", "name": b.pseudonym,
        ])
        #expect((grants[1]["recipientOrganization"] as? [[String: String]]) == [[
            "id": "360G-commons-\(c.rawValue)", "name": "Andes Water Movement", "addressCountry": "PE",
        ]])
        let beneficiary = try #require(grants[2]["recipientIndividual"] as? [String: String])
        #expect(beneficiary["name"]?.hasPrefix("Beneficiary ") == true)
        for hidden in ["Secret Sisters", "Quiet Donor", "Clinic", "SN", "DE"] {
            #expect(!output.text.contains("\"\(hidden)\""), "\(hidden) must not be published")
        }
    }

    @Test func theIATIActivityHoldsEveryFlowComputedByHandInDateOrder() async throws {
        let fixture = try await ReportFixture.build()
        let output = try await export(fixture, .iati)
        #expect(output.records == 13)
        #expect(output.text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\""))
        #expect(output.text.components(separatedBy: "<iati-activity ").count == 2)
        #expect(output.text.contains("<iati-identifier>XI-IATI-EXAMPLE-relief</iati-identifier>"))
        let flows = Self.transactions(output.text)
        #expect(flows.map(\.type) == ["1", "1", "1", "1", "1", "1", "2", "3", "2", "3", "2", "3", "2"])
        #expect(flows.map(\.date) == [
            "2026-03-01", "2026-04-20", "2026-05-15", "2026-07-01", "2026-08-01", "2026-09-01",
        ] + Array(repeating: "2026-11-25", count: 7))
        #expect(flows.map(\.value) == [
            "USD 600.00", "USD 100.00", "USD 400.00", "USD 50.00", "XOF 10000", "EUR 300.00",
            "USD 300.00", "USD 300.00", "EUR 100.00", "EUR 100.00", "USD 50.00", "USD 50.00", "XOF 5000",
        ])
        let b = fixture.members["B"]!, d = fixture.members["D"]!
        #expect(flows.map(\.counterpart) == [
            "Dockworkers Union", b.pseudonym, "Dockworkers Union", d.pseudonym, "Andes Water Movement",
            "Andes Water Movement", b.pseudonym, b.pseudonym, "Andes Water Movement", "Andes Water Movement",
            flows[10].counterpart, flows[10].counterpart, "Dockworkers Union",
        ])
        #expect(flows[10].counterpart.hasPrefix("Beneficiary "))
        for hidden in ["Secret Sisters", "Quiet Donor", "Clinic"] { #expect(!output.text.contains(hidden)) }
    }

    @Test func aCancelledApprovedGrantIsACommitmentWithdrawnAndAnErasedMemberIsAPseudonym() async throws {
        let fixture = try await ReportFixture.build()
        let store = fixture.ledger.store
        let draft = DisbursementDraft(
            fundID: fixture.fundID.rawValue, memberID: fixture.members["C"]!.rawValue, beneficiary: nil,
            asset: "USD", amount: 1_234, purpose: "Water pumps <for> \"Andes\" & co -- phase 2")
        let grant = try applied(await store.requestDisbursement(draft, by: ReportFixture.treasurer, idempotency: nil))
        _ = try applied(await store.takeDisbursementStep(
            grant.disbursement.id, .approve, reason: nil, by: ReportFixture.approver, idempotency: nil))
        _ = try applied(await store.takeDisbursementStep(
            grant.disbursement.id, .cancel, reason: "Duplicate", by: ReportFixture.treasurer, idempotency: nil))
        _ = try await store.erasePrivateData(of: fixture.members["C"]!, by: ReportFixture.treasurer)
        let iati = try await export(fixture, .iati)
        let flows = Self.transactions(iati.text)
        #expect(flows.suffix(2).map(\.value) == ["USD 12.34", "USD -12.34"])
        #expect(flows.suffix(2).map(\.type) == ["2", "2"])
        // Erased from then on: C appears by pseudonym only, in every record.
        #expect(!iati.text.contains("Andes Water Movement"))
        #expect(flows.filter { $0.counterpart == fixture.members["C"]!.pseudonym }.count == 6)
        let package = try await export(fixture, .threeSixtyGiving)
        #expect(!package.text.contains("Andes Water Movement"))
        #expect(package.records == 3)
    }

    @Test func textFromTheLogCannotBreakTheXMLOrItsComment() {
        #expect(XMLText.element("a<b>&\"c'") == "a&lt;b&gt;&amp;\"c'")
        #expect(XMLText.attribute("a\"b'<") == "a&quot;b&apos;&lt;")
        #expect(XMLText.element("bell\u{07}nul\u{00}tab\t") == "bell\u{FFFD}nul\u{FFFD}tab\t")
        #expect(XMLText.comment("a -- b -") == "a - - b - ")
    }

    @Test func aPublisherMustBePublishable() {
        for (id, prefix) in [("", "360G-x"), ("GB CHC 1", "360G-x"), ("GB-CHC-1", "360G/x"), ("GB-<1>", "360G-x")] {
            #expect(throws: OpenDataPublisher.Invalid.self) {
                try OpenDataPublisher(organisationID: id, organisationName: "Fund", grantPrefix: prefix)
            }
        }
        #expect(throws: OpenDataPublisher.Invalid.self) {
            try OpenDataPublisher(organisationID: "GB-CHC-1", organisationName: "  ", grantPrefix: "360G-x")
        }
        #expect(throws: OpenDataPublisher.Invalid.self) {
            try OpenDataPublisher(
                organisationID: "GB-CHC-1", organisationName: "Fund", grantPrefix: "360G-x", organisationType: "X1")
        }
        #expect(throws: OpenDataPublisher.Invalid.self) {
            try OpenDataPublisher(
                organisationID: "GB-CHC-1", organisationName: "Fund", grantPrefix: "360G-x", license: "ftp://x")
        }
    }

    /// Each `<transaction>`'s type, date, "CURRENCY value" and counterpart (the receiver
    /// of incoming funds is the fund, so its provider; otherwise its receiver).
    static func transactions(_ xml: String) -> [(type: String, date: String, value: String, counterpart: String)] {
        xml.components(separatedBy: "<transaction ref=").dropFirst().map { block in
            func between(_ start: String, _ end: String, in text: Substring) -> String {
                guard let from = text.range(of: start), let to = text[from.upperBound...].range(of: end) else { return "" }
                return String(text[from.upperBound..<to.lowerBound])
            }
            let text = Substring(block)
            let type = between("<transaction-type code=\"", "\"", in: text)
            let currency = between("<value currency=\"", "\"", in: text)
            let value = between("\">", "</value>", in: Substring(between("<value ", "/value>", in: text) + "/value>"))
            let party = type == "1" ? "<provider-org" : "<receiver-org"
            let counterpart = between("<narrative>", "</narrative>", in: Substring(between(party, "-org>", in: text)))
            return (type, between("<transaction-date iso-date=\"", "\"", in: text), "\(currency) \(value)", counterpart)
        }
    }
}
