public import LedgerCore

/// A member's promise to give an amount of an asset to a fund by a date.
///
/// Its state is never kept as a counter: the pledge's own receivable account holds what
/// is outstanding, and what was paid or written off is summed from the transactions
/// that moved it (see `PledgeStatus`).
public struct Pledge: Hashable, Sendable {
    public let id: PledgeID
    public let memberID: MemberID
    public let fundID: FundID
    public let asset: AssetCode
    public let amount: Amount
    /// The date the pledge was made: the effective date of its transaction. Payments
    /// against it cannot be dated earlier.
    public let date: LocalDate
    /// The date the whole amount is due (the last instalment's date).
    public let dueDate: LocalDate
    /// The instalments, in date order; one instalment of the whole amount when not split.
    public let instalments: [Instalment]
    /// The schedule that yielded the instalments, for a recurring pledge.
    public let schedule: PledgeSchedule?
    public let createdAt: Timestamp

    public init(
        id: PledgeID, memberID: MemberID, fundID: FundID, asset: AssetCode, amount: Amount, date: LocalDate,
        instalments: [Instalment], schedule: PledgeSchedule? = nil, createdAt: Timestamp
    ) {
        precondition(!instalments.isEmpty, "a pledge has at least one instalment")
        self.schedule = schedule
        self.id = id
        self.date = date
        self.memberID = memberID
        self.fundID = fundID
        self.asset = asset
        self.amount = amount
        self.instalments = instalments
        dueDate = instalments[instalments.count - 1].dueDate
        self.createdAt = createdAt
    }

    /// One part of a pledge and the date it falls due.
    public struct Instalment: Hashable, Sendable {
        public let dueDate: LocalDate
        public let amount: Amount

        public init(dueDate: LocalDate, amount: Amount) {
            self.dueDate = dueDate
            self.amount = amount
        }
    }

    /// The next instalment not yet covered by what was paid and written off (taken in
    /// date order), and what is left of it; `nil` once nothing is outstanding.
    public static func nextDue(
        _ instalments: [(dueDate: LocalDate, amount: Int64)], covered: Int64
    ) -> (dueDate: LocalDate, amount: Int64)? {
        var cumulative: Int64 = 0
        for instalment in instalments {
            cumulative += instalment.amount
            if cumulative > covered { return (instalment.dueDate, min(instalment.amount, cumulative - covered)) }
        }
        return nil
    }

    /// The amount that should have been paid by the end of `date`.
    public func dueBy(_ date: LocalDate) -> Int64 {
        instalments.filter { $0.dueDate <= date }.reduce(0) { $0 + $1.amount.minorUnits }
    }

    /// The pledge's receivable account: `assets:<fund>:pledges:<member>:<pledge>`.
    public func receivable(in fund: Fund) -> AccountCode {
        guard let code = AccountCode("\(fund.chart.pledges(memberID).rawValue):\(id.rawValue)") else {
            preconditionFailure("fund, member and pledge ids make a valid account code")
        }
        return code
    }

}

/// Identifies a pledge, `plg_` + 32 hex digits.
public struct PledgeID: PrefixedIdentifier {
    public static let prefix = "plg_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }
}

/// Where a pledge stands, computed from the ledger on the day asked.
public struct PledgeStatus: Hashable, Sendable {
    public enum State: String, Sendable, CaseIterable {
        case open
        case partlyPaid = "partly_paid"
        case paid
        case overdue
        case cancelled
    }

    public let state: State
    public let paid: Int64
    public let writtenOff: Int64
    public let outstanding: Int64

    /// The status of `pledge` given what was paid and written off, as of `today`.
    public init(pledge: Pledge, paid: Int64, writtenOff: Int64, today: LocalDate) {
        self.paid = paid
        self.writtenOff = writtenOff
        outstanding = pledge.amount.minorUnits - paid - writtenOff
        if outstanding <= 0 {
            state = writtenOff > 0 ? .cancelled : .paid
        } else if pledge.dueBy(today) > paid + writtenOff {
            state = .overdue
        } else {
            state = paid > 0 ? .partlyPaid : .open
        }
    }
}

