/// The reports the ledger produces, by the name the API and the CLI use.
public enum ReportName: String, CaseIterable, Hashable, Sendable {
    case trialBalance = "trial-balance"
    case financialPosition = "financial-position"
    case incomeExpenditure = "income-expenditure"
    case memberStatements = "member-statements"
    case pledgeFulfilment = "pledge-fulfilment"
    case reciprocity

    /// The title people read.
    public var title: String {
        switch self {
        case .trialBalance: "Trial balance"
        case .financialPosition: "Statement of financial position"
        case .incomeExpenditure: "Statement of income and expenditure"
        case .memberStatements: "Member statements"
        case .pledgeFulfilment: "Pledge fulfilment"
        case .reciprocity: "Reciprocity"
        }
    }
}
