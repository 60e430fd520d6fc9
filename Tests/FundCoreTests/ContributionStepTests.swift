// Goal: recording a contribution without a database — cash in against contribution
// income, or against a pledge's receivable up to what is outstanding; an excess is kept
// as unpledged income only with `split_excess` and is otherwise refused as an
// overpayment; a contribution that does not fit its pledge (member, fund, asset, a date
// before the pledge) or names no pledge is refused, in that order. Expected values by hand.
import FundCore
import LedgerCore
import Testing

@Suite struct ContributionStepTests {
    typealias F = Fixture
    static let income = "income:climate:contributions:mem_000000000000000000000000000000a1"
    static let receivable = "assets:climate:pledges:mem_000000000000000000000000000000a1:plg_00000000000000000000000000000001"

    /// Amina's 500.00 KES pledge made 2026-11-01, with `paid` already paid.
    static func pledge(paid: Int64 = 0) throws -> PledgeSteps.PledgeState {
        let checked: PledgeSteps.CheckedPledge = (
            F.kes, F.amount(50_000), F.date("2026-11-01"),
            [Pledge.Instalment(dueDate: F.date("2026-12-31"), amount: F.amount(50_000))], nil
        )
        let pledge = try PledgeSteps.make(
            checked, member: F.amina, fund: F.fund, identifiers: CountingIdentifiers(), at: F.now
        ).pledge
        return (pledge, PledgeStatus(pledge: pledge, paid: paid, writtenOff: 0, today: F.date("2026-11-30")))
    }

    static func contribute(
        _ amount: Int64, _ asset: AssetCode = Fixture.kes, on date: String = "2026-11-20", pledge: PledgeSteps.PledgeState?,
        reference: String? = "plg_00000000000000000000000000000001", splitExcess: Bool = false,
        member: Member = Fixture.amina, fund: Fund = Fixture.fund, identifiers: CountingIdentifiers = CountingIdentifiers()
    ) throws(Rejection) -> PledgeSteps.Contributing {
        try PledgeSteps.contribute(
            (asset, F.amount(amount), F.date(date)), pledgeReference: reference, pledge: pledge, splitExcess: splitExcess,
            member: member, fund: fund, identifiers: identifiers, at: F.now
        )
    }

