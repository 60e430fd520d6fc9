public import LedgerCore

/// A recurring pledge's schedule: every month, quarter or year from `start`, for `count`
/// instalments or until `end`. It yields the pledge's instalments (their due dates, and
/// the pledged amount split evenly over them), so status and overdue ageing follow from
/// them as for any split pledge; the log keeps the schedule beside them.
///
/// Due dates keep the start's day of the month, falling back to the month's last day when
/// it has fewer days (31 January → 28 or 29 February → 31 March).
public struct PledgeSchedule: Hashable, Sendable {
    public enum Frequency: String, CaseIterable, Hashable, Sendable {
        case month, quarter, year

        /// Months between two due dates.
        var months: Int {
            switch self {
            case .month: 1
            case .quarter: 3
            case .year: 12
            }
        }
    }

    public let every: Frequency
    /// The first instalment's due date.
    public let start: LocalDate
    /// How many instalments, when the schedule gives a count.
    public let count: Int?
    /// The last day an instalment may fall due, when the schedule gives an end.
    public let end: LocalDate?

    /// A schedule of exactly one of `count` and `end`, yielding 1 to `instalmentsMax` dates.
    public init?(every: Frequency, start: LocalDate, count: Int?, end: LocalDate?) {
        guard (count == nil) != (end == nil) else { return nil }
        if let count, !(1...PledgeDraft.instalmentsMax).contains(count) { return nil }
        if let end, end < start { return nil }
        self.every = every
        self.start = start
        self.count = count
        self.end = end
        let dates = dueDates
        guard !dates.isEmpty, dates.count <= PledgeDraft.instalmentsMax, count.map({ $0 == dates.count }) ?? true
        else { return nil }
    }

    /// The due dates, in order (stops past `instalmentsMax` + 1 so an end too far away is
    /// seen as too many).
    public var dueDates: [LocalDate] {
        var dates: [LocalDate] = []
        let limit = count ?? PledgeDraft.instalmentsMax + 1
        while dates.count < limit {
            guard let date = Self.adding(months: dates.count * every.months, to: start) else { break }
            if let end, date > end { break }
            dates.append(date)
        }
        return dates
    }

    /// The instalments of `amount` on these dates: the amount split evenly, the remainder
    /// one minor unit each to the earliest instalments. `nil` when there are more
    /// instalments than minor units.
    public func instalments(of amount: Amount) -> [Pledge.Instalment]? {
        let dates = dueDates
        let total = amount.minorUnits
        guard total >= Int64(dates.count) else { return nil }
        let (share, remainder) = total.quotientAndRemainder(dividingBy: Int64(dates.count))
        return dates.enumerated().compactMap { index, date in
            Amount(minorUnits: share + (Int64(index) < remainder ? 1 : 0)).map {
                Pledge.Instalment(dueDate: date, amount: $0)
            }
        }
    }

    /// `date` moved `months` later, on the same day of the month or the month's last day.
    static func adding(months: Int, to date: LocalDate) -> LocalDate? {
        let index = date.year * 12 + (date.month - 1) + months
        let year = index / 12, month = index % 12 + 1
        guard year <= 9999 else { return nil }
        for day in stride(from: date.day, through: min(date.day, 28), by: -1) {
            if let moved = LocalDate(year: year, month: month, day: day) { return moved }
        }
        return nil
    }

    /// The schedule as the log records it: `every`, `start`, and `count` or `end`.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["every": .string(every.rawValue), "start": .string(start.description)]
        if let count { members["count"] = .integer(Int64(count)) }
        if let end { members["end"] = .string(end.description) }
        return .object(members)
    }

    /// Reads `json` back; `nil` unless it is exactly a schedule's form.
    public init?(json: JSONValue) {
        guard case .object(let members) = json, case .string(let every)? = members["every"],
            let frequency = Frequency(rawValue: every), case .string(let start)? = members["start"],
            let first = LocalDate(start), Set(members.keys).isSubset(of: ["every", "start", "count", "end"])
        else { return nil }
        var count: Int?
        if let value = members["count"] {
            guard case .integer(let number) = value, let exact = Int(exactly: number) else { return nil }
            count = exact
        }
        var end: LocalDate?
        if let value = members["end"] {
            guard case .string(let text) = value, let day = LocalDate(text) else { return nil }
            end = day
        }
        self.init(every: frequency, start: first, count: count, end: end)
    }
}
