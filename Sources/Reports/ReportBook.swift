public import FundCore
public import LedgerCore

/// The facts every report is computed from, gathered by replaying log entries in order.
///
/// Nothing here reads the ledger tables: the log entries alone (their payloads) are the
/// source, so `verify-report` can recompute a report from the entries up to a signed
/// checkpoint. Facts dated after `asOf` are left out as they arrive; everything else is
/// kept per fund, member and asset so one pass serves all six reports.
public struct ReportBook: Sendable {
    /// Only facts dated on or before this day count.
    public let asOf: LocalDate?
    /// The first day of the income and expenditure period.
    public let from: LocalDate?

    public private(set) var assetScales: [AssetCode: Int] = [:]
    public private(set) var accounts: [AccountID: AccountFacts] = [:]
    public private(set) var funds: [FundID: FundFacts] = [:]
    public private(set) var members: [MemberID: MemberFacts] = [:]
    /// Balances from every posting dated on or before `asOf`.
    public private(set) var balances: [BalanceKey: Int64] = [:]
    /// Movements from postings dated within `from ... asOf`.
    public private(set) var periodMovements: [BalanceKey: Int64] = [:]
    public private(set) var pledges: [PledgeID: PledgeFacts] = [:]
    /// What each member gave to each fund, per asset (pledged or not), dated by `asOf`.
    public private(set) var contributions: [ContributionKey: Int64] = [:]
    public private(set) var disbursements: [DisbursementID: DisbursementFacts] = [:]
    /// Recorded exchange rates per (base, quote), each list in date order.
    public private(set) var rates: [RatePair: [RecordedRate]] = [:]
    /// The day of the latest entry: the date the report speaks for when `asOf` is absent.
    public private(set) var lastRecordedDate: LocalDate?
    /// Entries consumed.
    public private(set) var entryCount: Int64 = 0

    private var pledgeByReceivable: [AccountID: PledgeID] = [:]
    private var fundByCode: [String: FundID] = [:]

    public init(asOf: LocalDate?, from: LocalDate?) {
        self.asOf = asOf
        self.from = from
    }

    /// Adds one entry; entries must come in log order.
    public mutating func apply(_ entry: LogEntry) throws(ReportError) {
        // A stored entry stating another index is a damaged log: an error, never a trap.
        guard entry.index == entryCount else { throw .malformed("entry \(entryCount) states index \(entry.index)") }
        entryCount += 1
        lastRecordedDate = max(lastRecordedDate ?? entry.recordedAt.date, entry.recordedAt.date)
        switch entry.event {
        case .assetRegistered(let asset):
            assetScales[asset.code] = asset.scale
        case .accountOpened(let account):
            open(account)
        case .transactionRecorded(let transaction):
            try post(transaction)
        case .fundAction(let action):
            for account in action.accountsOpened { open(account) }
            try applyFundAction(action)
            if let transaction = action.transaction { try post(transaction) }
        case .accountClosed, .keyCreated, .keyRevoked, .logKeyRotated:
            break
        }
    }

    /// The day the report speaks for: `asOf`, or the day of the latest entry. Overdue
    /// amounts, ageing and conversions are taken on this day.
    public var reportDate: LocalDate? { asOf ?? lastRecordedDate }

    /// Whether `date` falls on or before `asOf`.
    public func counts(_ date: LocalDate) -> Bool { asOf.map { date <= $0 } ?? true }

    /// The fund an account belongs to: the fund whose code is its second segment.
    public func fund(of account: AccountFacts) -> FundID? { account.fundCode.flatMap { fundByCode[$0] } }

    /// The fund a report parameter names, by code or id.
    public func fund(named reference: String) -> FundFacts? {
        if let id = fundByCode[reference] { return funds[id] }
        return FundID(reference).flatMap { funds[$0] }
    }

    // MARK: Ledger events

    private mutating func open(_ account: Account) {
        let segments = account.code.rawValue.split(separator: ":", maxSplits: 2)
        accounts[account.id] = AccountFacts(
            id: account.id, code: account.code, type: account.type,
            fundCode: segments.count > 1 ? String(segments[1]) : nil
        )
    }

    private mutating func post(_ transaction: LedgerTransaction) throws(ReportError) {
        guard counts(transaction.date) else { return }
        let inPeriod = from.map { transaction.date >= $0 } ?? true
        for posting in transaction.postings {
            let key = BalanceKey(accountID: posting.accountID, asset: posting.asset)
            try Sum.add(posting.amount.minorUnits, to: &balances[key, default: 0], "balance of \(posting.accountCode)")
            if inPeriod {
                try Sum.add(
                    posting.amount.minorUnits, to: &periodMovements[key, default: 0],
                    "movement of \(posting.accountCode)")
            }
        }
    }

