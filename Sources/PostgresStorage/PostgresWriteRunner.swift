public import LedgerEngine
public import LedgerStorage

/// PostgreSQL's writer for the engine (`WriteTransactionRunner`): each group commit is
/// one `PostgresSessions.write` transaction — the log head locked first, committed
/// durably, retried on a serialization failure — running the same statements as SQLite's
/// (`SQLStatements`).
///
/// One runner per process keeps group commit per process; `log_head` orders the commits
/// of several processes writing to one database.
public struct PostgresWriteRunner: WriteTransactionRunner {
    let sessions: PostgresSessions

    public func inWriteTransaction<Value: Sendable>(
        _ body: @escaping @Sendable (SQLStatements<PostgresSQLConnection>) throws -> Value
    ) async throws -> Value {
        try await sessions.write { db in try body(SQLStatements(db: db)) }
    }
}
