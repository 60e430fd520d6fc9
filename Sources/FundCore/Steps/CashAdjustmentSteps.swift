public import LedgerCore

/// The cash-adjustment family's rules: request (posting at once within the fund's daily
/// allowance, else waiting), approve (never by the requester's person) and reject. Each
/// is a pure decision from the state the store fetched; the store only persists it.
public enum CashAdjustmentSteps {
    /// A request's checked fields (`CashAdjustmentDraft.checked()`).
    public typealias CheckedRequest = (asset: AssetCode, amount: Amount, counterAccount: AccountCode, date: LocalDate)

    /// What a request records: the adjustment and, when it posts at once, its transaction.
    public struct Requesting: Sendable {
        public let adjustment: CashAdjustment
        /// The posting transaction; `nil` while the adjustment waits for an approver.
        public let transaction: TransactionDraft?

        /// The `cash_adjustment.requested` log entry's action.
        public func action(transaction: LedgerTransaction?) -> FundAction {
            FundEvent.cashAdjustmentRequested(CashAdjustmentRequest(adjustment)).action(transaction: transaction)
        }
    }

    /// Requests taking `checked.amount` out of `fund`'s cash into `counter` (the stored
    /// account named `checked.counterAccount`, `nil` when none): refused when the fund
    /// does not hold the asset, the account is unknown or one a fund opened. It posts at
    /// once when `postedToday` plus the amount stays within the fund's daily allowance.
    public static func request(
        _ checked: CheckedRequest, reason: String, fund: Fund, counter: Account?, postedToday: Amount,
        by principal: Principal, identifiers: any IdentifierSource, at now: Timestamp
    ) throws(Rejection) -> Requesting {
        guard fund.assets.contains(checked.asset) else {
            throw .assetNotInFund(fund: fund.code, asset: checked.asset)
        }
        try checkCounter(counter, code: checked.counterAccount)
        let adjustment = CashAdjustment(
            id: CashAdjustmentID(bytes: identifiers.nextIdentifierBytes()), fundID: fund.id, asset: checked.asset,
            amount: checked.amount, counterAccount: checked.counterAccount, date: checked.date, reason: reason,
            needsApproval: CashAdjustment.needsApproval(
                amount: checked.amount, asset: checked.asset, postedToday: postedToday, in: fund
            ),
            requestedBy: principal, requestedAt: now
        )
        return Requesting(
            adjustment: adjustment, transaction: adjustment.needsApproval ? nil : posting(adjustment, in: fund))
    }

    /// Refuses a counter account that does not exist or that a fund opened: an
    /// adjustment never moves one fund's money into another fund's books.
    public static func checkCounter(_ counter: Account?, code: AccountCode) throws(Rejection) {
        guard let counter else { throw .unknownReference(field: "counter_account", reference: code.rawValue) }
        guard !isFundOpened(counter) else { throw .fundAccount(account: code) }
    }

    /// Whether a fund opened `account` (its metadata names the fund).
    public static func isFundOpened(_ account: Account) -> Bool {
        guard case .object(let metadata) = account.metadata else { return false }
        return metadata["fund"] != nil
    }

    /// The adjustment's transaction: the counter account debited, the fund's cash
    /// credited (the cash account's `no_negative` refuses more than it holds).
    public static func posting(_ adjustment: CashAdjustment, in fund: Fund) -> TransactionDraft {
        let asset = adjustment.asset.rawValue
        let amount = adjustment.amount.minorUnits
        return TransactionDraft(
            date: adjustment.date.description, description: "Cash adjustment \(adjustment.id) from fund \(fund.code)",
            metadata: .object(["cash_adjustment_id": .string(adjustment.id.rawValue)]),
            postings: [
                PostingDraft(account: adjustment.counterAccount.rawValue, asset: asset, amount: amount),
                PostingDraft(account: fund.chart.cash(adjustment.asset).rawValue, asset: asset, amount: -amount),
            ]
        )
    }

    /// What an approval or a rejection records.
    public struct Stepping: Sendable {
        public let adjustmentID: CashAdjustmentID
        public let kind: CashAdjustmentStep.Kind
        public let position: Int
        public let principal: Principal
        public let reason: String?
        public let at: Timestamp
        /// The posting an approval books; `nil` for a rejection.
        public let transaction: TransactionDraft?

        /// The recorded step, with the transaction it posted, if any.
        public func step(transaction: TransactionID?) -> CashAdjustmentStep {
            CashAdjustmentStep(kind: kind, principal: principal, at: at, transactionID: transaction, reason: reason)
        }

        /// The `cash_adjustment.approved` / `.rejected` log entry's action.
        public func action(step: CashAdjustmentStep, transaction: LedgerTransaction?) -> FundAction {
            let logged = LoggedStep(
                id: adjustmentID, position: position, kind: step.kind, reason: step.reason, at: step.at)
            return FundEvent.cashAdjustmentStep(logged).action(transaction: transaction)
        }
    }

    /// Approves (and so posts) or rejects a waiting adjustment of `fund`: refused once
    /// posted or rejected, and an approval by the requester's person.
    public static func take(
        _ kind: CashAdjustmentStep.Kind, on adjustment: CashAdjustment, after steps: [CashAdjustmentStep],
        fund: Fund, by principal: Principal, reason: String?, at now: Timestamp
    ) throws(Rejection) -> Stepping {
        try adjustment.check(kind, by: principal, after: steps)
        return Stepping(
            adjustmentID: adjustment.id, kind: kind, position: steps.count, principal: principal, reason: reason,
            at: now, transaction: kind == .approve ? posting(adjustment, in: fund) : nil
        )
    }
}
