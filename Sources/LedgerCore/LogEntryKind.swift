/// Every kind of audit-log entry, ledger and fund: the one closed list.
///
/// The raw value is the `kind` member of the entry's canonical JSON, so it is part of the
/// log's byte format: a case is only ever added, never renamed. No other file spells a kind
/// (a tidy test scans `Sources/` for these strings): the writer, `verify`, the report book
/// and the export switch over this enum, so adding a kind is a compile error everywhere it
/// must be handled.
public enum LogEntryKind: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    // The ledger's own entries (LedgerCore encodes and decodes their payloads).
    case assetRegistered = "asset.registered"
    case accountOpened = "account.opened"
    case accountClosed = "account.closed"
    case transactionRecorded = "transaction.recorded"
    case transactionReversed = "transaction.reversed"
    case keyCreated = "key.created"
    case keyRevoked = "key.revoked"
    case logKeyRotated = "log_key.rotated"

    // The fund's steps (FundCore's `FundEvent` encodes and decodes their details).
    case memberRegistered = "member.registered"
    case memberPrivateDataErased = "member.private_data_erased"
    case fundCreated = "fund.created"
    case pledgeMade = "pledge.made"
    case pledgeCancelled = "pledge.cancelled"
    case contributionReceived = "contribution.received"
    case disbursementRequested = "disbursement.requested"
    case disbursementApproved = "disbursement.approved"
    case disbursementRejected = "disbursement.rejected"
    case disbursementPaid = "disbursement.paid"
    case disbursementCancelled = "disbursement.cancelled"
    case disbursementBeneficiaryErased = "disbursement.beneficiary_erased"
    case conversionRecorded = "conversion.recorded"
    case exchangeRateRecorded = "fx_rate.recorded"
    case cashAdjustmentRequested = "cash_adjustment.requested"
    case cashAdjustmentApproved = "cash_adjustment.approved"
    case cashAdjustmentRejected = "cash_adjustment.rejected"
    case periodClosed = "period.closed"
    case disbursementHoldExpired = "disbursement.hold_expired"

    /// Whether entries of this kind are fund steps (`LedgerEvent.fundAction`), whose payload
    /// wraps the step's details with the accounts it opened and its transaction.
    public var isFundStep: Bool {
        switch self {
        case .assetRegistered, .accountOpened, .accountClosed, .transactionRecorded, .transactionReversed,
            .keyCreated, .keyRevoked, .logKeyRotated:
            false
        case .memberRegistered, .memberPrivateDataErased, .fundCreated, .pledgeMade, .pledgeCancelled,
            .contributionReceived, .disbursementRequested, .disbursementApproved, .disbursementRejected,
            .disbursementPaid, .disbursementCancelled, .disbursementBeneficiaryErased, .conversionRecorded,
            .exchangeRateRecorded, .cashAdjustmentRequested, .cashAdjustmentApproved, .cashAdjustmentRejected,
            .periodClosed, .disbursementHoldExpired:
            true
        }
    }

    /// The kind as the log spells it.
    public var description: String { rawValue }
}