    // MARK: Fund steps

    /// Adds a fund step's facts, read through `FundEvent` (the one decoder, checked against
    /// the writer's encoder). Steps that move money only through their transaction
    /// (conversions, cash adjustments) or not at all (erasures) add nothing here.
    private mutating func applyFundAction(_ action: FundAction) throws(ReportError) {
        let event: FundEvent
        do {
            event = try FundEvent(action)
        } catch {
            throw .malformed("\(action.kind): \(error)")
        }
        switch event {
        case .fundCreated(let fund):
            funds[fund.id] = FundFacts(id: fund.id, code: fund.code, name: fund.name)
            fundByCode[fund.code] = fund.id
        case .memberRegistered(let member):
            // Every member in the log counts, whatever `asOf`: registration is when the
            // fund learnt of a member, and back-dated pledges and gifts need their giver.
            members[member.id] = MemberFacts(
                id: member.id, kind: member.profile?.kind, country: member.profile?.country.rawValue,
                region: member.profile?.region, visibility: member.visibility, publicName: member.name
            )
        case .pledgeMade(let pledge):
            addPledge(pledge, transaction: action.transaction)
        case .pledgeCancelled(let cancellation):
            try writeOff(cancellation.pledgeID, transaction: action.transaction)
        case .contributionReceived(let contribution):
            try addContribution(contribution, transaction: action.transaction)
        case .disbursementRequested(let request):
            guard counts(request.requestedAt.date) else { return }
            disbursements[request.id] = DisbursementFacts(
                id: request.id, fundID: request.fundID, memberID: request.recipient.memberID, asset: request.asset,
                amount: request.amount.minorUnits, requestedAt: request.requestedAt
            )
        case .disbursementStep(let step):
            guard counts(step.at.date), disbursements[step.id] != nil else { return }
            switch step.kind {
            // The approval that records the grant's transaction is the final one.
            case .approve: if action.transaction != nil { disbursements[step.id]?.approvedAt = step.at }
            case .pay: disbursements[step.id]?.paidAt = step.at
            case .reject: disbursements[step.id]?.isRejected = true
            case .cancel: disbursements[step.id]?.isCancelled = true
            }
        case .exchangeRateRecorded(let rate):
            addRate(rate)
        case .memberPrivateDataErased, .disbursementBeneficiaryErased, .conversionRecorded, .cashAdjustmentRequested,
            .cashAdjustmentStep, .periodClosed, .disbursementHoldExpired:
            break
        }
    }

    private mutating func addPledge(_ pledge: Pledge, transaction: LedgerTransaction?) {
        guard counts(pledge.date) else { return }
        pledges[pledge.id] = PledgeFacts(
            id: pledge.id, memberID: pledge.memberID, fundID: pledge.fundID, asset: pledge.asset,
            amount: pledge.amount.minorUnits, date: pledge.date,
            instalments: pledge.instalments.map { Instalment(dueDate: $0.dueDate, amount: $0.amount.minorUnits) }
        )
        // The receivable is the account the pledge's own transaction debits.
        if let receivable = transaction?.postings.first(where: { $0.amount.minorUnits > 0 })?.accountID {
            pledgeByReceivable[receivable] = pledge.id
        }
    }

    /// A cancellation writes off what its transaction credits to the pledge's receivable.
    private mutating func writeOff(_ id: PledgeID, transaction: LedgerTransaction?) throws(ReportError) {
        guard let transaction, counts(transaction.date) else { return }
        for posting in transaction.postings where posting.amount.minorUnits < 0 {
            guard pledgeByReceivable[posting.accountID] == id, var pledge = pledges[id] else { continue }
            try Sum.add(-posting.amount.minorUnits, to: &pledge.writtenOff, "write-offs of \(id)")
            pledges[id] = pledge
        }
    }

