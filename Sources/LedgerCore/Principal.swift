/// What a caller with an API key may do. Each key has exactly one role.
public enum Role: String, CaseIterable, Hashable, Sendable, Comparable {
    /// Everything the other roles may do, plus managing keys, assets and accounts.
    case admin
    /// Records members, pledges, contributions, disbursement requests, payments, reversals.
    case treasurer
    /// Approves or rejects disbursements.
    case approver
    /// Reads everything, including private member data, reports and the log.
    case auditor

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Who made a change: a named API key (never its token), or the system itself (offline
/// commands run by the operator on the database file).
public struct Principal: Hashable, Sendable, CustomStringConvertible {
    /// The key's public id (`key_…`); `nil` for the system.
    public let keyID: String?
    /// The name given to the key, e.g. "Amina (treasurer, Nairobi office)".
    public let name: String
    /// The key's role; `nil` for the system.
    public let role: Role?

    public init(keyID: String?, name: String, role: Role?) {
        self.keyID = keyID
        self.name = name
        self.role = role
    }

    /// Changes made by the operator's own commands on the database file.
    public static let system = Principal(keyID: nil, name: "system", role: nil)

    /// The principal as a log entry records it.
    public var json: JSONValue {
        .object([
            "key_id": keyID.map(JSONValue.string) ?? .null, "name": .string(name),
            "role": role.map { .string($0.rawValue) } ?? .null,
        ])
    }

    /// Reads a principal back from a log entry.
    public init(json: JSONValue) throws(LogEntryError) {
        let fields = try JSONFields(json, context: "principal")
        var role: Role?
        if let text = try fields.optionalString("role") {
            guard let parsed = Role(rawValue: text) else { throw .malformed("principal: unknown role") }
            role = parsed
        }
        self.init(keyID: try fields.optionalString("key_id"), name: try fields.string("name"), role: role)
    }

    public var description: String { keyID.map { "\(name) (\($0))" } ?? name }
}

/// An API key as the ledger records it: never the token, only who holds it and what
/// they may do.
public struct APIKey: Hashable, Sendable {
    /// The public id, `key_` + 32 hex digits; part of the token, safe to show.
    public let id: String
    public let name: String
    public let role: Role
    public let createdAt: Timestamp
    /// After this instant the key is refused; `nil` for no expiry.
    public let expiresAt: Timestamp?
    /// When the key was revoked; revoked keys are refused.
    public let revokedAt: Timestamp?

    public init(id: String, name: String, role: Role, createdAt: Timestamp, expiresAt: Timestamp?, revokedAt: Timestamp?) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Whether the key may be used at `time`.
    public func isActive(at time: Timestamp) -> Bool {
        revokedAt == nil && (expiresAt.map { time < $0 } ?? true)
    }

    /// The principal acting with this key.
    public var principal: Principal { Principal(keyID: id, name: name, role: role) }

    /// Whether `text` has the form of a key id.
    public static func isWellFormedID(_ text: String) -> Bool {
        Identifier.isWellFormed(text, prefix: "key_")
    }

    /// A new key id from 16 random bytes.
    public static func newID(bytes: [UInt8]) -> String {
        Identifier.render(prefix: "key_", bytes: bytes)
    }
}
