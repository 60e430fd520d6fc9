public import LedgerStorage
public import Logging
import NIOSSL
public import PostgresNIO

/// A PostgreSQL database the ledger runs on: a connection pool (`PostgresClient`) built from
/// a checked `PostgresURL`, and the one place that turns the URL's TLS mode into the
/// client's. Its logger never sees the password (postgres-nio logs no credentials, and the
/// URL is only ever printed through `PostgresURL.description`).
///
/// The pool runs while `run(_:)`'s body runs, so no connection outlives its caller.
public struct LedgerPostgresDatabase: Sendable {
    public let url: PostgresURL
    let logger: Logger

    public init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// The pool's configuration: a Unix socket (`DIR/.s.PGSQL.PORT`, as libpq names it) or a
    /// host and port; `disable` sends in clear, `require` encrypts without checking the
    /// certificate (as libpq's `require`), `verify-full` checks it against the system roots
    /// and the host name.
    public var configuration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if url.isUnixSocket {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(url.host)/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                database: url.database
            )
        } else {
            configuration = PostgresClient.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: Self.tls(url.tls)
            )
        }
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeoutSeconds))
        configuration.options.additionalStartupParameters = [("application_name", "commons-ledger")]
        return configuration
    }

    static func tls(_ mode: PostgresURL.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .require:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            return .require(tls)
        case .verifyFull:
            return .require(.makeClientConfiguration())
        }
    }

    /// Runs `body` with a running pool, then shuts the pool down.
    public func run<Value: Sendable>(_ body: (PostgresClient) async throws -> Value) async throws -> Value {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        return try await body(client)
    }

    /// The same server and credentials, another database.
    public func database(named name: String) -> LedgerPostgresDatabase {
        LedgerPostgresDatabase(
            url: PostgresURL(
                user: url.user, password: url.password, host: url.host, port: url.port, database: name, tls: url.tls,
                connectTimeoutSeconds: url.connectTimeoutSeconds
            ),
            logger: logger
        )
    }

    /// Creates a database the ledger's schema accepts — UTF-8 with byte-order collation
    /// (`schema/postgres/0001` refuses any other: SQLite compares bytes) — on this
    /// database's server; `name` is a lower-case identifier.
    public func createDatabase(named name: String) async throws {
        try await runDDL(on: name, "CREATE DATABASE \(name) ENCODING 'UTF8' LOCALE 'C' TEMPLATE template0")
    }

    /// Drops a database of this server, closing its connections first.
    public func dropDatabase(named name: String) async throws {
        try await runDDL(on: name, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement about the database `name` (checked first: DDL takes no
    /// parameters, so the name is spliced into the text) on one pooled connection.
    private func runDDL(on name: String, _ statement: String) async throws {
        try Self.checkIdentifier(name)
        try await run { client in
            _ = try await client.withConnection { connection in
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    /// Database names are spliced into DDL (which takes no parameters): only
    /// `[a-z_][a-z0-9_]*`, at most 63 bytes, pass.
    static func checkIdentifier(_ name: String) throws {
        let isValid = name.utf8.count <= 63 && name.first.map { $0 == "_" || ("a"..."z").contains($0) } == true
            && name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        guard isValid else { throw PostgresURL.Invalid("\(name) is not a plain database name") }
    }
}
