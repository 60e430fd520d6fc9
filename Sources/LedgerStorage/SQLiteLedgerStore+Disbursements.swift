import Crypto
import Foundation
public import FundCore
import GRDB
public import LedgerCore

/// Disbursements: requested, approved (four eyes per person above the fund's threshold,
/// checked by `FourEyes` and again by migration 0008's trigger), paid,
/// rejected or cancelled. Every step is a row, a log entry attributed to its principal,
/// and — where money moves — one ledger transaction.
extension SQLiteLedgerStore {
    public func requestDisbursement(_ draft: DisbursementDraft, by principal: Principal, idempotency: Idempotency<DisbursementView>?) async throws -> WriteOutcome<DisbursementView> {
        let checked = try draft.checked()
        let identifiers = self.identifiers
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try await write(idempotency: idempotency) { db, now in
            let fund = try Self.fund(db, reference: draft.fundID)
            guard fund.assets.contains(checked.asset) else { throw Rejection.assetNotInFund(fund: fund.code, asset: checked.asset) }
            let id = DisbursementID(bytes: identifiers.nextIdentifierBytes())
            // A beneficiary's name is private data: the row and the log hold a label and a
            // salted commitment, the name lives in beneficiary_private (erasable).
            var recipient = Disbursement.Recipient.beneficiary(id.beneficiaryLabel)
            var privateName: (data: [UInt8], commitment: [UInt8])?
            if let memberID = draft.memberID {
                guard let memberID = MemberID(memberID), try Self.memberView(db, id: memberID) != nil else {
                    throw Rejection.unknownReference(field: "member_id", reference: memberID)
                }
                recipient = .member(memberID)
            } else if let name = draft.beneficiary {
                let data = BeneficiaryPrivateData(name: name).canonicalBytes
                privateName = (data, Self.privateDataCommitment(salt: salt, data: data))
            }
            let disbursement = Disbursement(
                id: id, fundID: fund.id, recipient: recipient, asset: checked.asset, amount: checked.amount,
                purpose: checked.purpose, requestedBy: principal, requestedAt: now,
                beneficiaryCommitment: privateName.map { Data($0.commitment).base64EncodedString() }
            )
            try db.execute(
                sql: """
                    INSERT INTO disbursements (id, fund_id, member_id, beneficiary, asset, amount, purpose, requested_by_key, requested_by_name, requested_by_role, requested_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    disbursement.id.rawValue, fund.id.rawValue, recipient.memberID?.rawValue, recipient.beneficiary, checked.asset.rawValue, checked.amount.minorUnits,
                    checked.purpose, principal.keyID, principal.name, principal.role?.rawValue, now.description,
                ]
            )
            if let privateName {
                try db.execute(
                    sql: "INSERT INTO beneficiary_commitments (disbursement_id, commitment) VALUES (?, ?)",
                    arguments: [id.rawValue, Data(privateName.commitment)]
                )
                try db.execute(
                    sql: "INSERT INTO beneficiary_private (disbursement_id, salt, data) VALUES (?, ?, ?)",
                    arguments: [id.rawValue, Data(salt), Data(privateName.data)]
                )
            }
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(kind: "disbursement.requested", subject: disbursement.id.rawValue, details: disbursement.details, accountsOpened: [], transaction: nil)),
                balances: [], by: principal, at: now
            )
            guard let view = try Self.disbursementView(db, id: disbursement.id) else { preconditionFailure("just written") }
            return view
        }
    }

    /// Takes one step of a disbursement, checked against its state and the principal.
    public func takeDisbursementStep(
        _ id: DisbursementID, _ kind: DisbursementStep.Kind, reason: String?, by principal: Principal, idempotency: Idempotency<DisbursementView>?
    ) async throws -> WriteOutcome<DisbursementView> {
        if let reason, let problem = TextRules.problem(in: reason, field: "reason", lengthMax: Limits.descriptionLengthMax) {
            throw Rejection.invalidFields([problem])
        }
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            guard let view = try Self.disbursementView(db, id: id) else { throw Rejection.notFound(resource: "disbursement", reference: id.rawValue) }
            let disbursement = view.disbursement
            try disbursement.check(kind, by: principal, after: view.steps, approvalsNeeded: view.approvalsNeeded)
            let fund = try Self.fund(db, reference: disbursement.fundID.rawValue)
            let recipientName = try disbursement.recipient.memberID.flatMap { try Self.memberView(db, id: $0)?.member.publicName }
                ?? disbursement.recipient.beneficiary.map(TextRules.removingBidiControls) ?? "a beneficiary"
            let asset = disbursement.asset.rawValue
            let amount = disbursement.amount.minorUnits
            var opened: [Account] = []
            var recorded: (LedgerTransaction, [BalanceSnapshot])?
            let transactionID = TransactionID(bytes: identifiers.nextIdentifierBytes())
            switch kind {
            case .approve where view.steps.filter({ $0.kind == .approve }).count + 1 == view.approvalsNeeded:
                // Expense when approved, liability until paid.
                let grants = try Self.ensureAccount(db, code: fund.chart.grants(to: disbursement.recipient), type: .expense, asset: nil, constraint: nil, fund: fund, at: now, identifiers: identifiers, opened: &opened)
                let payable = try Self.ensureAccount(db, code: fund.chart.grantsPayable(to: disbursement.recipient), type: .liability, asset: nil, constraint: .noNegative, fund: fund, at: now, identifiers: identifiers, opened: &opened)
                recorded = try Self.insertTransaction(
                    TransactionDraft(
                        date: now.date.description, description: "Grant \(disbursement.id) to \(recipientName) approved",
                        metadata: .object(["disbursement_id": .string(disbursement.id.rawValue)]),
                        postings: [
                            PostingDraft(account: grants.rawValue, asset: asset, amount: amount),
                            PostingDraft(account: payable.rawValue, asset: asset, amount: -amount),
                        ]
                    ).checked(),
                    id: transactionID, at: now, in: db
                )
            case .pay:
                recorded = try Self.insertTransaction(
                    TransactionDraft(
                        date: now.date.description, description: "Grant \(disbursement.id) to \(recipientName) paid",
                        metadata: .object(["disbursement_id": .string(disbursement.id.rawValue)]),
                        postings: [
                            PostingDraft(account: fund.chart.grantsPayable(to: disbursement.recipient).rawValue, asset: asset, amount: amount),
                            PostingDraft(account: fund.chart.cash(disbursement.asset).rawValue, asset: asset, amount: -amount),
                        ]
                    ).checked(),
                    id: transactionID, at: now, in: db
                )
            case .cancel:
                // Cancelling an approved grant reverses the approval in the ledger.
                if let approval = view.steps.compactMap(\.transactionID).last {
                    recorded = try Self.insertReversal(
                        of: approval, id: transactionID, date: now.date,
                        description: "Grant \(disbursement.id) cancelled before payment", at: now, in: db
                    )
                }
            case .approve, .reject:
                break
            }
            let position = view.steps.count
            try db.execute(
                sql: """
                    INSERT INTO disbursement_steps (disbursement_id, position, kind, principal_key, principal_name, principal_role, transaction_id, reason, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id.rawValue, position, kind.rawValue, principal.keyID, principal.name, principal.role?.rawValue,
                    recorded?.0.id.rawValue, reason, now.description,
                ]
            )
            let step = DisbursementStep(kind: kind, principal: principal, at: now, transactionID: recorded?.0.id, reason: reason)
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(
                    kind: "disbursement.\(Self.pastTense(kind))", subject: "\(id.rawValue)#\(position)",
                    details: Self.stepDetails(id: id, position: position, step: step), accountsOpened: opened, transaction: recorded?.0
                )),
                balances: recorded?.1 ?? [], by: principal, at: now
            )
            guard let updated = try Self.disbursementView(db, id: id) else { preconditionFailure("exists") }
            return updated
        }
    }

    public func disbursement(_ id: DisbursementID) async throws -> DisbursementView? {
        try await pool.read { db in try Self.disbursementView(db, id: id) }
    }

    public func disbursements(filter: DisbursementFilter, page: PageRequest) async throws -> Page<DisbursementView> {
        let after = try SequencePage.start(of: page, list: "disbursement")
        return try await pool.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT d.seq, d.id FROM disbursements d WHERE d.seq > ? AND (? IS NULL OR d.member_id = ?)
                    AND (? IS NULL OR d.fund_id IN (SELECT id FROM funds WHERE id = ? OR code = ?))
                    AND substr(d.requested_at, 1, 10) >= ? AND substr(d.requested_at, 1, 10) <= ?
                    AND \(Self.disbursementCandidates(filter.state)) ORDER BY d.seq
                    """,
                arguments: [
                    after, filter.memberID, filter.memberID, filter.fundID, filter.fundID, filter.fundID,
                    filter.from?.description ?? "", filter.to?.description ?? "9999-12-31",
                ]
            )
            return try SequencePage.fill(rows, limit: page.limit, list: "disbursement") { row in
                guard let id = DisbursementID(try LedgerRows.text(row, "id")),
                      let view = try Self.disbursementView(db, id: id)
                else { return nil }
                if let state = filter.state, view.state != state { return nil }
                return view
            }
        }
    }

    /// The SQL condition every disbursement `d` in `state` meets, read from its steps and
    /// its fund's threshold: a necessary condition, never the definition —
    /// `Disbursement.state(after:approvalsNeeded:)` is, and it is applied to each candidate.
    static func disbursementCandidates(_ state: Disbursement.State?) -> String {
        func step(_ kind: DisbursementStep.Kind) -> String {
            "EXISTS (SELECT 1 FROM disbursement_steps s WHERE s.disbursement_id = d.id AND s.kind = '\(kind.rawValue)')"
        }
        let approvals = """
            (SELECT count(*) FROM disbursement_steps s WHERE s.disbursement_id = d.id AND s.kind = 'approve')
            """
        // As `approvalsNeeded(in:)`: two above the fund's threshold for the asset, else one.
        let needed = """
            (CASE WHEN d.amount > (SELECT fa.two_approvals_above FROM fund_assets fa JOIN funds f ON f.seq = fa.fund_seq
            WHERE f.id = d.fund_id AND fa.asset = d.asset) THEN 2 ELSE 1 END)
            """
        let open = "NOT \(step(.cancel)) AND NOT \(step(.reject)) AND NOT \(step(.pay))"
        switch state {
        case nil: return "1"
        case .cancelled: return step(.cancel)
        case .rejected: return "(NOT \(step(.cancel)) AND \(step(.reject)))"
        case .paid: return "(NOT \(step(.cancel)) AND NOT \(step(.reject)) AND \(step(.pay)))"
        case .approved: return "(\(open) AND \(approvals) >= \(needed))"
        case .requested: return "(\(open) AND \(approvals) < \(needed))"
        }
    }

    // MARK: Rows

    static func pastTense(_ kind: DisbursementStep.Kind) -> String {
        switch kind {
        case .approve: "approved"
        case .reject: "rejected"
        case .pay: "paid"
        case .cancel: "cancelled"
        }
    }

    static func stepDetails(id: DisbursementID, position: Int, step: DisbursementStep) -> JSONValue {
        .object([
            "id": .string(id.rawValue), "step": .integer(Int64(position)), "kind": .string(step.kind.rawValue),
            "reason": step.reason.map(JSONValue.string) ?? .null, "at": .string(step.at.description),
        ])
    }

    /// The principal a row records, with the person its key belongs to (four eyes
    /// compares people).
    static func principal(_ db: Database, _ row: Row, prefix: String) throws -> Principal {
        let keyID = try row.decode(String?.self, forColumn: "\(prefix)_key")
        let person = try keyID.flatMap { keyID in
            try String.fetchOne(db.cachedStatement(sql: "SELECT person_id FROM api_key_people WHERE key_id = ?"), arguments: [keyID])
        }.flatMap { PersonID($0) }
        return Principal(
            keyID: keyID, name: try LedgerRows.text(row, "\(prefix)_name"),
            role: try row.decode(String?.self, forColumn: "\(prefix)_role").flatMap(Role.init(rawValue:)), personID: person
        )
    }

    static func disbursementView(_ db: Database, id: DisbursementID) throws -> DisbursementView? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM disbursements WHERE id = ?"), arguments: [id.rawValue]) else { return nil }
        guard let fundID = FundID(try LedgerRows.text(row, "fund_id")) else {
            throw StorageError.corruptRow(table: "disbursements", detail: "fund_id does not parse")
        }
        let recipient: Disbursement.Recipient
        if let memberText = try row.decode(String?.self, forColumn: "member_id") {
            guard let memberID = MemberID(memberText) else { throw StorageError.corruptRow(table: "disbursements", detail: "member_id does not parse") }
            recipient = .member(memberID)
        } else {
            guard let name = try row.decode(String?.self, forColumn: "beneficiary") else {
                throw StorageError.corruptRow(table: "disbursements", detail: "neither member nor beneficiary")
            }
            recipient = .beneficiary(name)
        }
        let beneficiary = try beneficiaryRecord(db, id: id)
        let disbursement = Disbursement(
            id: id, fundID: fundID, recipient: recipient, asset: try LedgerRows.parse(row, "asset", table: "disbursements", AssetCode.init),
            amount: try LedgerRows.amount(row, "amount", table: "disbursements"), purpose: try LedgerRows.text(row, "purpose"),
            requestedBy: try principal(db, row, prefix: "requested_by"),
            requestedAt: try LedgerRows.parse(row, "requested_at", table: "disbursements", Timestamp.init),
            beneficiaryCommitment: beneficiary.map { Data($0.commitment).base64EncodedString() }
        )
        let steps = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM disbursement_steps WHERE disbursement_id = ? ORDER BY position"), arguments: [id.rawValue]).map { step in
            guard let kind = DisbursementStep.Kind(rawValue: try LedgerRows.text(step, "kind")) else {
                throw StorageError.corruptRow(table: "disbursement_steps", detail: "kind does not parse")
            }
            return DisbursementStep(
                kind: kind, principal: try principal(db, step, prefix: "principal"),
                at: try LedgerRows.parse(step, "at", table: "disbursement_steps", Timestamp.init),
                transactionID: try step.decode(String?.self, forColumn: "transaction_id").flatMap(TransactionID.init),
                reason: try step.decode(String?.self, forColumn: "reason")
            )
        }
        guard let fundRow = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM funds WHERE id = ?"), arguments: [fundID.rawValue]) else {
            throw StorageError.corruptRow(table: "disbursements", detail: "fund is missing")
        }
        let needed = disbursement.approvalsNeeded(in: try fund(db, from: fundRow))
        return DisbursementView(
            disbursement: disbursement, steps: steps, approvalsNeeded: needed,
            state: Disbursement.state(after: steps, approvalsNeeded: needed), beneficiary: beneficiary
        )
    }

    /// The private beneficiary of a disbursement: its commitment, the name while it
    /// exists, and when it was erased; `nil` for a member or an older request.
    static func beneficiaryRecord(_ db: Database, id: DisbursementID) throws -> BeneficiaryRecord? {
        guard let commitment = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT commitment FROM beneficiary_commitments WHERE disbursement_id = ?"),
            arguments: [id.rawValue]
        ) else { return nil }
        let data = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT data FROM beneficiary_private WHERE disbursement_id = ?"),
            arguments: [id.rawValue]
        )
        let privateData = try data.map { bytes in
            guard let parsed = BeneficiaryPrivateData(canonicalBytes: [UInt8](bytes)) else {
                throw StorageError.corruptRow(table: "beneficiary_private", detail: "data does not parse")
            }
            return parsed
        }
        let erasedAt = try String.fetchOne(
            db.cachedStatement(sql: "SELECT erased_at FROM beneficiary_erasures WHERE disbursement_id = ?"),
            arguments: [id.rawValue]
        ).flatMap(Timestamp.init)
        return BeneficiaryRecord(commitment: [UInt8](commitment), privateData: privateData, erasedAt: erasedAt)
    }

    /// Erases the name of a disbursement's beneficiary (a data-protection request): the
    /// name and its salt are deleted, the erasure recorded and logged; the commitment
    /// stays, so the log and every proof remain verifiable. Like a member's erasure, it
    /// zeroes the fingerprints of the requests answered with this disbursement and
    /// truncates the WAL once committed.
    public func eraseBeneficiary(of id: DisbursementID, by principal: Principal) async throws -> DisbursementView {
        let outcome: WriteOutcome<DisbursementView> = try await write(idempotency: nil) { db, now in
            guard let view = try Self.disbursementView(db, id: id) else {
                throw Rejection.notFound(resource: "disbursement", reference: id.rawValue)
            }
            guard let record = view.beneficiary else {
                let detail = view.disbursement.recipient.memberID != nil
                    ? "its recipient is a member: erase the member's private data instead"
                    : "its beneficiary was named before names became private; the name is in the log"
                throw Rejection.beneficiaryNotErasable(id: id.rawValue, detail: detail)
            }
            guard record.erasedAt == nil else {
                throw Rejection.beneficiaryNotErasable(id: id.rawValue, detail: "the name was erased before")
            }
            try db.execute(
                sql: "INSERT INTO beneficiary_erasures (disbursement_id, erased_at) VALUES (?, ?)",
                arguments: [id.rawValue, now.description]
            )
            try db.execute(sql: "DELETE FROM beneficiary_private WHERE disbursement_id = ?", arguments: [id.rawValue])
            try Self.forgetFingerprints(db, ofResponsesNaming: id.rawValue)
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(
                    kind: "disbursement.beneficiary_erased", subject: "\(id.rawValue)#beneficiary_erased",
                    details: Self.beneficiaryErasureDetails(id: id.rawValue, erasedAt: now.description),
                    accountsOpened: [], transaction: nil
                )),
                balances: [], by: principal, at: now
            )
            guard let erased = try Self.disbursementView(db, id: id) else {
                preconditionFailure("the disbursement exists")
            }
            return erased
        }
        guard case .applied(let view) = outcome else { preconditionFailure("erasure takes no idempotency key") }
        try await truncateWriteAheadLog()
        return view
    }

    /// The details of a `disbursement.beneficiary_erased` entry.
    static func beneficiaryErasureDetails(id: String, erasedAt: String) -> JSONValue {
        .object(["id": .string(id), "erased_at": .string(erasedAt)])
    }
}

/// A disbursement's private beneficiary as the store holds it.
public struct BeneficiaryRecord: Sendable, Equatable {
    /// SHA-256(salt || name data), as in the `disbursement.requested` entry.
    public let commitment: [UInt8]
    /// `nil` once erased.
    public let privateData: BeneficiaryPrivateData?
    public let erasedAt: Timestamp?
}

/// A disbursement with its steps and derived state.
public struct DisbursementView: Sendable, Equatable {
    public let disbursement: Disbursement
    public let steps: [DisbursementStep]
    public let approvalsNeeded: Int
    public let state: Disbursement.State
    /// The private beneficiary, for requests that name one since names became private.
    public let beneficiary: BeneficiaryRecord?

    /// Every ledger transaction the disbursement recorded, in order.
    public var transactionIDs: [TransactionID] { steps.compactMap(\.transactionID) }
}

/// Which disbursements a list returns.
public struct DisbursementFilter: Sendable, Equatable {
    public var memberID: String?
    public var fundID: String?
    public var state: Disbursement.State?
    /// Requested on or after / on or before these dates (UTC).
    public var from: LocalDate?
    public var to: LocalDate?

    public init(memberID: String? = nil, fundID: String? = nil, state: Disbursement.State? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
        self.memberID = memberID
        self.fundID = fundID
        self.state = state
        self.from = from
        self.to = to
    }
}
