// Goal: keys belong to people (finding 5) and staff names stay out of the public log
// (finding 9), checked below the HTTP layer: the offline four-eyes audit refuses a log
// where one person approves twice or approves their own request, or where a key acts
// for a person it was not created for; `verify` compares a key's logged commitment with
// the names kept privately; old log entries (names in clear, no person) still read back
// byte for byte; and keys that existed before migration 0008 become one person each.
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite struct PeopleAndKeysTests {
    static func time(_ text: String) -> Timestamp {
        guard let time = Timestamp("\(text).000000Z") else { preconditionFailure("a valid test time") }
        return time
    }

    static func keyID(_ digit: Character) -> String { "key_" + String(repeating: digit, count: 32) }
    static func person(_ digit: Character) -> PersonID {
        guard let id = PersonID("prs_" + String(repeating: digit, count: 32)) else { preconditionFailure("valid") }
        return id
    }

    /// A key created (by the system) for `person`, with a made-up commitment.
    static func created(_ digit: Character, person: PersonID?, role: Role) -> LedgerEvent {
        let at = time("2026-01-01T08:00:00")
        guard let person else {
            return .keyCreated(APIKey(
                id: keyID(digit), name: "legacy \(digit)", role: role, createdAt: at, expiresAt: nil, revokedAt: nil
            ))
        }
        return .keyCreated(APIKey(
            id: keyID(digit), name: nil, role: role, personID: person, commitment: Array(repeating: 7, count: 32),
            createdAt: at, expiresAt: nil, revokedAt: nil
        ))
    }

    static func step(_ kind: LogEntryKind, subject: String) -> LedgerEvent {
        .fundAction(FundAction(
            kind: kind, subject: subject, details: .object(["id": .string(subject)]), accountsOpened: [], transaction: nil
        ))
    }

    /// Runs `events` (each with the key that acted) through a fresh audit; the first breach.
    static func audit(_ events: [(LedgerEvent, Principal)]) -> FourEyes.Breach? {
        var audit = FourEyes.Audit()
        for (index, (event, principal)) in events.enumerated() {
            let entry = LogEntry(
                index: Int64(index), recordedAt: time("2026-01-02T08:00:00"), event: event,
                previousHash: index == 0 ? nil : "AAAA", balances: [], principal: principal
            )
            do {
                try audit.accept(entry)
            } catch {
                return error
            }
        }
        return nil
    }

    static func acting(_ digit: Character, _ role: Role, person: PersonID? = nil) -> Principal {
        Principal(keyID: keyID(digit), name: keyID(digit), role: role, personID: person)
    }

    static let dsb = "dsb_" + String(repeating: "d", count: 32)

    @Test func theOfflineAuditCountsPeople() {
        let keys: [(LedgerEvent, Principal)] = [
            (Self.created("1", person: Self.person("a"), role: .treasurer), .system),
            (Self.created("2", person: Self.person("b"), role: .approver), .system),
            (Self.created("3", person: Self.person("b"), role: .approver), .system),
            (Self.created("4", person: Self.person("c"), role: .approver), .system),
            (Self.created("5", person: Self.person("a"), role: .approver), .system),
        ]
        let requester = Self.acting("1", .treasurer, person: Self.person("a"))
        let request = (Self.step(.disbursementRequested, subject: Self.dsb), requester)
        func approval(_ digit: Character, _ position: Int) -> (LedgerEvent, Principal) {
            (Self.step(.disbursementApproved, subject: "\(Self.dsb)#\(position)"), Self.acting(digit, .approver))
        }
        #expect(Self.audit(keys + [request, approval("2", 0), approval("4", 1)]) == nil)
        // Two keys of person b: one pair of eyes.
        let twice = Self.audit(keys + [request, approval("2", 0), approval("3", 1)])
        #expect(twice?.description.contains("alreadyApproved") == true)
        // Key 5 belongs to the requester's person a.
        #expect(Self.audit(keys + [request, approval("5", 0)])?.description.contains("selfApproval") == true)
        // An entry may not claim another person for a key than its key.created entry.
        let lender = Self.acting("3", .approver, person: Self.person("c"))
        let lent = (Self.step(.disbursementApproved, subject: "\(Self.dsb)#0"), lender)
        #expect(Self.audit(keys + [request, lent])?.description.contains("was created for") == true)
    }

    @Test func keysLoggedBeforePeopleAreEachTheirOwnPerson() {
        let keys: [(LedgerEvent, Principal)] = [
            (Self.created("1", person: nil, role: .treasurer), .system),
            (Self.created("2", person: nil, role: .approver), .system),
            (Self.created("3", person: nil, role: .approver), .system),
        ]
        let request = (Self.step(.disbursementRequested, subject: Self.dsb), Self.acting("1", .treasurer))
        let first = (Self.step(.disbursementApproved, subject: "\(Self.dsb)#0"), Self.acting("2", .approver))
        let second = (Self.step(.disbursementApproved, subject: "\(Self.dsb)#1"), Self.acting("3", .approver))
        #expect(Self.audit(keys + [request, first, second]) == nil)
        let own = (Self.step(.disbursementApproved, subject: "\(Self.dsb)#0"), Self.acting("1", .treasurer))
        #expect(Self.audit(keys + [request, own]) != nil)
    }

    /// Entries written before people existed — a key's name in clear, a principal with a
    /// name and no person — read back and re-encode to the very same bytes.
    @Test func oldEntriesWithNamesInClearStillRead() throws {
        let key = Self.keyID("1")
        let text = #"{"balances":[],"index":0,"kind":"key.created","payload":{"created_at":"2026-01-01T08:00:00.000000Z","#
            + #""expires_at":null,"id":"\#(key)","name":"Amina (treasurer)","revoked_at":null,"role":"treasurer"},"#
            + #""previous_hash":null,"principal":{"key_id":"\#(key)","name":"Amina (treasurer)","role":"treasurer"},"#
            + #""recorded_at":"2026-01-01T08:00:00.000000Z","version":1}"#
        let bytes = Array(text.utf8)
        let entry = try LogEntry(json: try JSONParser.parseCanonical(bytes))
        #expect(entry.canonicalBytes == bytes)
        guard case .keyCreated(let read) = entry.event else { Issue.record("not a key"); return }
        #expect(read.name == "Amina (treasurer)")
        #expect(read.personID == Self.person("1"))
        #expect(entry.principal.name == "Amina (treasurer)")
        #expect(entry.principal.person == Self.person("1"))
    }

    @Test func theFirstAdminKeyIsIssuedOnceHoweverManyStartsAskAtOnce() async throws {
        let ledger = try await TestLedger()
        let store = ledger.store
        let issued = try await withThrowingTaskGroup(of: APIKey?.self) { group in
            for _ in 0..<8 { group.addTask { try await store.createFirstAdminKey()?.key } }
            return try await group.reduce(into: [APIKey]()) { keys, key in if let key { keys.append(key) } }
        }
        #expect(issued.count == 1)
        #expect(try await store.keys().map(\.id) == issued.map(\.id))
        #expect(issued.first?.role == .admin)
        #expect(try await store.createFirstAdminKey() == nil)
    }

    @Test func verifyComparesTheKeyCommitmentWithThePrivateNames() async throws {
        let ledger = try await TestLedger()
        let (first, _) = try await ledger.store.createKey(
            name: "João (approver)", role: .approver, holder: .newPerson(name: "João Silva"), expiresAt: nil, by: .system
        )
        let (second, _) = try await ledger.store.createKey(
            name: "João (phone)", role: .approver, holder: .person(first.personID), expiresAt: nil, by: .system
        )
        #expect(second.personID == first.personID)
        #expect(try await ledger.store.people().map(\.name) == ["João Silva"])
        #expect(try await ledger.verify().entries == 2)
        // Someone with the file rewrites a person's name: the logged commitment no longer holds.
        try ledger.shell(TestSQL.withoutTriggers(["people_are_immutable"]) + """
            UPDATE people SET name = 'Someone Else' WHERE id = '\(first.personID)';
            """)
        await #expect {
            _ = try await ledger.verify()
        } throws: { error in
            (error as? AuditFailure)?.detail.contains("do not match the logged commitment") == true
        }
    }

    /// Keys made before migration 0008 become one person each, `prs_` + their hex digits.
    /// (A SQLite file from before 0008: no PostgreSQL ledger is older than its schema.)
    @Test(.enabled(if: TestBackend.isSQLite)) func existingKeysMigrateToOnePersonEach() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("old.sqlite")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let migrations = root.appendingPathComponent("schema/migrations")
        var script = "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);\n"
        for name in try FileManager.default.contentsOfDirectory(atPath: migrations.path).sorted() where name < "0008" {
            script += try String(contentsOf: migrations.appendingPathComponent(name), encoding: .utf8) + "\n"
            script += "INSERT INTO grdb_migrations VALUES ('\(name.dropLast(4))');\n"
        }
        for digit in ["1", "2"] {
            script += """
                INSERT INTO api_keys (id, name, role, secret_hash, created_at)
                VALUES ('\(Self.keyID(Character(digit)))', 'old key \(digit)', 'approver', randomblob(32),
                        '2026-01-01T08:00:00.000000Z');
                """
        }
        try DatabaseShell.execute(path: path, sql: script)
        let store = try SQLiteLedgerStore(
            path: path, clock: FixedClock(), identifiers: SeededIdentifiers(seed: 1), signer: .test,
            logger: .init(label: "test")
        )
        defer { try? store.close() }
        #expect(try store.migrate().first == "0008_create_people")
        let keys = try await store.keys()
        #expect(keys.map(\.personID) == [Self.person("1"), Self.person("2")])
        #expect(keys.allSatisfy { $0.commitment == nil })
        #expect(try await store.people().map(\.name) == ["old key 1", "old key 2"])
    }
}
