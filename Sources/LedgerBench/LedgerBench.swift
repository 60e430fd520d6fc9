import ArgumentParser

/// `ledger-bench`: the benchmark driver `scripts/bench` runs. `store` (the default) times
/// committed transactions through the store; `echo-server` serves the HTTP baseline the
/// API's write path is compared with. The baseline lives here, not in the shipped binary.
@main
struct LedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger-bench",
        abstract: "Benchmark driver: store throughput, and the HTTP echo baseline.",
        subcommands: [StoreBench.self, EchoServer.self],
        defaultSubcommand: StoreBench.self
    )
}
