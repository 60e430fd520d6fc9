import Crypto
import Foundation
public import FundCore
import GRDB
public import LedgerCore
import LedgerSQL

/// Disbursements: requested, approved (four eyes per person above the fund's threshold,
/// checked by `FourEyes` and again by migration 0008's trigger), paid,
/// rejected or cancelled. Every step is a row, a log entry attributed to its principal,
/// and — where money moves — one ledger transaction.
extension SQLLedgerStore {
    public func requestDisbursement(
        _ draft: DisbursementDraft, by principal: Principal, idempotency: Idempotency<DisbursementView>?
    ) async throws -> WriteOutcome<DisbursementView> {
        let checked = try draft.checked()
        let identifiers = self.identifiers
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        // A beneficiary's name is private data: the row and the log hold a label and a
        // salted commitment, the name lives in beneficiary_private (erasable).
        let privateName = draft.beneficiary.map { name in
            let data = BeneficiaryPrivateData(name: name).canonicalBytes
            return (data: data, commitment: Self.privateDataCommitment(salt: salt, data: data))
        }
        return try await write(idempotency: idempotency) { db, now in
            let fund = try Self.fund(db, reference: draft.fundID)
            let disbursement = try DisbursementSteps.request(
                checked, memberReference: draft.memberID,
                member: try draft.memberID.flatMap(MemberID.init).flatMap { try Self.memberView(db, id: $0)?.member },
                beneficiaryCommitment: privateName.map { Data($0.commitment).base64EncodedString() },
                fund: fund, by: principal, identifiers: identifiers, at: now
            )
            try Self.insert(disbursement, in: db)
            if disbursement.beneficiaryCommitment != nil, let privateName {
                try Self.insertPrivateName(of: disbursement.id, salt: salt, privateName, in: db)
            }
            try AuditLogWriter.append(
                db, event: .fundAction(DisbursementSteps.requested(disbursement)), balances: [], by: principal, at: now
            )
            guard let view = try Self.disbursementView(db, id: disbursement.id) else {
                preconditionFailure("just written")
            }
            return view
        }
    }

