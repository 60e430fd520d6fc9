import AuditLog
public import LedgerCore
import LedgerEngine
import LedgerSQL
public import Logging

/// The book of record over a SQL engine: every role of `LedgerStore`, written once over
/// `SQLConnection` and run on SQLite (`SQLiteLedgerStore`, the default) or PostgreSQL.
///
/// Every public write method is exactly one database transaction: it validates, writes
/// the ledger rows, updates the derived balances and stores the idempotency key together,
/// and returns only after the engine has committed durably. Concurrent single writes are
/// committed in groups, each in its own savepoint, one durable commit and one signed
/// checkpoint per group (the engine's `GroupCommitter` over the engine's writer).
/// Reads run in snapshots that never wait on writes.
public final class SQLLedgerStore<Engine: SQLEngine>: LedgerStore {
    package let engine: Engine
    let clock: any LedgerClock
    let identifiers: any IdentifierSource
    let signer: LogSigner
    package let logger: Logger
    /// The serialized writer: single writes are committed in groups (`GroupCommitter`).
    let committer: GroupCommitter<Engine.Runner>
    /// How the group commits went: counts, sizes, time.
    public let commitStatistics: CommitStatistics
    /// Accounts resolved by earlier writes, confirmed before each reuse.
    let accountMemo = AccountMemo()

    /// The store over `engine`, whose schema is migrated. `signer` signs the audit log's
    /// checkpoints; its name is the log's origin.
    public init(
        engine: Engine, clock: any LedgerClock, identifiers: any IdentifierSource, signer: LogSigner, logger: Logger
    ) {
        self.engine = engine
        self.clock = clock
        self.identifiers = identifiers
        self.signer = signer
        self.logger = logger
        let statistics = CommitStatistics()
        commitStatistics = statistics
        committer = GroupCommitter(runner: engine.writeRunner, clock: clock, signer: signer.signer) {
            statistics.record($0)
        }
    }

    public func checkReadiness() async throws {
        _ = try await engine.read { db in try db.fetchValue(Int64.self, "SELECT 1") }
    }

    /// Runs `body` in the next group commit's transaction (in its own savepoint), guarded
    /// by an optional idempotency key; returns once that transaction is durable.
    ///
    /// With a key: a stored response for the same request is returned without writing;
    /// the same key with a different request is `Rejection.idempotencyKeyReused`; a new
    /// key is stored with the rendered response in the same transaction as the change
    /// (the engine's `IdempotentWrite`).
    func write<Value: Sendable>(
        idempotency: Idempotency<Value>?,
        _ body: @escaping @Sendable (Engine.Connection, Timestamp) throws -> Value
    ) async throws -> WriteOutcome<Value> {
        try await committer.submit { statements, now in
            try Self.guarded(statements, idempotency, at: now) { try body(statements.db, now) }
        }
    }

    /// Runs `body` unless `idempotency` replays an earlier identical request; stores the
    /// rendered response of an applied write under its key.
    static func guarded<Value>(
        _ statements: SQLStatements<Engine.Connection>, _ idempotency: Idempotency<Value>?, at now: Timestamp,
        _ body: () throws -> Value
    ) throws -> WriteOutcome<Value> {
        guard let idempotency else { return .applied(try body()) }
        let result = try IdempotentWrite.run(
            statements, key: (idempotency.key, idempotency.fingerprint), at: now,
            render: { value in
                let response = try idempotency.render(value)
                return (response.status, response.body)
            },
            body
        )
        switch result {
        case .applied(let value): return .applied(value)
        case .replayed(let record): return .replayed(StoredResponse(status: record.status, body: record.body))
        }
    }
}
