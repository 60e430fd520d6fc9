import Crypto
import Foundation
import GRDB
public import LedgerCore

/// API keys: issued, listed, revoked and checked. A token is `<key id>.<secret>`, the
/// secret 256 random bits in URL-safe base64; only SHA-256 of the secret is stored, and
/// the stored hash is compared in constant time.
extension SQLiteLedgerStore {
    /// Longest key name, in characters.
    static let keyNameLengthMax = 200

    public func createKey(name: String, role: Role, expiresAt: Timestamp?, by principal: Principal) async throws -> (key: APIKey, token: String) {
        if let problem = TextRules.problem(in: name, field: "name", lengthMax: Self.keyNameLengthMax) {
            throw Rejection.invalidFields([problem])
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secretText = Base64URL.encode(secret)
        let id = APIKey.newID(bytes: identifiers.nextIdentifierBytes())
        let outcome: WriteOutcome<APIKey> = try await write(idempotency: nil) { db, now in
            if let expiresAt, expiresAt <= now {
                throw Rejection.invalidFields([FieldProblem(field: "expires_at", detail: "must be in the future")])
            }
            let key = APIKey(id: id, name: name, role: role, createdAt: now, expiresAt: expiresAt, revokedAt: nil)
            try db.execute(
                sql: "INSERT INTO api_keys (id, name, role, secret_hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                arguments: [key.id, key.name, key.role.rawValue, Data(SHA256.hash(data: Array(secretText.utf8))), now.description, expiresAt?.description]
            )
            try AuditLogWriter.append(db, event: .keyCreated(key), balances: [], by: principal, at: now)
            return key
        }
        guard case .applied(let key) = outcome else { preconditionFailure("key creation takes no idempotency key") }
        return (key, "\(key.id).\(secretText)")
    }

    public func keys() async throws -> [APIKey] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM api_keys ORDER BY created_at, id")).map(Self.key(from:))
        }
    }

    public func revokeKey(id: String, by principal: Principal) async throws -> APIKey {
        let outcome: WriteOutcome<APIKey> = try await write(idempotency: nil) { db, now in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM api_keys WHERE id = ?"), arguments: [id]) else {
                throw Rejection.notFound(resource: "key", reference: id)
            }
            let key = try Self.key(from: row)
            guard key.revokedAt == nil else { throw Rejection.keyAlreadyRevoked(id: id) }
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ?", arguments: [now.description, id])
            let revoked = APIKey(id: key.id, name: key.name, role: key.role, createdAt: key.createdAt, expiresAt: key.expiresAt, revokedAt: now)
            try AuditLogWriter.append(db, event: .keyRevoked(revoked), balances: [], by: principal, at: now)
            return revoked
        }
        guard case .applied(let key) = outcome else { preconditionFailure("revocation takes no idempotency key") }
        return key
    }

    public func authenticate(token: String) async throws -> APIKey? {
        let parts = token.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 100, APIKey.isWellFormedID(String(parts[0])) else { return nil }
        let presented = Array(SHA256.hash(data: Array(parts[1].utf8)))
        let now = clock.now()
        return try await pool.read { db in
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM api_keys WHERE id = ?"), arguments: [String(parts[0])]
            ) else { return nil }
            let stored = [UInt8](try row.decode(Data.self, forColumn: "secret_hash"))
            guard Self.constantTimeEqual(stored, presented) else { return nil }
            let key = try Self.key(from: row)
            return key.isActive(at: now) ? key : nil
        }
    }

    /// Whether any active admin key exists (the first start creates one when none does).
    public func hasActiveAdminKey() async throws -> Bool {
        let now = clock.now()
        return try await keys().contains { $0.role == .admin && $0.isActive(at: now) }
    }

    /// Compares two digests without an early exit, so timing reveals nothing about where they differ.
    static func constantTimeEqual(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count else { return false }
        var difference: UInt8 = 0
        for index in first.indices { difference |= first[index] ^ second[index] }
        return difference == 0
    }

    static func key(from row: Row) throws -> APIKey {
        func time(_ column: String) throws -> Timestamp? {
            try row.decode(String?.self, forColumn: column).map { text in
                guard let value = Timestamp(text) else { throw StorageError.corruptRow(table: "api_keys", detail: "\(column) does not parse") }
                return value
            }
        }
        let id = try LedgerRows.text(row, "id")
        guard APIKey.isWellFormedID(id), let role = Role(rawValue: try LedgerRows.text(row, "role")), let created = try time("created_at") else {
            throw StorageError.corruptRow(table: "api_keys", detail: "id, role or created_at does not parse")
        }
        return APIKey(id: id, name: try LedgerRows.text(row, "name"), role: role, createdAt: created, expiresAt: try time("expires_at"), revokedAt: try time("revoked_at"))
    }
}
