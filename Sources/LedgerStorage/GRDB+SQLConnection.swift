import Foundation
import GRDB
public import LedgerSQL

/// GRDB's connection as the store's SQL sees it (`SQLConnection`): every statement is
/// prepared once and cached by its text, as the SQLite store always did
/// (`cachedStatement`), and rows are GRDB's own.
extension Database: SQLConnection {
    typealias Row = GRDB.Row

    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments.statementArguments)
    }

    func fetchAll(_ sql: String, _ arguments: SQLArguments) throws -> [GRDB.Row] {
        try GRDB.Row.fetchAll(cachedStatement(sql: sql), arguments: arguments.statementArguments)
    }

    func fetchOne(_ sql: String, _ arguments: SQLArguments) throws -> GRDB.Row? {
        try GRDB.Row.fetchOne(cachedStatement(sql: sql), arguments: arguments.statementArguments)
    }

    /// The row handed to `body` is reused for the next one (a GRDB cursor's): read it,
    /// don't keep it.
    func forEachRow(
        _ sql: String, _ arguments: SQLArguments, _ body: (GRDB.Row) throws -> Bool
    ) throws {
        let rows = try GRDB.Row.fetchCursor(cachedStatement(sql: sql), arguments: arguments.statementArguments)
        while let row = try rows.next() {
            guard try body(row) else { return }
        }
    }

    func makeCursor(_ sql: String, _ arguments: SQLArguments) throws -> GRDBRowCursor {
        GRDBRowCursor(
            rows: try GRDB.Row.fetchCursor(cachedStatement(sql: sql), arguments: arguments.statementArguments)
        )
    }

    func inSavepoint<Value>(_ body: () throws -> Value) throws -> Value {
        var value: Value?
        try inSavepoint {
            value = try body()
            return .commit
        }
        guard let value else { preconditionFailure("a savepoint that committed ran its body") }
        return value
    }
}

/// GRDB's streaming cursor: each row is read from SQLite as it is asked for.
struct GRDBRowCursor: SQLCursor {
    let rows: RowCursor

    mutating func next() throws -> GRDB.Row? {
        try rows.next()
    }
}

extension GRDB.Row: SQLRow {
    /// Read as GRDB's own `DatabaseValue` (no existential box on the way), then as the
    /// ledger's storage classes.
    func sqlValue(named column: String) throws(SQLDecodingError) -> SQLValue {
        let stored: DatabaseValue
        do {
            stored = try decode(DatabaseValue.self, forColumn: column)
        } catch {
            throw .missingColumn(column)
        }
        return try Self.sqlValue(stored)
    }

    func sqlValue(atIndex index: Int) throws(SQLDecodingError) -> SQLValue {
        guard index >= 0, index < count else { throw .missingColumn("#\(index)") }
        let stored: DatabaseValue
        do {
            stored = try decode(DatabaseValue.self, atIndex: index)
        } catch {
            throw .missingColumn("#\(index)")
        }
        return try Self.sqlValue(stored)
    }

    func detached() -> GRDB.Row {
        copy()
    }

    var sqlColumnNames: [String] {
        Array(columnNames)
    }

    /// SQLite's storage classes as the ledger's: a REAL is never written by the ledger, so
    /// one is refused rather than rounded.
    private static func sqlValue(_ stored: DatabaseValue) throws(SQLDecodingError) -> SQLValue {
        switch stored.storage {
        case .null: return .null
        case .int64(let value): return .integer(value)
        case .string(let value): return .text(value)
        case .blob(let value): return .blob([UInt8](value))
        case .double: throw SQLDecodingError(detail: "a REAL where the ledger writes none")
        }
    }
}

extension SQLArguments {
    /// The same values as GRDB binds them, as `DatabaseValue`s (no existential boxes).
    var statementArguments: StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in
            switch value {
            case .null: return .null
            case .integer(let integer): return integer.databaseValue
            case .text(let text): return text.databaseValue
            case .blob(let bytes): return Data(bytes).databaseValue
            }
        })
    }
}
