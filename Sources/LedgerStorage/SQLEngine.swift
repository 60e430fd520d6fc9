public import LedgerEngine
public import LedgerSQL
public import Logging

/// What the store (`SQLLedgerStore`) needs of a database engine: read snapshots, the
/// engine's serialized writer, and the engine's way of forgetting erased private data.
///
/// Why so little: everything else — which rows each step reads and writes, the log, the
/// balances — is SQL both engines accept, written once over `SQLConnection`. SQLite
/// (`SQLiteEngine`, GRDB) and PostgreSQL (`PostgresEngine`, postgres-nio) implement this.
public protocol SQLEngine: Sendable {
    /// The connection the store's statements run on.
    associatedtype Connection: SQLConnection
    /// The serialized writer the group commits run on.
    associatedtype Runner: WriteTransactionRunner where Runner.Statements == SQLStatements<Connection>

    /// The writer: each group commit is one transaction, answered after its durable commit.
    var writeRunner: Runner { get }

    /// Runs `body` in one read-only snapshot that writers never block.
    func read<Value: Sendable>(_ body: @escaping @Sendable (Connection) throws -> Value) async throws -> Value

    /// After an erasure committed: makes the erased bytes unreadable where the engine keeps
    /// old copies (SQLite's write-ahead log; PostgreSQL's dead row versions). Logs, never
    /// throws, when it cannot finish now.
    func forgetErasedData(logger: Logger) async
}
