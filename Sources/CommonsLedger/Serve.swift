import ArgumentParser
import LedgerAPI
import LedgerApplication
import LedgerCore

/// `commons-ledger serve`: migrate the database and serve the HTTP API until SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API (migrates the database first).")

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Interface to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "TCP port to listen on (default 8080; 0 picks a free port).")
    var port: String?

    @Option(help: "PEM certificate chain: serve HTTPS (needs --tls-key).")
    var tlsCertificate: String?

    @Option(help: "PEM private key for --tls-certificate.")
    var tlsKey: String?

    @Option(help: "Also write the log as C2SP tlog-tiles files into this directory after each commit.")
    var tilesDir: String?

    @Option(help: "Where the API serves the log as C2SP tlog-tiles (default /tlog).")
    var tilesPrefix: String?

    @Option(help: "A C2SP tlog-policy file: send checkpoints to its witnesses; serve the witnessed one at /tlog.")
    var witnessPolicy: String?

    func run() async throws {
        var configuration = try options.resolve(host: host, port: port)
        configuration.tlsCertificatePath = tlsCertificate ?? configuration.tlsCertificatePath
        configuration.tlsKeyPath = tlsKey ?? configuration.tlsKeyPath
        configuration.tilesDirectory = tilesDir ?? configuration.tilesDirectory
        try configuration.applyTilesPrefix(tilesPrefix, from: "--tiles-prefix")
        configuration.witnessPolicyPath = witnessPolicy ?? configuration.witnessPolicyPath
        let logger = options.makeLogger(configuration)
        let metrics = LedgerMetrics()
        metrics.bootstrapMetricsSystem()
        let app = try await buildApplication(
            configuration: configuration, metrics: metrics, logger: logger
        ) { key, token in
            print("""
                First start: created an admin API key (\(key.id)). Its token is shown only now; keep it safe:
                \(token)
                """)
        }
        try await runUntilSignalled(app)
    }
}
