import ArgumentParser
import AuditLog
import Foundation
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage
import Logging

/// `commons-ledger witness serve`: the witness's HTTP server (the one command besides
/// `serve` that imports the HTTP module).
struct WitnessServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve POST /add-checkpoint and GET /checkpoint?origin= until stopped."
    )

    @Option(help: "The witness's JSON configuration (host, port, key, database, logs).")
    var config: String

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        guard let bytes = FileManager.default.contents(atPath: config) else {
            throw ValidationError("cannot read \(config)")
        }
        let configuration = try WitnessConfiguration.load(fileContents: Array(bytes))
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level \(logLevel)")
        }
        var logger = Logger(label: "commons-ledger-witness")
        logger.logLevel = level
        let cosigner = try WitnessKeyFile.load(path: configuration.keyPath)
        let store = try WitnessStore(path: configuration.databasePath)
        logger.info("witness \(cosigner.verifier.verifierKey) follows \(configuration.logs.keys.sorted())")
        let app = buildWitnessApplication(
            configuration: configuration, store: store, cosigner: cosigner, clock: SystemClock(), logger: logger
        )
        try await runUntilSignalled(app)
    }
}
