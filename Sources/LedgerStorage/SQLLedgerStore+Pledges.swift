import Foundation
public import FundCore
import GRDB
public import LedgerCore
import LedgerSQL

/// Pledges and contributions. Each step opens the accounts it needs (in the same entry),
/// records one ledger transaction and appends one fund-action log entry; a pledge's
/// status is read from its receivable account, never from a counter.
extension SQLLedgerStore {
    @_specialize(where Engine == SQLiteEngine)
    public func makePledge(
        _ draft: PledgeDraft, by principal: Principal, idempotency: Idempotency<PledgeView>?
    ) async throws -> WriteOutcome<PledgeView> {
        let checked = try draft.checked()
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let (member, fund) = try Self.memberAndFund(db, memberID: draft.memberID, fundID: draft.fundID)
            let making = try PledgeSteps.make(checked, member: member, fund: fund, identifiers: identifiers, at: now)
            return try Self.persist(making, fund: fund, by: principal, identifiers: identifiers, at: now, in: db)
        }
    }

    /// Writes a pledge the rule made: its accounts, its transaction, its row, its entry.
    static func persist(
        _ making: PledgeSteps.Making, fund: Fund, by principal: Principal, identifiers: any IdentifierSource,
        at now: Timestamp, in db: some SQLConnection
    ) throws -> PledgeView {
        var opened: [Account] = []
        let receivable = try ensureAccount(
            db, making.receivable, fund: fund, at: now, identifiers: identifiers, opened: &opened)
        _ = try ensureAccount(db, making.income, fund: fund, at: now, identifiers: identifiers, opened: &opened)
        let (transaction, balances) = try insertTransaction(
            making.transaction.checked(), id: TransactionID(bytes: identifiers.nextIdentifierBytes()), at: now, in: db
        )
        guard let account = try LedgerRows.account(db, reference: .code(receivable)) else {
            preconditionFailure("just opened")
        }
        let pledge = making.pledge
        try insert(pledge, receivable: account.account.id, transaction: transaction.id, in: db)
        try AuditLogWriter.append(
            db, event: .fundAction(making.action(accountsOpened: opened, transaction: transaction)),
            balances: balances, by: principal, at: now
        )
        guard let view = try pledgeView(db, id: pledge.id, today: now.date) else { preconditionFailure("just written") }
        return view
    }

    /// Writes a pledge's row: its receivable account and the transaction that booked it.
    static func insert(
        _ pledge: Pledge, receivable: AccountID, transaction: TransactionID, in db: some SQLConnection
    ) throws {
        try db.execute("""
                INSERT INTO pledges (id, member_id, fund_id, asset, amount, date, due_date, instalments, account_id,
                transaction_id, created_at, schedule)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                pledge.id.rawValue, pledge.memberID.rawValue, pledge.fundID.rawValue, pledge.asset.rawValue,
                pledge.amount.minorUnits, pledge.date.description, pledge.dueDate.description,
                instalmentsJSON(pledge).canonicalText, receivable.rawValue, transaction.rawValue,
                pledge.createdAt.description, pledge.schedule?.json.canonicalText,
            ])
    }

    /// Writes a pledge's cancellation and the transaction that wrote off what was left.
    static func insert(
        _ cancellation: PledgeCancellation, transaction: TransactionID, in db: some SQLConnection
    ) throws {
        try db.execute("""
                INSERT INTO pledge_cancellations (pledge_id, reason, transaction_id, cancelled_at)
                VALUES (?, ?, ?, ?)
                """, [
                cancellation.pledgeID.rawValue, cancellation.reason, transaction.rawValue,
                cancellation.cancelledAt.description,
            ])
    }

    /// Writes a contribution's row and the transaction that booked it.
    static func insert(
        _ contribution: Contribution, transaction: TransactionID, in db: some SQLConnection
    ) throws {
        try db.execute("""
                INSERT INTO contributions (id, member_id, fund_id, asset, amount, date, pledge_id, transaction_id,
                created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                contribution.id.rawValue, contribution.memberID.rawValue, contribution.fundID.rawValue,
                contribution.asset.rawValue, contribution.amount.minorUnits, contribution.date.description,
                contribution.pledgeID?.rawValue, transaction.rawValue, contribution.createdAt.description,
            ])
    }

    public func pledge(_ id: PledgeID) async throws -> PledgeView? {
        let today = clock.now().date
        return try await engine.read { db in try Self.pledgeView(db, id: id, today: today) }
    }

    public func pledges(filter: PledgeFilter, page: PageRequest) async throws -> Page<PledgeView> {
        let after = try SequencePage.start(of: page, list: "pledge")
        let today = clock.now().date
        return try await engine.read { db in
            // SQL keeps only the candidates for the status asked (from stored facts); the
            // Swift derivation below decides, so a page derives about a page of pledges.
            let candidates = Self.pledgeCandidates(filter.state, today: today, dialect: db.dialect)
            var arguments: SQLArguments = [
                after, filter.memberID, filter.memberID, filter.fundID, filter.fundID, filter.fundID,
                filter.from?.description ?? "", filter.to?.description ?? "9999-12-31",
            ]
            arguments += candidates.arguments
            return try SequencePage.fill(
                db, """
                    SELECT p.seq, p.id FROM pledges p
                    LEFT JOIN accounts a ON a.id = p.account_id
                    LEFT JOIN balances b ON b.account_seq = a.seq AND b.asset = p.asset
                    WHERE p.seq > ? AND (CAST(? AS TEXT) IS NULL OR p.member_id = ?)
                    AND (CAST(? AS TEXT) IS NULL OR p.fund_id IN (SELECT id FROM funds WHERE id = ? OR code = ?))
                    AND p.date >= ? AND p.date <= ? AND \(candidates.sql) ORDER BY p.seq
                    """,
                arguments, limit: page.limit, list: "pledge") { row in
                guard let id = PledgeID(try LedgerRows.text(row, "id")),
                    let view = try Self.pledgeView(db, id: id, today: today)
                else { return nil }
                if let state = filter.state, view.status.state != state { return nil }
                return view
            }
        }
    }

    /// The SQL condition every pledge in `state` meets on `today`, with its arguments
    /// (`p` a pledge, `b` its receivable's balance): a necessary condition read from stored
    /// facts, never the definition — `PledgeStatus` is, and it is applied to each candidate.
    ///
    /// Why it holds: only pledge steps post to a receivable (raw transactions may not), so
    /// its balance is the amount less what was paid and written off; a cancellation row
    /// exists exactly when something was written off, and it writes off all that was left.
    /// Overdue needs an instalment due by today (the first is the earliest); open needs
    /// none due and nothing paid; partly paid needs the last instalment still ahead.
    static func pledgeCandidates(
        _ state: PledgeStatus.State?, today: LocalDate, dialect: SQLDialect
    ) -> (sql: String, arguments: SQLArguments) {
        let cancelled = "EXISTS (SELECT 1 FROM pledge_cancellations c WHERE c.pledge_id = p.id)"
        let firstDue = dialect.jsonArrayElementText("p.instalments", index: 0, key: "due_date")
        let day: SQLArguments = [today.description]
        switch state {
        case nil: return ("TRUE", [])
        case .cancelled: return (cancelled, [])
        case .paid: return ("(NOT \(cancelled) AND b.balance <= 0)", [])
        case .overdue: return ("(NOT \(cancelled) AND b.balance > 0 AND \(firstDue) <= ?)", day)
        case .open: return ("(NOT \(cancelled) AND b.balance >= p.amount AND \(firstDue) > ?)", day)
        case .partlyPaid:
            return ("(NOT \(cancelled) AND b.balance > 0 AND b.balance < p.amount AND p.due_date > ?)", day)
        }
    }

    /// Writes off what is still outstanding on a pledge, with a reason: its own ledger
    /// transaction (the receivable against the contribution income it had booked).
    public func cancelPledge(
        _ id: PledgeID, reason: String, by principal: Principal, idempotency: Idempotency<PledgeView>?
    ) async throws -> WriteOutcome<PledgeView> {
        try StepReason.check(reason)
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            guard let view = try Self.pledgeView(db, id: id, today: now.date) else {
                throw Rejection.notFound(resource: "pledge", reference: id.rawValue)
            }
            let (member, fund) = try Self.memberAndFund(
                db, memberID: view.pledge.memberID.rawValue, fundID: view.pledge.fundID.rawValue
            )
            let cancelling = try PledgeSteps.cancel(
                view.pledge, status: view.status, reason: reason, member: member, fund: fund, at: now
            )
            let (transaction, balances) = try Self.insertTransaction(
                cancelling.transaction.checked(), id: TransactionID(bytes: identifiers.nextIdentifierBytes()),
                at: now, in: db
            )
            try Self.insert(
                PledgeCancellation(pledgeID: id, reason: reason, cancelledAt: now), transaction: transaction.id, in: db
            )
            try AuditLogWriter.append(
                db, event: .fundAction(cancelling.action(transaction: transaction)),
                balances: balances, by: principal, at: now
            )
            guard let cancelled = try Self.pledgeView(db, id: id, today: now.date) else {
                preconditionFailure("exists")
            }
            return cancelled
        }
    }

    /// Records money received: cash in; against a pledge it reduces that pledge's
    /// receivable (any excess only with `splitExcess`, as unpledged income), otherwise it
    /// is contribution income directly.
    public func recordContribution(
        _ draft: ContributionDraft, by principal: Principal, idempotency: Idempotency<ContributionView>?
    ) async throws -> WriteOutcome<ContributionView> {
        let checked = try draft.checked()
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let (member, fund) = try Self.memberAndFund(db, memberID: draft.memberID, fundID: draft.fundID)
            let contributing = try PledgeSteps.contribute(
                checked, pledgeReference: draft.pledgeID,
                pledge: try Self.pledgeState(db, reference: draft.pledgeID, today: now.date),
                splitExcess: draft.splitExcess, member: member, fund: fund, identifiers: identifiers, at: now
            )
            return try Self.persist(contributing, fund: fund, by: principal, identifiers: identifiers, at: now, in: db)
        }
    }

    /// The pledge a contribution names and its status today; `nil` when it names none
    /// (the rule refuses a reference that finds nothing).
    static func pledgeState(
        _ db: some SQLConnection, reference: String?, today: LocalDate
    ) throws -> PledgeSteps.PledgeState? {
        guard let id = reference.flatMap(PledgeID.init), let view = try pledgeView(db, id: id, today: today) else {
            return nil
        }
        return (view.pledge, view.status)
    }

    /// Writes a contribution the rule decided: the income account, the transaction, the
    /// row and the entry.
    static func persist(
        _ contributing: PledgeSteps.Contributing, fund: Fund, by principal: Principal,
        identifiers: any IdentifierSource, at now: Timestamp, in db: some SQLConnection
    ) throws -> ContributionView {
        var opened: [Account] = []
        _ = try ensureAccount(db, contributing.income, fund: fund, at: now, identifiers: identifiers, opened: &opened)
        let (transaction, balances) = try insertTransaction(
            contributing.transaction.checked(), id: TransactionID(bytes: identifiers.nextIdentifierBytes()),
            at: now, in: db
        )
        let contribution = contributing.contribution
        try insert(contribution, transaction: transaction.id, in: db)
        try AuditLogWriter.append(
            db, event: .fundAction(contributing.action(accountsOpened: opened, transaction: transaction)),
            balances: balances, by: principal, at: now
        )
        return ContributionView(
            contribution: contribution, transactionID: transaction.id, appliedToPledge: contributing.appliedToPledge
        )
    }

    public func contributions(filter: ContributionFilter, page: PageRequest) async throws -> Page<ContributionView> {
        let after =
            try page.cursor.map { cursor in
                guard cursor.fields.count == 2, cursor.fields[0] == "contribution", let seq = Int64(cursor.fields[1])
                else { throw InvalidCursor() }
                return seq
            } ?? Int64(0)
        return try await engine.read { db in
            let rows = try db.fetchAll("""
                    SELECT seq, id FROM contributions WHERE seq > ? AND (CAST(? AS TEXT) IS NULL OR member_id = ?)
                    AND (CAST(? AS TEXT) IS NULL OR fund_id IN (SELECT id FROM funds WHERE id = ? OR code = ?))
                    AND (CAST(? AS TEXT) IS NULL OR pledge_id = ?) AND date >= ? AND date <= ? ORDER BY seq LIMIT ?
                    """, [
                    after, filter.memberID, filter.memberID, filter.fundID, filter.fundID, filter.fundID,
                    filter.pledgeID, filter.pledgeID,
                    filter.from?.description ?? "", filter.to?.description ?? "9999-12-31", page.limit + 1,
                ])
            let views = try rows.prefix(page.limit).compactMap { row in
                try ContributionID(try LedgerRows.text(row, "id")).flatMap { try Self.contributionView(db, id: $0) }
            }
            let next =
                rows.count > page.limit
                ? try rows.prefix(page.limit).last.map {
                    PageCursor(fields: ["contribution", String(try LedgerRows.integer($0, "seq"))])
                } : nil
            return Page(items: views, nextCursor: next)
        }
    }

    public func contribution(_ id: ContributionID) async throws -> ContributionView? {
        try await engine.read { db in try Self.contributionView(db, id: id) }
    }

    // MARK: Helpers

    /// The member and fund a request names, or `unknown_reference` naming the field.
    static func memberAndFund(_ db: some SQLConnection, memberID: String, fundID: String) throws -> (Member, Fund) {
        guard let id = MemberID(memberID), let member = try memberView(db, id: id)?.member else {
            throw Rejection.unknownReference(field: "member_id", reference: memberID)
        }
        guard
            let row = try db.fetchOne("SELECT * FROM funds WHERE id = ? OR code = ?", [fundID, fundID])
        else {
            throw Rejection.unknownReference(field: "fund_id", reference: fundID)
        }
        return (member, try fund(db, from: row))
    }

    /// The fund named by id or code, or `unknown_reference` on `fund_id`.
    static func fund(_ db: some SQLConnection, reference: String) throws -> Fund {
        guard
            let row = try db.fetchOne("SELECT * FROM funds WHERE id = ? OR code = ?", [reference, reference])
        else {
            throw Rejection.unknownReference(field: "fund_id", reference: reference)
        }
        return try fund(db, from: row)
    }

    /// The account with `code`, opened now (and added to `opened`) if it does not exist.
    ///
    /// An existing account is used only when it is the one the fund would open — same
    /// type, assets and constraint, and the fund's id in its metadata. A look-alike opened
    /// by hand (raw transactions may post to it, since no fund owns it) is refused with
    /// `account_exists`: adopting it would let raw postings move a pledge's or a grant's
    /// balance behind the fund's back.
    static func ensureAccount(
        _ db: some SQLConnection, code: AccountCode, type: AccountType, asset: AssetCode?,
        constraint: BalanceConstraint?,
        fund: Fund,
        at now: Timestamp, identifiers: any IdentifierSource, opened: inout [Account]
    ) throws -> AccountCode {
        if let existing = try LedgerRows.account(db, reference: .code(code))?.account {
            guard existing.type == type, existing.allowedAssets == asset.map({ [$0] }),
                existing.constraint == constraint,
                existing.metadata == .object(["fund": .string(fund.id.rawValue)])
            else { throw Rejection.accountExists(code: code) }
            return code
        }
        let account = Account(
            id: AccountID(bytes: identifiers.nextIdentifierBytes()), code: code, type: type,
            allowedAssets: asset.map { [$0] },
            constraint: constraint, metadata: .object(["fund": .string(fund.id.rawValue)]), createdAt: now,
            closedAt: nil
        )
        try insert(account, in: db)
        opened.append(account)
        return code
    }

    /// The account `plan` names, opened now (and added to `opened`) if it does not exist;
    /// see `ensureAccount(_:code:type:asset:constraint:fund:at:identifiers:opened:)`.
    static func ensureAccount(
        _ db: some SQLConnection, _ plan: FundAccountPlan, fund: Fund, at now: Timestamp,
        identifiers: any IdentifierSource,
        opened: inout [Account]
    ) throws -> AccountCode {
        try ensureAccount(
            db, code: plan.code, type: plan.type, asset: plan.asset, constraint: plan.constraint, fund: fund, at: now,
            identifiers: identifiers, opened: &opened
        )
    }

    /// A recurring pledge's schedule, which must yield its instalments' dates; `nil` for
    /// another pledge (and in a file read unmigrated, which has no schedule column).
    static func schedule(of row: some SQLRow, instalments: [Pledge.Instalment]) throws -> PledgeSchedule? {
        guard row.sqlColumnNames.contains("schedule"), let text = try row.value(String?.self, named: "schedule") else {
            return nil
        }
        guard let json = try? JSONParser.parse(Array(text.utf8)), let schedule = PledgeSchedule(json: json),
            schedule.dueDates == instalments.map(\.dueDate)
        else { throw StorageError.corruptRow(table: "pledges", detail: "schedule does not yield the instalments") }
        return schedule
    }

    static func instalmentsJSON(_ pledge: Pledge) -> JSONValue {
        .array(
            pledge.instalments.map {
                .object(["due_date": .string($0.dueDate.description), "amount": .integer($0.amount.minorUnits)])
            })
    }

    static func pledgeView(_ db: some SQLConnection, id: PledgeID, today: LocalDate) throws -> PledgeView? {
        guard
            let row = try db.fetchOne("SELECT * FROM pledges WHERE id = ?", [id.rawValue])
        else { return nil }
        guard let memberID = MemberID(try LedgerRows.text(row, "member_id")),
            let fundID = FundID(try LedgerRows.text(row, "fund_id")),
            case .array(let parts)? = try? JSONParser.parse(Array(try LedgerRows.text(row, "instalments").utf8))
        else { throw StorageError.corruptRow(table: "pledges", detail: "member, fund or instalments do not parse") }
        let instalments = try parts.map { part -> Pledge.Instalment in
            guard case .object(let fields) = part, case .string(let date)? = fields["due_date"],
                let due = LocalDate(date),
                case .integer(let value)? = fields["amount"], let amount = Amount(minorUnits: value)
            else { throw StorageError.corruptRow(table: "pledges", detail: "instalment does not parse") }
            return Pledge.Instalment(dueDate: due, amount: amount)
        }
        guard !instalments.isEmpty,
            try LedgerRows.text(row, "due_date") == instalments[instalments.count - 1].dueDate.description
        else {
            throw StorageError.corruptRow(table: "pledges", detail: "due_date is not the last instalment's date")
        }
        let pledge = Pledge(
            id: id, memberID: memberID, fundID: fundID,
            asset: try LedgerRows.parse(row, "asset", table: "pledges", AssetCode.init),
            amount: try LedgerRows.amount(row, "amount", table: "pledges"),
            date: try LedgerRows.parse(row, "date", table: "pledges", LocalDate.init), instalments: instalments,
            schedule: try schedule(of: row, instalments: instalments),
            createdAt: try LedgerRows.parse(row, "created_at", table: "pledges", Timestamp.init)
        )
        // From the ledger: the receivable's postings, split by what moved them.
        let accountID = try LedgerRows.text(row, "account_id")
        let cancellation = try db.fetchOne(
            "SELECT transaction_id FROM pledge_cancellations WHERE pledge_id = ?", [id.rawValue]
        )
        let cancellationTransaction = try cancellation.map { try LedgerRows.text($0, "transaction_id") }
        let movements = try db.fetchAll("""
                    SELECT t.id AS transaction_id, p.amount FROM postings p
                    JOIN accounts a ON a.seq = p.account_seq JOIN transactions t ON t.seq = p.transaction_seq
                    WHERE a.id = ? AND p.amount < 0
                    """, [accountID])
        var paid: Int64 = 0
        var writtenOff: Int64 = 0
        for movement in movements {
            let amount = -(try LedgerRows.integer(movement, "amount"))
            if try LedgerRows.text(movement, "transaction_id") == cancellationTransaction {
                writtenOff += amount
            } else {
                paid += amount
            }
        }
        let contributionIDs = try db.fetchValues(
            String.self, "SELECT transaction_id FROM contributions WHERE pledge_id = ? ORDER BY seq", [id.rawValue]
        )
        var transactions = [try LedgerRows.text(row, "transaction_id")] + contributionIDs
        if let cancellationTransaction { transactions.append(cancellationTransaction) }
        return PledgeView(
            pledge: pledge, status: PledgeStatus(pledge: pledge, paid: paid, writtenOff: writtenOff, today: today),
            transactionIDs: transactions.compactMap(TransactionID.init),
            cancellationReason: try db.fetchValue(
                String.self, "SELECT reason FROM pledge_cancellations WHERE pledge_id = ?", [id.rawValue]
            )
        )
    }

    static func contributionView(_ db: some SQLConnection, id: ContributionID) throws -> ContributionView? {
        guard
            let row = try db.fetchOne("SELECT * FROM contributions WHERE id = ?", [id.rawValue])
        else { return nil }
        guard let memberID = MemberID(try LedgerRows.text(row, "member_id")),
            let fundID = FundID(try LedgerRows.text(row, "fund_id")),
            let transactionID = TransactionID(try LedgerRows.text(row, "transaction_id"))
        else { throw StorageError.corruptRow(table: "contributions", detail: "ids do not parse") }
        let pledgeID = try row.value(String?.self, named: "pledge_id").flatMap(PledgeID.init)
        let contribution = Contribution(
            id: id, memberID: memberID, fundID: fundID,
            asset: try LedgerRows.parse(row, "asset", table: "contributions", AssetCode.init),
            amount: try LedgerRows.amount(row, "amount", table: "contributions"),
            date: try LedgerRows.parse(row, "date", table: "contributions", LocalDate.init), pledgeID: pledgeID,
            createdAt: try LedgerRows.parse(row, "created_at", table: "contributions", Timestamp.init)
        )
        var applied: Int64 = 0
        if let pledgeID,
            let pledgeRow = try db.fetchOne("SELECT account_id FROM pledges WHERE id = ?", [pledgeID.rawValue])
        {
            applied =
                -(try db.fetchValue(Int64.self, """
                            SELECT coalesce(sum(p.amount), 0) FROM postings p JOIN accounts a ON a.seq = p.account_seq
                            JOIN transactions t ON t.seq = p.transaction_seq WHERE a.id = ? AND t.id = ?
                            """, [try LedgerRows.text(pledgeRow, "account_id"), transactionID.rawValue])
                ?? 0)
        }
        return ContributionView(contribution: contribution, transactionID: transactionID, appliedToPledge: applied)
    }
}

