import Foundation
public import FundCore
import GRDB
public import LedgerCore
import LedgerSQL

/// Cash adjustments: money taken out of a fund's cash to an account outside every fund
/// (a bank fee, a correction). A request up to the fund's limit posts at once; a larger
/// one waits for an approver who is not its requester. Every step is a row, a log entry
/// attributed to its principal and — where money moves — one ledger transaction, all in
/// one database transaction.
extension SQLLedgerStore {
    public func requestCashAdjustment(
        fund reference: String, _ draft: CashAdjustmentDraft, by principal: Principal,
        idempotency: Idempotency<CashAdjustmentView>?
    ) async throws -> WriteOutcome<CashAdjustmentView> {
        let checked = try draft.checked()
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let fund = try Self.fundOrNotFound(db, reference: reference)
            let counter = try LedgerRows.account(db, reference: .code(checked.counterAccount))?.account
            let requesting = try CashAdjustmentSteps.request(
                checked, reason: draft.reason, fund: fund, counter: counter,
                postedToday: try Self.postedWithoutApproval(db, fund: fund, asset: checked.asset, on: now.date),
                by: principal, identifiers: identifiers, at: now
            )
            let adjustment = requesting.adjustment
            let recorded = try requesting.transaction.map { draft in
                try Self.post(
                    draft, of: adjustment, id: TransactionID(bytes: identifiers.nextIdentifierBytes()), at: now, in: db)
            }
            guard let counter else { preconditionFailure("the rule refuses a missing counter account") }
            try Self.insert(adjustment, counter: counter, transaction: recorded?.0.id, in: db)
            try AuditLogWriter.append(
                db, event: .fundAction(requesting.action(transaction: recorded?.0)), balances: recorded?.1 ?? [],
                by: principal, at: now
            )
            guard let view = try Self.cashAdjustmentView(db, id: adjustment.id) else {
                preconditionFailure("just written")
            }
            return view
        }
    }

    /// Approves (and so posts) or rejects a waiting cash adjustment, checked against its
    /// state and the principal.
    public func takeCashAdjustmentStep(
        _ id: CashAdjustmentID, _ kind: CashAdjustmentStep.Kind, reason: String?, by principal: Principal,
        idempotency: Idempotency<CashAdjustmentView>?
    ) async throws -> WriteOutcome<CashAdjustmentView> {
        try StepReason.check(reason)
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            guard let view = try Self.cashAdjustmentView(db, id: id) else {
                throw Rejection.notFound(resource: "cash adjustment", reference: id.rawValue)
            }
            let stepping = try CashAdjustmentSteps.take(
                kind, on: view.adjustment, after: view.steps,
                fund: try Self.fund(db, reference: view.adjustment.fundID.rawValue),
                by: principal, reason: reason, at: now
            )
            let recorded = try stepping.transaction.map { draft in
                try Self.post(
                    draft, of: view.adjustment, id: TransactionID(bytes: identifiers.nextIdentifierBytes()), at: now,
                    in: db
                )
            }
            let step = stepping.step(transaction: recorded?.0.id)
            try Self.insert(step, of: id, position: stepping.position, in: db)
            try AuditLogWriter.append(
                db, event: .fundAction(stepping.action(step: step, transaction: recorded?.0)),
                balances: recorded?.1 ?? [], by: principal, at: now
            )
            guard let updated = try Self.cashAdjustmentView(db, id: id) else { preconditionFailure("exists") }
            return updated
        }
    }

    public func cashAdjustment(_ id: CashAdjustmentID) async throws -> CashAdjustmentView? {
        try await engine.read { db in try Self.cashAdjustmentView(db, id: id) }
    }

    public func cashAdjustments(
        filter: CashAdjustmentFilter, page: PageRequest
    ) async throws -> Page<CashAdjustmentView> {
        let after = try SequencePage.start(of: page, list: "cash_adjustment")
        return try await engine.read { db in
            return try SequencePage.fill(
                db, """
                    SELECT c.seq, c.id FROM cash_adjustments c WHERE c.seq > ?
                    AND (CAST(? AS TEXT) IS NULL OR c.fund_id IN (SELECT id FROM funds WHERE id = ? OR code = ?))
                    AND \(Self.cashAdjustmentCandidates(filter.state)) ORDER BY c.seq
                    """,
                [after, filter.fundID, filter.fundID, filter.fundID], limit: page.limit, list: "cash_adjustment"
            ) { row in
                guard let id = CashAdjustmentID(try LedgerRows.text(row, "id")),
                    let view = try Self.cashAdjustmentView(db, id: id)
                else { return nil }
                if let state = filter.state, view.state != state { return nil }
                return view
            }
        }
    }

    /// The SQL condition every adjustment `c` in `state` meets, read from its row and its
    /// step: a necessary condition, never the definition — `CashAdjustment.state(after:)`
    /// is, and it is applied to each candidate.
    static func cashAdjustmentCandidates(_ state: CashAdjustment.State?) -> String {
        func step(_ kind: CashAdjustmentStep.Kind) -> String {
            """
            EXISTS (SELECT 1 FROM cash_adjustment_steps s WHERE s.adjustment_id = c.id AND s.kind = '\(kind.rawValue)')
            """
        }
        switch state {
        case nil: return "TRUE"
        case .posted: return "(c.needs_approval = 0 OR \(step(.approve)))"
        case .rejected: return "(c.needs_approval = 1 AND \(step(.reject)))"
        case .requested: return "(c.needs_approval = 1 AND NOT \(step(.reject)) AND NOT \(step(.approve)))"
        }
    }

    // MARK: Steps

    /// What adjustments in `asset` took out of `fund`'s cash without an approver on `day`
    /// (UTC, by request time): the part of the fund's daily allowance already used.
    static func postedWithoutApproval(
        _ db: some SQLConnection, fund: Fund, asset: AssetCode, on day: LocalDate
    ) throws -> Amount {
        let sum =
            try db.fetchValue(Int64.self, """
                        SELECT coalesce(sum(amount), 0) FROM cash_adjustments
                        WHERE fund_id = ? AND asset = ? AND needs_approval = 0 AND substr(requested_at, 1, 10) = ?
                        """, [fund.id.rawValue, asset.rawValue, day.description]) ?? 0
        // Each was within the limit, itself at most 2^53 − 1, so the sum is too.
        guard let amount = Amount(minorUnits: sum) else {
            throw StorageError.corruptRow(table: "cash_adjustments", detail: "daily sum is out of range")
        }
        return amount
    }

    /// The account a cash adjustment pays into, checked by the rule again at the write:
    /// it must exist and lie outside every fund.
    static func counterAccount(_ db: some SQLConnection, code: AccountCode) throws -> Account {
        let stored = try LedgerRows.account(db, reference: .code(code))?.account
        try CashAdjustmentSteps.checkCounter(stored, code: code)
        guard let stored else { preconditionFailure("checked above") }
        return stored
    }

    /// Writes the adjustment's transaction as the rule drew it (`no_negative` on the
    /// fund's cash refuses more than it holds), re-checking its counter account first.
    static func post(
        _ draft: TransactionDraft, of adjustment: CashAdjustment, id: TransactionID, at now: Timestamp,
        in db: some SQLConnection
    ) throws -> (LedgerTransaction, [BalanceSnapshot]) {
        _ = try counterAccount(db, code: adjustment.counterAccount)
        try refuseHeldCash(
            db, fund: adjustment.fundID, asset: adjustment.asset, amount: adjustment.amount.minorUnits, at: now)
        return try insertTransaction(try draft.checked(), id: id, at: now, in: db)
    }

    /// The fund named by id or code, or `not_found` (the fund is in the request's path).
    static func fundOrNotFound(_ db: some SQLConnection, reference: String) throws -> Fund {
        guard let row = try db.fetchOne("SELECT * FROM funds WHERE id = ? OR code = ?", [reference, reference]) else {
            throw Rejection.notFound(resource: "fund", reference: reference)
        }
        return try fund(db, from: row)
    }

    // MARK: Rows

    static func insert(
        _ adjustment: CashAdjustment, counter: Account, transaction: TransactionID?, in db: some SQLConnection
    ) throws {
        try db.execute("""
                INSERT INTO cash_adjustments (id, fund_id, asset, amount, counter_account, date, reason, needs_approval,
                transaction_id, requested_by_key, requested_by_name, requested_by_role, requested_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                adjustment.id.rawValue, adjustment.fundID.rawValue, adjustment.asset.rawValue,
                adjustment.amount.minorUnits, counter.id.rawValue, adjustment.date.description, adjustment.reason,
                adjustment.needsApproval,
                transaction?.rawValue, adjustment.requestedBy.keyID, adjustment.requestedBy.name,
                adjustment.requestedBy.role?.rawValue, adjustment.requestedAt.description,
            ])
    }

    static func insert(
        _ step: CashAdjustmentStep, of id: CashAdjustmentID, position: Int, in db: some SQLConnection
    ) throws {
        try db.execute("""
                INSERT INTO cash_adjustment_steps (adjustment_id, position, kind, principal_key, principal_name,
                principal_role, transaction_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                id.rawValue, position, step.kind.rawValue, step.principal.keyID, step.principal.name,
                step.principal.role?.rawValue, step.transactionID?.rawValue, step.reason, step.at.description,
            ])
    }

    static func cashAdjustmentView(_ db: some SQLConnection, id: CashAdjustmentID) throws -> CashAdjustmentView? {
        let sql = """
            SELECT c.*, a.code AS counter_code FROM cash_adjustments c JOIN accounts a ON a.id = c.counter_account
            WHERE c.id = ?
            """
        guard let row = try db.fetchOne(sql, [id.rawValue]) else { return nil }
        let table = "cash_adjustments"
        let adjustment = CashAdjustment(
            id: id, fundID: try LedgerRows.parse(row, "fund_id", table: table, FundID.init),
            asset: try LedgerRows.parse(row, "asset", table: table, AssetCode.init),
            amount: try LedgerRows.amount(row, "amount", table: table),
            counterAccount: try LedgerRows.parse(row, "counter_code", table: table, AccountCode.init),
            date: try LedgerRows.parse(row, "date", table: table, LocalDate.init),
            reason: try LedgerRows.text(row, "reason"),
            needsApproval: try LedgerRows.integer(row, "needs_approval") == 1,
            requestedBy: try principal(db, row, prefix: "requested_by"),
            requestedAt: try LedgerRows.parse(row, "requested_at", table: table, Timestamp.init)
        )
        let steps = try db.fetchAll(
            "SELECT * FROM cash_adjustment_steps WHERE adjustment_id = ? ORDER BY position", [id.rawValue]
        ).map { step in
            guard let kind = CashAdjustmentStep.Kind(rawValue: try LedgerRows.text(step, "kind")) else {
                throw StorageError.corruptRow(table: "cash_adjustment_steps", detail: "kind does not parse")
            }
            return CashAdjustmentStep(
                kind: kind, principal: try principal(db, step, prefix: "principal"),
                at: try LedgerRows.parse(step, "at", table: "cash_adjustment_steps", Timestamp.init),
                transactionID: try step.value(String?.self, named: "transaction_id").flatMap(TransactionID.init),
                reason: try step.value(String?.self, named: "reason")
            )
        }
        let posted = try row.value(String?.self, named: "transaction_id").flatMap(TransactionID.init)
        return CashAdjustmentView(
            adjustment: adjustment, steps: steps, state: adjustment.state(after: steps),
            transactionIDs: ([posted] + steps.map(\.transactionID)).compactMap { $0 }
        )
    }
}

/// A cash adjustment with its steps, derived state and the transaction that posted it.
public struct CashAdjustmentView: Sendable, Equatable {
    public let adjustment: CashAdjustment
    public let steps: [CashAdjustmentStep]
    public let state: CashAdjustment.State
    /// The one transaction that took the money out, once posted; empty otherwise.
    public let transactionIDs: [TransactionID]
}

/// Which cash adjustments a list returns.
public struct CashAdjustmentFilter: Sendable, Equatable {
    public var fundID: String?
    public var state: CashAdjustment.State?

    public init(fundID: String? = nil, state: CashAdjustment.State? = nil) {
        self.fundID = fundID
        self.state = state
    }
}