/// A request to record a pledge, as received at the edge.
public struct PledgeDraft: Sendable, Equatable {
    public var memberID: String
    public var fundID: String
    public var asset: String
    public var amount: Int64
    /// The last instalment's date; may be left out with a schedule (which yields it).
    public var dueDate: String?
    /// The date the pledge was made; today when absent.
    public var date: String?
    /// Optional split: (due date, amount) pairs that must sum to `amount`.
    public var instalments: [(dueDate: String, amount: Int64)]?
    /// Optional recurrence instead of a split: every month, quarter or year from `start`,
    /// `count` times or until `end`; `amount` is split evenly over the instalments.
    public var schedule: (every: String, start: String, count: Int64?, end: String?)?

    public init(
        memberID: String, fundID: String, asset: String, amount: Int64, dueDate: String?, date: String? = nil,
        instalments: [(dueDate: String, amount: Int64)]? = nil,
        schedule: (every: String, start: String, count: Int64?, end: String?)? = nil
    ) {
        self.schedule = schedule
        self.date = date
        self.memberID = memberID
        self.fundID = fundID
        self.asset = asset
        self.amount = amount
        self.dueDate = dueDate
        self.instalments = instalments
    }

    public static func == (lhs: PledgeDraft, rhs: PledgeDraft) -> Bool {
        lhs.memberID == rhs.memberID && lhs.fundID == rhs.fundID && lhs.asset == rhs.asset && lhs.amount == rhs.amount
            && lhs.date == rhs.date
            && lhs.dueDate == rhs.dueDate && lhs.instalments?.map(\.dueDate) == rhs.instalments?.map(\.dueDate)
            && lhs.instalments?.map(\.amount) == rhs.instalments?.map(\.amount)
            && lhs.schedule?.every == rhs.schedule?.every && lhs.schedule?.start == rhs.schedule?.start
            && lhs.schedule?.count == rhs.schedule?.count && lhs.schedule?.end == rhs.schedule?.end
    }

    /// Most instalments one pledge may have.
    public static let instalmentsMax = 120

    /// The checked fields: asset, amount, instalments (the store resolves member and fund).
    public func checked() throws(Rejection) -> PledgeSteps.CheckedPledge {
        var problems: [FieldProblem] = []
        let asset = AssetCode(self.asset)
        if asset == nil { problems.append(.init(field: "asset", detail: "must match [A-Z0-9_]{2,16}")) }
        let amount = Amount(minorUnits: self.amount)
        if amount == nil || self.amount <= 0 {
            problems.append(.init(field: "amount", detail: "must be a positive number of minor units"))
        }
        if schedule != nil {
            return try checkedSchedule(asset: asset, amount: amount, problems: problems)
        }
        let due = dueDate.flatMap(LocalDate.init)
        if due == nil { problems.append(.init(field: "due_date", detail: "must be a calendar date YYYY-MM-DD")) }
        let pledged = date.flatMap(LocalDate.init)
        if date != nil && pledged == nil {
            problems.append(.init(field: "date", detail: "must be a calendar date YYYY-MM-DD"))
        }
        if let pledged, let due, due < pledged {
            problems.append(.init(field: "due_date", detail: "must not precede the pledge's date"))
        }
        var instalments: [Pledge.Instalment] = []
        if let split = self.instalments {
            if split.isEmpty || split.count > Self.instalmentsMax {
                problems.append(
                    .init(field: "instalments", detail: "must hold between 1 and \(Self.instalmentsMax) instalments"))
            }
            var total: Int64 = 0
            for (index, part) in split.enumerated() {
                guard let date = LocalDate(part.dueDate), let value = Amount(minorUnits: part.amount), part.amount > 0
                else {
                    problems.append(
                        .init(field: "instalments[\(index)]", detail: "needs a calendar date and a positive amount"))
                    continue
                }
                if let last = instalments.last, date <= last.dueDate {
                    problems.append(
                        .init(
                            field: "instalments[\(index)].due_date", detail: "must come after the previous instalment"))
                }
                total = total &+ part.amount
                instalments.append(Pledge.Instalment(dueDate: date, amount: value))
            }
            if problems.isEmpty, total != self.amount {
                problems.append(.init(field: "instalments", detail: "must sum to the pledged amount"))
            }
            if problems.isEmpty, let due, instalments.last?.dueDate != due {
                problems.append(.init(field: "due_date", detail: "must be the last instalment's date"))
            }
            if problems.isEmpty, let pledged, let first = instalments.first, first.dueDate < pledged {
                problems.append(.init(field: "instalments[0].due_date", detail: "must not precede the pledge's date"))
            }
        }
        guard problems.isEmpty, let asset, let amount, let due else { throw .invalidFields(problems) }
        if instalments.isEmpty { instalments = [Pledge.Instalment(dueDate: due, amount: amount)] }
        return (asset, amount, pledged, instalments, nil)
    }

