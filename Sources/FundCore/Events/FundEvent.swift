public import LedgerCore

/// A step of the fund's domain as the audit log records it: one case per fund kind of
/// `LogEntryKind`, each carrying its typed record.
///
/// `details` is the one encoder of a step's details and `init(_:)` the one decoder: the
/// steps in `Steps/` build their log entries through it, and `verify`, the report book and
/// the export read entries back through it. The bytes are the log's format, unchanged
/// since the first release (a test re-encodes every entry of checked-in databases), so a
/// record only ever gains members, never renames them.
public enum FundEvent: Hashable, Sendable {
    case memberRegistered(MemberRegistration)
    case memberPrivateDataErased(Erasure<MemberID>)
    case fundCreated(Fund)
    case pledgeMade(Pledge)
    case pledgeCancelled(PledgeCancellation)
    case contributionReceived(Contribution)
    case disbursementRequested(DisbursementRequest)
    /// Approve, reject, pay or cancel (the entry kind follows the step's kind).
    case disbursementStep(LoggedStep<DisbursementID, DisbursementStep.Kind>)
    case disbursementBeneficiaryErased(Erasure<DisbursementID>)
    case conversionRecorded(Conversion)
    case exchangeRateRecorded(ExchangeRate)
    case cashAdjustmentRequested(CashAdjustmentRequest)
    /// Approve or reject (the entry kind follows the step's kind).
    case cashAdjustmentStep(LoggedStep<CashAdjustmentID, CashAdjustmentStep.Kind>)
    /// A grant's hold ended at its expiry (`HoldExpiry`).
    case disbursementHoldExpired(HoldExpiry)
    /// The books closed through a day (`PeriodClosing`).
    case periodClosed(PeriodClosing)

    /// The entry kind.
    public var kind: LogEntryKind {
        switch self {
        case .memberRegistered: .memberRegistered
        case .memberPrivateDataErased: .memberPrivateDataErased
        case .fundCreated: .fundCreated
        case .pledgeMade: .pledgeMade
        case .pledgeCancelled: .pledgeCancelled
        case .contributionReceived: .contributionReceived
        case .disbursementRequested: .disbursementRequested
        case .disbursementStep(let step): Self.entryKind(of: step.kind)
        case .disbursementBeneficiaryErased: .disbursementBeneficiaryErased
        case .conversionRecorded: .conversionRecorded
        case .exchangeRateRecorded: .exchangeRateRecorded
        case .cashAdjustmentRequested: .cashAdjustmentRequested
        case .cashAdjustmentStep(let step): Self.entryKind(of: step.kind)
        case .disbursementHoldExpired: .disbursementHoldExpired
        case .periodClosed: .periodClosed
        }
    }

    /// The id the entry is found by: the object's id, or for a later step on it the id
    /// with a suffix, so every entry's subject is unique.
    public var subject: String {
        switch self {
        case .memberRegistered(let member): member.id.rawValue
        case .memberPrivateDataErased(let erasure): "\(erasure.id.rawValue)#erased"
        case .fundCreated(let fund): fund.id.rawValue
        case .pledgeMade(let pledge): pledge.id.rawValue
        case .pledgeCancelled(let cancellation): "\(cancellation.pledgeID.rawValue)#cancelled"
        case .contributionReceived(let contribution): contribution.id.rawValue
        case .disbursementRequested(let request): request.id.rawValue
        case .disbursementStep(let step): "\(step.id.rawValue)#\(step.position)"
        case .disbursementBeneficiaryErased(let erasure): "\(erasure.id.rawValue)#beneficiary_erased"
        case .conversionRecorded(let conversion): conversion.id
        case .exchangeRateRecorded(let rate): rate.key
        case .cashAdjustmentRequested(let request): request.id.rawValue
        case .cashAdjustmentStep(let step): "\(step.id.rawValue)#\(step.position)"
        case .disbursementHoldExpired(let expiry): "\(expiry.id.rawValue)#hold_expired"
        case .periodClosed(let closing): closing.id.rawValue
        }
    }

    /// The log entry's action: this event's details with the accounts the step opened
    /// (in order, before its transaction) and the transaction it recorded, if money moved.
    public func action(accountsOpened: [Account] = [], transaction: LedgerTransaction? = nil) -> FundAction {
        FundAction(
            kind: kind, subject: subject, details: details, accountsOpened: accountsOpened, transaction: transaction
        )
    }

    /// Reads the event a log entry's action records; throws unless its details have the
    /// form `details` writes for its kind.
    public init(_ action: FundAction) throws(LogEntryError) {
        try self.init(kind: action.kind, details: action.details)
    }

    /// The entry kind of a disbursement step.
    public static func entryKind(of step: DisbursementStep.Kind) -> LogEntryKind {
        switch step {
        case .approve: .disbursementApproved
        case .reject: .disbursementRejected
        case .pay: .disbursementPaid
        case .cancel: .disbursementCancelled
        }
    }

    /// The entry kind of a cash-adjustment step.
    public static func entryKind(of step: CashAdjustmentStep.Kind) -> LogEntryKind {
        switch step {
        case .approve: .cashAdjustmentApproved
        case .reject: .cashAdjustmentRejected
        }
    }
}
