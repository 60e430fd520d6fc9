import FundCore
import Foundation
public import LedgerCore

/// Fills a fresh database with a believable solidarity fund, through the same store
/// methods the API calls: members across regions (some anonymous), several funds and
/// currencies, pledges (some paid, some overdue, some cancelled), contributions,
/// conversions and disbursements with approvals, month by month over several years.
///
/// Deterministic for a seed: the same seed builds the same book (ids aside).
public struct DemoFund {
    /// What the demo wrote.
    public struct Summary: Sendable, CustomStringConvertible {
        public var members = 0
        public var funds = 0
        public var pledges = 0
        public var contributions = 0
        public var cancelledPledges = 0
        public var disbursementsPaid = 0
        public var conversions = 0
        public var rates = 0

        public var description: String {
            "\(members) members, \(funds) funds, \(pledges) pledges (\(cancelledPledges) cancelled), \(contributions) "
                + "contributions, \(disbursementsPaid) grants paid, \(conversions) conversions, \(rates) exchange rates"
        }
    }

    /// A clock the demo moves from one event's date to the next.
    public final class Clock: LedgerClock, @unchecked Sendable {
        private let lock = NSLock()
        private var current = Timestamp(microsecondsSinceEpoch: 0)
        public init() {}
        public func now() -> Timestamp { lock.withLock { current } }
        func set(_ date: LocalDate, minute: Int) {
            lock.withLock {
                current = Timestamp(
                    microsecondsSinceEpoch: date.daysSinceEpoch * 86_400_000_000 + Int64(9 * 60 + minute) * 60_000_000)
            }
        }
    }

    let store: any LedgerStore
    let clock: Clock
    var random: SplitMix
    /// How many times the base activity (36 members; a few pledges, one gift and up to one
    /// grant per fund each month) to generate: 1 for the demo, hundreds for benchmarks.
    /// Members grow with it up to 100 times.
    public var scale = 1

    /// A demo on `store`, whose clock must be `clock`.
    public init(store: any LedgerStore, clock: Clock, seed: UInt64) {
        self.store = store
        self.clock = clock
        random = SplitMix(seed: seed)
    }

    static let regions: [(region: String, countries: [String])] = [
        ("East Africa", ["KE", "UG", "TZ"]), ("West Africa", ["NG", "GH", "SN"]),
        ("South America", ["BR", "AR", "CO"]),
        ("South-East Asia", ["PH", "ID", "VN"]), ("Europe", ["DE", "FR", "ES"]), ("Caribbean", ["HT", "JM"]),
        ("South Asia", ["IN", "BD", "NP"]),
    ]
    static let names = [
        "Dockworkers Union", "Tea Pickers Association", "Fisherfolk Cooperative", "Street Vendors Alliance",
        "Nurses Federation",
        "Miners Solidarity", "Landless Workers Movement", "Teachers Union", "Garment Workers Union",
        "Women's Water Committee",
        "Transport Workers", "Youth Climate Movement", "Seed Savers Network", "Domestic Workers Union",
        "Riverside Community",
        "Health Cooperative", "Rail Workers", "Farmers Federation", "Metalworkers Union", "Neighbourhood Kitchens",
        "Coastal Villages Council", "Indigenous Land Council", "Student Federation", "Care Workers Union",
        "Port Municipality",
    ]
    static let kinds = ["union", "community", "movement", "organisation", "state", "individual"]
    static let funds: [(code: String, name: String, assets: [String], threshold: Int64)] = [
        ("climate", "Climate adaptation fund", ["USD", "EUR", "KES"], 2_000_000),
        ("health", "Emergency health fund", ["USD", "BRL", "PHP"], 1_500_000),
        ("education", "Education solidarity fund", ["EUR", "KES"], 1_000_000),
    ]

    /// Builds the book: `months` months of activity ending on `end`.
    public mutating func run(months: Int, ending end: LocalDate) async throws -> Summary {
        var summary = Summary()
        guard let start = LocalDate(daysSinceEpoch: end.daysSinceEpoch - Int64(months) * 30) else { return summary }
        clock.set(start, minute: 0)
        let cast = try await setUp(&summary)
        var openPledges: [OpenPledge] = []
        for month in 0..<months {
            guard let day = LocalDate(daysSinceEpoch: start.daysSinceEpoch + Int64(month) * 30 + 1) else { continue }
            clock.set(day, minute: month % 50)
            try await recordRates(on: day, cast, &summary)
            openPledges += try await makePledges(on: day, cast, &summary)
            openPledges = try await payOrCancel(openPledges, on: day, cast, &summary)
            try await giveGifts(on: day, cast, &summary)
            // Every third month, a conversion to the local currency, then grants paid from cash.
            if month % 3 == 2 {
                try await convert(on: day, cast, &summary)
            }
            try await payGrants(on: day, cast, &summary)
        }
        return summary
    }

