public import LedgerCore

/// The closing of the books up to a day: from then on nothing dated on or before
/// `through` may be recorded (`Rejection.periodClosed`), so the period's figures can no
/// longer change. Corrections are reversals dated in the open period.
///
/// The closing names the log it seals: `sealedTreeSize` entries whose root is
/// `sealedRootHash`, the log exactly as it stood before the closing's own entry. The
/// period's reports are those computed at that tree size as of `through`; the log only
/// grows, so they stay the same forever and anyone can recompute them.
public struct PeriodClosing: Hashable, Sendable {
    public let id: PeriodClosingID
    /// The last day of the closed period.
    public let through: LocalDate
    /// The tree size the closing seals (the entries before it).
    public let sealedTreeSize: Int64
    /// Standard base64 of that tree's RFC 6962 root hash.
    public let sealedRootHash: String
    public let closedAt: Timestamp

    public init(
        id: PeriodClosingID, through: LocalDate, sealedTreeSize: Int64, sealedRootHash: String, closedAt: Timestamp
    ) {
        self.id = id
        self.through = through
        self.sealedTreeSize = sealedTreeSize
        self.sealedRootHash = sealedRootHash
        self.closedAt = closedAt
    }

    /// Refuses a closing that would not close anything new or would close a day not yet
    /// over: `through` must come after the latest closing's day and before today (UTC).
    public static func check(
        through text: String, latest: LocalDate?, at now: Timestamp
    ) throws(Rejection) -> LocalDate {
        guard let through = LocalDate(text) else {
            throw .invalidFields([FieldProblem(field: "through", detail: "must be a date YYYY-MM-DD")])
        }
        if let latest, through <= latest {
            throw .invalidFields([
                FieldProblem(
                    field: "through", detail: "must come after \(latest), the day the books are closed through")
            ])
        }
        guard through < now.date else {
            throw .invalidFields([
                FieldProblem(field: "through", detail: "must be a day that is over: before \(now.date) (UTC)")
            ])
        }
        return through
    }

    /// Refuses to record anything dated `date` when the books are closed through `closedThrough`.
    public static func refuse(_ date: LocalDate, closedThrough: LocalDate?) throws(Rejection) {
        if let closedThrough, date <= closedThrough { throw .periodClosed(through: closedThrough, date: date) }
    }
}

public struct PeriodClosingID: PrefixedIdentifier {
    public static let prefix = "per_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }
}