    /// Writes a requested disbursement's row.
    static func insert(_ disbursement: Disbursement, in db: some SQLConnection) throws {
        let requester = disbursement.requestedBy
        try db.execute("""
                INSERT INTO disbursements (id, fund_id, member_id, beneficiary, asset, amount, purpose,
                requested_by_key, requested_by_name, requested_by_role, requested_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                disbursement.id.rawValue, disbursement.fundID.rawValue, disbursement.recipient.memberID?.rawValue,
                disbursement.recipient.beneficiary, disbursement.asset.rawValue, disbursement.amount.minorUnits,
                disbursement.purpose, requester.keyID, requester.name, requester.role?.rawValue,
                disbursement.requestedAt.description,
            ])
    }

    /// Writes a private beneficiary name apart from the public row: its commitment, and the
    /// name with its salt (erasable).
    static func insertPrivateName(
        of id: DisbursementID, salt: [UInt8], _ privateName: (
            data: [UInt8], commitment: [UInt8]
        ), in db: some SQLConnection
    ) throws {
        try insertBeneficiaryCommitment(of: id, privateName.commitment, in: db)
        try db.execute(
            "INSERT INTO beneficiary_private (disbursement_id, salt, data) VALUES (?, ?, ?)",
            [id.rawValue, salt, privateName.data]
        )
    }

    /// Writes the commitment to a private beneficiary's name (public: the log holds it too).
    static func insertBeneficiaryCommitment(
        of id: DisbursementID, _ commitment: [UInt8], in db: some SQLConnection
    ) throws {
        try db.execute(
            "INSERT INTO beneficiary_commitments (disbursement_id, commitment) VALUES (?, ?)", [id.rawValue, commitment]
        )
    }

    /// Records that a beneficiary's name was erased (the caller deletes the private row).
    static func insert(_ erasure: Erasure<DisbursementID>, in db: some SQLConnection) throws {
        try db.execute(
            "INSERT INTO beneficiary_erasures (disbursement_id, erased_at) VALUES (?, ?)",
            [erasure.id.rawValue, erasure.erasedAt.description]
        )
    }

    /// Takes one step of a disbursement, checked against its state and the principal.
    public func takeDisbursementStep(
        _ id: DisbursementID, _ kind: DisbursementStep.Kind, reason: String?, holdExpiresAt: Timestamp?,
        by principal: Principal, idempotency: Idempotency<DisbursementView>?
    ) async throws -> WriteOutcome<DisbursementView> {
        try StepReason.check(reason)
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let state = try Self.disbursementStepState(db, id: id, at: now)
            let stepping = try DisbursementSteps.take(
                kind, on: state, by: principal, reason: reason, holdExpiresAt: holdExpiresAt,
                identifiers: identifiers, at: now
            )
            var opened: [Account] = []
            let recorded = try Self.book(
                stepping, fund: state.fund, identifiers: identifiers, at: now, opened: &opened, in: db
            )
            let step = stepping.step(transaction: recorded?.0.id)
            try Self.insert(step, of: id, position: stepping.position, in: db)
            try Self.recordHold(of: stepping.logged(step), booked: stepping.placesHold, in: db)
            try AuditLogWriter.append(
                db, event: .fundAction(stepping.action(step: step, accountsOpened: opened, transaction: recorded?.0)),
                balances: recorded?.1 ?? [], by: principal, at: now
            )
            guard let updated = try Self.disbursementView(db, id: id) else { preconditionFailure("exists") }
            return updated
        }
    }

    /// What a disbursement step reads: the disbursement and its steps, its fund, the
    /// member it pays, and the fund's cash in its asset.
    static func disbursementStepState(
        _ db: some SQLConnection, id: DisbursementID, at now: Timestamp
    ) throws -> DisbursementSteps.State {
        guard let view = try disbursementView(db, id: id) else {
            throw Rejection.notFound(resource: "disbursement", reference: id.rawValue)
        }
        let disbursement = view.disbursement
        let fund = try Self.fund(db, reference: disbursement.fundID.rawValue)
        return DisbursementSteps.State(
            disbursement: disbursement, steps: view.steps, approvalsNeeded: view.approvalsNeeded, fund: fund,
            recipientMember: try disbursement.recipient.memberID.flatMap { try memberView(db, id: $0)?.member },
            cashBalance: try balance(db, of: fund.chart.cash(disbursement.asset), asset: disbursement.asset),
            heldByOthers: try held(db, fund: fund.id, asset: disbursement.asset, excluding: id, at: now)
        )
    }

    /// The signed balance of `asset` on the account `code`; 0 when nothing was posted.
    static func balance(_ db: some SQLConnection, of code: AccountCode, asset: AssetCode) throws -> Int64 {
        try db.fetchValue(Int64.self, """
                    SELECT b.balance FROM balances b JOIN accounts a ON a.seq = b.account_seq
                    WHERE a.code = ? AND b.asset = ?
                    """, [code.rawValue, asset.rawValue]) ?? 0
    }

    /// Writes the ledger side of a step as the rule booked it.
    static func book(
        _ stepping: DisbursementSteps.Stepping, fund: Fund, identifiers: any IdentifierSource, at now: Timestamp,
        opened: inout [Account], in db: some SQLConnection
    ) throws -> (LedgerTransaction, [BalanceSnapshot])? {
        switch stepping.booking {
        case .none:
            return nil
        case .approval(let grants, let payable, let draft):
            _ = try ensureAccount(db, grants, fund: fund, at: now, identifiers: identifiers, opened: &opened)
            _ = try ensureAccount(db, payable, fund: fund, at: now, identifiers: identifiers, opened: &opened)
            return try insertTransaction(draft.checked(), id: stepping.transactionID, at: now, in: db)
        case .payment(let draft):
            return try insertTransaction(draft.checked(), id: stepping.transactionID, at: now, in: db)
        case .reversal(let approval, let description):
            return try insertReversal(
                of: approval, id: stepping.transactionID, date: now.date, description: description, at: now, in: db
            )
        }
    }

    /// Writes a disbursement step's row.
    static func insert(
        _ step: DisbursementStep, of id: DisbursementID, position: Int, in db: some SQLConnection
    ) throws {
        try db.execute("""
                INSERT INTO disbursement_steps (disbursement_id, position, kind, principal_key, principal_name,
                principal_role, transaction_id, reason, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                id.rawValue, position, step.kind.rawValue, step.principal.keyID, step.principal.name,
                step.principal.role?.rawValue, step.transactionID?.rawValue, step.reason, step.at.description,
            ])
    }

