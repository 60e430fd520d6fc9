import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage
import PostgresStorage
import LedgerTestSupport
import Logging
import Testing

/// An application on a fresh temporary database, built by the same `buildApplication`
/// the server uses, with a fixed clock and seeded ids.
struct TestServer {
    let directory: TemporaryDirectory
    /// The configuration as built; in the PostgreSQL pass its database is replaced by a
    /// fresh PostgreSQL database at the first `run` (kept for the later runs).
    let configuration: ServerConfiguration
    private let postgres = PostgresDatabaseBox()
    /// The server's clock, which tests may move forward.
    let clock = FixedClock()
    /// The server's report books, which tests may hold replay slots of.
    let reportCache: ReportBookCache

    init(
        limits: RequestLimits = .standard, reportCache: ReportBookCache = ReportBookCache(), trustedProxies: [String] = [],
        logOrigin: String = ServerConfiguration.defaultLogOrigin, tilesPrefix: String = "/tlog"
    ) throws {
        self.reportCache = reportCache
        directory = try TemporaryDirectory()
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, database: .sqlite(path: directory.path("ledger.sqlite")), logLevel: .critical,
            logOrigin: logOrigin
        )
        configuration.limits = limits
        configuration.trustedProxies = try TrustedProxies(trustedProxies)
        configuration.tilesPrefix = tilesPrefix
        self.configuration = configuration
    }

    /// Router tests have no connection: the direct peer's address is read from this
    /// header instead (absent: unknown, as for a Unix socket).
    static let peerHeader = "x-test-peer"

    /// Runs `body` against the real router, with a client that sends the first admin
    /// key's token unless told otherwise.
    func run(_ body: @escaping @Sendable (LedgerClient) async throws -> Void) async throws {
        let token = TokenBox()
        let app = try await buildApplication(
            configuration: try await servedConfiguration(), clock: clock, identifiers: SeededIdentifiers(seed: 7), reportCache: reportCache,
            peerAddress: .init { request, _ in
                request.headers.first { $0.name.canonicalName == Self.peerHeader }?.value
            },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            onFirstAdminToken: { _, value in token.set(value) }
        )
        let adminToken = try #require(token.value)
        try await app.test(.router) { client in
            try await body(LedgerClient(client: client, adminToken: adminToken))
        }
    }
}

extension TestServer {
    /// The configuration `run` serves: as built in the SQLite pass; in the PostgreSQL pass,
    /// a fresh database (made at the first run, kept for the next) and a signing key file
    /// made beforehand, as a PostgreSQL ledger requires.
    func servedConfiguration() async throws -> ServerConfiguration {
        guard TestBackend.selected == .postgres else { return configuration }
        var served = configuration
        let keyPath = logKeyPath
        served.database = .postgres(try await postgres.database {
            try LogSigner.generate(origin: served.logOrigin).write(path: keyPath)
        }.url)
        served.logKeyPath = keyPath
        return served
    }

    /// Where the SQLite pass keeps the signing key; the PostgreSQL pass keeps it there too.
    var logKeyPath: String {
        configuration.logKeyPath ?? LogSigner.defaultPath(besideDatabase: directory.path("ledger.sqlite"))
    }
}

/// The PostgreSQL database of one test server, made once.
final class PostgresDatabaseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var made: LedgerPostgresDatabase?

    /// The database, made (with `prepare` run once beside it) at the first call.
    func database(prepare: () throws -> Void) async throws -> LedgerPostgresDatabase {
        if let made = lock.withLock({ made }) { return made }
        let fresh = try await TestPostgres.freshDatabase()
        try prepare()
        lock.withLock { made = fresh }
        return fresh
    }
}

/// Holds the token handed out at the first start.
final class TokenBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var value: String? { lock.withLock { stored } }
    func set(_ value: String) { lock.withLock { stored = value } }
}

/// Who a test request is sent as.
enum Caller: Sendable {
    case admin
    case anonymous
    case token(String)
}

/// The test client: every call is authenticated as the first admin unless `as:` says otherwise.
struct LedgerClient: Sendable {
    let client: any TestClientProtocol
    let adminToken: String

    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil,
        headers: HTTPFields = [:], contentType: String? = "application/json", as caller: Caller = .admin
    ) async throws -> Reply {
        var headers = headers
        switch caller {
        case .admin: headers[.authorization] = "Bearer \(adminToken)"
        case .token(let token): headers[.authorization] = "Bearer \(token)"
        case .anonymous: break
        }
        return try await client.call(method, uri, json: json, headers: headers, contentType: contentType)
    }

    /// Registers USD (2) and EUR (2) and opens a small chart; fails the test if any step fails.
    func seedChart() async throws {
        for asset in [#"{"code":"USD","scale":2,"name":"US dollar"}"#, #"{"code":"EUR","scale":2}"#] {
            #expect(try await call(.post, "/v1/assets", json: asset).status == .created)
        }
        for account in [
            #"{"code":"assets:bank:usd","type":"asset","allowed_assets":["USD"],"constraint":"no_negative"}"#,
            #"{"code":"assets:bank:eur","type":"asset","allowed_assets":["EUR"],"constraint":"no_negative"}"#,
            #"{"code":"income:contributions","type":"income","metadata":{"note":"all gifts"}}"#,
            #"{"code":"expenses:grants","type":"expense"}"#,
        ] {
            #expect(try await call(.post, "/v1/accounts", json: account).status == .created)
        }
    }

    /// Creates a key with `role` and returns its token.
    func token(for role: String, expiresAt: String? = nil) async throws -> String {
        let expiry = expiresAt.map { #","expires_at":"\#($0)""# } ?? ""
        let reply = try await call(.post, "/v1/keys", json: #"{"name":"\#(role) for tests","role":"\#(role)"\#(expiry)}"#)
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(reply["token"] as? String)
    }
}

/// A decoded response: status, headers and the JSON body.
struct Reply {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: [UInt8]

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The problem code of a problem+json reply.
    var code: String? { json["code"] as? String }

    subscript(key: String) -> Any? { json[key] }
}

extension TestClientProtocol {
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil,
        headers: HTTPFields = [:], contentType: String? = "application/json"
    ) async throws -> Reply {
        var headers = headers
        if json != nil, let contentType { headers[.contentType] = contentType }
        let response = try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return Reply(status: response.status, headers: response.headers, body: Array(response.body.readableBytesView))
    }

}

/// A balanced USD contribution of `amount` minor units.
func contribution(_ amount: Int64, date: String = "2026-11-20") -> String {
    #"{"date":"\#(date)","description":"Contribution","postings":[{"account":"assets:bank:usd","asset":"USD","amount":\#(amount)},{"account":"income:contributions","asset":"USD","amount":-\#(amount)}]}"#
}
