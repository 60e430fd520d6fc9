// A small fund whose every report figure is computed by hand in ReportFigureTests.
//
// Fund "relief" holds USD (scale 2), EUR (scale 2) and XOF (scale 0). EUR/USD rates are
// recorded; XOF has none, so converted reports must show it as a gap. Four members in
// four regions, two of them anonymous:
//   A "Dockworkers Union"   union,      KE, East Africa,   public
//   B "Secret Sisters"      community,  SN, West Africa,   anonymous
//   C "Andes Water Movement" movement, PE, South America, public
//   D "Quiet Donor"         individual, DE, Europe,        anonymous
// Pledges: P1 A 1,000.00 USD (2026-01-10, due 06-30), paid 600.00 on 03-01 and 400.00 on
// 05-15; P2 B 500.00 USD (02-01) in two instalments of 250.00 due 04-30 and 10-31, paid
// 100.00 on 04-20; P3 C 300.00 EUR (03-01, due 12-31) paid on 09-01; P4 D 200.00 USD
// (04-01, due 08-31) cancelled. Unpledged: D 50.00 USD on 07-01, C 10000 XOF on 08-01.
// Grants on 2026-11-25 (times UTC): G1 300.00 USD to B requested 12:00, approved 13:00,
// paid 14:00; G2 100.00 EUR to C requested 14:00, approved 16:00, paid 20:00; G4 50.00
// USD to the named beneficiary "Clinic" requested 20:00, approved 21:00, paid 23:00; G3
// 5000 XOF to A requested 23:00, approved 23:30, never paid.
import FundCore
import LedgerApplication
public import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Reports

struct ReportFixture {
    let ledger: TestLedger
    let members: [String: MemberID]
    let fundID: FundID

    static let treasurer = Principal(keyID: nil, name: "treasurer", role: .treasurer)
    static let approver = Principal(keyID: nil, name: "approver", role: .approver)

