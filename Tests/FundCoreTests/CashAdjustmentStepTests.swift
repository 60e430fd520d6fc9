// Goal: the cash-adjustment steps without a database — a request is refused for an
// asset the fund does not hold and for a counter account that is unknown or a fund's;
// within the day's allowance it posts at once (counter account against the fund's cash),
// beyond it it waits; an approval posts it, a rejection books nothing. Values by hand.
import FundCore
import LedgerCore
import Testing

@Suite struct CashAdjustmentStepTests {
    typealias F = Fixture
    static let fees = AccountCode("expenses:bank-fees")!
    /// Adjustments up to 20.00 USD a day post at once; KES has no limit.
    static let fund = Fund(
        id: Fixture.fund.id, code: "climate", name: "Climate", assets: [Fixture.kes, Fixture.usd], twoApprovalsAbove: [:],
        cashAdjustmentApprovalAbove: [Fixture.usd: Amount(minorUnits: 2_000)!], createdAt: Fixture.now
    )

    static func account(_ code: AccountCode, metadata: JSONValue = .object([:])) -> Account {
        Account(
            id: AccountID("acc_000000000000000000000000000000ee")!, code: code, type: .expense, allowedAssets: nil,
            constraint: nil, metadata: metadata, createdAt: F.now, closedAt: nil
        )
    }

    static func request(
        _ amount: Int64, _ asset: AssetCode = Fixture.usd, postedToday: Int64 = 0, counter: Account? = CashAdjustmentStepTests.account(CashAdjustmentStepTests.fees)
    ) throws(Rejection) -> CashAdjustmentSteps.Requesting {
        try CashAdjustmentSteps.request(
            (asset, F.amount(amount), Self.fees, F.date("2026-11-28")), reason: "Account fee", fund: Self.fund,
            counter: counter, postedToday: F.amount(postedToday), by: F.treasurer, identifiers: CountingIdentifiers(),
            at: F.now
        )
    }

    @Test func withinTheDaysAllowanceItPostsAtOnce() throws {
        let requesting = try Self.request(500, postedToday: 1_500)
        #expect(requesting.adjustment.needsApproval == false)
        #expect(requesting.adjustment.id.rawValue == "adj_00000000000000000000000000000001")
        #expect(requesting.transaction?.postings == [
            PostingDraft(account: "expenses:bank-fees", asset: "USD", amount: 500),
            PostingDraft(account: "assets:climate:cash:usd", asset: "USD", amount: -500),
        ])
        #expect(requesting.transaction?.date == "2026-11-28")
        #expect(requesting.transaction?.description
            == "Cash adjustment adj_00000000000000000000000000000001 from fund climate")
    }

    @Test(arguments: [(501, 1_500, "USD"), (1, 0, "KES")] as [(Int64, Int64, String)])
    func beyondTheAllowanceOrWithoutALimitItWaits(amount: Int64, postedToday: Int64, asset: String) throws {
        let requesting = try Self.request(amount, AssetCode(asset)!, postedToday: postedToday)
        #expect(requesting.adjustment.needsApproval)
        #expect(requesting.transaction == nil)
    }

    @Test(arguments: ["eur", "unknown", "fund"])
    func aRequestIsRefusedForAnAssetOutsideTheFundOrABadCounterAccount(_ refusal: String) {
        let fundCash = Self.account(AccountCode("assets:health:cash:usd")!, metadata: .object(["fund": .string("fnd_x")]))
        let expected: Rejection = switch refusal {
        case "eur": .assetNotInFund(fund: "climate", asset: F.eur)
        case "unknown": .unknownReference(field: "counter_account", reference: "expenses:bank-fees")
        default: .fundAccount(account: Self.fees)
        }
        #expect(throws: expected) {
            switch refusal {
            case "eur": _ = try Self.request(100, F.eur, counter: nil)
            case "unknown": _ = try Self.request(100, counter: nil)
            default: _ = try Self.request(100, counter: fundCash)
            }
        }
    }

    @Test func anApprovalPostsItARejectionBooksNothing() throws {
        let waiting = try Self.request(50_000).adjustment
        let approval = try CashAdjustmentSteps.take(
            .approve, on: waiting, after: [], fund: Self.fund, by: F.approver, reason: nil, at: F.now
        )
        #expect(approval.transaction?.postings.map(\.amount) == [50_000, -50_000])
        let step = approval.step(transaction: TransactionID("txn_00000000000000000000000000000002"))
        let action = approval.action(step: step, transaction: nil)
        #expect(action.kind == .cashAdjustmentApproved)
        #expect(action.subject == "adj_00000000000000000000000000000001#0")
        let rejection = try CashAdjustmentSteps.take(
            .reject, on: waiting, after: [], fund: Self.fund, by: F.treasurer, reason: "Not ours", at: F.now
        )
        #expect(rejection.transaction == nil)
        #expect(rejection.action(step: rejection.step(transaction: nil), transaction: nil).kind == .cashAdjustmentRejected)
    }

    @Test(arguments: [
        (CashAdjustmentStep.Kind.approve, "treasurer", "self"),
        (.approve, "treasurersOtherKey", "self"),
        (.approve, "approverAfterRejection", "rejected"),
    ] as [(CashAdjustmentStep.Kind, String, String)])
    func aWaitingAdjustmentIsNeverApprovedByItsRequestersPersonNorAfterARejection(
        kind: CashAdjustmentStep.Kind, who: String, expected: String
    ) throws {
        let waiting = try Self.request(50_000).adjustment
        let id = waiting.id.rawValue
        let principal = who == "treasurer" ? F.treasurer : who == "treasurersOtherKey" ? F.treasurersOtherKey : F.approver
        let steps = who == "approverAfterRejection"
            ? [CashAdjustmentStep(kind: .reject, principal: F.treasurer, at: F.now, transactionID: nil, reason: nil)] : []
        let rejection: Rejection = expected == "self"
            ? .selfApproval(id: id) : .cashAdjustmentState(id: id, state: "rejected", action: "approve")
        #expect(throws: rejection) {
            try CashAdjustmentSteps.take(kind, on: waiting, after: steps, fund: Self.fund, by: principal, reason: nil, at: F.now)
        }
    }
}
