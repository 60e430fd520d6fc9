/// One open database connection, inside the transaction its owner began, as the store's
/// SQL sees it: statements with `?` placeholders, rows read through `SQLRow`.
///
/// Why: the fund's storage rules (which rows a step reads, what it inserts) are written
/// once, in SQL both engines accept, and run on SQLite (GRDB's `Database`) and on
/// PostgreSQL (postgres-nio) alike. Where the two dialects differ, the statement asks
/// `dialect` (see `SQLDialect`) instead of being written twice.
///
/// Synchronous by design: the statements of one transaction run one after another on the
/// thread that owns it (GRDB's serial writer queue; the PostgreSQL store's writer thread).
public protocol SQLConnection {
    /// The engine's row type.
    associatedtype Row: SQLRow
    /// The engine's streaming cursor.
    associatedtype Cursor: SQLCursor where Cursor.Row == Row

    /// Which SQL the connection speaks.
    var dialect: SQLDialect { get }

    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ arguments: SQLArguments) throws

    /// Every row the statement returns, in order.
    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [Row]

    /// The first row the statement returns, if any.
    func fetchOne(_ sql: String, _ arguments: SQLArguments) throws -> Row?

    /// Calls `body` with each row in order until it returns false; rows are not all held
    /// at once on an engine that can stream them.
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (Row) throws -> Bool) throws

    /// Runs `body` in a savepoint: released when `body` returns, rolled back (and the
    /// error rethrown) when it throws. Savepoints nest.
    func inSavepoint<Value>(_ body: () throws -> Value) throws -> Value

    /// A cursor over the rows the statement returns, pulled one at a time and never all
    /// held at once: for passes over a whole table (`verify`), and for walking two
    /// ordered results in step. Valid until the transaction ends.
    func makeCursor(_ sql: String, _ arguments: SQLArguments) throws -> Cursor
}

/// Rows pulled one by one from a statement (`SQLConnection.makeCursor`).
public protocol SQLCursor {
    associatedtype Row: SQLRow
    /// The next row, or nil after the last. A row may be reused by the next call (GRDB's
    /// are): `SQLRow.detached()` keeps one.
    mutating func next() throws -> Row?
}

extension SQLConnection {
    /// Runs a statement without arguments that returns no rows.
    public func execute(_ sql: String) throws {
        try execute(sql, [])
    }

    /// The first column of the first row, decoded as `type`; nil when there is no row or
    /// the value is NULL (as GRDB's `fetchOne` of a value).
    public func fetchValue<Value: SQLDecodable>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = []
    ) throws -> Value? {
        guard let row = try fetchOne(sql, arguments) else { return nil }
        let value = try row.sqlValue(atIndex: 0)
        if case .null = value { return nil }
        return try row.value(Value.self, at: 0)
    }

    /// The first column of every row, decoded as `type`.
    public func fetchValues<Value: SQLDecodable>(
        _ type: Value.Type, _ sql: String, _ arguments: SQLArguments = []
    ) throws -> [Value] {
        try fetchAll(sql, arguments).map { try $0.value(Value.self, at: 0) }
    }
}

/// The SQL a connection speaks, for the few places where SQLite and PostgreSQL spell the
/// same thing differently. Everything else is written once in the subset both accept
/// (`INSERT … ON CONFLICT`, `RETURNING`, `coalesce`, `CAST(? AS TEXT)` where PostgreSQL
/// must know a NULL argument's type).
public enum SQLDialect: Sendable, Hashable {
    case sqlite
    case postgresql

    /// The text at `key` of the object at position `index` of the JSON array held (as
    /// text) in `column`; NULL when absent.
    public func jsonArrayElementText(_ column: String, index: Int, key: String) -> String {
        precondition(key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "a JSON key written in the code")
        switch self {
        case .sqlite: return "json_extract(\(column), '$[\(index)].\(key)')"
        case .postgresql: return "(\(column)::json -> \(index) ->> '\(key)')"
        }
    }

    /// A condition true when the bytes in `column` contain the bytes of the one `?`
    /// argument it holds.
    public func bytesContain(_ column: String) -> String {
        switch self {
        case .sqlite: return "instr(\(column), ?) > 0"
        case .postgresql: return "position(? IN \(column)) > 0"
        }
    }
}
