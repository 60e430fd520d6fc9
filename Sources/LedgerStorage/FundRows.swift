import Foundation
import FundCore
import LedgerCore
import LedgerSQL

/// The domain rows of one logged fund step, written from the step's event as the log
/// records it (for `LedgerRebuild`), through the same row writers the step itself uses.
/// The step's accounts and its transaction are written first, by the caller.
enum FundRows {
    /// Writes `event`'s rows; `transaction` is the one the step recorded, and `principal`
    /// the entry's (the requester of a request, the approver of a step).
    static func write(
        _ event: FundEvent, transaction: TransactionID?, by principal: Principal, in db: some SQLConnection
    ) throws {
        switch event {
        case .memberRegistered(let registration):
            try SQLiteLedgerStore.insert(registration, commitment: try bytes(registration.commitment), in: db)
        case .memberPrivateDataErased(let erasure):
            try SQLiteLedgerStore.insert(erasure, in: db)
        case .fundCreated(let fund):
            try SQLiteLedgerStore.insert(fund, in: db)
        case .pledgeMade(let pledge):
            let fund = try SQLiteLedgerStore.fund(db, reference: pledge.fundID.rawValue)
            guard let receivable = try LedgerRows.account(db, reference: .code(pledge.receivable(in: fund))) else {
                throw Rejection.notFound(resource: "account", reference: pledge.receivable(in: fund).rawValue)
            }
            try SQLiteLedgerStore.insert(
                pledge, receivable: receivable.account.id, transaction: try required(transaction), in: db
            )
        case .pledgeCancelled(let cancellation):
            try SQLiteLedgerStore.insert(cancellation, transaction: try required(transaction), in: db)
        case .contributionReceived(let contribution):
            try SQLiteLedgerStore.insert(contribution, transaction: try required(transaction), in: db)
        case .disbursementRequested(let request):
            try writeRequest(request, by: principal, in: db)
        case .disbursementStep(let step):
            try SQLiteLedgerStore.insert(
                DisbursementStep(
                    kind: step.kind, principal: principal, at: step.at, transactionID: transaction, reason: step.reason
                ),
                of: step.id, position: step.position, in: db
            )
            try SQLiteLedgerStore.recordHold(of: step, booked: step.kind == .approve && transaction != nil, in: db)
        case .disbursementHoldExpired(let expiry):
            try SQLiteLedgerStore.releaseHold(of: expiry.id, reason: "expired", at: expiry.expiredAt, in: db)
        case .disbursementBeneficiaryErased(let erasure):
            try SQLiteLedgerStore.insert(erasure, in: db)
        case .periodClosed(let closing):
            try SQLiteLedgerStore.insert(closing, by: principal, in: db)
        default:
            try writeMoneyStep(event, transaction: transaction, by: principal, in: db)
        }
    }

    /// Conversions, rates and cash adjustments.
    private static func writeMoneyStep(
        _ event: FundEvent, transaction: TransactionID?, by principal: Principal, in db: some SQLConnection
    ) throws {
        switch event {
        case .conversionRecorded(let conversion):
            try SQLiteLedgerStore.insert(conversion, transaction: try required(transaction), in: db)
        case .exchangeRateRecorded(let rate):
            try SQLiteLedgerStore.insert(rate, in: db)
        case .cashAdjustmentRequested(let request):
            guard let counter = try LedgerRows.account(db, reference: .code(request.counterAccount))?.account else {
                throw Rejection.notFound(resource: "account", reference: request.counterAccount.rawValue)
            }
            let adjustment = CashAdjustment(
                id: request.id, fundID: request.fundID, asset: request.asset, amount: request.amount,
                counterAccount: request.counterAccount, date: request.date, reason: request.reason,
                needsApproval: request.needsApproval, requestedBy: principal, requestedAt: request.requestedAt
            )
            try SQLiteLedgerStore.insert(adjustment, counter: counter, transaction: transaction, in: db)
        case .cashAdjustmentStep(let step):
            try SQLiteLedgerStore.insert(
                CashAdjustmentStep(
                    kind: step.kind, principal: principal, at: step.at, transactionID: transaction, reason: step.reason
                ),
                of: step.id, position: step.position, in: db
            )
        default:
            preconditionFailure("write(_:) handles every other fund event")
        }
    }

    /// A grant request's row, requested by the entry's principal, and the commitment to a
    /// private beneficiary's name (the name itself the log never held).
    private static func writeRequest(
        _ request: DisbursementRequest, by principal: Principal, in db: some SQLConnection
    ) throws {
        try SQLiteLedgerStore.insert(
            Disbursement(
                id: request.id, fundID: request.fundID, recipient: request.recipient, asset: request.asset,
                amount: request.amount, purpose: request.purpose, requestedBy: principal,
                requestedAt: request.requestedAt, beneficiaryCommitment: request.beneficiaryCommitment
            ),
            in: db
        )
        if let commitment = request.beneficiaryCommitment {
            try SQLiteLedgerStore.insertBeneficiaryCommitment(of: request.id, try bytes(commitment), in: db)
        }
    }

    /// The transaction a money-moving step must have recorded.
    private static func required(_ transaction: TransactionID?) throws -> TransactionID {
        guard let transaction else { throw StorageError.corruptRow(table: "log_entries", detail: "no transaction") }
        return transaction
    }

    /// A logged base64 commitment's bytes.
    private static func bytes(_ base64: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: base64), data.count == 32 else {
            throw StorageError.corruptRow(table: "log_entries", detail: "a commitment is not 32 bytes of base64")
        }
        return [UInt8](data)
    }
}
