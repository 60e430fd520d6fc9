// Goal: the fund's cash rules as pure functions, without a database — a raw transaction
// may only bring money into an account a fund opened, and only into its cash; a cash
// adjustment posts at once only up to the fund's limit for its asset (none set: never),
// otherwise it waits for one approver who is not its requester, and takes no step once
// posted or rejected. Every expected value is written by hand.
import FundCore
import LedgerCore
import Testing

@Suite struct CashAdjustmentRuleTests {
    static let treasurer = Principal(keyID: "key_11111111111111111111111111111111", name: "Amina", role: .treasurer)
    static let approver = Principal(keyID: "key_22222222222222222222222222222222", name: "Bongani", role: .approver)
    static let at = Timestamp(microsecondsSinceEpoch: 1_796_000_000_000_000)

    /// Fund "health" in USD and EUR; adjustments up to 20.00 USD post at once, EUR has no limit.
    static let fund = Fund(
        id: FundID(bytes: Array(repeating: 1, count: 16)), code: "health", name: "Health",
        assets: [AssetCode("EUR")!, AssetCode("USD")!], twoApprovalsAbove: [:],
        cashAdjustmentApprovalAbove: [AssetCode("USD")!: Amount(minorUnits: 2_000)!], createdAt: at
    )

    static func adjustment(
        _ amount: Int64, _ asset: String = "USD", by requester: Principal = treasurer
    ) -> CashAdjustment {
        let asset = AssetCode(asset)!
        let amount = Amount(minorUnits: amount)!
        return CashAdjustment(
            id: CashAdjustmentID(bytes: Array(repeating: 2, count: 16)), fundID: fund.id, asset: asset, amount: amount,
            counterAccount: AccountCode("expenses:bank-fees")!, date: LocalDate("2026-11-30")!, reason: "Account fee",
            needsApproval: CashAdjustment.needsApproval(amount: amount, asset: asset, in: fund), requestedBy: requester,
            requestedAt: at
        )
    }

    static func step(_ kind: CashAdjustmentStep.Kind, by principal: Principal = approver) -> CashAdjustmentStep {
        CashAdjustmentStep(kind: kind, principal: principal, at: at, transactionID: nil, reason: nil)
    }

