public import LedgerCore

/// The pledge family's rules: make a pledge, cancel what is left of it, record a
/// contribution (against a pledge or not, with `split_excess`). Each is a pure decision
/// from the state the store fetched; the store only persists what it returns.
///
/// New ids are drawn from the injected source at the point the step needs them, after
/// the refusals that come first, so a refused step consumes exactly the ids it always did.
public enum PledgeSteps {
    /// A pledge's checked request fields (`PledgeDraft.checked()`).
    public typealias CheckedPledge = (
        asset: AssetCode, amount: Amount, date: LocalDate?, instalments: [Pledge.Instalment],
        schedule: PledgeSchedule?
    )
    /// A contribution's checked request fields (`ContributionDraft.checked()`).
    public typealias CheckedContribution = (asset: AssetCode, amount: Amount, date: LocalDate)

    // MARK: Make

    /// What making a pledge records: the pledge, the two accounts it posts to (opened if
    /// missing, receivable first) and its transaction.
    public struct Making: Sendable {
        public let pledge: Pledge
        public let receivable: FundAccountPlan
        public let income: FundAccountPlan
        public let transaction: TransactionDraft

        /// The `pledge.made` log entry's action.
        public func action(accountsOpened: [Account], transaction: LedgerTransaction) -> FundAction {
            FundEvent.pledgeMade(pledge).action(accountsOpened: accountsOpened, transaction: transaction)
        }
    }

    /// Makes a pledge of `checked` by `member` to `fund`: refused when the fund does not
    /// hold the asset. Non-profit practice: an unconditional pledge is income when made.
    public static func make(
        _ checked: CheckedPledge, member: Member, fund: Fund, identifiers: any IdentifierSource, at now: Timestamp
    ) throws(Rejection) -> Making {
        guard fund.assets.contains(checked.asset) else {
            throw .assetNotInFund(fund: fund.code, asset: checked.asset)
        }
        let pledge = Pledge(
            id: PledgeID(bytes: identifiers.nextIdentifierBytes()), memberID: member.id, fundID: fund.id,
            asset: checked.asset, amount: checked.amount, date: checked.date ?? now.date,
            instalments: checked.instalments, schedule: checked.schedule, createdAt: now
        )
        let receivable = FundAccountPlan(
            code: pledge.receivable(in: fund), type: .asset, asset: checked.asset, constraint: .noNegative
        )
        let income = FundAccountPlan.contributions(of: member.id, in: fund)
        let asset = checked.asset.rawValue
        let transaction = TransactionDraft(
            date: pledge.date.description, description: "Pledge \(pledge.id) by \(member.publicName)",
            metadata: .object(["pledge_id": .string(pledge.id.rawValue), "fund_id": .string(fund.id.rawValue)]),
            postings: [
                PostingDraft(account: receivable.code.rawValue, asset: asset, amount: checked.amount.minorUnits),
                PostingDraft(account: income.code.rawValue, asset: asset, amount: -checked.amount.minorUnits),
            ]
        )
        return Making(pledge: pledge, receivable: receivable, income: income, transaction: transaction)
    }

    // MARK: Cancel

    /// What cancelling a pledge records: the write-off of all that is outstanding.
    public struct Cancelling: Sendable {
        public let pledgeID: PledgeID
        public let reason: String
        public let cancelledAt: Timestamp
        public let transaction: TransactionDraft

        /// The `pledge.cancelled` log entry's action; the reason is in its details.
        public func action(transaction: LedgerTransaction) -> FundAction {
            FundEvent.pledgeCancelled(PledgeCancellation(pledgeID: pledgeID, reason: reason, cancelledAt: cancelledAt))
                .action(transaction: transaction)
        }
    }

    /// Writes off what is still outstanding on `pledge` (its status as of today): refused
    /// when nothing is. The write-off is never dated before the pledge itself.
    public static func cancel(
        _ pledge: Pledge, status: PledgeStatus, reason: String, member: Member, fund: Fund, at now: Timestamp
    ) throws(Rejection) -> Cancelling {
        guard status.outstanding > 0, let outstanding = Amount(minorUnits: status.outstanding) else {
            throw .nothingOutstanding(pledge: pledge.id.rawValue)
        }
        let asset = pledge.asset.rawValue
        let transaction = TransactionDraft(
            date: max(now.date, pledge.date).description, description: "Cancelled rest of pledge \(pledge.id)",
            metadata: .object(["pledge_id": .string(pledge.id.rawValue), "write_off": .bool(true)]),
            postings: [
                PostingDraft(
                    account: fund.chart.contributions(member.id).rawValue, asset: asset, amount: outstanding.minorUnits
                ),
                PostingDraft(
                    account: pledge.receivable(in: fund).rawValue, asset: asset, amount: -outstanding.minorUnits),
            ]
        )
        return Cancelling(pledgeID: pledge.id, reason: reason, cancelledAt: now, transaction: transaction)
    }
}
