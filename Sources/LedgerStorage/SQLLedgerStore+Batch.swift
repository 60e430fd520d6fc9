import GRDB
public import LedgerCore
import LedgerSQL
import LedgerEngine

extension SQLLedgerStore {
    /// Records many transactions in one group commit: one job of the engine's
    /// `GroupCommitter` whose savepoint covers all its items, so a batch shares the commit
    /// protocol of single writes (one fsync and one signed checkpoint per group, answered
    /// after the commit) and may share its commit with them. One log entry per transaction.
    ///
    /// Each item keeps its own result: a rejected item is rolled back alone (a savepoint
    /// inside the batch's) and its neighbours are still recorded — unless `atomic`, when
    /// the first rejection rolls back the whole batch (the job's savepoint) and is thrown
    /// as `BatchRejection`. An item with an idempotency key already used for the same item
    /// is replayed, not written again.
    @_specialize(where Engine == SQLiteEngine)
    public func recordTransactions(
        _ items: [(draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?)], atomic: Bool,
        by principal: Principal
    ) async throws -> [BatchItemOutcome] {
        let checked = items.map { item in
            Result { () throws(Rejection) in try RawTransactionRule.checked(item.draft) }
        }
        if atomic, let index = checked.firstIndex(where: { if case .failure = $0 { true } else { false } }),
           case .failure(let rejection) = checked[index] {
            throw BatchRejection(index: index, rejection: rejection)
        }
        let batch = Batch(
            items: zip(checked, items).map { ($0, $1.idempotency) }, atomic: atomic, principal: principal,
            identifiers: identifiers, accountMemo: accountMemo
        )
        // Atomic: the job's savepoint covers every item (a rejection rolls back the batch).
        // Otherwise each item is its own savepoint, directly in the group's transaction.
        return try await committer.submit(isolated: atomic) { statements, now in
            try batch.record(in: statements, at: now)
        }
    }

    /// One batch as a group-commit job: its checked items and how to record them.
    private struct Batch: Sendable {
        let items: [(draft: Result<CheckedTransactionDraft, Rejection>, idempotency: Idempotency<LedgerTransaction>?)]
        let atomic: Bool
        let principal: Principal
        let identifiers: any IdentifierSource
        let accountMemo: AccountMemo

        /// Records every item inside the job's transaction, each in its own savepoint.
        @_specialize(where Engine == SQLiteEngine)
        func record(in statements: SQLStatements<Engine.Connection>, at now: Timestamp) throws -> [BatchItemOutcome] {
            var log = try AuditLogWriter(statements.db)
            var lookups = BatchLookups(memo: accountMemo)
            var results: [BatchItemOutcome] = []
            results.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                switch item.draft {
                case .failure(let rejection):
                    results.append(.rejected(rejection))
                case .success(let draft):
                    results.append(try record(
                        draft, index: index, idempotency: item.idempotency, in: statements, at: now,
                        log: &log, lookups: &lookups
                    ))
                }
            }
            return results
        }

        /// Records one item in its own savepoint: a rejection rolls back the item alone,
        /// or (atomic) is thrown as `BatchRejection`, rolling back the whole batch.
        @_specialize(where Engine == SQLiteEngine)
        private func record(
            _ draft: CheckedTransactionDraft, index: Int, idempotency: Idempotency<LedgerTransaction>?,
            in statements: SQLStatements<Engine.Connection>, at now: Timestamp, log: inout AuditLogWriter,
            lookups: inout BatchLookups
        ) throws -> BatchItemOutcome {
            func write() throws -> BatchItemOutcome {
                let outcome = try SQLLedgerStore.guarded(statements, idempotency, at: now) {
                    try SQLLedgerStore.record(
                        draft, id: TransactionID(bytes: identifiers.nextIdentifierBytes()), by: principal, at: now,
                        in: statements.db, log: &log, lookups: &lookups
                    )
                }
                switch outcome {
                case .applied(let transaction): return .applied(transaction)
                case .replayed(let stored): return .replayed(stored)
                }
            }
            do {
                // Atomic items need no savepoint of their own: the job's covers them all.
                return atomic ? try write() : try statements.inSavepoint(write)
            } catch let rejection as Rejection {
                if atomic { throw BatchRejection(index: index, rejection: rejection) }
                return .rejected(rejection)
            }
        }
    }
}

/// What became of one item of a batch.
public enum BatchItemOutcome: Sendable {
    case applied(LedgerTransaction)
    /// The item's idempotency key was used before for the same item: its stored response.
    case replayed(StoredResponse)
    case rejected(Rejection)
}

/// The item that made an atomic batch fail, and why; nothing of the batch was written.
public struct BatchRejection: Error, Sendable {
    public let index: Int
    public let rejection: Rejection
}
