import Foundation
public import LedgerSQL
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// One PostgreSQL connection as the store's SQL sees it (`SQLConnection`), for the
/// duration of one transaction on a thread that may block (never an event loop): each
/// statement is sent with postgres-nio's extended protocol and waited for.
///
/// Why blocking: the store's statements are written once, synchronously, for both engines
/// (see `SQLConnection`); the PostgreSQL store runs them on threads of its own
/// (`PostgresSessions`), so the waiting never holds an event loop or a Swift concurrency
/// thread.
public final class PostgresSQLConnection: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger
    /// Open savepoints, for unique names when they nest.
    private var savepointDepth = 0
    /// Cursors declared so far, for unique names.
    private var cursorCount = 0

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    public var dialect: SQLDialect { .postgresql }

    public func execute(_ sql: String, _ arguments: SQLArguments) throws {
        _ = try run(sql, arguments)
    }

    public func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [PostgresSQLRow] {
        try run(sql, arguments)
    }

    public func fetchOne(_ sql: String, _ arguments: SQLArguments) throws -> PostgresSQLRow? {
        try run(sql, arguments).first
    }

    /// The rows arrive whole (postgres-nio collects them); a caller that stops early only
    /// saves the decoding of the rest. Pages are bounded by their `LIMIT`s.
    public func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (PostgresSQLRow) throws -> Bool) throws {
        for row in try run(sql, arguments) {
            guard try body(row) else { return }
        }
    }

    /// A server-side cursor (`DECLARE … NO SCROLL CURSOR`), fetched `PostgresRowCursor.
    /// batchRows` rows at a time: a pass over a million-row table holds one batch.
    public func makeCursor(_ sql: String, _ arguments: SQLArguments) throws -> PostgresRowCursor {
        cursorCount += 1
        let name = "ledger_cursor_\(cursorCount)"
        try execute("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", arguments)
        return PostgresRowCursor(connection: self, name: name)
    }

    public func inSavepoint<Value>(_ body: () throws -> Value) throws -> Value {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "ledger_savepoint_\(savepointDepth)"
        try execute("SAVEPOINT \(name)", [])
        do {
            let value = try body()
            try execute("RELEASE SAVEPOINT \(name)", [])
            return value
        } catch {
            try execute("ROLLBACK TO SAVEPOINT \(name)", [])
            try execute("RELEASE SAVEPOINT \(name)", [])
            throw error
        }
    }

    /// Sends one statement and waits for all its rows.
    private func run(_ sql: String, _ arguments: SQLArguments) throws -> [PostgresSQLRow] {
        let query = PostgresQuery(unsafeSQL: StatementText.numbered(sql), binds: Self.bindings(arguments))
        let result: PostgresQueryResult
        do {
            result = try connection.query(query, logger: logger).wait()
        } catch let error as PSQLError {
            throw PostgresStatementError(error)
        }
        var columns: ColumnNames?
        return try result.rows.map { row in
            let names = columns ?? ColumnNames(row.map(\.columnName))
            columns = names
            return PostgresSQLRow(columns: names, values: try row.map(Self.value))
        }
    }

    static func bindings(_ arguments: SQLArguments) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return bindings
    }

    /// A cell in the ledger's four storage classes. `bigint` is every integer column;
    /// `boolean` (an `EXISTS`) reads as 0 or 1 and `numeric` (a `sum` of bigints) as an
    /// integer when it is one, as SQLite gives them; anything else is refused.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
            case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
            case .numeric: return try integer(numeric: try cell.decode(Decimal.self), column: cell.columnName)
            default:
                throw SQLDecodingError(column: cell.columnName, detail: "a value of type \(cell.dataType)")
            }
        } catch let error as SQLDecodingError {
            throw error
        } catch {
            throw SQLDecodingError(column: cell.columnName, detail: "does not decode: \(error)")
        }
    }

    /// A `numeric` that is a whole number within Int64, exactly.
    static func integer(numeric: Decimal, column: String) throws(SQLDecodingError) -> SQLValue {
        guard let value = Int64(numeric.description) else {
            throw SQLDecodingError(column: column, detail: "a numeric that is no 64-bit integer")
        }
        return .integer(value)
    }
}

/// Rows of a server-side cursor, fetched a batch at a time.
public struct PostgresRowCursor: SQLCursor {
    let connection: PostgresSQLConnection
    let name: String
    private var batch: [PostgresSQLRow] = []
    private var position = 0
    private var isExhausted = false
    /// Rows per FETCH: large enough that the round trips do not dominate, small enough
    /// that a batch of log entries (up to 64 KiB each) stays in a few megabytes.
    static let batchRows = 256

    init(connection: PostgresSQLConnection, name: String) {
        self.connection = connection
        self.name = name
    }

    public mutating func next() throws -> PostgresSQLRow? {
        if position == batch.count {
            guard !isExhausted else { return nil }
            batch = try connection.fetchAll("FETCH \(Self.batchRows) FROM \(name)", [])
            position = 0
            isExhausted = batch.count < Self.batchRows
            guard !batch.isEmpty else { return nil }
        }
        defer { position += 1 }
        return batch[position]
    }
}

/// The names of a result's columns, shared by its rows.
public final class ColumnNames: Sendable {
    let names: [String]

    init(_ names: [String]) {
        self.names = names
    }

    func index(of name: String) -> Int? {
        names.firstIndex(of: name)
    }
}

/// One result row of `PostgresSQLConnection`.
public struct PostgresSQLRow: SQLRow {
    let columns: ColumnNames
    let values: [SQLValue]

    public func sqlValue(named column: String) throws(SQLDecodingError) -> SQLValue {
        guard let index = columns.index(of: column) else { throw .missingColumn(column) }
        return values[index]
    }

    public func sqlValue(atIndex index: Int) throws(SQLDecodingError) -> SQLValue {
        guard values.indices.contains(index) else { throw .missingColumn("#\(index)") }
        return values[index]
    }

    /// Its values are its own already.
    public func detached() -> PostgresSQLRow { self }

    public var sqlColumnNames: [String] { columns.names }
}

/// A statement's text as PostgreSQL takes it, rewritten once per distinct statement.
enum StatementText {
    private static let cache = Mutex<[String: String]>([:])

    static func numbered(_ sql: String) -> String {
        if let known = cache.withLock({ $0[sql] }) { return known }
        let rewritten = NumberedPlaceholders.rewrite(sql).sql
        cache.withLock { $0[sql] = rewritten }
        return rewritten
    }
}

/// A statement PostgreSQL refused: its SQLSTATE and the server's message, without the
/// statement's arguments (which may hold private data) and without connection details.
public struct PostgresStatementError: Error, CustomStringConvertible, Sendable {
    /// The five-character SQLSTATE (`40001`, `LG002`, …); nil when the connection failed
    /// before the server answered.
    public let sqlState: String?
    /// The server's primary message, or the client's error code.
    public let message: String

    init(_ error: PSQLError) {
        sqlState = error.serverInfo?[.sqlState]
        message = error.serverInfo?[.message] ?? "\(error.code)"
    }

    init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    /// A serialization failure or a deadlock: the transaction may be run again.
    public var isRetryable: Bool {
        sqlState == "40001" || sqlState == "40P01"
    }

    public var description: String {
        "PostgreSQL \(sqlState ?? "connection") error: \(message)"
    }
}
