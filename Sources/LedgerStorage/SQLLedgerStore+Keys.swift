import Crypto
import Foundation
import GRDB
public import LedgerCore
import LedgerSQL

/// API keys: issued, listed, revoked and checked. A token is `<key id>.<secret>`, the
/// secret 256 random bits in URL-safe base64; only SHA-256 of the secret is stored, and
/// the stored hash is compared in constant time.
extension SQLLedgerStore {
    /// Longest key name, in characters.
    static var keyNameLengthMax: Int { 200 }

    /// Issues a key for `holder`. The log records the key's person and a salted
    /// commitment to its key and person names; the names and the salt stay in
    /// `api_keys`, `people` and `api_key_people`, shown to admins only.
    public func createKey(
        name: String, role: Role, holder: KeyHolder, expiresAt: Timestamp?, by principal: Principal
    ) async throws -> (key: APIKey, token: String) {
        guard let issued = try await issueKey(
            name: name, role: role, holder: holder, expiresAt: expiresAt, by: principal, onlyAsTheFirst: false
        ) else { preconditionFailure("a key not asked to be the first is always issued") }
        return issued
    }

    /// Issues the first admin key (for a new person named "first admin") if no key was
    /// ever created; `nil` if one was. The check runs inside the write transaction, after
    /// the log head is taken, so servers starting together on one empty database issue
    /// one first key between them, not one each.
    public func createFirstAdminKey() async throws -> (key: APIKey, token: String)? {
        try await issueKey(
            name: "first admin", role: .admin, holder: .newPerson(name: "first admin"), expiresAt: nil, by: .system,
            onlyAsTheFirst: true
        )
    }

    /// Issues a key; with `onlyAsTheFirst`, only if `api_keys` is empty (else `nil`).
    func issueKey(
        name: String, role: Role, holder: KeyHolder, expiresAt: Timestamp?, by principal: Principal,
        onlyAsTheFirst: Bool
    ) async throws -> (key: APIKey, token: String)? {
        if let problem = TextRules.problem(in: name, field: "name", lengthMax: Self.keyNameLengthMax) {
            throw Rejection.invalidFields([problem])
        }
        if case .newPerson(let personName) = holder,
           let problem = TextRules.problem(in: personName, field: "person_name", lengthMax: Self.keyNameLengthMax) {
            throw Rejection.invalidFields([problem])
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secretText = Base64URL.encode(secret)
        let id = APIKey.newID(bytes: identifiers.nextIdentifierBytes())
        guard let newPersonID = PersonID(firstKeyID: id) else { preconditionFailure("a new key id is well formed") }
        let outcome: WriteOutcome<APIKey?> = try await write(idempotency: nil) { db, now in
            if onlyAsTheFirst, try db.fetchValue(Int64.self, "SELECT count(*) FROM api_keys") != 0 { return nil }
            if let expiresAt, expiresAt <= now {
                throw Rejection.invalidFields([FieldProblem(field: "expires_at", detail: "must be in the future")])
            }
            let person = try Self.person(db, for: holder, newID: newPersonID, at: now)
            let privateData = KeyPrivateData(keyName: name, personName: person.name)
            let commitment = Self.privateDataCommitment(salt: salt, data: privateData.canonicalBytes)
            let key = APIKey(
                id: id, name: name, role: role, personID: person.id, commitment: commitment,
                createdAt: now, expiresAt: expiresAt, revokedAt: nil
            )
            try Self.insert(key, name: name, secretHash: Array(SHA256.hash(data: Array(secretText.utf8))), in: db)
            try Self.insertHolder(of: key.id, person: person.id, salt: salt, commitment: commitment, in: db)
            try AuditLogWriter.append(db, event: .keyCreated(key), balances: [], by: principal, at: now)
            return key
        }
        guard case .applied(let issued) = outcome else {
            preconditionFailure("key creation takes no idempotency key")
        }
        return issued.map { ($0, "\($0.id).\(secretText)") }
    }

    /// Writes a key's row (not revoked): `name` is the key's name, kept here even when the
    /// log holds only its commitment; `secretHash` is SHA-256 of the secret part of its token.
    static func insert(_ key: APIKey, name: String, secretHash: [UInt8], in db: some SQLConnection) throws {
        try db.execute("""
                INSERT INTO api_keys (id, name, role, secret_hash, created_at, expires_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, NULL)
                """, [
                key.id, name, key.role.rawValue, secretHash, key.createdAt.description, key.expiresAt?.description,
            ])
    }

    /// Writes who holds a key, with the salt and commitment to its names (both `nil` for a
    /// key logged with its name in clear).
    static func insertHolder(
        of keyID: String, person: PersonID, salt: [UInt8]?, commitment: [UInt8]?, in db: some SQLConnection
    ) throws {
        try db.execute(
            "INSERT INTO api_key_people (key_id, person_id, salt, commitment) VALUES (?, ?, ?, ?)",
            [keyID, person.rawValue, salt, commitment]
        )
    }

    /// Writes a person who holds keys.
    static func insert(_ person: Person, in db: some SQLConnection) throws {
        try db.execute(
            "INSERT INTO people (id, name, created_at) VALUES (?, ?, ?)",
            [person.id.rawValue, person.name, person.createdAt.description]
        )
    }

    /// Marks a key revoked (once: the table's trigger refuses a second time).
    static func revoke(keyID: String, at time: Timestamp, in db: some SQLConnection) throws {
        try db.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [time.description, keyID])
    }

