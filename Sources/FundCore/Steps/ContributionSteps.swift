public import LedgerCore

extension PledgeSteps {
    /// A pledge as a contribution reads it: the pledge and its status as of today.
    public typealias PledgeState = (pledge: Pledge, status: PledgeStatus)

    /// What recording a contribution records: the contribution, the member's income
    /// account (opened if missing), the transaction, and the part that paid the pledge.
    public struct Contributing: Sendable {
        public let contribution: Contribution
        public let income: FundAccountPlan
        public let transaction: TransactionDraft
        /// Minor units that reduced the pledge's receivable; 0 without a pledge.
        public let appliedToPledge: Int64

        /// The `contribution.received` log entry's action.
        public func action(accountsOpened: [Account], transaction: LedgerTransaction) -> FundAction {
            FundEvent.contributionReceived(contribution).action(
                accountsOpened: accountsOpened, transaction: transaction)
        }
    }

    /// Records money received: cash in; against a pledge it reduces that pledge's
    /// receivable, any excess only with `splitExcess` (as unpledged income, else
    /// `overpayment`); without a pledge it is contribution income directly.
    ///
    /// `pledgeReference` is the pledge id as requested and `pledge` what it names, `nil`
    /// when it names none; the pledge must be the member's, in the fund and asset, and no
    /// later than the money.
    public static func contribute(
        _ checked: CheckedContribution, pledgeReference: String?, pledge: PledgeState?, splitExcess: Bool,
        member: Member, fund: Fund, identifiers: any IdentifierSource, at now: Timestamp
    ) throws(Rejection) -> Contributing {
        guard fund.assets.contains(checked.asset) else {
            throw .assetNotInFund(fund: fund.code, asset: checked.asset)
        }
        if let pledgeReference {
            guard let pledge else { throw .unknownReference(field: "pledge_id", reference: pledgeReference) }
            try checkMatches(pledge.pledge, checked, member: member, fund: fund)
        }
        let contribution = Contribution(
            id: ContributionID(bytes: identifiers.nextIdentifierBytes()), memberID: member.id, fundID: fund.id,
            asset: checked.asset, amount: checked.amount, date: checked.date, pledgeID: pledge?.pledge.id,
            createdAt: now
        )
        let income = FundAccountPlan.contributions(of: member.id, in: fund)
        let (credits, applied) = try contributionCredits(
            checked.amount, of: checked.asset, pledge: pledge, splitExcess: splitExcess, income: income.code, fund: fund
        )
        let asset = checked.asset.rawValue
        let cash = PostingDraft(
            account: fund.chart.cash(checked.asset).rawValue, asset: asset, amount: checked.amount.minorUnits
        )
        let transaction = TransactionDraft(
            date: checked.date.description, description: "Contribution \(contribution.id) from \(member.publicName)",
            metadata: .object([
                "contribution_id": .string(contribution.id.rawValue),
                "pledge_id": contribution.pledgeID.map { .string($0.rawValue) } ?? .null,
            ]),
            postings: [cash] + credits
        )
        return Contributing(
            contribution: contribution, income: income, transaction: transaction, appliedToPledge: applied)
    }

    /// Refuses a contribution whose member, fund, asset or date does not fit its pledge.
    static func checkMatches(
        _ pledge: Pledge, _ checked: CheckedContribution, member: Member, fund: Fund
    ) throws(Rejection) {
        guard pledge.memberID == member.id else {
            throw .pledgeMismatch(field: "member_id", detail: "differs from the pledge's")
        }
        guard pledge.fundID == fund.id else {
            throw .pledgeMismatch(field: "fund_id", detail: "differs from the pledge's")
        }
        guard pledge.asset == checked.asset else {
            throw .pledgeMismatch(field: "asset", detail: "differs from the pledge's")
        }
        guard checked.date >= pledge.date else {
            throw .pledgeMismatch(field: "date", detail: "is earlier than the pledge's date \(pledge.date)")
        }
    }

    /// The credit postings of a contribution of `amount`, and the part applied to the
    /// pledge: the pledge's receivable up to what is outstanding, then income for the
    /// excess (refused as `overpayment` without `splitExcess`).
    static func contributionCredits(
        _ amount: Amount, of asset: AssetCode, pledge: PledgeState?, splitExcess: Bool, income: AccountCode, fund: Fund
    ) throws(Rejection) -> (postings: [PostingDraft], applied: Int64) {
        guard let pledge else {
            return ([PostingDraft(account: income.rawValue, asset: asset.rawValue, amount: -amount.minorUnits)], 0)
        }
        let outstanding = max(0, pledge.status.outstanding)
        let toPledge = min(amount.minorUnits, outstanding)
        let excess = amount.minorUnits - toPledge
        if excess > 0 && !splitExcess { throw .overpayment(outstanding: outstanding) }
        var postings: [PostingDraft] = []
        if toPledge > 0 {
            postings.append(
                PostingDraft(
                    account: pledge.pledge.receivable(in: fund).rawValue, asset: asset.rawValue, amount: -toPledge
                ))
        }
        if excess > 0 {
            postings.append(PostingDraft(account: income.rawValue, asset: asset.rawValue, amount: -excess))
        }
        return (postings, toPledge)
    }
}
