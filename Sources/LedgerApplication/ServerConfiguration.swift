import Foundation
public import LedgerStorage
public import Logging
public import Reports

/// What the server needs to start: where to listen and which database to serve.
///
/// Built by the executable from defaults, `config/commons-ledger.json`, environment
/// variables and flags (in that order of precedence, lowest first).
public struct ServerConfiguration: Sendable, Equatable {
    /// Interface to bind; `127.0.0.1` keeps the ledger off the network by default.
    public var host: String
    /// TCP port; 0 picks a free one (tests).
    public var port: Int
    /// The database: a SQLite file (created with its directory if missing) or a
    /// PostgreSQL database (`postgres://…`).
    public var database: DatabaseLocation
    /// Lowest level the application logs.
    public var logLevel: Logger.Level
    /// The audit log's private signing key; `nil` means `log-signing.key` beside a SQLite
    /// file (a PostgreSQL database has no "beside": its key file must be named).
    public var logKeyPath: String?
    /// The checkpoint origin (and key name) used when a new key is created.
    public var logOrigin: String
    /// Limits on requests (body size, postings, metadata, strings, pages, rate, time).
    public var limits = RequestLimits.standard
    /// PEM certificate chain; with `tlsKeyPath`, the server speaks HTTPS only.
    public var tlsCertificatePath: String?
    /// PEM private key of the certificate.
    public var tlsKeyPath: String?
    /// A directory where `serve` also writes the log as C2SP tlog-tiles files after each
    /// commit, for any static web server, CDN or object store to serve; none by default.
    public var tilesDirectory: String?
    /// Where the API server serves the log as tiles (`<prefix>/checkpoint`,
    /// `<prefix>/tile/…`): `/tlog` by default; one to eight path segments.
    public var tilesPrefix = "/tlog"
    /// A C2SP tlog-policy file naming this log, its witnesses (with their URLs) and the
    /// quorum: `serve` then sends each new checkpoint to the witnesses, and `/tlog/checkpoint`
    /// serves the newest checkpoint whose cosignatures meet the quorum.
    public var witnessPolicyPath: String?
    /// The least time between two requests to one witness, in seconds (a public witness
    /// budgets its requests per log).
    public var witnessPaceSeconds = 2
    /// A directory where `serve` writes a verified backup of the SQLite ledger every
    /// `backupEverySeconds`, keeping the newest `backupKeep`; none by default.
    public var backupDirectory: String?
    public var backupEverySeconds = 86_400
    public var backupKeep = 7
    /// Reverse proxies whose forwarding header names the client (for the per-address rate
    /// limit); empty by default: the header is ignored and the TCP peer is the client.
    public var trustedProxies = TrustedProxies.none
    /// Which forwarding header the trusted proxies write.
    public var clientAddressHeader = ClientAddressHeader.xForwardedFor
    /// Who publishes the fund's open data (`open_data`): `export --format 360giving|iati`
    /// needs it; none by default, since identifiers must be the fund's own.
    public var openData: OpenDataPublisher?

    /// The origin a new key gets when `log_origin` is not set: it names no fund, so `serve`
    /// warns while the log still uses it.
    public static let defaultLogOrigin = "commons-ledger"

    public init(
        host: String, port: Int, database: DatabaseLocation, logLevel: Logger.Level,
        logKeyPath: String? = nil, logOrigin: String = ServerConfiguration.defaultLogOrigin
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.logLevel = logLevel
        self.logKeyPath = logKeyPath
        self.logOrigin = logOrigin
    }

    /// Throws unless TLS is configured completely (both files) or not at all.
    public func checkTLS() throws {
        guard (tlsCertificatePath == nil) == (tlsKeyPath == nil) else {
            throw Invalid(description: "TLS needs both tls_certificate and tls_key")
        }
    }

    /// Where the signing key is read from (or created).
    public var resolvedLogKeyPath: String {
        get throws {
            if let logKeyPath { return logKeyPath }
            switch database {
            case .sqlite(let path): return LogSigner.defaultPath(besideDatabase: path)
            case .postgres:
                throw Invalid(
                    description: "a PostgreSQL database needs the log's signing key file: --log-key or the "
                        + "log_key setting (every server of the fund uses the same key)"
                )
            }
        }
    }

    /// The SQLite file, or nil for a PostgreSQL database.
    public var sqlitePath: String? {
        guard case .sqlite(let path) = database else { return nil }
        return path
    }

