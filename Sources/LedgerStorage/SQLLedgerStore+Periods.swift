import AuditLog
public import FundCore
public import LedgerCore
import LedgerSQL

/// Sealed periods: closing the books through a day, and the rule every dated write obeys.
extension SQLLedgerStore {
    /// Closes the books through `through` (an admin's step): refused unless the day is
    /// over and after the last closing. The closing seals the log as it stood before its
    /// own entry (tree size and root), written with that entry in one transaction.
    public func closePeriod(
        through: String, by principal: Principal, idempotency: Idempotency<PeriodClosing>?
    ) async throws -> WriteOutcome<PeriodClosing> {
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let day = try PeriodClosing.check(through: through, latest: try Self.closedThrough(db), at: now)
            var log = try AuditLogWriter(db)
            let closing = PeriodClosing(
                id: PeriodClosingID(bytes: identifiers.nextIdentifierBytes()), through: day,
                sealedTreeSize: log.treeSize, sealedRootHash: log.rootHash.base64EncodedString, closedAt: now
            )
            try Self.insert(closing, by: principal, in: db)
            try log.append(
                db, event: .fundAction(FundEvent.periodClosed(closing).action()), balances: [], by: principal, at: now)
            return closing
        }
    }

    /// Every closing, oldest first.
    public func periodClosings() async throws -> [PeriodClosing] {
        try await engine.read { db in
            try db.fetchAll("SELECT * FROM period_closings ORDER BY seq", []).map(Self.periodClosing(from:))
        }
    }

    /// The last day of the latest closed period; `nil` while no period is closed.
    static func closedThrough(_ db: some SQLConnection) throws -> LocalDate? {
        guard let text = try db.fetchValue(String.self, "SELECT max(through) FROM period_closings", []) else {
            return nil
        }
        guard let day = LocalDate(text) else {
            throw StorageError.corruptRow(table: "period_closings", detail: "through does not parse")
        }
        return day
    }

    /// Refuses a write dated `date` on or before the latest closing (`period_closed`).
    static func refuseClosedPeriod(_ date: LocalDate, in db: some SQLConnection) throws {
        try PeriodClosing.refuse(date, closedThrough: try closedThrough(db))
    }

    /// Writes a closing's row (the day is after the last closing: the caller checked).
    static func insert(_ closing: PeriodClosing, by principal: Principal, in db: some SQLConnection) throws {
        try db.execute(
            """
            INSERT INTO period_closings (seq, id, through, sealed_tree_size, sealed_root_hash, closed_by_key, closed_at)
            VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM period_closings), ?, ?, ?, ?, ?, ?)
            """,
            [
                closing.id.rawValue, closing.through.description, closing.sealedTreeSize, closing.sealedRootHash,
                principal.keyID, closing.closedAt.description,
            ])
    }

    static func periodClosing(from row: some SQLRow) throws -> PeriodClosing {
        let table = "period_closings"
        return PeriodClosing(
            id: try LedgerRows.parse(row, "id", table: table, PeriodClosingID.init),
            through: try LedgerRows.parse(row, "through", table: table, LocalDate.init),
            sealedTreeSize: try LedgerRows.integer(row, "sealed_tree_size"),
            sealedRootHash: try LedgerRows.text(row, "sealed_root_hash"),
            closedAt: try LedgerRows.parse(row, "closed_at", table: table, Timestamp.init)
        )
    }
}
