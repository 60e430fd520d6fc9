public import AuditLog
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import LedgerApplication
public import LedgerCore
public import LedgerStorage
public import Logging
import NIOCore
import ServiceLifecycle
import WireContract

/// The router with every route of the API, over any store.
///
/// Used by `buildApplication` and directly by tests that list the routes.
///
/// `reportCache` defaults to one with the bounds in `limits`; `clientAddresses` decides the
/// address the public's rate limit counts against.
public func buildRouter<Store: LedgerStore>(
    store: Store, limits: RequestLimits = .standard, clock: any LedgerClock = SystemClock(),
    reportCache: ReportBookCache? = nil, metrics: LedgerMetrics = LedgerMetrics(),
    clientAddresses: ClientAddressResolver = ClientAddressResolver(), witnessPolicy: WitnessPolicy? = nil,
    tilesPrefix: String = "/tlog"
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let reportCache = reportCache ?? ReportBookCache(bounds: .init(limits))
    // Outermost, so it sees the status every error becomes; records through swift-metrics
    // (a no-op until the process bootstraps it, as `serve` does).
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: EarlyCloseMiddleware())
    router.add(middleware: ProblemMiddleware(tilesPrefix: tilesPrefix))
    // Inside the problem mapping (its 503 is rendered there), around everything that may
    // wait on the database, authentication included.
    router.add(middleware: RequestDeadlineMiddleware(seconds: limits.requestTimeoutSeconds))
    router.add(middleware: ClientAddressMiddleware(resolver: clientAddresses))
    let rateLimits = RateLimits(limits: limits, clock: clock)
    router.add(middleware: AuthMiddleware(store: store, rateLimits: rateLimits, tilesPrefix: tilesPrefix))
    router.add(middleware: RateLimitMiddleware(limits: rateLimits))
    let group = router.group()
    HealthController(store: store).addRoutes(to: group)
    OpenAPIController().addRoutes(to: group)
    AssetController(store: store, limits: limits).addRoutes(to: group)
    AccountController(store: store, limits: limits).addRoutes(to: group)
    TransactionController(store: store, limits: limits).addRoutes(to: group)
    ReportController(store: store, cache: reportCache).addRoutes(to: group)
    LogController(store: store, limits: limits, policy: witnessPolicy).addRoutes(to: group)
    TileController(store: store, policy: witnessPolicy, prefix: tilesPrefix).addRoutes(to: group)
    KeyController(store: store, limits: limits).addRoutes(to: group)
    MemberController(store: store, limits: limits).addRoutes(to: group)
    FundController(store: store, limits: limits).addRoutes(to: group)
    PledgeController(store: store, limits: limits).addRoutes(to: group)
    DisbursementController(store: store, limits: limits).addRoutes(to: group)
    CashAdjustmentController(store: store, limits: limits).addRoutes(to: group)
    ConversionController(store: store, limits: limits).addRoutes(to: group)
    PeriodController(store: store, limits: limits).addRoutes(to: group)
    MetricsController(store: store, metrics: metrics, clock: clock).addRoutes(to: group)
    return router
}

/// Runs `app` until SIGTERM or SIGINT, then shuts down gracefully (in-flight requests
/// are answered first): the command line's one call into the server, so no module but
/// this one imports Hummingbird.
public func runUntilSignalled(_ app: some ApplicationProtocol) async throws {
    try await app.runService()
}

/// Opens (and migrates) the configured store — a SQLite file or a PostgreSQL database —
/// and builds the HTTP application around it.
///
/// The one construction path for `serve` and for every HTTP test. The store is closed
/// after the HTTP server has drained, on graceful shutdown (SIGTERM/SIGINT).
///
/// A brand-new database (no key was ever created) gets the first admin key, its token
/// handed to `onFirstAdminToken` — printed once by `serve`, never stored. The server
/// refuses to start when the log's signing key is missing or replaced
/// (`OpenedStore.openSigned`).
///
/// `reportCache` defaults to one with the configured bounds; `peerAddress` is where the
/// direct peer's address comes from (the connection; router tests, which have none,
/// inject their own).
public func buildApplication(
    configuration: LedgerApplication.ServerConfiguration,
    clock: any LedgerClock = SystemClock(),
    identifiers: any IdentifierSource = SystemIdentifierSource(),
    metrics: LedgerMetrics = LedgerMetrics(),
    reportCache: ReportBookCache? = nil,
    peerAddress: ClientAddressResolver.PeerSource = .connection,
    logger: Logger,
    onFirstAdminToken: @escaping @Sendable (APIKey, String) -> Void
) async throws -> some ApplicationProtocol {
    // A server without its contract is a packaging fault: refuse to start, not to answer.
    _ = try OpenAPIDocument.bundled.get()
    let opened = try await openStore(
        configuration: configuration, clock: clock, identifiers: identifiers, logger: logger
    )
    let builder = ApplicationBuilder(
        configuration: configuration, clock: clock, metrics: metrics,
        reportCache: reportCache ?? ReportBookCache(bounds: .init(configuration.limits)), peerAddress: peerAddress,
        logger: logger, onFirstAdminToken: onFirstAdminToken, opened: opened
    )
    do {
        return try await opened.use(builder)
    } catch {
        try? await opened.close()
        throw error
    }
}