    /// The keys, funds and members every month's activity draws on.
    private struct Cast {
        let treasurer: Principal
        let approvers: [Principal]
        let funds: [Fund]
        let members: [MemberID]
    }

    /// A pledge not yet paid in full, and what is left to pay.
    private typealias OpenPledge = (id: PledgeID, member: MemberID, fund: Fund, asset: AssetCode, left: Int64)

    /// Assets, the treasurer's and approvers' keys, the funds and the members.
    private mutating func setUp(_ summary: inout Summary) async throws -> Cast {
        for (code, scale) in [("USD", 2), ("EUR", 2), ("KES", 2), ("BRL", 2), ("PHP", 2)] {
            _ = try await store.registerAsset(
                AssetDraft(code: code, scale: scale, name: code), by: .system, idempotency: nil)
        }
        let treasurer = try await store.createKey(
            name: "Amina Odhiambo (treasurer)", role: .treasurer, expiresAt: nil, by: .system
        ).key.principal
        let approvers = [
            try await store.createKey(name: "João Silva (approver)", role: .approver, expiresAt: nil, by: .system).key
                .principal,
            try await store.createKey(name: "Priya Raman (approver)", role: .approver, expiresAt: nil, by: .system).key
                .principal,
        ]
        var fundRecords: [Fund] = []
        for fund in Self.funds {
            if case .applied(let created) = try await store.createFund(
                FundDraft(
                    code: fund.code, name: fund.name, assets: fund.assets,
                    twoApprovalsAbove: [fund.assets[0]: fund.threshold]), by: .system, idempotency: nil
            ) {
                fundRecords.append(created)
            }
            summary.funds += 1
        }
        let members = try await registerMembers(by: treasurer, &summary)
        return Cast(treasurer: treasurer, approvers: approvers, funds: fundRecords, members: members)
    }

    /// Members across the regions, some anonymous (never a state).
    private mutating func registerMembers(
        by treasurer: Principal, _ summary: inout Summary
    ) async throws -> [MemberID] {
        var members: [MemberID] = []
        for index in 0..<(36 * min(scale, 100)) {
            let region = Self.regions[index % Self.regions.count]
            let country = region.countries[random.below(region.countries.count)]
            let name =
                "\(Self.names[index % Self.names.count]) of \(country)"
                + (index >= Self.names.count ? " (\(index / Self.names.count + 1))" : "")
            let kind = Self.kinds[random.below(Self.kinds.count)]
            // A state is a public body: never anonymous.
            let isAnonymous = random.below(4) == 0 && kind != "state"
            let draft = MemberDraft(
                name: name, kind: kind, country: country, region: region.region,
                visibility: isAnonymous ? "anonymous" : "public",
                contact: .object(["email": .string("contact\(index)@example.org")])
            )
            if case .applied(let view) = try await store.registerMember(draft, by: treasurer, idempotency: nil) {
                members.append(view.member.id)
            }
            summary.members += 1
        }
        return members
    }

    /// Rates for the month, EUR and local currencies against USD.
    private mutating func recordRates(on day: LocalDate, _ cast: Cast, _ summary: inout Summary) async throws {
        for (quote, rate) in [
            ("EUR", "0.\(88 + random.below(8))"), ("KES", "\(125 + random.below(10)).\(random.below(100))"),
            ("BRL", "\(4 + random.below(2)).\(10 + random.below(89))"),
            ("PHP", "\(54 + random.below(5)).\(10 + random.below(89))"),
        ] {
            _ = try await store.recordExchangeRate(
                base: "USD", quote: quote, date: day.description, rate: rate, by: cast.treasurer, idempotency: nil)
            summary.rates += 1
        }
    }

    /// The month's new pledges.
    private mutating func makePledges(
        on day: LocalDate, _ cast: Cast, _ summary: inout Summary
    ) async throws -> [OpenPledge] {
        var made: [OpenPledge] = []
        for _ in 0..<((2 + random.below(3)) * scale) {
            let member = cast.members[random.below(cast.members.count)]
            let fund = cast.funds[random.below(cast.funds.count)]
            let asset = fund.assets[random.below(fund.assets.count)]
            let amount = Int64(50_000 + random.below(20) * 25_000)
            guard let due = LocalDate(daysSinceEpoch: day.daysSinceEpoch + Int64(60 + random.below(240))) else {
                continue
            }
            if case .applied(let view) = try await store.makePledge(
                PledgeDraft(
                    memberID: member.rawValue, fundID: fund.id.rawValue, asset: asset.rawValue, amount: amount,
                    dueDate: due.description, date: day.description),
                by: cast.treasurer, idempotency: nil
            ) {
                made.append((view.pledge.id, member, fund, asset, amount))
                summary.pledges += 1
            }
        }
        return made
    }

