/// The arguments of one statement, in placeholder order (`?` in the SQL text).
///
/// Written as an array literal at the call site (`[accountSeq, asset.rawValue, nil]`), as
/// GRDB's `StatementArguments` are, so a statement reads the same on both engines.
public struct SQLArguments: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The values, first placeholder first.
    public var values: [SQLValue]

    public init(_ values: [SQLValue]) {
        self.values = values
    }

    public init(arrayLiteral elements: (any SQLBindable)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    /// Both argument lists, `left`'s first: for a statement built from fragments.
    public static func + (left: SQLArguments, right: SQLArguments) -> SQLArguments {
        SQLArguments(left.values + right.values)
    }

    /// Appends `right`'s values.
    public static func += (left: inout SQLArguments, right: SQLArguments) {
        left.values += right.values
    }
}
