import LedgerSQL
import Logging
import NIOPosix
import PostgresNIO

/// Transactions on a PostgreSQL database for the store: a running connection pool
/// (`PostgresClient`) and two sets of threads that may block — one writer, several
/// readers — on which the store's synchronous statements run (`PostgresSQLConnection`).
///
/// The guarantees, stated before the mechanism:
/// - `write` returns only after COMMIT returned, and PostgreSQL answers COMMIT only once
///   the commit is durable as the server is configured (`synchronous_commit = on`: on its
///   disk; with a synchronous standby, on the standby's too).
/// - Every write transaction first locks the one row of `log_head` (READ COMMITTED), so
///   writers of every process append to the log in commit order
///   (`schema/postgres/README.md`, "Writing").
/// - A serialization failure or deadlock (40001, 40P01) rolls back and runs the body
///   again, up to `retriesMax` times, so neither reaches a client as an error; the body
///   must therefore keep no effect of a failed attempt (the engine's jobs recompute
///   everything inside the transaction).
/// - `read` runs in one REPEATABLE READ, READ ONLY transaction: a consistent snapshot
///   across its statements, as an SQLite reader has, never blocked by writers.
public final class PostgresSessions: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let writerThread: NIOThreadPool
    private let readerThreads: NIOThreadPool
    private let running: Task<Void, Never>
    /// How often a transaction that hit 40001 or 40P01 is run again before giving up.
    static let retriesMax = 8

    /// Connects lazily: the pool opens connections as transactions ask for them, at most
    /// one per thread and one for statements outside a transaction (migrations, VACUUM).
    public init(database: LedgerPostgresDatabase, readers: Int = 4) {
        var configuration = database.configuration
        configuration.options.maximumConnections = readers + 2
        client = PostgresClient(configuration: configuration, backgroundLogger: database.logger)
        logger = database.logger
        writerThread = NIOThreadPool(numberOfThreads: 1)
        readerThreads = NIOThreadPool(numberOfThreads: readers)
        writerThread.start()
        readerThreads.start()
        let client = self.client
        running = Task { await client.run() }
    }

    /// Sessions whose pool is running before the first transaction asks it for a
    /// connection (postgres-nio warns of a lease before `run()`; the running task is
    /// given a moment to start).
    static func started(database: LedgerPostgresDatabase) async -> PostgresSessions {
        let sessions = PostgresSessions(database: database)
        try? await Task.sleep(for: .milliseconds(20))
        return sessions
    }

    /// A store dropped without `close()` still returns its connections and threads (no
    /// transaction can be running: each one holds the sessions until it ends).
    deinit {
        running.cancel()
        writerThread.shutdownGracefully { _ in }
        readerThreads.shutdownGracefully { _ in }
    }

    /// Stops the threads, then closes the pool.
    ///
    /// In that order: a transaction still running (a read of a request whose client has
    /// gone, say) finishes on its open connection before the pool closes; closed first,
    /// the pool could leave that statement's `wait()` unanswered for ever, and the thread
    /// pool's shutdown (and the process's exit) waiting on it. Work submitted after the
    /// threads stop is refused (`runIfActive`), never left waiting.
    public func shutdown() async {
        try? await writerThread.shutdownGracefully()
        try? await readerThreads.shutdownGracefully()
        running.cancel()
    }

    /// Runs `body` in one write transaction holding the log head, and commits it.
    public func write<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresSQLConnection) throws -> Value
    ) async throws -> Value {
        var attempt = 0
        while true {
            do {
                return try await transaction(on: writerThread, begin: "BEGIN ISOLATION LEVEL READ COMMITTED") { db in
                    try db.execute("SELECT one FROM log_head FOR UPDATE", [])
                    return try body(db)
                }
            } catch let error as PostgresStatementError where error.isRetryable && attempt < Self.retriesMax {
                attempt += 1
                logger.debug("write transaction retried", metadata: ["sqlstate": "\(error.sqlState ?? "")"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(4 << min(attempt, 5)))))
            }
        }
    }

    /// Runs `body` in one read-only snapshot.
    public func read<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresSQLConnection) throws -> Value
    ) async throws -> Value {
        try await transaction(on: readerThreads, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` on a pooled connection outside any transaction (`VACUUM` refuses to run
    /// inside one), on a reader thread.
    func outsideTransaction(_ body: @escaping @Sendable (PostgresSQLConnection) throws -> Void) async throws {
        let logger = self.logger
        try await client.withConnection { connection in
            try await readerThreads.runIfActive {
                try body(PostgresSQLConnection(connection: connection, logger: logger))
            }
        }
    }

    /// One transaction on a pooled connection, its statements run on `threads`: committed
    /// when `body` returns, rolled back when it throws.
    private func transaction<Value: Sendable>(
        on threads: NIOThreadPool, begin: String, _ body: @escaping @Sendable (PostgresSQLConnection) throws -> Value
    ) async throws -> Value {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await threads.runIfActive {
                let db = PostgresSQLConnection(connection: connection, logger: logger)
                try db.execute(begin, [])
                let value: Value
                do {
                    value = try body(db)
                } catch {
                    try? db.execute("ROLLBACK", [])
                    throw error
                }
                try db.execute("COMMIT", [])
                return value
            }
        }
    }
}
