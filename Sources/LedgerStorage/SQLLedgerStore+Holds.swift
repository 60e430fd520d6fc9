public import FundCore
public import LedgerCore
import LedgerSQL

/// Holds on approved grants: the final approval reserves the grant's amount in the
/// fund's cash; paying, rejecting or cancelling releases it, and so does its expiry.
/// `available` = cash balance − active holds (an expired hold is inactive from its expiry,
/// whether or not `expireHolds` has logged it yet).
extension SQLLedgerStore {
    /// What a grant's hold is, as the table holds it.
    public struct Hold: Sendable {
        public let disbursementID: DisbursementID
        public let fundID: FundID
        public let asset: AssetCode
        public let amount: Int64
        public let heldAt: Timestamp
        public let expiresAt: Timestamp?
        /// Why and when it ended: `paid`, `rejected`, `cancelled` or `expired`.
        public let release: (reason: String, at: Timestamp)?
    }

    /// Releases every hold whose expiry has passed, one `disbursement.hold_expired` entry
    /// each (by the system), oldest expiry first; returns how many.
    public func expireHolds() async throws -> Int {
        // A read first: most minutes nothing is due, and a write would commit for nothing.
        let checkedAt = clock.now()
        guard try await engine.read({ db in try !Self.dueHolds(db, at: checkedAt).isEmpty }) else { return 0 }
        let outcome = try await write(idempotency: nil) { db, now -> Int in
            let due = try Self.dueHolds(db, at: now)
            for row in due {
                let id = try LedgerRows.parse(row, "disbursement_id", table: "disbursement_holds", DisbursementID.init)
                try Self.releaseHold(of: id, reason: "expired", at: now, in: db)
                let expiry = HoldExpiry(id: id, expiredAt: now)
                try AuditLogWriter.append(
                    db, event: .fundAction(FundEvent.disbursementHoldExpired(expiry).action()), balances: [],
                    by: .system, at: now)
            }
            return due.count
        }
        guard case .applied(let count) = outcome else { return 0 }
        return count
    }

    /// Refuses to take `amount` of `asset` out of `fund`'s cash (a conversion, a cash
    /// adjustment) beyond what approved grants do not hold: `insufficient_available`. What
    /// exceeds the balance itself is left to the cash's `no_negative` constraint.
    static func refuseHeldCash(
        _ db: some SQLConnection, fund: FundID, asset: AssetCode, amount: Int64, at now: Timestamp
    ) throws {
        let held = try held(db, fund: fund, asset: asset, at: now)
        guard held > 0 else { return }
        let fundRow = try Self.fund(db, reference: fund.rawValue)
        let cash = fundRow.chart.cash(asset)
        let balance = try balance(db, of: cash, asset: asset)
        guard amount <= balance else { return }
        let (available, overflow) = balance.subtractingReportingOverflow(held)
        guard overflow || amount > available else { return }
        throw Rejection.insufficientAvailable(account: cash, asset: asset, available: overflow ? Int64.min : available)
    }

    /// Holds past their expiry and not yet released, oldest expiry first (at most 1,000:
    /// the next round takes the rest).
    static func dueHolds(_ db: some SQLConnection, at now: Timestamp) throws -> [any SQLRow] {
        try db.fetchAll(
            """
            SELECT h.disbursement_id FROM disbursement_holds h
            WHERE h.expires_at IS NOT NULL AND h.expires_at <= ?
            AND NOT EXISTS (SELECT 1 FROM disbursement_hold_releases r WHERE r.disbursement_id = h.disbursement_id)
            ORDER BY h.expires_at, h.disbursement_id LIMIT 1000
            """, [now.description])
    }

    /// What approved grants of `fund` hold of `asset` at `now`, leaving out `excluded`.
    static func held(
        _ db: some SQLConnection, fund: FundID, asset: AssetCode, excluding excluded: DisbursementID? = nil,
        at now: Timestamp
    ) throws -> Int64 {
        try db.fetchValue(
            Int64.self,
            """
            SELECT coalesce(sum(h.amount), 0) FROM disbursement_holds h
            WHERE h.fund_id = ? AND h.asset = ? AND h.disbursement_id <> ?
            AND (h.expires_at IS NULL OR h.expires_at > ?)
            AND NOT EXISTS (SELECT 1 FROM disbursement_hold_releases r WHERE r.disbursement_id = h.disbursement_id)
            """, [fund.rawValue, asset.rawValue, excluded?.rawValue ?? "", now.description]) ?? 0
    }

    /// The hold effects of a disbursement step: the approval that booked the grant places
    /// its hold; a payment, rejection or cancellation releases the hold it still has.
    /// Shared by the step and by `LedgerRebuild`, so both write the same rows.
    static func recordHold(
        of step: LoggedStep<DisbursementID, DisbursementStep.Kind>, booked: Bool, in db: some SQLConnection
    ) throws {
        if let reason = DisbursementStep.holdRelease(by: step.kind) {
            return try releaseHold(of: step.id, reason: reason, at: step.at, in: db)
        }
        guard booked else { return }
        guard let disbursement = try disbursementView(db, id: step.id)?.disbursement else {
            throw Rejection.notFound(resource: "disbursement", reference: step.id.rawValue)
        }
        try db.execute(
            """
            INSERT INTO disbursement_holds (disbursement_id, fund_id, asset, amount, held_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                step.id.rawValue, disbursement.fundID.rawValue, disbursement.asset.rawValue,
                disbursement.amount.minorUnits, step.at.description, step.holdExpiresAt?.description,
            ])
    }

    /// Ends the grant's hold, if it has one not yet ended (an expired hold stays expired).
    static func releaseHold(
        of id: DisbursementID, reason: String, at time: Timestamp, in db: some SQLConnection
    ) throws {
        try db.execute(
            """
            INSERT INTO disbursement_hold_releases (disbursement_id, reason, released_at)
            SELECT h.disbursement_id, ?, ? FROM disbursement_holds h
            WHERE h.disbursement_id = ?
            AND NOT EXISTS (SELECT 1 FROM disbursement_hold_releases r WHERE r.disbursement_id = h.disbursement_id)
            """, [reason, time.description, id.rawValue])
    }

    /// A grant's hold with its release, if it has one.
    static func hold(_ db: some SQLConnection, of id: DisbursementID) throws -> Hold? {
        guard let row = try db.fetchOne(
            """
            SELECT h.*, r.reason, r.released_at FROM disbursement_holds h
            LEFT JOIN disbursement_hold_releases r ON r.disbursement_id = h.disbursement_id
            WHERE h.disbursement_id = ?
            """, [id.rawValue])
        else { return nil }
        let table = "disbursement_holds"
        var release: (String, Timestamp)?
        if let reason = try row.value(String?.self, named: "reason") {
            release = (reason, try LedgerRows.parse(row, "released_at", table: table, Timestamp.init))
        }
        return Hold(
            disbursementID: id, fundID: try LedgerRows.parse(row, "fund_id", table: table, FundID.init),
            asset: try LedgerRows.parse(row, "asset", table: table, AssetCode.init),
            amount: try LedgerRows.integer(row, "amount"),
            heldAt: try LedgerRows.parse(row, "held_at", table: table, Timestamp.init),
            expiresAt: try row.value(String?.self, named: "expires_at").map {
                guard let time = Timestamp($0) else {
                    throw StorageError.corruptRow(table: table, detail: "expires_at does not parse")
                }
                return time
            },
            release: release)
    }
}
