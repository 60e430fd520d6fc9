/// Debit and credit totals per asset over a set of account balances.
///
/// In a sound ledger the totals are equal for every asset; a difference means the
/// stored balances no longer match the postings, and `isBalanced` says so.
public struct TrialBalance: Hashable, Sendable {
    /// One account's balance in one asset.
    public struct Line: Hashable, Sendable {
        public let accountID: AccountID
        public let accountCode: AccountCode
        public let accountType: AccountType
        public let balance: Amount

        public init(accountID: AccountID, accountCode: AccountCode, accountType: AccountType, balance: Amount) {
            self.accountID = accountID
            self.accountCode = accountCode
            self.accountType = accountType
            self.balance = balance
        }
    }

    /// Every non-zero balance of one asset with its totals.
    public struct AssetSection: Hashable, Sendable {
        public let asset: AssetCode
        public let lines: [Line]
        /// Sum of positive (debit) balances. Int64 with checked sums: totals may exceed
        /// the per-amount bound when many accounts hold large balances.
        public let debitTotal: Int64
        /// Sum of the magnitudes of negative (credit) balances.
        public let creditTotal: Int64

        public var isBalanced: Bool { debitTotal == creditTotal }
    }

    /// The date the balances stand at, or `nil` for the current balances.
    public let asOf: LocalDate?
    public let sections: [AssetSection]

    /// Totals the given balances, grouped by asset and sorted by asset then account code.
    /// Throws `totalOverflow` when a total would overflow Int64 (unreachable below 2^10
    /// accounts at the maximum balance; reported, never wrapped).
    public init(asOf: LocalDate?, balances: [(asset: AssetCode, line: Line)]) throws(Rejection) {
        var grouped: [AssetCode: [Line]] = [:]
        for entry in balances where !entry.line.balance.isZero {
            grouped[entry.asset, default: []].append(entry.line)
        }
        var sections: [AssetSection] = []
        for (asset, lines) in grouped.sorted(by: { $0.key < $1.key }) {
            var debit: Int64 = 0
            var credit: Int64 = 0
            for line in lines {
                let value = line.balance.minorUnits
                if value > 0 {
                    let (sum, overflow) = debit.addingReportingOverflow(value)
                    guard !overflow else { throw .totalOverflow(asset: asset) }
                    debit = sum
                } else {
                    let (sum, overflow) = credit.addingReportingOverflow(-value)
                    guard !overflow else { throw .totalOverflow(asset: asset) }
                    credit = sum
                }
            }
            sections.append(AssetSection(
                asset: asset, lines: lines.sorted { $0.accountCode < $1.accountCode },
                debitTotal: debit, creditTotal: credit
            ))
        }
        self.asOf = asOf
        self.sections = sections
    }

    /// Whether every asset's debits equal its credits.
    public var isBalanced: Bool { sections.allSatisfy(\.isBalanced) }
}
