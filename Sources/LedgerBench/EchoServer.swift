import ArgumentParser
import Hummingbird
import Logging

/// `ledger-bench echo-server`: the benchmark's HTTP baseline (see `buildEchoApplication`).
struct EchoServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo-server",
        abstract: "Benchmark baseline: parse and echo JSON over the same HTTP stack, without the ledger."
    )

    @Option(help: "TCP port to listen on.")
    var port = 8090

    func run() async throws {
        var logger = Logger(label: "echo")
        logger.logLevel = .warning
        try await buildEchoApplication(host: "127.0.0.1", port: port, logger: logger).runService()
    }
}
