// Goal: configuration layers as documented — built-in defaults, then the JSON file,
// then COMMONS_LEDGER_* variables — and config/commons-ledger.json states the defaults.
import Foundation
import LedgerApplication
import LedgerStorage
import Reports
import Testing

@Suite struct ServerConfigurationTests {
    @Test func shippedFileEqualsTheBuiltInDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try Data(contentsOf: root.appendingPathComponent("config/commons-ledger.json"))
        #expect(try ServerConfiguration.load(fileContents: Array(file), environment: [:]) == .defaults)
        #expect(ServerConfiguration.defaults.host == "127.0.0.1")
        #expect(ServerConfiguration.defaults.port == 8080)
        #expect(ServerConfiguration.defaults.database == .sqlite(path: "./data/ledger.sqlite"))
    }

    @Test func environmentOverridesFileAndFileOverridesDefaults() throws {
        let file = Array(#"{"port": 9000, "database": "/srv/ledger.sqlite"}"#.utf8)
        let fromFile = try ServerConfiguration.load(fileContents: file, environment: [:])
        #expect(fromFile.port == 9000)
        #expect(fromFile.database == .sqlite(path: "/srv/ledger.sqlite"))
        let fromEnvironment = try ServerConfiguration.load(fileContents: file, environment: ["COMMONS_LEDGER_PORT": "9100", "COMMONS_LEDGER_HOST": "0.0.0.0"])
        #expect(fromEnvironment.port == 9100)
        #expect(fromEnvironment.host == "0.0.0.0")
        #expect(fromEnvironment.database == .sqlite(path: "/srv/ledger.sqlite"))
    }

    @Test func limitsComeFromTheFileAndTheEnvironment() throws {
        let file = Array(#"{"limits": {"body_bytes_max": 65536, "postings_max": 10}}"#.utf8)
        let configuration = try ServerConfiguration.load(fileContents: file, environment: ["COMMONS_LEDGER_LIMIT_POSTINGS_MAX": "12"])
        #expect(configuration.limits.bodyBytesMax == 65_536)
        #expect(configuration.limits.postingsMax == 12)
        #expect(configuration.limits.pageSizeMax == 1_000)
    }

    @Test func theOpenDataPublisherComesFromTheFileAndIsChecked() throws {
        let file = Array(#"{"open_data": {"organisation_id": "GB-CHC-1234567", "organisation_name": "Commons Fund", "grant_prefix": "360G-commons", "license": "https://creativecommons.org/licenses/by/4.0/"}}"#.utf8)
        let publisher = try #require(try ServerConfiguration.load(fileContents: file, environment: [:]).openData)
        #expect(publisher.organisationID == "GB-CHC-1234567")
        #expect(publisher.organisationType == "21")
        #expect(publisher.license == "https://creativecommons.org/licenses/by/4.0/")
        #expect(ServerConfiguration.defaults.openData == nil)
        for invalid in [
            #"{"open_data": {"organisation_id": "GB-CHC-1", "organisation_name": "Fund"}}"#,
            #"{"open_data": {"organisation_id": "GB CHC", "organisation_name": "Fund", "grant_prefix": "360G-x"}}"#,
            #"{"open_data": {"organisation_id": "GB-CHC-1", "organisation_name": "Fund", "grant_prefix": "360G-x", "colour": "red"}}"#,
        ] {
            #expect(throws: ServerConfiguration.Invalid.self) {
                try ServerConfiguration.load(fileContents: Array(invalid.utf8), environment: [:])
            }
        }
    }

    @Test func theTilesDirectoryComesFromTheFileAndTheEnvironment() throws {
        #expect(ServerConfiguration.defaults.tilesDirectory == nil)
        let file = Array(#"{"tiles_dir": "/srv/tlog"}"#.utf8)
        #expect(try ServerConfiguration.load(fileContents: file, environment: [:]).tilesDirectory == "/srv/tlog")
        let fromEnvironment = try ServerConfiguration.load(
            fileContents: file, environment: ["COMMONS_LEDGER_TILES_DIR": "/var/www/tlog"]
        )
        #expect(fromEnvironment.tilesDirectory == "/var/www/tlog")
    }

    @Test func theTilesPrefixComesFromTheFileAndTheEnvironment() throws {
        #expect(ServerConfiguration.defaults.tilesPrefix == "/tlog")
        let file = Array(#"{"tiles_prefix": "/fund/log"}"#.utf8)
        #expect(try ServerConfiguration.load(fileContents: file, environment: [:]).tilesPrefix == "/fund/log")
        let fromEnvironment = try ServerConfiguration.load(
            fileContents: file, environment: ["COMMONS_LEDGER_TILES_PREFIX": "/solidarity-fund.v2/tlog"]
        )
        #expect(fromEnvironment.tilesPrefix == "/solidarity-fund.v2/tlog")
    }

    /// A prefix must be a plain path the router can hold and no proxy rewrites: no empty,
    /// dot or percent-encoded segment, no trailing slash, nothing under the API's /v1.
    @Test(arguments: [
        "", "/", "tlog", "/tlog/", "/a//b", "/v1", "/v1/tlog", "/./tlog", "/a/../tlog", "/t%20log", "/t log",
        "/tlog?x=1", "/a/b/c/d/e/f/g/h/i", "/**", "/tlog/:id",
    ])
    func invalidTilesPrefixesAreRefused(prefix: String) {
        #expect(!ServerConfiguration.isTilesPrefix(prefix), "\(prefix)")
        #expect(throws: ServerConfiguration.Invalid.self) {
            try ServerConfiguration.load(
                fileContents: Array("{}".utf8), environment: ["COMMONS_LEDGER_TILES_PREFIX": prefix]
            )
        }
    }

    @Test func theBackupScheduleComesFromTheFileAndTheEnvironment() throws {
        #expect(ServerConfiguration.defaults.backupDirectory == nil)
        let file = Array(#"{"backup_dir": "/srv/backups", "backup_every": 3600, "backup_keep": 24}"#.utf8)
        let fromFile = try ServerConfiguration.load(fileContents: file, environment: [:])
        #expect(fromFile.backupDirectory == "/srv/backups")
        #expect(fromFile.backupEverySeconds == 3_600 && fromFile.backupKeep == 24)
        let fromEnvironment = try ServerConfiguration.load(
            fileContents: file, environment: ["COMMONS_LEDGER_BACKUP_EVERY": "600", "COMMONS_LEDGER_BACKUP_KEEP": "3"]
        )
        #expect(fromEnvironment.backupEverySeconds == 600 && fromEnvironment.backupKeep == 3)
        for (file, environment) in [
            (#"{"backup_every": 0}"#, [String: String]()), (#"{"backup_keep": 0}"#, [:]),
            ("{}", ["COMMONS_LEDGER_BACKUP_EVERY": "daily"]), ("{}", ["COMMONS_LEDGER_BACKUP_KEEP": "100000"]),
        ] {
            #expect(throws: ServerConfiguration.Invalid.self, "\(file) \(environment)") {
                try ServerConfiguration.load(fileContents: Array(file.utf8), environment: environment)
            }
        }
    }

    @Test func trustedProxiesComeFromTheFileAndTheEnvironment() throws {
        let file = Array(#"{"trusted_proxies": ["10.0.0.0/8", "::1"], "client_address_header": "forwarded"}"#.utf8)
        let fromFile = try ServerConfiguration.load(fileContents: file, environment: [:])
        #expect(fromFile.trustedProxies.entries == ["10.0.0.0/8", "::1/128"])
        #expect(fromFile.clientAddressHeader == .forwarded)
        let fromEnvironment = try ServerConfiguration.load(
            fileContents: file, environment: ["COMMONS_LEDGER_TRUSTED_PROXIES": "127.0.0.1, 192.168.0.0/16"]
        )
        #expect(fromEnvironment.trustedProxies.entries == ["127.0.0.1/32", "192.168.0.0/16"])
        #expect(ServerConfiguration.defaults.trustedProxies.entries.isEmpty)
        #expect(ServerConfiguration.defaults.clientAddressHeader == .xForwardedFor)
    }

    @Test(arguments: [
        (#"{"trusted_proxies": ["proxy.internal"]}"#, [String: String]()),
        (#"{"trusted_proxies": ["10.0.0.0/40"]}"#, [:]),
        ("{}", ["COMMONS_LEDGER_TRUSTED_PROXIES": "10.0.0.1,nonsense"]),
        ("{}", ["COMMONS_LEDGER_CLIENT_ADDRESS_HEADER": "x-real-ip"]),
        ("{}", ["COMMONS_LEDGER_LIMIT_REPORT_REPLAYS_MAX": "0"]),
        ("{}", ["COMMONS_LEDGER_LIMIT_RATE_LIMIT_ADDRESSES_MAX": "1"]),
        (#"{"limits": {"postings_max": 1000}}"#, [String: String]()),
        (#"{"limits": {"posting_max": 10}}"#, [:]),
        ("{}", ["COMMONS_LEDGER_LIMIT_PAGE_SIZE_MAX": "0"]),
        (#"{"prot": 9000}"#, [String: String]()),
        (#"{"port": "x"}"#, [:]),
        ("{}", ["COMMONS_LEDGER_PORT": "70000"]),
        ("{}", ["COMMONS_LEDGER_LOG_LEVEL": "loud"]),
        ("{}", ["COMMONS_LEDGER_DATABASE": "mysql://u@h/db"]),
        (#"{"database": "postgres://u@h:99999/db"}"#, [:]),
    ])
    func invalidSettingsAreRefused(file: String, environment: [String: String]) {
        #expect(throws: ServerConfiguration.Invalid.self) {
            try ServerConfiguration.load(fileContents: Array(file.utf8), environment: environment)
        }
    }

    /// A postgres:// URL selects PostgreSQL (never a file of that name); the configuration
    /// prints it without its password, and a PostgreSQL database has no key "beside" it:
    /// the key file must be named.
    @Test func aPostgresURLSelectsPostgreSQLAndHidesItsPassword() throws {
        let configuration = try ServerConfiguration.load(
            fileContents: Array("{}".utf8), environment: ["COMMONS_LEDGER_DATABASE": "postgres://u:topsecret@db/fund"]
        )
        guard case .postgres(let url) = configuration.database else {
            Issue.record("a postgres:// URL must select PostgreSQL")
            return
        }
        #expect(url.password == "topsecret")
        #expect("\(configuration.database)" == "postgres://u:***@db:5432/fund?sslmode=disable")
        #expect(configuration.sqlitePath == nil)
        do {
            _ = try configuration.resolvedLogKeyPath
            Issue.record("a PostgreSQL database without a named key file")
        } catch {
            #expect("\(error)".contains("--log-key"))
            #expect(!"\(error)".contains("topsecret"))
        }
        do {
            _ = try configuration.sqlitePath(for: "demo")
            Issue.record("demo on a PostgreSQL database")
        } catch {
            #expect("\(error)".contains("postgres://u:***@db:5432/fund"))
            #expect(!"\(error)".contains("topsecret"))
        }
    }
}