    /// The SQLite file for a command that works on the file itself; a clear refusal for a
    /// PostgreSQL database.
    public func sqlitePath(for command: String) throws -> String {
        guard let sqlitePath else {
            throw Invalid(description: "\(command) works on a SQLite file; \(database) is a PostgreSQL database")
        }
        return sqlitePath
    }
}

extension ServerConfiguration {
    /// The built-in defaults; `config/commons-ledger.json` states the same values.
    public static let defaults = ServerConfiguration(
        host: "127.0.0.1", port: 8080, database: .sqlite(path: "./data/ledger.sqlite"), logLevel: .info
    )

    /// A configuration problem, reported before anything starts.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The configuration file's keys; all optional, unknown keys rejected.
    struct File: Decodable {
        let host: String?
        let port: Int?
        let database: String?
        let logLevel: String?
        let logKey: String?
        let logOrigin: String?
        let limits: [String: Int]?
        let tlsCertificate: String?
        let tlsKey: String?
        let tilesDir: String?
        let tilesPrefix: String?
        let witnessPolicy: String?
        let witnessPaceSeconds: Int?
        let backupDir: String?
        let backupEvery: Int?
        let backupKeep: Int?
        let trustedProxies: [String]?
        let clientAddressHeader: String?
        let openData: [String: String]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case host, port, database, limits
            case trustedProxies = "trusted_proxies"
            case clientAddressHeader = "client_address_header"
            case logLevel = "log_level"
            case logKey = "log_key"
            case logOrigin = "log_origin"
            case tlsCertificate = "tls_certificate"
            case tlsKey = "tls_key"
            case tilesDir = "tiles_dir"
            case tilesPrefix = "tiles_prefix"
            case witnessPolicy = "witness_policy"
            case witnessPaceSeconds = "witness_pace_seconds"
            case backupDir = "backup_dir"
            case backupEvery = "backup_every"
            case backupKeep = "backup_keep"
            case openData = "open_data"
        }

