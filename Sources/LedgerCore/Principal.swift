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

/// Identifies a person who holds API keys, `prs_` + 32 hex digits.
///
/// Four eyes counts people, not keys: one person's keys share a person id, so an admin
/// who mints a second approver key for themselves still approves only once.
public struct PersonID: PrefixedIdentifier {
    public static let prefix = "prs_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }

    /// The person first recorded with key `keyID`: `prs_` + the key id's hex digits (key
    /// ids are unique, so these are too). A new person gets it with their first key;
    /// migration 0008 gives it to each key created before people existed, and a verifier
    /// derives it from a `key.created` entry that names no person.
    public init?(firstKeyID keyID: String) {
        guard APIKey.isWellFormedID(keyID) else { return nil }
        self.init(checked: Self.prefix + String(keyID.dropFirst(4)))
    }
}

/// Who made a change: a named API key (never its token), or the system itself (offline
/// commands run by the operator on the database file).
public struct Principal: Hashable, Sendable, CustomStringConvertible {
    /// The key's public id (`key_…`); `nil` for the system.
    public let keyID: String?
    /// The name given to the key, e.g. "Amina (treasurer, Nairobi office)"; for a key read
    /// from a log entry that records only its person, the key id (the log has no name).
    public let name: String
    /// The key's role; `nil` for the system.
    public let role: Role?
    /// The person holding the key; `nil` for the system, and for entries logged before
    /// people existed (then `person` derives it from the key id).
    public let personID: PersonID?

    public init(keyID: String?, name: String, role: Role?, personID: PersonID? = nil) {
        self.keyID = keyID
        self.name = name
        self.role = role
        self.personID = personID
    }

    /// Changes made by the operator's own commands on the database file.
    public static let system = Principal(keyID: nil, name: "system", role: nil)

    /// The person four eyes counts: the recorded one, else the key's legacy person;
    /// `nil` only for the system.
    public var person: PersonID? { personID ?? keyID.flatMap { PersonID(firstKeyID: $0) } }

    /// The principal as a log entry records it: a key by its id, person and role — never
    /// the key's name, which is a member of staff's personal data and the log is public
    /// and permanent; the system by its name. Entries written before people existed hold
    /// the key's name instead of its person, and read back as they were written.
    public var json: JSONValue {
        if let keyID, let personID {
            return .object([
                "key_id": .string(keyID), "person_id": .string(personID.rawValue),
                "role": role.map { .string($0.rawValue) } ?? .null,
            ])
        }
        return .object([
            "key_id": keyID.map(JSONValue.string) ?? .null, "name": .string(name),
            "role": role.map { .string($0.rawValue) } ?? .null,
        ])
    }

    /// Reads a principal back from a log entry (either form `json` writes).
    public init(json: JSONValue) throws(LogEntryError) {
        let fields = try JSONFields(json, context: "principal")
        var role: Role?
        if let text = try fields.optionalString("role") {
            guard let parsed = Role(rawValue: text) else { throw .malformed("principal: unknown role") }
            role = parsed
        }
        let keyID = try fields.optionalString("key_id")
        if fields.members["person_id"] != nil {
            guard fields.members["name"] == nil, let keyID, APIKey.isWellFormedID(keyID),
                  let person = PersonID(try fields.string("person_id"))
            else { throw .malformed("principal: a person needs a key id and no name") }
            self.init(keyID: keyID, name: keyID, role: role, personID: person)
            return
        }
        self.init(keyID: keyID, name: try fields.string("name"), role: role)
    }

    public var description: String { keyID.map { "\(name) (\($0))" } ?? name }
}

/// An API key as the ledger records it: never the token, only who holds it and what
/// they may do.
public struct APIKey: Hashable, Sendable {
    /// The public id, `key_` + 32 hex digits; part of the token, safe to show.
    public let id: String
    /// The key's name; `nil` when read from a log entry that records only a commitment
    /// to it (staff names stay in the private store).
    public let name: String?
    public let role: Role
    /// The person holding the key, shared by all of that person's keys.
    public let personID: PersonID
    /// SHA-256(salt || `KeyPrivateData.canonicalBytes`), which the log records instead of
    /// the names; `nil` for keys logged with their name in clear, before people existed.
    public let commitment: [UInt8]?
    public let createdAt: Timestamp
    /// After this instant the key is refused; `nil` for no expiry.
    public let expiresAt: Timestamp?
    /// When the key was revoked; revoked keys are refused.
    public let revokedAt: Timestamp?

