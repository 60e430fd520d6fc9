/// Typed access to the members of a JSON object read from the log: every accessor throws
/// `LogEntryError.malformed` naming the context and the member, never traps, so a damaged
/// or hostile log is an error the caller reports.
///
/// LedgerCore reads its own payloads with it; FundCore's `FundEvent` reads fund details
/// with it, so both decoders refuse the same things in the same words.
public struct JSONFields: Sendable {
    public let members: [String: JSONValue]
    public let context: String

    public init(_ value: JSONValue, context: String) throws(LogEntryError) {
        guard case .object(let members) = value else { throw .malformed("\(context): not an object") }
        self.members = members
        self.context = context
    }

    /// Whether the object has member `name` at all (null counts as present).
    public func has(_ name: String) -> Bool { members[name] != nil }

    public func string(_ name: String) throws(LogEntryError) -> String {
        guard case .string(let text) = members[name] else { throw .malformed("\(context): \(name) is not a string") }
        return text
    }

    /// A string or null; absent is malformed (the encoders always write the member).
    public func optionalString(_ name: String) throws(LogEntryError) -> String? {
        switch members[name] {
        case .string(let text): return text
        case .null: return nil
        default: throw .malformed("\(context): \(name) is not a string or null")
        }
    }

    public func integer(_ name: String) throws(LogEntryError) -> Int64 {
        guard case .integer(let value) = members[name] else {
            throw .malformed("\(context): \(name) is not an integer")
        }
        return value
    }

    public func bool(_ name: String) throws(LogEntryError) -> Bool {
        guard case .bool(let value) = members[name] else { throw .malformed("\(context): \(name) is not a boolean") }
        return value
    }

    public func array(_ name: String) throws(LogEntryError) -> [JSONValue] {
        guard case .array(let values) = members[name] else { throw .malformed("\(context): \(name) is not an array") }
        return values
    }

    /// An array or null; absent is malformed.
    public func optionalArray(_ name: String) throws(LogEntryError) -> [JSONValue]? {
        switch members[name] {
        case .array(let values): return values
        case .null: return nil
        default: throw .malformed("\(context): \(name) is not an array or null")
        }
    }

    public func object(_ name: String) throws(LogEntryError) -> [String: JSONValue] {
        guard case .object(let values) = members[name] else { throw .malformed("\(context): \(name) is not an object") }
        return values
    }

    public func timestamp(_ name: String) throws(LogEntryError) -> Timestamp {
        guard let timestamp = Timestamp(try string(name)) else {
            throw .malformed("\(context): \(name) is not a timestamp")
        }
        return timestamp
    }

    public func date(_ name: String) throws(LogEntryError) -> LocalDate {
        guard let date = LocalDate(try string(name)) else { throw .malformed("\(context): \(name) is not a date") }
        return date
    }

    /// A non-zero-checked amount within the ledger's bound (±(2^53−1) minor units).
    public func amount(_ name: String) throws(LogEntryError) -> Amount {
        guard let amount = Amount(minorUnits: try integer(name)) else {
            throw .malformed("\(context): \(name) is out of range")
        }
        return amount
    }

    public func assetCode(_ name: String) throws(LogEntryError) -> AssetCode {
        guard let code = AssetCode(try string(name)) else {
            throw .malformed("\(context): \(name) is not an asset code")
        }
        return code
    }

    public func identifier<ID: PrefixedIdentifier>(
        _ name: String, as type: ID.Type = ID.self
    ) throws(LogEntryError) -> ID {
        guard let id = ID(try string(name)) else { throw .malformed("\(context): \(name) is not a \(ID.prefix) id") }
        return id
    }

    /// A prefixed id or null.
    public func optionalIdentifier<ID: PrefixedIdentifier>(
        _ name: String, as type: ID.Type = ID.self
    ) throws(LogEntryError) -> ID? {
        guard let text = try optionalString(name) else { return nil }
        guard let id = ID(text) else { throw .malformed("\(context): \(name) is not a \(ID.prefix) id") }
        return id
    }
}