    @Test(
        arguments: [
            // Into the fund's cash: allowed; out of it, or any movement of its other accounts: refused.
            ("assets:health:cash:usd", 500, true),
            ("assets:health:cash:usd", -500, false),
            ("equity:health:conversion", 500, false),
            ("equity:health:conversion", -500, false),
            (
                "assets:health:pledges:mem_00000000000000000000000000000001:plg_00000000000000000000000000000001", 500,
                false
            ),
            ("income:health:contributions:mem_00000000000000000000000000000001", -500, false),
            ("expenses:health:grants:beneficiaries", 500, false),
            ("liabilities:health:grants-payable:beneficiaries", -500, false),
            // A fund account with one segment more is not the cash account.
            ("assets:health:cash:usd:extra", 500, false),
        ] as [(String, Int64, Bool)])
    func rawPostingsToAFundsAccounts(code: String, amount: Int64, allowed: Bool) {
        #expect(
            FundChart.allowsRawPosting(toFundAccount: AccountCode(code)!, amount: Amount(minorUnits: amount)!)
                == allowed)
    }

    @Test(
        arguments: [
            (2_000, "USD", false),  // at the limit: posts at once
            (2_001, "USD", true),  // above it: waits
            (1, "EUR", true),  // no limit for the asset: always waits
        ] as [(Int64, String, Bool)])
    func theFundsLimitDecidesWhetherAnApproverIsNeeded(amount: Int64, asset: String, needsApproval: Bool) {
        let adjustment = Self.adjustment(amount, asset)
        #expect(adjustment.needsApproval == needsApproval)
        #expect(adjustment.state(after: []) == (needsApproval ? .requested : .posted))
    }

    @Test(
        arguments: [
            (500, 1_500, false),  // 15.00 already today + 5.00 = the limit: posts at once
            (501, 1_500, true),  // one cent beyond the day's allowance: waits
            (1, 2_000, true),  // the allowance is used up: even a cent waits
        ] as [(Int64, Int64, Bool)])
    func theLimitIsADailyAllowanceSoSmallRequestsCannotDrainTheCash(
        amount: Int64, postedToday: Int64, needsApproval: Bool
    ) {
        let decision = CashAdjustment.needsApproval(
            amount: Amount(minorUnits: amount)!, asset: AssetCode("USD")!,
            postedToday: Amount(minorUnits: postedToday)!, in: Self.fund
        )
        #expect(decision == needsApproval)
    }

    @Test func aWaitingAdjustmentIsApprovedByAnotherPrincipalNeverItsRequester() throws {
        let waiting = Self.adjustment(50_000)
        #expect(throws: Rejection.selfApproval(id: waiting.id.rawValue)) {
            try waiting.check(.approve, by: Self.treasurer, after: [])
        }
        try waiting.check(.approve, by: Self.approver, after: [])
        // The requester may withdraw it by rejecting; that is not an approval.
        try waiting.check(.reject, by: Self.treasurer, after: [])
        #expect(waiting.state(after: [Self.step(.approve)]) == .posted)
        #expect(waiting.state(after: [Self.step(.reject)]) == .rejected)
    }

    @Test(arguments: [CashAdjustmentStep.Kind.approve, .reject])
    func aPostedOrRejectedAdjustmentTakesNoStep(kind: CashAdjustmentStep.Kind) {
        let atOnce = Self.adjustment(1_500)
        #expect(throws: Rejection.cashAdjustmentState(id: atOnce.id.rawValue, state: "posted", action: kind.rawValue)) {
            try atOnce.check(kind, by: Self.approver, after: [])
        }
        let waiting = Self.adjustment(50_000)
        #expect(
            throws: Rejection.cashAdjustmentState(id: waiting.id.rawValue, state: "rejected", action: kind.rawValue)
        ) {
            try waiting.check(kind, by: Self.approver, after: [Self.step(.reject)])
        }
        #expect(throws: Rejection.cashAdjustmentState(id: waiting.id.rawValue, state: "posted", action: kind.rawValue))
        {
            try waiting.check(kind, by: Self.approver, after: [Self.step(.approve)])
        }
    }

    @Test(arguments: [
        (
            CashAdjustmentDraft(
                asset: "usd", amount: 100, counterAccount: "expenses:bank-fees", date: "2026-11-30", reason: "Fee"),
            "asset"
        ),
        (
            CashAdjustmentDraft(
                asset: "USD", amount: 0, counterAccount: "expenses:bank-fees", date: "2026-11-30", reason: "Fee"),
            "amount"
        ),
        (
            CashAdjustmentDraft(
                asset: "USD", amount: -100, counterAccount: "expenses:bank-fees", date: "2026-11-30", reason: "Fee"),
            "amount"
        ),
        (
            CashAdjustmentDraft(
                asset: "USD", amount: 100, counterAccount: "Expenses", date: "2026-11-30", reason: "Fee"),
            "counter_account"
        ),
        (
            CashAdjustmentDraft(
                asset: "USD", amount: 100, counterAccount: "expenses:bank-fees", date: "2026-02-30", reason: "Fee"),
            "date"
        ),
        (
            CashAdjustmentDraft(
                asset: "USD", amount: 100, counterAccount: "expenses:bank-fees", date: "2026-11-30", reason: ""),
            "reason"
        ),
    ])
    func aDraftNamesItsBadField(draft: CashAdjustmentDraft, field: String) {
        #expect(throws: Rejection.self) { try draft.checked() }
        do {
            _ = try draft.checked()
        } catch {
            guard case .invalidFields(let problems) = error else {
                Issue.record("not invalid fields: \(error)")
                return
            }
            #expect(problems.map(\.field) == [field])
        }
    }

    @Test func theLimitIsLoggedOnlyWhenSetSoOlderFundEntriesKeepTheirBytes() {
        let plain = Fund(
            id: Self.fund.id, code: "health", name: "Health", assets: Self.fund.assets, twoApprovalsAbove: [:],
            createdAt: Self.at)
        guard case .object(let members) = FundEvent.fundCreated(plain).details,
            case .object(let limited) = FundEvent.fundCreated(Self.fund).details
        else {
            Issue.record("fund details are objects")
            return
        }
        #expect(members["cash_adjustment_approval_above"] == nil)
        #expect(limited["cash_adjustment_approval_above"] == .object(["USD": .integer(2_000)]))
    }

    @Test func aFundsLimitMustNameItsAssetsAndStayInRange() {
        let draft = FundDraft(
            code: "health", name: "Health", assets: ["USD"], cashAdjustmentApprovalAbove: ["EUR": 100, "USD": -1])
        #expect(
            throws: Rejection.invalidFields([
                FieldProblem(field: "cash_adjustment_approval_above.EUR", detail: "must name one of the fund's assets"),
                FieldProblem(
                    field: "cash_adjustment_approval_above.USD", detail: "must be between 0 and 9007199254740991"),
            ])
        ) {
            try draft.validated(id: Self.fund.id, at: Self.at)
        }
    }
}