    private mutating func addContribution(
        _ contribution: Contribution, transaction: LedgerTransaction?
    ) throws(ReportError) {
        guard counts(contribution.date) else { return }
        let key = ContributionKey(
            memberID: contribution.memberID, fundID: contribution.fundID, asset: contribution.asset)
        try Sum.add(contribution.amount.minorUnits, to: &contributions[key, default: 0], "contributions")
        // What paid a pledge is what left its receivable (an excess stays unpledged income).
        for posting in transaction?.postings ?? [] where posting.amount.minorUnits < 0 {
            guard let id = pledgeByReceivable[posting.accountID], var pledge = pledges[id] else { continue }
            try Sum.add(-posting.amount.minorUnits, to: &pledge.paid, "payments of \(id)")
            pledge.payments.append(Movement(date: contribution.date, amount: -posting.amount.minorUnits))
            pledges[id] = pledge
        }
    }

    /// Keeps each pair's rates in date order; a later entry for the same date replaces
    /// the earlier one.
    private mutating func addRate(_ rate: ExchangeRate) {
        let pair = RatePair(base: rate.base, quote: rate.quote)
        let recorded = RecordedRate(date: rate.date, rate: rate.rate)
        var list = rates[pair, default: []]
        list.removeAll { $0.date == recorded.date }
        let position = list.firstIndex { $0.date > recorded.date } ?? list.count
        list.insert(recorded, at: position)
        rates[pair] = list
    }
}

/// What reports need of an account.
public struct AccountFacts: Hashable, Sendable {
    public let id: AccountID
    public let code: AccountCode
    public let type: AccountType
    /// The second segment of the code, which names the fund for the fund's own accounts.
    public let fundCode: String?
}

/// What reports need of a fund.
public struct FundFacts: Hashable, Sendable {
    public let id: FundID
    public let code: String
    public let name: String
}

/// What reports need of a member, as the log states it: the name only of a public
/// member; kind, country and region of public members and of anonymous members
/// registered before those became private (public reports never show an anonymous
/// member's, whatever the entry holds).
public struct MemberFacts: Hashable, Sendable {
    public let id: MemberID
    public let kind: Member.Kind?
    public let country: String?
    public let region: String?
    public let visibility: Member.Visibility
    /// The display name of a public member; `nil` for an anonymous one.
    public let publicName: String?
}

/// A dated amount in minor units.
public struct Movement: Hashable, Sendable {
    public let date: LocalDate
    public let amount: Int64
}

/// One instalment of a pledge.
public struct Instalment: Hashable, Sendable {
    public let dueDate: LocalDate
    public let amount: Int64
}

/// A pledge with what paid it and what wrote it off, dated by `asOf`.
public struct PledgeFacts: Hashable, Sendable {
    public let id: PledgeID
    public let memberID: MemberID
    public let fundID: FundID
    public let asset: AssetCode
    public let amount: Int64
    public let date: LocalDate
    public let instalments: [Instalment]
    /// What left the receivable through contributions, in the order recorded.
    public internal(set) var payments: [Movement] = []
    public internal(set) var paid: Int64 = 0
    public internal(set) var writtenOff: Int64 = 0
    public var outstanding: Int64 { Int64(max(0, Int128(amount) - Int128(paid) - Int128(writtenOff))) }
    public var dueDate: LocalDate { instalments.last?.dueDate ?? date }

    /// What falls due on or before `date` and was not paid or written off (never below
    /// zero) — the same rule as `PledgeStatus`, which calls a pledge overdue on its due day.
    public func overdue(on date: LocalDate) -> Int64 {
        let due = instalments.filter { $0.dueDate <= date }.reduce(Int128(0)) { $0 + Int128($1.amount) }
        return Int64(min(Int128(outstanding), max(0, due - Int128(paid) - Int128(writtenOff))))
    }
}

/// Who gave what to which fund.
public struct ContributionKey: Hashable, Sendable {
    public let memberID: MemberID
    public let fundID: FundID
    public let asset: AssetCode
}

/// A grant request and the times of its steps, dated by `asOf`.
public struct DisbursementFacts: Hashable, Sendable {
    public let id: DisbursementID
    public let fundID: FundID
    /// The receiving member; `nil` for a named beneficiary outside the membership.
    public let memberID: MemberID?
    public let asset: AssetCode
    public let amount: Int64
    public let requestedAt: Timestamp
    public internal(set) var approvedAt: Timestamp?
    public internal(set) var paidAt: Timestamp?
    public internal(set) var isRejected = false
    public internal(set) var isCancelled = false
}

/// A currency pair as rates are recorded: one `base` is worth `rate` of `quote`.
public struct RatePair: Hashable, Sendable {
    public let base: AssetCode
    public let quote: AssetCode
}

/// A rate recorded for a day.
public struct RecordedRate: Hashable, Sendable {
    public let date: LocalDate
    public let rate: DecimalRate
}
