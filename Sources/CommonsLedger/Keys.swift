import ArgumentParser
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import Logging

/// `commons-ledger keys`: manage API keys offline, on the database file.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke API keys on the database (offline).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// The configured database opened for reading only (`report`, `export`,
    /// `verify-report --database`), `body` run on it, then closed: nothing is migrated,
    /// created or written, so these commands are safe on an auditor's copy.
    static func withReadOnlyStore<Value: Sendable>(
        _ options: ConfigurationOptions, _ body: (any LedgerStore) async throws -> Value
    ) async throws -> Value {
        try await OpenedStore.withReadOnly(try options.resolve(), logger: .init(label: "commons-ledger"), body)
    }

    /// The verifier key of the signing key beside `databasePath`, for the offline checks
    /// (`verify`, `verify-report`) when no `--key` is given; never creates one.
    static func verifierKey(besideDatabase databasePath: String) throws -> String {
        let keyPath = LogSigner.defaultPath(besideDatabase: databasePath)
        guard FileManager.default.fileExists(atPath: keyPath) else {
            throw ValidationError("no log-signing.key beside \(databasePath): pass --key with the log's verifier key")
        }
        return try LogSigner.load(path: keyPath).verifierKey
    }

    /// Opens the configured database with the same key checks as `serve` (a missing or
    /// replaced signing key is refused), runs `body` on it and closes it.
    static func withStore<Value: Sendable>(
        _ options: ConfigurationOptions, _ body: (any LedgerStore) async throws -> Value
    ) async throws -> Value {
        try await OpenedStore.with(try options.resolve(), logger: .init(label: "commons-ledger")) { opened in
            try await body(opened.ledger)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key; prints its token alone on the last line of standard output."
        )

        @OptionGroup var options: ConfigurationOptions

        @Option(help: "admin, treasurer, approver or auditor.")
        var role: String

        @Option(help: "The key's name, e.g. \"Amina, treasurer\" (private: never in the public log in clear).")
        var name: String

        @Option(help: "The person who holds the key, when they already hold one (prs_…): four eyes counts people.")
        var person: String?

        @Option(help: "The name of a new person who holds the key (default: the key's name).")
        var personName: String?

        @Option(help: "Expiry, a UTC timestamp such as 2027-01-31T00:00:00.000000Z.")
        var expires: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("role must be admin, treasurer, approver or auditor")
            }
            let expiresAt = try expires.map { text in
                guard let time = Timestamp(text) else {
                    throw ValidationError("--expires must look like 2027-01-31T00:00:00.000000Z")
                }
                return time
            }
            let holder = try holder()
            let (key, token) = try await Keys.withStore(options) { store in
                try await store.createKey(name: name, role: role, holder: holder, expiresAt: expiresAt, by: .system)
            }
            print("created \(key.role.rawValue) key \(key.id) for \(name), person \(key.personID);", terminator: " ")
            print("the token is shown only now:")
            print(token)
        }

        /// Who the key is for: `--person` (an existing person) or `--person-name` (a new one).
        func holder() throws -> KeyHolder {
            if let person {
                guard personName == nil else { throw ValidationError("give --person or --person-name, not both") }
                guard let id = PersonID(person) else {
                    throw ValidationError("--person must be prs_ followed by 32 hex digits")
                }
                return .person(id)
            }
            return .newPerson(name: personName ?? name)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys with their people (never their tokens).")

        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (people, keys) = try await Keys.withStore(options) { store in
                (try await store.people(), try await store.keys())
            }
            let names = Dictionary(people.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            for key in keys {
                let state = key.revokedAt.map { "revoked \($0)" } ?? key.expiresAt.map { "expires \($0)" } ?? "active"
                let role = key.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                print("\(key.id)  \(role)  \(state)  \(key.name ?? "")  \(key.personID) \(names[key.personID] ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; it is refused from then on.")

        @OptionGroup var options: ConfigurationOptions

        @Argument(help: "The key id (key_…).")
        var id: String

        func run() async throws {
            let key = try await Keys.withStore(options) { store in try await store.revokeKey(id: id, by: .system) }
            print("revoked \(key.id) (\(key.name ?? "")) at \(key.revokedAt.map(\.description) ?? "")")
        }
    }
}