        init(from decoder: any Decoder) throws {
            let all = try decoder.container(keyedBy: AnyKey.self)
            let known = Set(CodingKeys.allCases.map(\.rawValue))
            if let unknown = all.allKeys.map(\.stringValue).first(where: { !known.contains($0) }) {
                throw Invalid(description: "unknown configuration key \"\(unknown)\"")
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            host = try container.decodeIfPresent(String.self, forKey: .host)
            port = try container.decodeIfPresent(Int.self, forKey: .port)
            database = try container.decodeIfPresent(String.self, forKey: .database)
            logLevel = try container.decodeIfPresent(String.self, forKey: .logLevel)
            logKey = try container.decodeIfPresent(String.self, forKey: .logKey)
            logOrigin = try container.decodeIfPresent(String.self, forKey: .logOrigin)
            limits = try container.decodeIfPresent([String: Int].self, forKey: .limits)
            tlsCertificate = try container.decodeIfPresent(String.self, forKey: .tlsCertificate)
            tlsKey = try container.decodeIfPresent(String.self, forKey: .tlsKey)
            tilesDir = try container.decodeIfPresent(String.self, forKey: .tilesDir)
            tilesPrefix = try container.decodeIfPresent(String.self, forKey: .tilesPrefix)
            witnessPolicy = try container.decodeIfPresent(String.self, forKey: .witnessPolicy)
            witnessPaceSeconds = try container.decodeIfPresent(Int.self, forKey: .witnessPaceSeconds)
            backupDir = try container.decodeIfPresent(String.self, forKey: .backupDir)
            backupEvery = try container.decodeIfPresent(Int.self, forKey: .backupEvery)
            backupKeep = try container.decodeIfPresent(Int.self, forKey: .backupKeep)
            trustedProxies = try container.decodeIfPresent([String].self, forKey: .trustedProxies)
            clientAddressHeader = try container.decodeIfPresent(String.self, forKey: .clientAddressHeader)
            openData = try container.decodeIfPresent([String: String].self, forKey: .openData)
        }

        struct AnyKey: CodingKey {
            let stringValue: String
            let intValue: Int? = nil
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// Layers the configuration: defaults, then the JSON file (if any), then
    /// `COMMONS_LEDGER_*` environment variables. Flags are applied by the caller last.
    public static func load(fileContents: [UInt8]?, environment: [String: String]) throws -> ServerConfiguration {
        var configuration = defaults
        if let fileContents {
            let file: File
            do {
                file = try JSONDecoder().decode(File.self, from: Data(fileContents))
            } catch let error as Invalid {
                throw error
            } catch {
                throw Invalid(description: "configuration file is not valid: \(error)")
            }
            try configuration.apply(
                host: file.host, port: file.port.map(String.init), database: file.database, logLevel: file.logLevel,
                logKey: file.logKey, logOrigin: file.logOrigin
            )
            configuration.tlsCertificatePath = file.tlsCertificate ?? configuration.tlsCertificatePath
            configuration.tlsKeyPath = file.tlsKey ?? configuration.tlsKeyPath
            configuration.tilesDirectory = file.tilesDir ?? configuration.tilesDirectory
            try configuration.applyTilesPrefix(file.tilesPrefix, from: "tiles_prefix")
            configuration.witnessPolicyPath = file.witnessPolicy ?? configuration.witnessPolicyPath
            if let pace = file.witnessPaceSeconds {
                guard (0...86_400).contains(pace) else {
                    throw Invalid(description: "witness_pace_seconds must be between 0 and 86400")
                }
                configuration.witnessPaceSeconds = pace
            }
            configuration.backupDirectory = file.backupDir ?? configuration.backupDirectory
            try configuration.applyBackupSchedule(every: file.backupEvery, keep: file.backupKeep, from: "backup_")
            for (name, value) in file.limits ?? [:] {
                guard configuration.limits.set(name, value) else {
                    throw Invalid(description: "unknown limit \"\(name)\"")
                }
            }
            try configuration.applyProxies(file.trustedProxies, header: file.clientAddressHeader)
            if let openData = file.openData { configuration.openData = try Self.publisher(openData) }
        }
        // COMMONS_LEDGER_LIMIT_<NAME>, e.g. COMMONS_LEDGER_LIMIT_BODY_BYTES_MAX=65536.
        for (variable, text) in environment where variable.hasPrefix("COMMONS_LEDGER_LIMIT_") {
            let name = variable.dropFirst("COMMONS_LEDGER_LIMIT_".count).lowercased()
            guard let value = Int(text), configuration.limits.set(name, value) else {
                throw Invalid(description: "\(variable) must name a known limit and hold an integer")
            }
        }
        if let problem = configuration.limits.problem { throw Invalid(description: problem) }
        configuration.tlsCertificatePath =
            environment["COMMONS_LEDGER_TLS_CERTIFICATE"] ?? configuration.tlsCertificatePath
        configuration.tlsKeyPath = environment["COMMONS_LEDGER_TLS_KEY"] ?? configuration.tlsKeyPath
        configuration.tilesDirectory = environment["COMMONS_LEDGER_TILES_DIR"] ?? configuration.tilesDirectory
        try configuration.applyTilesPrefix(
            environment["COMMONS_LEDGER_TILES_PREFIX"], from: "COMMONS_LEDGER_TILES_PREFIX")
        configuration.witnessPolicyPath =
            environment["COMMONS_LEDGER_WITNESS_POLICY"] ?? configuration.witnessPolicyPath
        configuration.backupDirectory = environment["COMMONS_LEDGER_BACKUP_DIR"] ?? configuration.backupDirectory
        let every = "COMMONS_LEDGER_BACKUP_EVERY", keep = "COMMONS_LEDGER_BACKUP_KEEP"
        try configuration.applyBackupSchedule(
            every: try environment[every].map { try Self.integer($0, every) },
            keep: try environment[keep].map { try Self.integer($0, keep) }, from: "COMMONS_LEDGER_BACKUP_"
        )
        // COMMONS_LEDGER_TRUSTED_PROXIES=10.0.0.0/8,::1 (empty: none).
        try configuration.applyProxies(
            environment["COMMONS_LEDGER_TRUSTED_PROXIES"].map { $0.split(separator: ",").map(String.init) },
            header: environment["COMMONS_LEDGER_CLIENT_ADDRESS_HEADER"]
        )
        try configuration.apply(
            host: environment["COMMONS_LEDGER_HOST"], port: environment["COMMONS_LEDGER_PORT"],
            database: environment["COMMONS_LEDGER_DATABASE"], logLevel: environment["COMMONS_LEDGER_LOG_LEVEL"],
            logKey: environment["COMMONS_LEDGER_LOG_KEY"], logOrigin: environment["COMMONS_LEDGER_LOG_ORIGIN"]
        )
        return configuration
    }

    /// Sets the trusted proxies and their header, when given, validating each.
    mutating func applyProxies(_ proxies: [String]?, header: String?) throws {
        if let proxies { trustedProxies = try TrustedProxies(proxies) }
        if let header {
            guard let value = ClientAddressHeader(rawValue: header.lowercased()) else {
                let names = ClientAddressHeader.allCases.map(\.rawValue).joined(separator: " or ")
                throw Invalid(description: "client_address_header must be \(names), not \"\(header)\"")
            }
            clientAddressHeader = value
        }
    }

    /// Overrides the fields that are given, validating each.
    public mutating func apply(
        host: String?, port: String?, database: String?, logLevel: String?,
        logKey: String? = nil, logOrigin: String? = nil
    ) throws {
        if let logKey {
            guard !logKey.isEmpty else { throw Invalid(description: "log key path must not be empty") }
            logKeyPath = logKey
        }
        if let logOrigin {
            guard !logOrigin.isEmpty, !logOrigin.contains("+"), !logOrigin.contains(where: \.isWhitespace) else {
                throw Invalid(description: "log origin must be non-empty, without '+' or spaces")
            }
            self.logOrigin = logOrigin
        }
        if let host {
            guard !host.isEmpty else { throw Invalid(description: "host must not be empty") }
            self.host = host
        }
        if let port {
            guard let value = Int(port), (0...65_535).contains(value) else {
                throw Invalid(description: "port must be an integer from 0 to 65535, not \"\(port)\"")
            }
            self.port = value
        }
        if let database {
            guard !database.isEmpty else { throw Invalid(description: "database path must not be empty") }
            do {
                self.database = try DatabaseLocation(database)
            } catch {
                throw Invalid(description: "database: \(error.description)")
            }
        }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw Invalid(
                    description: "log level must be one of trace, debug, info, notice, warning, error, critical"
                )
            }
            self.logLevel = level
        }
    }
}

