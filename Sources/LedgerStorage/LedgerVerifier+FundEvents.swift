import Foundation
import FundCore
import GRDB
import LedgerCore
import LedgerSQL

extension LedgerVerifier {
    /// The domain rows a fund action wrote must say exactly what its entry says: the entry
    /// is read through `FundEvent` (the one decoder), the rows of the object it names are
    /// read back into the same event, and both are compared through the one encoder.
    static func compareDomainRows(_ db: some SQLConnection, action: FundAction, index: Int64) throws {
        let logged: FundEvent
        do {
            logged = try FundEvent(action)
        } catch {
            throw AuditFailure(index: index, detail: "\(action.kind) \(action.subject): \(error)")
        }
        let stored: FundEvent?
        do {
            stored = try storedEvent(db, logged: logged, index: index)
        } catch let failure as AuditFailure {
            throw failure
        } catch {
            throw AuditFailure(
                index: index, detail: "\(action.kind) \(action.subject) does not read back from the tables: \(error)"
            )
        }
        guard let stored, ExactText.same(stored.details, action.details) else {
            throw AuditFailure(
                index: index, detail: "\(action.kind) \(action.subject) in the tables differs from the log")
        }
    }

    /// The event the tables hold for the object `logged` names; `nil` when they hold none.
    private static func storedEvent(_ db: some SQLConnection, logged: FundEvent, index: Int64) throws -> FundEvent? {
        switch logged {
        case .memberRegistered(let member):
            try checkMemberPrivateData(db, id: member.id.rawValue, index: index)
            return try SQLiteLedgerStore.memberView(db, id: member.id).map { view in
                .memberRegistered(
                    MemberRegistration(
                        view.member, recordedProfile: view.recordedProfile,
                        commitment: Data(view.commitment).base64EncodedString()
                    ))
            }
        case .memberPrivateDataErased(let erasure):
            let sql = "SELECT erased_at FROM member_erasures WHERE member_id = ?"
            return try exactTimestamp(db, sql, erasure.id.rawValue).map {
                .memberPrivateDataErased(Erasure(id: erasure.id, erasedAt: $0))
            }
        case .fundCreated(let fund):
            return try db.fetchOne("SELECT * FROM funds WHERE id = ?", [fund.id.rawValue])
            .map { .fundCreated(try SQLiteLedgerStore.fund(db, from: $0)) }
        case .pledgeMade(let pledge):
            // The status's day does not matter: only the pledge itself is compared.
            return try SQLiteLedgerStore.pledgeView(db, id: pledge.id, today: pledge.date).map {
                .pledgeMade($0.pledge)
            }
        case .pledgeCancelled(let cancellation):
            return try storedCancellation(db, cancellation.pledgeID).map(FundEvent.pledgeCancelled)
        case .contributionReceived(let contribution):
            return try SQLiteLedgerStore.contributionView(db, id: contribution.id).map {
                .contributionReceived($0.contribution)
            }
        case .disbursementRequested(let request):
            try checkBeneficiaryPrivateData(db, id: request.id.rawValue, index: index)
            return try SQLiteLedgerStore.disbursementView(db, id: request.id).map {
                .disbursementRequested(DisbursementRequest($0.disbursement))
            }
        case .disbursementStep(let step):
            guard let view = try SQLiteLedgerStore.disbursementView(db, id: step.id),
                let stored = storedStep(step, among: view.steps, kind: \.kind, reason: \.reason, at: \.at)
            else { return nil }
            return try storedHold(db, of: stored, view: view).map(FundEvent.disbursementStep)
        case .disbursementHoldExpired(let expiry):
            guard let hold = try SQLiteLedgerStore.hold(db, of: expiry.id), let release = hold.release,
                release.reason == "expired"
            else { return nil }
            return .disbursementHoldExpired(HoldExpiry(id: expiry.id, expiredAt: release.at))
        case .disbursementBeneficiaryErased(let erasure):
            let sql = "SELECT erased_at FROM beneficiary_erasures WHERE disbursement_id = ?"
            return try exactTimestamp(db, sql, erasure.id.rawValue).map {
                .disbursementBeneficiaryErased(Erasure(id: erasure.id, erasedAt: $0))
            }
        default:
            return try storedMoneyEvent(db, logged: logged)
        }
    }

