/// One result row, read by column name or by position.
///
/// Each engine provides its own row type (GRDB's `Row`, the PostgreSQL adapter's); the
/// store reads them only through this protocol and `SQLDecodable`, so a column decodes the
/// same way on both.
public protocol SQLRow {
    /// The value of the column named `column` (the first one so named); a missing column is
    /// `SQLDecodingError.missingColumn`.
    func sqlValue(named column: String) throws(SQLDecodingError) -> SQLValue
    /// The value at position `index` (0 is the first column).
    func sqlValue(atIndex index: Int) throws(SQLDecodingError) -> SQLValue
    /// The row with values of its own, safe to keep after its cursor moves on.
    func detached() -> Self
    /// The columns' names, in order.
    var sqlColumnNames: [String] { get }
}

extension SQLRow {
    /// The column named `column`, decoded as `type`.
    public func value<Value: SQLDecodable>(
        _ type: Value.Type = Value.self, named column: String
    ) throws(SQLDecodingError) -> Value {
        do throws(SQLDecodingError) {
            return try Value(sqlValue: sqlValue(named: column))
        } catch {
            throw error.naming(column)
        }
    }

    /// The column at `index`, decoded as `type`.
    public func value<Value: SQLDecodable>(
        _ type: Value.Type = Value.self, at index: Int
    ) throws(SQLDecodingError) -> Value {
        do throws(SQLDecodingError) {
            return try Value(sqlValue: sqlValue(atIndex: index))
        } catch {
            throw error.naming("#\(index)")
        }
    }
}

/// Why a column could not be read as asked: a stored value of the wrong class, or a column
/// the statement does not return. Either means the code and the schema disagree, or the
/// row was tampered with; never the caller's input.
public struct SQLDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The column, when known.
    public var column: String?
    /// What was wrong.
    public var detail: String

    public init(column: String? = nil, detail: String) {
        self.column = column
        self.detail = detail
    }

    /// No column of that name in the row.
    public static func missingColumn(_ name: String) -> SQLDecodingError {
        SQLDecodingError(column: name, detail: "no such column")
    }

    func naming(_ name: String) -> SQLDecodingError {
        SQLDecodingError(column: column ?? name, detail: detail)
    }

    public var description: String {
        "column \(column ?? "?"): \(detail)"
    }
}

/// A Swift value read from one column.
public protocol SQLDecodable {
    init(sqlValue: SQLValue) throws(SQLDecodingError)
}

extension SQLValue: SQLDecodable {
    public init(sqlValue: SQLValue) { self = sqlValue }
}

extension Int64: SQLDecodable {
    public init(sqlValue: SQLValue) throws(SQLDecodingError) {
        guard case .integer(let value) = sqlValue else { throw .expected("an integer", sqlValue) }
        self = value
    }
}

extension Int: SQLDecodable {
    public init(sqlValue: SQLValue) throws(SQLDecodingError) {
        guard let value = Int(exactly: try Int64(sqlValue: sqlValue)) else {
            throw SQLDecodingError(detail: "integer out of range")
        }
        self = value
    }
}

extension String: SQLDecodable {
    public init(sqlValue: SQLValue) throws(SQLDecodingError) {
        guard case .text(let value) = sqlValue else { throw .expected("text", sqlValue) }
        self = value
    }
}

extension Array: SQLDecodable where Element == UInt8 {
    public init(sqlValue: SQLValue) throws(SQLDecodingError) {
        guard case .blob(let value) = sqlValue else { throw .expected("bytes", sqlValue) }
        self = value
    }
}

extension Bool: SQLDecodable {
    /// 0 is false, 1 is true; anything else is refused rather than guessed.
    public init(sqlValue: SQLValue) throws(SQLDecodingError) {
        switch try Int64(sqlValue: sqlValue) {
        case 0: self = false
        case 1: self = true
        default: throw SQLDecodingError(detail: "a flag other than 0 or 1")
        }
    }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    public init(sqlValue: SQLValue) throws(SQLDecodingError) {
        if case .null = sqlValue {
            self = .none
        } else {
            self = .some(try Wrapped(sqlValue: sqlValue))
        }
    }
}

extension SQLDecodingError {
    static func expected(_ kind: String, _ value: SQLValue) -> SQLDecodingError {
        let found: String
        switch value {
        case .null: found = "NULL"
        case .integer: found = "an integer"
        case .text: found = "text"
        case .blob: found = "bytes"
        }
        return SQLDecodingError(detail: "expected \(kind), found \(found)")
    }
}
