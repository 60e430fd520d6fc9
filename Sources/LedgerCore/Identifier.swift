/// Random 128-bit identifiers, rendered as a type prefix and 32 lowercase hex digits.
///
/// The prefix (`acc_`, `txn_`) tells a reader what an id names; `AccountCode` refuses
/// any text of the exact id form, so a path component is never ambiguous.
/// The core never draws randomness itself: bytes come from an `IdentifierSource`.
public enum Identifier {
    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Renders `prefix` followed by the 16 bytes as hex.
    static func render(prefix: String, bytes: [UInt8]) -> String {
        precondition(bytes.count == 16, "identifiers are 128 bits")
        var text = prefix
        text.reserveCapacity(prefix.utf8.count + 32)
        for byte in bytes {
            text.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte >> 4)]))
            text.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte & 0x0f)]))
        }
        return text
    }

    /// Whether `text` is `prefix` followed by exactly 32 lowercase hex digits.
    ///
    /// Byte by byte (every id of every log entry passes here when a log is verified or
    /// replayed): `String.hasPrefix` compares by Unicode canonical equivalence, which an
    /// ASCII id never needs.
    static func isWellFormed(_ text: String, prefix: String) -> Bool {
        let bytes = text.utf8
        let head = prefix.utf8
        guard bytes.count == head.count + 32, bytes.starts(with: head) else { return false }
        return bytes.dropFirst(head.count).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Supplies the random bytes of new identifiers; production draws from the system's
/// secure generator, tests from a seeded one.
public protocol IdentifierSource: Sendable {
    /// Returns 16 fresh random bytes.
    func nextIdentifierBytes() -> [UInt8]
}

/// Identifies an account for ever, even if its code were ever to be reused after closing.
public struct AccountID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The rendered id, `acc_` + 32 hex digits.
    public let rawValue: String

    /// Accepts `text` when it is a well-formed account id.
    public init?(_ text: String) {
        guard Identifier.isWellFormed(text, prefix: "acc_") else { return nil }
        rawValue = text
    }

    /// A new id from 16 random bytes.
    public init(bytes: [UInt8]) {
        rawValue = Identifier.render(prefix: "acc_", bytes: bytes)
    }

    public var description: String { rawValue }
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Identifies a ledger transaction (never a database transaction).
public struct TransactionID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The rendered id, `txn_` + 32 hex digits.
    public let rawValue: String

    /// Accepts `text` when it is a well-formed transaction id.
    public init?(_ text: String) {
        guard Identifier.isWellFormed(text, prefix: "txn_") else { return nil }
        rawValue = text
    }

    /// A new id from 16 random bytes.
    public init(bytes: [UInt8]) {
        rawValue = Identifier.render(prefix: "txn_", bytes: bytes)
    }

    public var description: String { rawValue }
    public static func < (lhs: TransactionID, rhs: TransactionID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An identifier of the form `<prefix>` + 32 lowercase hex digits, for the domain's own
/// kinds of object; conformers supply the prefix and storage, and get parsing, rendering
/// and ordering here, once.
public protocol PrefixedIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The type prefix, e.g. `mem_`.
    static var prefix: String { get }
    /// The rendered id.
    var rawValue: String { get }
    /// Wraps text that has already been checked to be well-formed.
    init(checked rawValue: String)
}

extension PrefixedIdentifier {
    /// Accepts `text` when it is the prefix followed by exactly 32 lowercase hex digits.
    public init?(_ text: String) {
        guard Identifier.isWellFormed(text, prefix: Self.prefix) else { return nil }
        self.init(checked: text)
    }

    /// A new id from 16 random bytes.
    public init(bytes: [UInt8]) {
        self.init(checked: Identifier.render(prefix: Self.prefix, bytes: bytes))
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