    /// The person a new key is for: `holder`'s existing person, or a new one recorded now.
    static func person(
        _ db: some SQLConnection, for holder: KeyHolder, newID: PersonID, at now: Timestamp
    ) throws -> Person {
        switch holder {
        case .person(let id):
            guard let row = try db.fetchOne("SELECT * FROM people WHERE id = ?", [id.rawValue]) else {
                throw Rejection.unknownReference(field: "person_id", reference: id.rawValue)
            }
            return try person(from: row)
        case .newPerson(let name):
            let person = Person(id: newID, name: name, createdAt: now)
            try insert(person, in: db)
            return person
        }
    }

    /// Everyone who holds or held a key, in creation order (admins only: names are private).
    public func people() async throws -> [Person] {
        try await engine.read { db in
            try db.fetchAll("SELECT * FROM people ORDER BY created_at, id", [])
                .map(Self.person(from:))
        }
    }

    /// SHA-256(salt || key and person names) recomputed from the private tables; `nil`
    /// for a key logged with its name in clear (no salt).
    static func keyCommitment(_ db: some SQLConnection, keyID: String) throws -> [UInt8]? {
        guard let row = try db.fetchOne("""
                SELECT k.name AS key_name, pe.name AS person_name, p.salt AS salt FROM api_keys k
                JOIN api_key_people p ON p.key_id = k.id JOIN people pe ON pe.id = p.person_id WHERE k.id = ?
                """, [keyID]), let salt = try row.value([UInt8]?.self, named: "salt") else { return nil }
        let names = KeyPrivateData(
            keyName: try LedgerRows.text(row, "key_name"), personName: try LedgerRows.text(row, "person_name")
        )
        return privateDataCommitment(salt: [UInt8](salt), data: names.canonicalBytes)
    }

    static func person(from row: some SQLRow) throws -> Person {
        guard let id = PersonID(try LedgerRows.text(row, "id")),
              let created = Timestamp(try LedgerRows.text(row, "created_at"))
        else { throw StorageError.corruptRow(table: "people", detail: "id or created_at does not parse") }
        return Person(id: id, name: try LedgerRows.text(row, "name"), createdAt: created)
    }

    /// A key row with its person, salt and commitment (a key without a person row is its
    /// own legacy person).
    static var keySelect: String {
        """
        SELECT k.*, p.person_id AS person_id, p.salt AS salt, p.commitment AS commitment
        FROM api_keys k LEFT JOIN api_key_people p ON p.key_id = k.id
        """
    }

    public func keys() async throws -> [APIKey] {
        try await engine.read { db in
            try db.fetchAll(Self.keySelect + " ORDER BY k.created_at, k.id", [])
                .map(Self.key(from:))
        }
    }

    public func revokeKey(id: String, by principal: Principal) async throws -> APIKey {
        let outcome: WriteOutcome<APIKey> = try await write(idempotency: nil) { db, now in
            guard let row = try db.fetchOne(Self.keySelect + " WHERE k.id = ?", [id]) else {
                throw Rejection.notFound(resource: "key", reference: id)
            }
            let key = try Self.key(from: row)
            guard key.revokedAt == nil else { throw Rejection.keyAlreadyRevoked(id: id) }
            try Self.revoke(keyID: id, at: now, in: db)
            let revoked = key.revoked(at: now)
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
        return try await engine.read { db in
            guard let row = try db.fetchOne(Self.keySelect + " WHERE k.id = ?", [String(parts[0])]) else { return nil }
            let stored = [UInt8](try row.value([UInt8].self, named: "secret_hash"))
            guard Self.constantTimeEqual(stored, presented) else { return nil }
            let key = try Self.key(from: row)
            return key.isActive(at: now) ? key : nil
        }
    }

    /// Whether any active admin key exists (a start without one says how to create one).
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

    static func key(from row: some SQLRow) throws -> APIKey {
        func time(_ column: String) throws -> Timestamp? {
            try row.value(String?.self, named: column).map { text in
                guard let value = Timestamp(text) else {
                    throw StorageError.corruptRow(table: "api_keys", detail: "\(column) does not parse")
                }
                return value
            }
        }
        let id = try LedgerRows.text(row, "id")
        guard APIKey.isWellFormedID(id), let role = Role(rawValue: try LedgerRows.text(row, "role")),
              let created = try time("created_at") else {
            throw StorageError.corruptRow(table: "api_keys", detail: "id, role or created_at does not parse")
        }
        let personText = try row.value(String?.self, named: "person_id")
        guard let person = personText.map({ PersonID($0) }) ?? PersonID(firstKeyID: id) else {
            throw StorageError.corruptRow(table: "api_key_people", detail: "person_id does not parse")
        }
        let commitment = try row.value([UInt8]?.self, named: "commitment").map { [UInt8]($0) }
        return APIKey(
            id: id, name: try LedgerRows.text(row, "name"), role: role, personID: person, commitment: commitment,
            createdAt: created, expiresAt: try time("expires_at"), revokedAt: try time("revoked_at")
        )
    }
}