extension ServerConfiguration {
    /// The keys of `open_data`.
    static let openDataKeys: Set<String> = [
        "organisation_id", "organisation_name", "grant_prefix", "organisation_type", "license",
    ]

    /// The publisher an `open_data` object describes; throws naming a missing, unknown or
    /// invalid key.
    static func publisher(_ fields: [String: String]) throws -> OpenDataPublisher {
        if let unknown = fields.keys.sorted().first(where: { !openDataKeys.contains($0) }) {
            throw Invalid(description: "unknown open_data key \"\(unknown)\"")
        }
        func required(_ key: String) throws -> String {
            guard let value = fields[key] else { throw Invalid(description: "open_data needs \(key)") }
            return value
        }
        do {
            return try OpenDataPublisher(
                organisationID: required("organisation_id"), organisationName: required("organisation_name"),
                grantPrefix: required("grant_prefix"),
                organisationType: fields["organisation_type"] ?? OpenDataPublisher.defaultOrganisationType,
                license: fields["license"])
        } catch let error as OpenDataPublisher.Invalid {
            throw Invalid(description: error.description)
        }
    }

    /// Sets the tiles prefix when `value` is given; throws, naming `source`, unless it is one.
    public mutating func applyTilesPrefix(_ value: String?, from source: String) throws {
        guard let value else { return }
        guard Self.isTilesPrefix(value) else {
            throw Invalid(description: """
                \(source) must be a path of one to eight segments of letters, digits, '.', '_', '~' or '-', \
                starting with / and not ending with one (e.g. /tlog), and not under /v1
                """)
        }
        tilesPrefix = value
    }

    /// `/a/b`: 1...8 non-empty segments of unreserved URL characters, not `.` or `..`, and
    /// not the API's own `/v1` (the server also refuses a prefix that shadows one of its routes).
    public static func isTilesPrefix(_ value: String) -> Bool {
        let segments = value.split(separator: "/", omittingEmptySubsequences: false)
        guard value.hasPrefix("/"), (2...9).contains(segments.count), segments.first == "" else { return false }
        let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-")
        return segments.dropFirst().allSatisfy { segment in
            !segment.isEmpty && segment != "." && segment != ".." && segment.allSatisfy(unreserved.contains)
        } && segments[1] != "v1"
    }
}

extension ServerConfiguration {
    /// Sets the backup schedule's given parts: every 1 second to 30 days (in seconds),
    /// keeping 1 to 1,000 backups; throws, naming `source` (`backup_` or the variables'
    /// prefix), otherwise.
    public mutating func applyBackupSchedule(every: Int?, keep: Int?, from source: String) throws {
        if let every {
            guard (1...2_592_000).contains(every) else {
                throw Invalid(description: "\(source)every must be between 1 and 2592000 seconds")
            }
            backupEverySeconds = every
        }
        if let keep {
            guard (1...1_000).contains(keep) else { throw Invalid(description: "\(source)keep must be 1 to 1000") }
            backupKeep = keep
        }
    }

    static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw Invalid(description: "\(name) must be an integer") }
        return value
    }
}