    @Test func withoutAPledgeItIsIncomeDirectly() throws {
        let contributing = try Self.contribute(2_500, F.usd, pledge: nil, reference: nil)
        #expect(contributing.contribution.id.rawValue == "ctb_00000000000000000000000000000001")
        #expect(contributing.transaction.postings == [
            PostingDraft(account: "assets:climate:cash:usd", asset: "USD", amount: 2_500),
            PostingDraft(account: Self.income, asset: "USD", amount: -2_500),
        ])
        #expect(contributing.transaction.description
            == "Contribution ctb_00000000000000000000000000000001 from Amina's Union")
        #expect(contributing.transaction.metadata == .object([
            "contribution_id": .string("ctb_00000000000000000000000000000001"), "pledge_id": .null,
        ]))
        #expect(contributing.appliedToPledge == 0)
        #expect(contributing.income.code.rawValue == Self.income)
    }

    @Test func againstAPledgeItReducesTheReceivable() throws {
        let contributing = try Self.contribute(20_000, pledge: try Self.pledge())
        #expect(contributing.transaction.postings == [
            PostingDraft(account: "assets:climate:cash:kes", asset: "KES", amount: 20_000),
            PostingDraft(account: Self.receivable, asset: "KES", amount: -20_000),
        ])
        #expect(contributing.appliedToPledge == 20_000)
        #expect(contributing.contribution.pledgeID?.rawValue == "plg_00000000000000000000000000000001")
    }

    @Test func anExcessIsKeptAsUnpledgedIncomeOnlyWithSplitExcess() throws {
        // 300.00 of 500.00 paid: 200.00 outstanding; 250.00 given splits 200.00 + 50.00.
        let contributing = try Self.contribute(25_000, pledge: try Self.pledge(paid: 30_000), splitExcess: true)
        #expect(contributing.transaction.postings == [
            PostingDraft(account: "assets:climate:cash:kes", asset: "KES", amount: 25_000),
            PostingDraft(account: Self.receivable, asset: "KES", amount: -20_000),
            PostingDraft(account: Self.income, asset: "KES", amount: -5_000),
        ])
        #expect(contributing.appliedToPledge == 20_000)
    }

    @Test func payingAPaidPledgeWithSplitExcessIsAllIncome() throws {
        let contributing = try Self.contribute(1_000, pledge: try Self.pledge(paid: 50_000), splitExcess: true)
        #expect(contributing.transaction.postings.map(\.amount) == [1_000, -1_000])
        #expect(contributing.transaction.postings[1].account == Self.income)
        #expect(contributing.appliedToPledge == 0)
    }

    @Test(arguments: [
        (25_000, 30_000, 20_000),  // 50.00 more than the 200.00 outstanding
        (1, 50_000, 0),            // nothing outstanding at all
    ] as [(Int64, Int64, Int64)])
    func overpayingWithoutSplitExcessIsRefused(amount: Int64, paid: Int64, outstanding: Int64) throws {
        let pledge = try Self.pledge(paid: paid)
        #expect(throws: Rejection.overpayment(outstanding: outstanding)) {
            try Self.contribute(amount, pledge: pledge)
        }
    }

    @Test func exactlyWhatIsOutstandingNeedsNoSplit() throws {
        let contributing = try Self.contribute(20_000, pledge: try Self.pledge(paid: 30_000))
        #expect(contributing.appliedToPledge == 20_000)
    }

    enum Misfit: String, CaseIterable { case member, fund, asset, date, unknown, notInFund }

    @Test(arguments: Misfit.allCases)
    func aContributionThatDoesNotFitItsPledgeIsRefused(_ misfit: Misfit) throws {
        let pledge = try Self.pledge()
        let usdFund = Fund(
            id: F.otherFund.id, code: "health", name: "Health", assets: [F.kes, F.usd], twoApprovalsAbove: [:],
            createdAt: F.now
        )
        let expected: Rejection
        let attempt: () throws(Rejection) -> PledgeSteps.Contributing
        switch misfit {
        case .member:
            expected = .pledgeMismatch(field: "member_id", detail: "differs from the pledge's")
            attempt = { () throws(Rejection) in try Self.contribute(100, pledge: pledge, member: F.hidden) }
        case .fund:
            expected = .pledgeMismatch(field: "fund_id", detail: "differs from the pledge's")
            attempt = { () throws(Rejection) in try Self.contribute(100, pledge: pledge, fund: usdFund) }
        case .asset:
            expected = .pledgeMismatch(field: "asset", detail: "differs from the pledge's")
            attempt = { () throws(Rejection) in try Self.contribute(100, F.usd, pledge: pledge) }
        case .date:
            expected = .pledgeMismatch(field: "date", detail: "is earlier than the pledge's date 2026-11-01")
            attempt = { () throws(Rejection) in try Self.contribute(100, on: "2026-10-31", pledge: pledge) }
        case .unknown:
            expected = .unknownReference(field: "pledge_id", reference: "plg_00000000000000000000000000000001")
            attempt = { () throws(Rejection) in try Self.contribute(100, pledge: nil) }
        case .notInFund:
            // Checked before the pledge: the asset the fund does not hold comes first.
            expected = .assetNotInFund(fund: "climate", asset: F.eur)
            attempt = { () throws(Rejection) in try Self.contribute(100, F.eur, pledge: nil) }
        }
        #expect(throws: expected) { try attempt() }
    }

    @Test func onThePledgesOwnDateIsAccepted() throws {
        let contributing = try Self.contribute(100, on: "2026-11-01", pledge: try Self.pledge())
        #expect(contributing.transaction.date == "2026-11-01")
    }

    @Test func anOverpaymentIsFoundOnlyAfterTheContributionsIdIsDrawn() throws {
        let identifiers = CountingIdentifiers()
        let pledge = try Self.pledge(paid: 50_000)
        #expect(throws: Rejection.overpayment(outstanding: 0)) {
            try Self.contribute(100, pledge: pledge, identifiers: identifiers)
        }
        // The contribution id is drawn before the overpayment is found, as the store always did.
        #expect(identifiers.drawn == 1)
    }
}