    static func build() async throws -> ReportFixture {
        let ledger = try await TestLedger()
        let clock = ledger.clock  // 2026-11-25T12:00:00Z
        let store = ledger.store
        try await ledger.seed(assets: [("USD", 2), ("EUR", 2), ("XOF", 0)], accounts: [])
        let fund = try applied(await store.createFund(FundDraft(code: "relief", name: "Relief fund", assets: ["USD", "EUR", "XOF"]), by: .system, idempotency: nil))
        var members: [String: MemberID] = [:]
        for (letter, name, kind, country, region, visibility) in [
            ("A", "Dockworkers Union", "union", "KE", "East Africa", "public"),
            ("B", "Secret Sisters", "community", "SN", "West Africa", "anonymous"),
            ("C", "Andes Water Movement", "movement", "PE", "South America", "public"),
            ("D", "Quiet Donor", "individual", "DE", "Europe", "anonymous"),
        ] {
            let draft = MemberDraft(name: name, kind: kind, country: country, region: region, visibility: visibility)
            members[letter] = try applied(await store.registerMember(draft, by: .system, idempotency: nil)).member.id
        }
        func pledge(_ member: String, _ asset: String, _ amount: Int64, date: String, due: String, instalments: [(dueDate: String, amount: Int64)]? = nil) async throws -> PledgeID {
            let draft = PledgeDraft(memberID: members[member]!.rawValue, fundID: fund.id.rawValue, asset: asset, amount: amount, dueDate: due, date: date, instalments: instalments)
            return try applied(await store.makePledge(draft, by: treasurer, idempotency: nil)).pledge.id
        }
        func give(_ member: String, _ asset: String, _ amount: Int64, date: String, pledge: PledgeID? = nil) async throws {
            let draft = ContributionDraft(memberID: members[member]!.rawValue, fundID: fund.id.rawValue, asset: asset, amount: amount, date: date, pledgeID: pledge?.rawValue)
            _ = try applied(await store.recordContribution(draft, by: treasurer, idempotency: nil))
        }
        let p1 = try await pledge("A", "USD", 100_000, date: "2026-01-10", due: "2026-06-30")
        let p2 = try await pledge("B", "USD", 50_000, date: "2026-02-01", due: "2026-10-31", instalments: [("2026-04-30", 25_000), ("2026-10-31", 25_000)])
        let p3 = try await pledge("C", "EUR", 30_000, date: "2026-03-01", due: "2026-12-31")
        let p4 = try await pledge("D", "USD", 20_000, date: "2026-04-01", due: "2026-08-31")
        try await give("A", "USD", 60_000, date: "2026-03-01", pledge: p1)
        try await give("A", "USD", 40_000, date: "2026-05-15", pledge: p1)
        try await give("B", "USD", 10_000, date: "2026-04-20", pledge: p2)
        try await give("C", "EUR", 30_000, date: "2026-09-01", pledge: p3)
        _ = try applied(await store.cancelPledge(p4, reason: "Member asked to withdraw", by: treasurer, idempotency: nil))
        try await give("D", "USD", 5_000, date: "2026-07-01")
        try await give("C", "XOF", 10_000, date: "2026-08-01")
        _ = try applied(await store.recordExchangeRate(base: "EUR", quote: "USD", date: "2026-06-30", rate: "1.10", by: treasurer, idempotency: nil))
        _ = try applied(await store.recordExchangeRate(base: "EUR", quote: "USD", date: "2026-10-31", rate: "1.08", by: treasurer, idempotency: nil))

        let hour: Int64 = 3_600_000_000
        func grant(member: String?, beneficiary: String? = nil, _ asset: String, _ amount: Int64, approveAfter: Int64, payAfter: Int64?) async throws {
            let draft = DisbursementDraft(fundID: fund.id.rawValue, memberID: member.map { members[$0]!.rawValue }, beneficiary: beneficiary, asset: asset, amount: amount, purpose: "Relief")
            let id = try applied(await store.requestDisbursement(draft, by: treasurer, idempotency: nil)).disbursement.id
            clock.advance(microseconds: approveAfter)
            _ = try applied(await store.takeDisbursementStep(id, .approve, reason: nil, by: approver, idempotency: nil))
            guard let payAfter else { return }
            clock.advance(microseconds: payAfter)
            _ = try applied(await store.takeDisbursementStep(id, .pay, reason: nil, by: treasurer, idempotency: nil))
        }
        try await grant(member: "B", "USD", 30_000, approveAfter: hour, payAfter: hour)             // 12:00 → 13:00 → 14:00
        try await grant(member: "C", "EUR", 10_000, approveAfter: 2 * hour, payAfter: 4 * hour)     // 14:00 → 16:00 → 20:00
        try await grant(member: nil, beneficiary: "Clinic", "USD", 5_000, approveAfter: hour, payAfter: 2 * hour) // 20:00 → 21:00 → 23:00
        try await grant(member: "A", "XOF", 5_000, approveAfter: hour / 2, payAfter: nil)          // 23:00 → 23:30
        return ReportFixture(ledger: ledger, members: members, fundID: fund.id)
    }

    func report(_ name: ReportName, asOf: String? = nil, from: String? = nil, fund: String? = nil, member: String? = nil, currency: String? = nil, audience: ReportParameters.Audience = .public) async throws -> Report {
        let parameters = ReportParameters(
            name: name, asOf: asOf.flatMap(LocalDate.init), from: from.flatMap(LocalDate.init), fund: fund, member: member,
            currency: currency.flatMap(AssetCode.init), audience: audience
        )
        return try await LogReports.compute(parameters, store: ledger.store)
    }
}

func applied<Value>(_ outcome: WriteOutcome<Value>) throws -> Value {
    guard case .applied(let value) = outcome else { throw FixtureError.replayed }
    return value
}

enum FixtureError: Error { case replayed }

extension Report {
    /// The rows of a table as dictionaries, for lookups by column name.
    func rows(_ table: String) -> [[String: JSONValue]] { self.table(table)?.records ?? [] }
}

// Literals for expected cells, so hand-computed tables read as tables.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