    /// Payments: most pledges are paid over a few months; some never fully, a few are cancelled.
    /// Returns the pledges still open.
    private mutating func payOrCancel(
        _ openPledges: [OpenPledge], on day: LocalDate, _ cast: Cast, _ summary: inout Summary
    ) async throws -> [OpenPledge] {
        var stillOpen: [OpenPledge] = []
        for var pledge in openPledges {
            let roll = random.below(10)
            if roll < 5 {
                let payment = roll < 2 ? pledge.left : min(pledge.left, Int64(25_000 * (1 + random.below(4))))
                _ = try await store.recordContribution(
                    ContributionDraft(
                        memberID: pledge.member.rawValue, fundID: pledge.fund.id.rawValue,
                        asset: pledge.asset.rawValue, amount: payment, date: day.description,
                        pledgeID: pledge.id.rawValue),
                    by: cast.treasurer, idempotency: nil
                )
                summary.contributions += 1
                pledge.left -= payment
            } else if roll == 9 && random.below(6) == 0 {
                _ = try await store.cancelPledge(
                    pledge.id, reason: "The member's own funds were needed at home", by: cast.treasurer,
                    idempotency: nil
                )
                summary.cancelledPledges += 1
                continue
            }
            if pledge.left > 0 { stillOpen.append(pledge) }
        }
        return stillOpen
    }

    /// Gifts without a pledge.
    private mutating func giveGifts(on day: LocalDate, _ cast: Cast, _ summary: inout Summary) async throws {
        for _ in 0..<scale {
            let giver = cast.members[random.below(cast.members.count)]
            let giftFund = cast.funds[random.below(cast.funds.count)]
            _ = try await store.recordContribution(
                ContributionDraft(
                    memberID: giver.rawValue, fundID: giftFund.id.rawValue, asset: giftFund.assets[0].rawValue,
                    amount: Int64(10_000 + random.below(40) * 1_000), date: day.description),
                by: cast.treasurer, idempotency: nil
            )
            summary.contributions += 1
        }
    }

    /// A conversion of the climate fund's euros to shillings, when it holds enough.
    private mutating func convert(on day: LocalDate, _ cast: Cast, _ summary: inout Summary) async throws {
        guard let fund = cast.funds.first(where: { $0.code == "climate" }) else { return }
        if let eur = try await cash(fund, "EUR"), eur > 200_000 {
            _ = try await store.recordConversion(
                fund: fund.id.rawValue, fromAsset: "EUR", fromAmount: 100_000, toAsset: "KES",
                toAmount: 14_000_000 + Int64(random.below(100)) * 10_000,
                date: day.description, by: cast.treasurer, idempotency: nil
            )
            summary.conversions += 1
        }
    }

    /// Grants requested, approved (by as many approvers as the fund needs), then paid or cancelled.
    private mutating func payGrants(on day: LocalDate, _ cast: Cast, _ summary: inout Summary) async throws {
        for fund in cast.funds {
            for _ in 0..<scale where random.below(2) == 0 {
                let asset = fund.assets[random.below(fund.assets.count)]
                guard let available = try await cash(fund, asset.rawValue), available > 100_000 else { continue }
                let amount = min(available / 2, Int64(50_000 + random.below(40) * 25_000))
                let receiver = cast.members[random.below(cast.members.count)]
                guard
                    case .applied(let request) = try await store.requestDisbursement(
                        DisbursementDraft(
                            fundID: fund.id.rawValue, memberID: receiver.rawValue, asset: asset.rawValue,
                            amount: amount, purpose: "Solidarity grant"),
                        by: cast.treasurer, idempotency: nil
                    )
                else { continue }
                for approver in cast.approvers.prefix(request.approvalsNeeded) {
                    _ = try await store.takeDisbursementStep(
                        request.disbursement.id, .approve, reason: nil, by: approver, idempotency: nil)
                }
                if random.below(8) == 0 {
                    _ = try await store.takeDisbursementStep(
                        request.disbursement.id, .cancel, reason: "Another fund covered it", by: cast.treasurer,
                        idempotency: nil)
                } else {
                    _ = try await store.takeDisbursementStep(
                        request.disbursement.id, .pay, reason: nil, by: cast.treasurer, idempotency: nil)
                    summary.disbursementsPaid += 1
                }
            }
        }
    }

    private func cash(_ fund: Fund, _ asset: String) async throws -> Int64? {
        guard let code = AssetCode(asset) else { return nil }
        let balances = try await store.balances(of: .code(fund.chart.cash(code)), asOf: nil)
        return balances?.balances.first?.balance.minorUnits ?? 0
    }
}

/// SplitMix64, the demo's seeded generator.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
    /// A number in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