/// A pledge with its status as of today and the transactions that moved it.
public struct PledgeView: Sendable, Equatable {
    public let pledge: Pledge
    public let status: PledgeStatus
    /// The pledge's own transaction, then its contributions', then its write-off.
    public let transactionIDs: [TransactionID]
    public let cancellationReason: String?
}

/// A contribution with its transaction and the part of it that paid its pledge.
public struct ContributionView: Sendable, Equatable {
    public let contribution: Contribution
    public let transactionID: TransactionID
    public let appliedToPledge: Int64
}

/// Which pledges a list returns.
public struct PledgeFilter: Sendable, Equatable {
    public var memberID: String?
    public var fundID: String?
    public var state: PledgeStatus.State?
    /// Pledges made on or after / on or before these dates.
    public var from: LocalDate?
    public var to: LocalDate?

    public init(
        memberID: String? = nil, fundID: String? = nil, state: PledgeStatus.State? = nil, from: LocalDate? = nil,
        to: LocalDate? = nil
    ) {
        self.memberID = memberID
        self.fundID = fundID
        self.state = state
        self.from = from
        self.to = to
    }
}

/// Which contributions a list returns.
public struct ContributionFilter: Sendable, Equatable {
    public var memberID: String?
    public var fundID: String?
    public var pledgeID: String?
    public var from: LocalDate?
    public var to: LocalDate?

    public init(
        memberID: String? = nil, fundID: String? = nil, pledgeID: String? = nil, from: LocalDate? = nil,
        to: LocalDate? = nil
    ) {
        self.memberID = memberID
        self.fundID = fundID
        self.pledgeID = pledgeID
        self.from = from
        self.to = to
    }
}
