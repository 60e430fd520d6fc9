import ArgumentParser
import Foundation
import LedgerApplication
import LedgerStorage
import Logging

/// `commons-ledger`: the ledger's one executable. It parses, configures and calls; the
/// work lives in the libraries.
@main
struct CommonsLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commons-ledger",
        abstract: "The book of record of a global solidarity fund: a double-entry ledger with an HTTP API.",
        subcommands: [
            Serve.self, Migrate.self, Keygen.self, Verify.self, Keys.self, Demo.self, Import.self, Export.self,
            ReportCommand.self, VerifyReport.self, Copy.self, WitnessCommand.self, VerifyReceipt.self, Mirror.self,
            Rebuild.self, Backup.self, Restore.self, LogKeyCommand.self,
        ],
        defaultSubcommand: Serve.self
    )
}

/// Options every subcommand that touches a database shares.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: """
        Configuration file (JSON). Default: $COMMONS_LEDGER_CONFIG, \
        else config/commons-ledger.json when present.
        """)
    var config: String?

    @Option(help: "A SQLite file or a postgres:// URL (overrides config and COMMONS_LEDGER_DATABASE).")
    var database: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(help: "The audit log's private signing key file (default: log-signing.key beside the database).")
    var logKey: String?

    /// Defaults, then the configuration file, then the environment, then these flags.
    func resolve(host: String? = nil, port: String? = nil) throws -> ServerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let path = config ?? environment["COMMONS_LEDGER_CONFIG"]
        var contents: [UInt8]?
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read configuration file \(path)")
            }
            contents = Array(data)
        } else if let data = FileManager.default.contents(atPath: "config/commons-ledger.json") {
            contents = Array(data)
        }
        do {
            var configuration = try ServerConfiguration.load(fileContents: contents, environment: environment)
            try configuration.apply(host: host, port: port, database: database, logLevel: logLevel, logKey: logKey)
            return configuration
        } catch let error as ServerConfiguration.Invalid {
            throw ValidationError(error.description)
        }
    }

    func makeLogger(_ configuration: ServerConfiguration) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        var logger = Logger(label: "commons-ledger")
        logger.logLevel = configuration.logLevel
        return logger
    }
}

/// `commons-ledger migrate`: apply pending schema migrations and list them.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try options.resolve()
        let logger = options.makeLogger(configuration)
        try await OpenedStore.with(configuration, logger: logger) { opened in
            for name in opened.applied { print("applied \(name)") }
            print("database \(configuration.database) is at \(try await opened.latestMigration() ?? "no migration")")
        }
    }
}