    /// The checked fields of a recurring pledge: the schedule's instalments, no explicit
    /// split, a `due_date` (if given) equal to the last instalment's, and a first due date
    /// not before the pledge's date.
    func checkedSchedule(
        asset: AssetCode?, amount: Amount?, problems: [FieldProblem]
    ) throws(Rejection) -> PledgeSteps.CheckedPledge {
        var problems = problems
        guard let schedule else { preconditionFailure("called with a schedule") }
        if instalments != nil {
            problems.append(.init(field: "instalments", detail: "cannot be given with a schedule, which yields them"))
        }
        let pledged = date.flatMap(LocalDate.init)
        if date != nil && pledged == nil {
            problems.append(.init(field: "date", detail: "must be a calendar date YYYY-MM-DD"))
        }
        let frequency = PledgeSchedule.Frequency(rawValue: schedule.every)
        if frequency == nil {
            problems.append(.init(field: "schedule.every", detail: "must be month, quarter or year"))
        }
        let start = LocalDate(schedule.start)
        if start == nil {
            problems.append(.init(field: "schedule.start", detail: "must be a calendar date YYYY-MM-DD"))
        }
        let end = schedule.end.flatMap(LocalDate.init)
        if schedule.end != nil && end == nil {
            problems.append(.init(field: "schedule.end", detail: "must be a calendar date YYYY-MM-DD"))
        }
        let count = schedule.count.flatMap { Int(exactly: $0) }
        var recurrence: PledgeSchedule?
        if let frequency, let start, schedule.end == nil || end != nil {
            recurrence = PledgeSchedule(every: frequency, start: start, count: count, end: end)
            if recurrence == nil {
                problems.append(.init(field: "schedule", detail: "needs exactly one of count and end, yielding 1 to "
                    + "\(Self.instalmentsMax) instalments (an end not before the start)"))
            }
        }
        if let pledged, let start, start < pledged {
            problems.append(.init(field: "schedule.start", detail: "must not precede the pledge's date"))
        }
        let instalments = recurrence.flatMap { schedule in amount.flatMap { schedule.instalments(of: $0) } }
        if recurrence != nil, amount != nil, instalments == nil {
            problems.append(.init(field: "amount", detail: "must be at least one minor unit per instalment"))
        }
        if let dueDate, let last = instalments?.last, LocalDate(dueDate) != last.dueDate {
            problems.append(.init(field: "due_date", detail: "must be the schedule's last due date, \(last.dueDate)"))
        }
        guard problems.isEmpty, let asset, let amount, let instalments, let recurrence else {
            throw .invalidFields(problems)
        }
        return (asset, amount, pledged, instalments, recurrence)
    }
}
