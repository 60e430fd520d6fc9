// Goal: the pledge family's rules without a database — a pledge opens its receivable
// and the member's income account and books receivable against income; it is refused
// in an asset the fund does not hold; cancelling writes off exactly what is outstanding
// (never dated before the pledge) and is refused with nothing outstanding; a
// contribution pays the pledge up to what is outstanding, keeps the excess only with
// `split_excess`, and is refused when it does not fit its pledge. Expected values by hand.
import FundCore
import LedgerCore
import Testing

@Suite struct PledgeStepTests {
    typealias F = Fixture

    /// 500.00 KES pledged by Amina on 2026-11-01, due 2026-12-31, made with ids from 1.
    static func pledge() throws -> Pledge {
        let checked: PledgeSteps.CheckedPledge = (
            F.kes, F.amount(50_000), F.date("2026-11-01"), [Pledge.Instalment(dueDate: F.date("2026-12-31"), amount: F.amount(50_000))], nil
        )
        return try PledgeSteps.make(checked, member: F.amina, fund: F.fund, identifiers: CountingIdentifiers(), at: F.now).pledge
    }

    static func status(of pledge: Pledge, paid: Int64 = 0, writtenOff: Int64 = 0) -> PledgeStatus {
        PledgeStatus(pledge: pledge, paid: paid, writtenOff: writtenOff, today: F.date("2026-11-30"))
    }

    @Test func makingAPledgeOpensItsAccountsAndBooksReceivableAgainstIncome() throws {
        let identifiers = CountingIdentifiers()
        let checked: PledgeSteps.CheckedPledge = (
            F.kes, F.amount(50_000), nil, [Pledge.Instalment(dueDate: F.date("2026-12-31"), amount: F.amount(50_000))], nil
        )
        let making = try PledgeSteps.make(checked, member: F.amina, fund: F.fund, identifiers: identifiers, at: F.now)
        #expect(identifiers.drawn == 1)
        #expect(making.pledge.id.rawValue == "plg_00000000000000000000000000000001")
        #expect(making.pledge.date == F.date("2026-11-30"))  // no date given: the day it is made
        let receivable = "assets:climate:pledges:mem_000000000000000000000000000000a1:plg_00000000000000000000000000000001"
        #expect(making.receivable == FundAccountPlan(
            code: AccountCode(receivable)!, type: .asset, asset: F.kes, constraint: .noNegative
        ))
        #expect(making.income == FundAccountPlan(
            code: AccountCode("income:climate:contributions:mem_000000000000000000000000000000a1")!, type: .income,
            asset: nil, constraint: nil
        ))
        #expect(making.transaction.date == "2026-11-30")
        #expect(making.transaction.description == "Pledge plg_00000000000000000000000000000001 by Amina's Union")
        #expect(making.transaction.postings == [
            PostingDraft(account: receivable, asset: "KES", amount: 50_000),
            PostingDraft(
                account: "income:climate:contributions:mem_000000000000000000000000000000a1", asset: "KES", amount: -50_000
            ),
        ])
        #expect(making.transaction.metadata == .object([
            "pledge_id": .string("plg_00000000000000000000000000000001"),
            "fund_id": .string("fnd_0000000000000000000000000000000f"),
        ]))
    }

    @Test func anAnonymousMembersPledgeNamesItsPseudonym() throws {
        let checked: PledgeSteps.CheckedPledge = (
            F.usd, F.amount(100), nil, [Pledge.Instalment(dueDate: F.date("2026-12-31"), amount: F.amount(100))], nil
        )
        let making = try PledgeSteps.make(checked, member: F.hidden, fund: F.fund, identifiers: CountingIdentifiers(), at: F.now)
        #expect(making.transaction.description == "Pledge plg_00000000000000000000000000000001 by Member 00000000")
    }

    @Test func aPledgeInAnAssetTheFundDoesNotHoldIsRefusedBeforeAnyIdIsDrawn() {
        let identifiers = CountingIdentifiers()
        let checked: PledgeSteps.CheckedPledge = (
            F.eur, F.amount(100), nil, [Pledge.Instalment(dueDate: F.date("2026-12-31"), amount: F.amount(100))], nil
        )
        #expect(throws: Rejection.assetNotInFund(fund: "climate", asset: F.eur)) {
            try PledgeSteps.make(checked, member: F.amina, fund: F.fund, identifiers: identifiers, at: F.now)
        }
        #expect(identifiers.drawn == 0)
    }

    @Test func cancellingWritesOffExactlyWhatIsOutstanding() throws {
        let pledge = try Self.pledge()
        let cancelling = try PledgeSteps.cancel(
            pledge, status: Self.status(of: pledge, paid: 20_000), reason: "Moved away", member: F.amina, fund: F.fund,
            at: F.now
        )
        #expect(cancelling.transaction.date == "2026-11-30")
        #expect(cancelling.transaction.description == "Cancelled rest of pledge plg_00000000000000000000000000000001")
        #expect(cancelling.transaction.postings.map(\.amount) == [30_000, -30_000])
        #expect(cancelling.transaction.postings[0].account == "income:climate:contributions:mem_000000000000000000000000000000a1")
        let action = cancelling.action(transaction: Self.anyTransaction)
        #expect(action.kind == .pledgeCancelled)
        #expect(action.subject == "plg_00000000000000000000000000000001#cancelled")
    }

    @Test func aWriteOffIsNeverDatedBeforeThePledge() throws {
        // A pledge made for a date after today (2026-12-15): the write-off carries that date.
        let checked: PledgeSteps.CheckedPledge = (
            F.kes, F.amount(100), F.date("2026-12-15"), [Pledge.Instalment(dueDate: F.date("2026-12-31"), amount: F.amount(100))], nil
        )
        let pledge = try PledgeSteps.make(checked, member: F.amina, fund: F.fund, identifiers: CountingIdentifiers(), at: F.now).pledge
        let cancelling = try PledgeSteps.cancel(
            pledge, status: Self.status(of: pledge), reason: "r", member: F.amina, fund: F.fund, at: F.now
        )
        #expect(cancelling.transaction.date == "2026-12-15")
    }

    @Test(arguments: [
        (50_000, 0),      // paid in full
        (0, 50_000),      // cancelled before
        (30_000, 20_000), // paid in part, the rest written off
    ] as [(Int64, Int64)])
    func cancellingWithNothingOutstandingIsRefused(paid: Int64, writtenOff: Int64) throws {
        let pledge = try Self.pledge()
        #expect(throws: Rejection.nothingOutstanding(pledge: "plg_00000000000000000000000000000001")) {
            try PledgeSteps.cancel(
                pledge, status: Self.status(of: pledge, paid: paid, writtenOff: writtenOff), reason: "r",
                member: F.amina, fund: F.fund, at: F.now
            )
        }
    }

    static let anyTransaction = Fixture.transaction
}