    public func disbursement(_ id: DisbursementID) async throws -> DisbursementView? {
        try await engine.read { db in try Self.disbursementView(db, id: id) }
    }

    public func disbursements(filter: DisbursementFilter, page: PageRequest) async throws -> Page<DisbursementView> {
        let after = try SequencePage.start(of: page, list: "disbursement")
        return try await engine.read { db in
            return try SequencePage.fill(
                db, """
                    SELECT d.seq, d.id FROM disbursements d
                    WHERE d.seq > ? AND (CAST(? AS TEXT) IS NULL OR d.member_id = ?)
                    AND (CAST(? AS TEXT) IS NULL OR d.fund_id IN (SELECT id FROM funds WHERE id = ? OR code = ?))
                    AND substr(d.requested_at, 1, 10) >= ? AND substr(d.requested_at, 1, 10) <= ?
                    AND \(Self.disbursementCandidates(filter.state)) ORDER BY d.seq
                    """,
                [
                    after, filter.memberID, filter.memberID, filter.fundID, filter.fundID, filter.fundID,
                    filter.from?.description ?? "", filter.to?.description ?? "9999-12-31",
                ], limit: page.limit, list: "disbursement") { row in
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
        case nil: return "TRUE"
        case .cancelled: return step(.cancel)
        case .rejected: return "(NOT \(step(.cancel)) AND \(step(.reject)))"
        case .paid: return "(NOT \(step(.cancel)) AND NOT \(step(.reject)) AND \(step(.pay)))"
        case .approved: return "(\(open) AND \(approvals) >= \(needed))"
        case .requested: return "(\(open) AND \(approvals) < \(needed))"
        }
    }

    // MARK: Rows

    /// The principal a row records, with the person its key belongs to (four eyes
    /// compares people).
    static func principal(_ db: some SQLConnection, _ row: some SQLRow, prefix: String) throws -> Principal {
        let keyID = try row.value(String?.self, named: "\(prefix)_key")
        let person = try keyID.flatMap { keyID in
            try db.fetchValue(String.self, "SELECT person_id FROM api_key_people WHERE key_id = ?", [keyID])
        }.flatMap { PersonID($0) }
        return Principal(
            keyID: keyID, name: try LedgerRows.text(row, "\(prefix)_name"),
            role: try row.value(String?.self, named: "\(prefix)_role").flatMap(Role.init(rawValue:)),
            personID: person
        )
    }

    static func disbursementView(_ db: some SQLConnection, id: DisbursementID) throws -> DisbursementView? {
        guard
            let row = try db.fetchOne("SELECT * FROM disbursements WHERE id = ?", [id.rawValue])
        else { return nil }
        guard let fundID = FundID(try LedgerRows.text(row, "fund_id")) else {
            throw StorageError.corruptRow(table: "disbursements", detail: "fund_id does not parse")
        }
        let recipient: Disbursement.Recipient
        if let memberText = try row.value(String?.self, named: "member_id") {
            guard let memberID = MemberID(memberText) else {
                throw StorageError.corruptRow(table: "disbursements", detail: "member_id does not parse")
            }
            recipient = .member(memberID)
        } else {
            guard let name = try row.value(String?.self, named: "beneficiary") else {
                throw StorageError.corruptRow(table: "disbursements", detail: "neither member nor beneficiary")
            }
            recipient = .beneficiary(name)
        }
        let beneficiary = try beneficiaryRecord(db, id: id)
        let disbursement = Disbursement(
            id: id, fundID: fundID, recipient: recipient,
            asset: try LedgerRows.parse(row, "asset", table: "disbursements", AssetCode.init),
            amount: try LedgerRows.amount(row, "amount", table: "disbursements"),
            purpose: try LedgerRows.text(row, "purpose"),
            requestedBy: try principal(db, row, prefix: "requested_by"),
            requestedAt: try LedgerRows.parse(row, "requested_at", table: "disbursements", Timestamp.init),
            beneficiaryCommitment: beneficiary.map { Data($0.commitment).base64EncodedString() }
        )
        let steps = try db.fetchAll(
            "SELECT * FROM disbursement_steps WHERE disbursement_id = ? ORDER BY position", [id.rawValue]
        ).map { step in
            guard let kind = DisbursementStep.Kind(rawValue: try LedgerRows.text(step, "kind")) else {
                throw StorageError.corruptRow(table: "disbursement_steps", detail: "kind does not parse")
            }
            return DisbursementStep(
                kind: kind, principal: try principal(db, step, prefix: "principal"),
                at: try LedgerRows.parse(step, "at", table: "disbursement_steps", Timestamp.init),
                transactionID: try step.value(String?.self, named: "transaction_id").flatMap(TransactionID.init),
                reason: try step.value(String?.self, named: "reason")
            )
        }
        guard
            let fundRow = try db.fetchOne("SELECT * FROM funds WHERE id = ?", [fundID.rawValue])
        else {
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
    static func beneficiaryRecord(_ db: some SQLConnection, id: DisbursementID) throws -> BeneficiaryRecord? {
        guard
            let commitment = try db.fetchValue(
                [UInt8].self, "SELECT commitment FROM beneficiary_commitments WHERE disbursement_id = ?", [id.rawValue]
            )
        else { return nil }
        let data = try db.fetchValue(
            [UInt8].self, "SELECT data FROM beneficiary_private WHERE disbursement_id = ?", [id.rawValue]
        )
        let privateData = try data.map { bytes in
            guard let parsed = BeneficiaryPrivateData(canonicalBytes: [UInt8](bytes)) else {
                throw StorageError.corruptRow(table: "beneficiary_private", detail: "data does not parse")
            }
            return parsed
        }
        let erasedAt = try db.fetchValue(
            String.self, "SELECT erased_at FROM beneficiary_erasures WHERE disbursement_id = ?", [id.rawValue]
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
            let action = try DisbursementSteps.eraseBeneficiary(
                of: view.disbursement, hasPrivateName: view.beneficiary != nil, erasedAt: view.beneficiary?.erasedAt,
                at: now
            )
            try Self.insert(Erasure(id: id, erasedAt: now), in: db)
            try db.execute("DELETE FROM beneficiary_private WHERE disbursement_id = ?", [id.rawValue])
            try Self.forgetFingerprints(db, ofResponsesNaming: id.rawValue)
            try AuditLogWriter.append(db, event: .fundAction(action), balances: [], by: principal, at: now)
            guard let erased = try Self.disbursementView(db, id: id) else {
                preconditionFailure("the disbursement exists")
            }
            return erased
        }
        guard case .applied(let view) = outcome else { preconditionFailure("erasure takes no idempotency key") }
        await engine.forgetErasedData(logger: logger)
        return view
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

    public init(
        memberID: String? = nil, fundID: String? = nil, state: Disbursement.State? = nil, from: LocalDate? = nil,
        to: LocalDate? = nil
    ) {
        self.memberID = memberID
        self.fundID = fundID
        self.state = state
        self.from = from
        self.to = to
    }
}
