/// One value bound to, or read from, a SQL statement, in the four storage classes both
/// engines share: the ledger stores only integers, text and bytes.
///
/// Why four and no more: amounts and sequence numbers are 64-bit integers, dates, JSON
/// and rates are exact text, hashes and private data are bytes. A boolean result
/// (`EXISTS …` on PostgreSQL) is read as the integer 0 or 1, as SQLite gives it.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that can be bound as a statement argument.
public protocol SQLBindable {
    /// The value as bound.
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}

extension Int64: SQLBindable {
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLBindable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension String: SQLBindable {
    public var sqlValue: SQLValue { .text(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
}

extension Bool: SQLBindable {
    /// 1 or 0: both schemas keep flags as integers.
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