    /// The tables' form of the steps that convert, record rates and adjust cash.
    private static func storedMoneyEvent(_ db: some SQLConnection, logged: FundEvent) throws -> FundEvent? {
        switch logged {
        case .conversionRecorded(let conversion):
            return try db.fetchOne(
                "SELECT * FROM conversions WHERE id = ?", [conversion.id]
            ).map { .conversionRecorded(try storedConversion($0)) }
        case .exchangeRateRecorded(let rate):
            return try db.fetchOne(
                "SELECT * FROM fx_rates WHERE base = ? AND quote = ? AND date = ?",
                [rate.base.rawValue, rate.quote.rawValue, rate.date.description]
            ).map { .exchangeRateRecorded(try SQLiteLedgerStore.exchangeRate(from: $0)) }
        case .cashAdjustmentRequested(let request):
            return try SQLiteLedgerStore.cashAdjustmentView(db, id: request.id).map {
                .cashAdjustmentRequested(CashAdjustmentRequest($0.adjustment))
            }
        case .cashAdjustmentStep(let step):
            return try SQLiteLedgerStore.cashAdjustmentView(db, id: step.id).flatMap { view in
                storedStep(step, among: view.steps, kind: \.kind, reason: \.reason, at: \.at)
                    .map(FundEvent.cashAdjustmentStep)
            }
        case .periodClosed(let closing):
            return try db.fetchOne("SELECT * FROM period_closings WHERE id = ?", [closing.id.rawValue]).map {
                .periodClosed(try SQLiteLedgerStore.periodClosing(from: $0))
            }
        default:
            preconditionFailure("storedEvent handles every other fund event")
        }
    }

    /// The stored step at the logged step's position, as the log would record it.
    private static func storedStep<ID, Kind, Step>(
        _ logged: LoggedStep<ID, Kind>, among steps: [Step], kind: KeyPath<Step, Kind>, reason: KeyPath<Step, String?>,
        at: KeyPath<Step, Timestamp>
    ) -> LoggedStep<ID, Kind>? {
        guard logged.position < steps.count else { return nil }
        let step = steps[logged.position]
        return LoggedStep(
            id: logged.id, position: logged.position, kind: step[keyPath: kind], reason: step[keyPath: reason],
            at: step[keyPath: at])
    }

    /// The step with what the holds table says of it: the approval that booked the grant
    /// must have placed the grant's hold when it was taken (its expiry read back into the
    /// step); a later payment, rejection or cancellation must have released it then,
    /// unless it had expired before. `nil` when the rows disagree.
    private static func storedHold(
        _ db: some SQLConnection, of step: LoggedStep<DisbursementID, DisbursementStep.Kind>, view: DisbursementView
    ) throws -> LoggedStep<DisbursementID, DisbursementStep.Kind>? {
        // A database read unmigrated (an earlier release's file) has no holds to compare.
        guard try hasTable(db, "disbursement_holds") else { return step }
        let hold = try SQLiteLedgerStore.hold(db, of: step.id)
        let row = view.steps[step.position]
        switch step.kind {
        case .approve where row.transactionID != nil:
            let grant = view.disbursement
            guard let hold, hold.fundID == grant.fundID, hold.asset == grant.asset,
                hold.amount == grant.amount.minorUnits, hold.heldAt == step.at
            else { return nil }
            return LoggedStep(
                id: step.id, position: step.position, kind: step.kind, reason: step.reason, at: step.at,
                holdExpiresAt: hold.expiresAt)
        case .approve:
            return step
        case .pay, .reject, .cancel:
            guard let hold else { return step }
            let reason = DisbursementStep.holdRelease(by: step.kind)
            guard let release = hold.release else { return nil }
            let released = release.reason == reason && release.at == step.at
            let expiredBefore = release.reason == "expired" && release.at <= step.at
            return released || expiredBefore ? step : nil
        }
    }

    private static func storedCancellation(_ db: some SQLConnection, _ id: PledgeID) throws -> PledgeCancellation? {
        guard
            let row = try db.fetchOne(
                "SELECT reason, cancelled_at FROM pledge_cancellations WHERE pledge_id = ?", [id.rawValue]
            )
        else { return nil }
        let text = try LedgerRows.text(row, "cancelled_at")
        guard let cancelledAt = Timestamp(text), cancelledAt.description == text else { return nil }
        return PledgeCancellation(pledgeID: id, reason: try LedgerRows.text(row, "reason"), cancelledAt: cancelledAt)
    }

    private static func storedConversion(_ row: some SQLRow) throws -> Conversion {
        let table = "conversions"
        return Conversion(
            id: try LedgerRows.text(row, "id"), fundID: try LedgerRows.parse(row, "fund_id", table: table, FundID.init),
            fromAsset: try LedgerRows.parse(row, "from_asset", table: table, AssetCode.init),
            fromAmount: try LedgerRows.amount(row, "from_amount", table: table),
            toAsset: try LedgerRows.parse(row, "to_asset", table: table, AssetCode.init),
            toAmount: try LedgerRows.amount(row, "to_amount", table: table),
            date: try LedgerRows.parse(row, "date", table: table, LocalDate.init),
            createdAt: try LedgerRows.parse(row, "created_at", table: table, Timestamp.init)
        )
    }

    /// The time one row holds, only if its text is exactly the canonical form (so a row
    /// rewritten in another form of the same instant still differs from the log).
    private static func exactTimestamp(_ db: some SQLConnection, _ sql: String, _ key: String) throws -> Timestamp? {
        guard let text = try db.fetchValue(String.self, sql, [key]),
            let time = Timestamp(text), time.description == text
        else { return nil }
        return time
    }
}