    public init(
        id: String, name: String?, role: Role, personID: PersonID, commitment: [UInt8]?,
        createdAt: Timestamp, expiresAt: Timestamp?, revokedAt: Timestamp?
    ) {
        precondition(name != nil || commitment != nil, "a key has a name, or a commitment to it")
        self.id = id
        self.name = name
        self.role = role
        self.personID = personID
        self.commitment = commitment
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// A key as logged before people existed: its name in clear, its own person.
    public init(
        id: String, name: String, role: Role, createdAt: Timestamp, expiresAt: Timestamp?, revokedAt: Timestamp?
    ) {
        guard let person = PersonID(firstKeyID: id) else { preconditionFailure("a key id is checked before use") }
        self.init(
            id: id, name: name, role: role, personID: person, commitment: nil,
            createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt
        )
    }

    /// The same key, revoked at `time`.
    public func revoked(at time: Timestamp) -> APIKey {
        APIKey(
            id: id, name: name, role: role, personID: personID, commitment: commitment,
            createdAt: createdAt, expiresAt: expiresAt, revokedAt: time
        )
    }

    /// Whether the key may be used at `time`.
    public func isActive(at time: Timestamp) -> Bool {
        revokedAt == nil && (expiresAt.map { time < $0 } ?? true)
    }

    /// The principal acting with this key: logged by key id and person, never by name.
    public var principal: Principal { Principal(keyID: id, name: name ?? id, role: role, personID: personID) }

    /// Whether `text` has the form of a key id.
    public static func isWellFormedID(_ text: String) -> Bool {
        Identifier.isWellFormed(text, prefix: "key_")
    }

    /// A new key id from 16 random bytes.
    public static func newID(bytes: [UInt8]) -> String {
        Identifier.render(prefix: "key_", bytes: bytes)
    }
}

/// What never enters the audit log in clear about a key: its name and its person's name
/// (staff are people too, and the log is public and can never be erased).
///
/// The log holds a salted SHA-256 commitment to `canonicalBytes`; `verify` recomputes it
/// from the private tables, and whoever holds the names and the salt can prove them.
public struct KeyPrivateData: Hashable, Sendable {
    public let keyName: String
    public let personName: String

    public init(keyName: String, personName: String) {
        self.keyName = keyName
        self.personName = personName
    }

    /// The bytes the commitment covers (canonical JSON).
    public var canonicalBytes: [UInt8] {
        JSONValue.object(["key_name": .string(keyName), "person_name": .string(personName)]).canonicalBytes
    }
}

/// Lowercase hex for the 32-byte commitments a log entry records.
enum CommitmentText {
    static func render(_ bytes: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.unicodeScalars.append(Unicode.Scalar(Identifier.hexDigits[Int(byte >> 4)]))
            text.unicodeScalars.append(Unicode.Scalar(Identifier.hexDigits[Int(byte & 0x0f)]))
        }
        return text
    }

    /// The 32 bytes of 64 lowercase hex digits; `nil` for anything else.
    static func parse(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for pair in stride(from: 0, to: 64, by: 2) {
            guard let high = Identifier.hexDigits.firstIndex(of: digits[pair]),
                  let low = Identifier.hexDigits.firstIndex(of: digits[pair + 1])
            else { return nil }
            bytes.append(UInt8(high << 4 | low))
        }
        return bytes
    }
}

/// Who a new API key is for: a new person, or a person who already holds keys.
public enum KeyHolder: Hashable, Sendable {
    /// A person not yet known, with their name (kept private, committed in the log).
    case newPerson(name: String)
    /// A person who already holds a key: four eyes then counts both keys as one person.
    case person(PersonID)
}

/// A person holding API keys, as admins see them (never in the public log in clear).
public struct Person: Hashable, Sendable {
    public let id: PersonID
    public let name: String
    public let createdAt: Timestamp

    public init(id: PersonID, name: String, createdAt: Timestamp) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}