/// Opens the database with its signing key checked (creating both on first start for
/// SQLite) and logs the verifier key and any migrations applied.
func openStore(
    configuration: LedgerApplication.ServerConfiguration, clock: any LedgerClock, identifiers: any IdentifierSource,
    logger: Logger
) async throws -> OpenedStore {
    let opened = try await OpenedStore.openSigned(
        configuration, clock: clock, identifiers: identifiers, logger: logger
    )
    if let createdKey = opened.createdKey {
        let keyPath = try configuration.resolvedLogKeyPath
        logger.notice(
            "created the log signing key", metadata: ["path": "\(keyPath)", "verifier_key": "\(createdKey.verifierKey)"]
        )
    }
    logger.info("audit log verifier key \(opened.logVerifierKey)")
    if !opened.applied.isEmpty {
        logger.info("migrated database", metadata: ["migrations": "\(opened.applied.joined(separator: ","))"])
    }
    return opened
}

/// Builds the application around an opened store of either engine.
struct ApplicationBuilder: StoreUser {
    let configuration: LedgerApplication.ServerConfiguration
    let clock: any LedgerClock
    let metrics: LedgerMetrics
    let reportCache: ReportBookCache
    let peerAddress: ClientAddressResolver.PeerSource
    let logger: Logger
    let onFirstAdminToken: @Sendable (APIKey, String) -> Void
    let opened: OpenedStore

