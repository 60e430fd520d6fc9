import ArgumentParser
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import Logging

/// `commons-ledger demo`: fill a fresh database with a believable fund to explore.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a fresh database with a demo fund (members, funds, pledges, contributions, grants).",
        discussion: """
            Everything is written through the same store methods the API uses, \
            so the audit log, the trial balance and `verify` all hold.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Months of activity, ending today.")
    var months = 36

    @Option(help: "Seed of the generator; the same seed builds the same book.")
    var seed: UInt64 = 2026

    @Flag(help: "Skip fsync while generating (benchmark books only: a crash may lose the last commits).")
    var unsynced = false

    @Option(help: """
        Activity multiplier (1–3000): about 500 transactions per unit over 36 months; \
        benchmarks use hundreds.
        """)
    var scale = 1

    func run() async throws {
        let configuration = try options.resolve()
        guard (1...120).contains(months) else { throw ValidationError("--months must be between 1 and 120") }
        guard (1...3_000).contains(scale) else { throw ValidationError("--scale must be between 1 and 3000") }
        let clock = DemoFund.Clock()
        let summary: String
        switch configuration.database {
        case .sqlite(let path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("\(path) exists; the demo fills a fresh database only")
            }
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true
            )
            let store = try SQLiteLedgerStore.openSigned(
                path: path, keyPath: try configuration.resolvedLogKeyPath, origin: configuration.logOrigin,
                clock: clock, identifiers: SystemIdentifierSource(), logger: .init(label: "demo"),
                durability: unsynced ? .unsynced : .synced
            ).store
            summary = try await fill(store, clock: clock)
            try store.close()
        case .postgres:
            guard !unsynced else { throw ValidationError("--unsynced is for SQLite benchmark books only") }
            summary = try await OpenedStore.with(configuration, clock: clock, logger: .init(label: "demo")) { opened in
                guard try await opened.ledger.latestCheckpoint() == nil else {
                    throw ValidationError(
                        "\(configuration.database) holds a ledger; the demo fills a fresh database only"
                    )
                }
                return try await fill(opened.ledger, clock: clock)
            }
        }
        print("demo fund written to \(configuration.database): \(summary)")
        let key = configuration.sqlitePath == nil ? " --key VERIFIER_KEY" : ""
        print("check it: commons-ledger verify --database \(configuration.database)\(key)")
    }

    /// Runs the demo's months of activity on `store`; its summary line.
    func fill(_ store: any LedgerStore, clock: DemoFund.Clock) async throws -> String {
        var demo = DemoFund(store: store, clock: clock, seed: seed)
        demo.scale = scale
        return "\(try await demo.run(months: months, ending: SystemClock().now().date))"
    }
}
