import ArgumentParser
import Foundation
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage

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

    @Option(help: "Write the first admin key's token to this file (mode 0600) instead of printing it.")
    var adminTokenFile: String?

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
        ) { [adminTokenFile] key, token in
            Self.announce(key: key.id, token: token, file: adminTokenFile)
        }
        try await runUntilSignalled(app)
    }

    /// Hands over the first admin key's token, once: into `file` (owner-only) when one is
    /// named and it can be written, else on standard output. Written straight to the file
    /// descriptor, not through `print`'s buffer, so it is there at once when the output is a
    /// pipe or a file (systemd, Docker, `> serve.log`), not when the process ends.
    static func announce(key: String, token: String, file: String?) {
        var text = "First start: created an admin API key (\(key)). "
        if let file, (try? LogSigner.writeSecret(token + "\n", path: file)) == true {
            text += "Its token is in \(file) (readable by its owner only); keep it safe.\n"
        } else {
            if let file { text += "Its token could not be written to \(file). " }
            text += "Its token is shown only now; keep it safe:\n\(token)\n"
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