    func use<Engine: SQLEngine>(
        _ store: SQLLedgerStore<Engine>
    ) async throws -> Application<RouterResponder<AppRequestContext>> {
        try await ensureFirstAdminKey(
            store: store, configuration: configuration, logger: logger, onFirstAdminToken: onFirstAdminToken
        )
        warnAboutADefaultOrigin(verifierKey: store.logVerifierKey, logger: logger)
        let policy = try witnessPolicy(logVerifierKey: store.logVerifierKey)
        if let route = RoutePolicy.routeShadowed(byTilesPrefix: configuration.tilesPrefix) {
            throw LedgerApplication.ServerConfiguration.Invalid(
                description: "tiles_prefix \(configuration.tilesPrefix) would share its first segment with \(route)")
        }
        metrics.observeCommits(of: store.commitStatistics)
        let clientAddresses = ClientAddressResolver(
            trustedProxies: configuration.trustedProxies, header: configuration.clientAddressHeader, peer: peerAddress
        )
        let router = buildRouter(
            store: store, limits: configuration.limits, clock: clock, reportCache: reportCache, metrics: metrics,
            clientAddresses: clientAddresses, witnessPolicy: policy, tilesPrefix: configuration.tilesPrefix
        )
        // Hummingbird logs its own start line and per-request lines at info/debug; the
        // application owns info, so the framework's logger starts at notice.
        var frameworkLogger = logger
        frameworkLogger.logLevel = max(logger.logLevel, .notice)
        let server = try httpServer(configuration: configuration, logger: logger)
        return Application(
            router: router,
            server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "commons-ledger"
            ),
            services: try services(store: store, policy: policy),
            onServerRunning: { channel in await announce(channel, store: store) },
            logger: frameworkLogger
        )
    }

    /// The store's keeper and, if configured, the tiles publisher and the witness
    /// collector — listed so that shutdown (in reverse order, after the HTTP server) stops
    /// them first, then closes the store.
    func services(store: some LedgerStore, policy: WitnessPolicy?) throws -> [any Service] {
        var services: [any Service] = [StoreService(store: opened, logger: logger)]
        if let directory = configuration.backupDirectory {
            guard let path = configuration.sqlitePath else {
                throw LedgerApplication.ServerConfiguration.Invalid(
                    description: "backup_dir backs up a SQLite file; on PostgreSQL use pg_basebackup or pg_dump "
                        + "(docs/postgresql.md)"
                )
            }
            services.append(ScheduledBackups(
                databasePath: path, directory: URL(fileURLWithPath: directory, isDirectory: true),
                every: .seconds(configuration.backupEverySeconds), keep: configuration.backupKeep,
                verifierKey: store.logVerifierKey, metrics: metrics, logger: logger
            ))
        }
        services.append(HoldExpiries(store: store, every: .seconds(60), logger: logger))
        if let path = configuration.tilesDirectory {
            services.append(TilePublisher(store: store, directory: TileDirectory(path: path), logger: logger))
        }
        if let policy {
            let pace = Duration.seconds(configuration.witnessPaceSeconds)
            services.append(WitnessCollector(store: store, policy: policy, pace: pace, logger: logger))
        }
        return services
    }

    /// The configured witness policy, which must name this log's key among its logs (a
    /// policy for another log would never be met, and would serve nothing at `/tlog`).
    func witnessPolicy(logVerifierKey: String) throws -> WitnessPolicy? {
        guard let path = configuration.witnessPolicyPath else { return nil }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw LedgerApplication.ServerConfiguration.Invalid(description: "cannot read the witness policy \(path)")
        }
        let policy: WitnessPolicy
        do {
            policy = try WitnessPolicy(parsing: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw LedgerApplication.ServerConfiguration.Invalid(description: "\(path): \(error)")
        }
        guard policy.logs.contains(where: { $0.verifier.verifierKey == logVerifierKey }) else {
            throw LedgerApplication.ServerConfiguration.Invalid(
                description: "\(path) does not list this log's key (\(logVerifierKey)) on a log line"
            )
        }
        return policy
    }

    /// Logs where the server listens, then replays the log into the report book in the
    /// background, so the first report after a restart does not pay for a whole replay.
    @Sendable func announce(_ channel: any Channel, store: some LedgerStore) async {
        let configuration = self.configuration
        let address = channel.localAddress.map {
            "\($0.ipAddress ?? configuration.host):\($0.port ?? configuration.port)"
        }
        let scheme = configuration.tlsCertificatePath == nil ? "http" : "https"
        let listening = address ?? "\(configuration.host):\(configuration.port)"
        logger.info("commons-ledger listening on \(scheme)://\(listening)")
        let (logger, reportCache) = (self.logger, self.reportCache)
        Task {
            let started = ContinuousClock.now
            do {
                let size = try await LogReports.warm(store: store, cache: reportCache)
                logger.info(
                    "report book ready",
                    metadata: ["entries": "\(size)", "duration": "\(ContinuousClock.now - started)"]
                )
            } catch {
                logger.warning("report book not warmed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// The HTTP/1 server, with TLS when a certificate and key are configured.
func httpServer(
    configuration: LedgerApplication.ServerConfiguration, logger: Logger
) throws -> HTTPServerBuilder {
    // A connection that sends nothing for this long is closed: slow or stalled clients
    // cannot hold the server's connections.
    var server = HTTPServerBuilder.http1(
        configuration: HTTP1Channel.Configuration(
            idleTimeout: TimeAmount.seconds(Int64(configuration.limits.requestTimeoutSeconds))
        )
    )
    try configuration.checkTLS()
    if let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        server = try .tls(server, tlsConfiguration: tls)
        logger.info("TLS on: HTTPS only", metadata: ["certificate": "\(certificatePath)"])
    }
    return server
}

/// Keeps the store open while the server runs and closes it cleanly afterwards.
///
/// Hummingbird shuts services down in reverse order, the HTTP server first, so in-flight
/// requests finish their writes before the database is closed.
struct StoreService: Service {
    let store: OpenedStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
        logger.info("database closed")
    }
}

/// Witnesses, mirrors and verifiers know a log by its checkpoint origin (C2SP
/// tlog-checkpoint): the default one names no fund, and two funds left at the default
/// would be one name for two logs. The origin is the signing key's name, fixed once the
/// log has entries, hence the warning at every start.
func warnAboutADefaultOrigin(verifierKey: String, logger: Logger) {
    let defaultOrigin = LedgerApplication.ServerConfiguration.defaultLogOrigin
    guard verifierKey.split(separator: "+").first == Substring(defaultOrigin) else { return }
    logger.warning("""
        the log's checkpoint origin is the default "\(defaultOrigin)", which names no fund: \
        witnesses and mirrors tell logs apart by it. On a new ledger set log_origin (e.g. ledger.example.org/fund, \
        the URL of the log's tiles without https://) before the first start; an existing log keeps the name its \
        key signs with (docs/auditing.md)
        """)
}

/// Creates the first admin key on a database where no key was ever created. A database
/// whose admin keys were all revoked or expired gets none: minting one at every restart
/// would undo an incident's "revoke every admin key"; the operator creates one offline.
func ensureFirstAdminKey<Engine: SQLEngine>(
    store: SQLLedgerStore<Engine>, configuration: LedgerApplication.ServerConfiguration, logger: Logger,
    onFirstAdminToken: @Sendable (APIKey, String) -> Void
) async throws {
    if let (key, token) = try await store.createFirstAdminKey() {
        logger.notice("created the first admin key", metadata: ["key_id": "\(key.id)"])
        onFirstAdminToken(key, token)
    } else if try await !store.hasActiveAdminKey() {
        logger.warning("""
            no active admin key, and none is created at start (that would undo a revocation). Create one offline: \
            commons-ledger keys create --role admin --name NAME --person-name NAME \
            --database \(configuration.database)
            """)
    }
}
