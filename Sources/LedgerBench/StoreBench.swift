import ArgumentParser
import Foundation
import LedgerCore
import LedgerStorage
import Logging
import PostgresStorage

/// `ledger-bench` (`ledger-bench store`, the default): measures committed ledger
/// transactions per second through the store (no HTTP), on a fresh SQLite file with
/// `synchronous = FULL` or an empty PostgreSQL database (`synchronous_commit = on`). Run
/// by `scripts/bench`.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Committed transactions per second through the store (SQLite file or PostgreSQL URL)."
    )

    @Option(help: "Transactions to record.")
    var count = 2_000

    @Option(help: "Concurrent writers (tasks) submitting transactions.")
    var concurrency = 1

    @Option(help: "Database file to create (must not exist), or an empty PostgreSQL database's URL.")
    var database: String

    @Option(help: "Transactions per database transaction (1: one commit each; >1: the batch path).")
    var batch = 1

    @Option(help: "Income accounts the contributions are spread over (a chart of this many plus the bank).")
    var accounts = 1

    @Option(help: "Days of 2026 the transactions are spread over, in order (1 = all on 1 January).")
    var days = 1

    @Option(help: "With a PostgreSQL URL: the log's signing key file (made when missing).")
    var key: String?

    @Flag(help: "Afterwards, time the trial balance as of each quarter's end (best of three, via the store).")
    var trialBalance = false

    @Option(help: "Instead: time one page of the pledge list by status on a book of this many pledges.")
    var pledges: Int?

    @Option(help: "With --pledges: one pledge in this many is paid in full.")
    var paidEvery = 100

    @Option(help: "With --pledges: the page size.")
    var pageSize = 50

    func run() async throws {
        let location = try DatabaseLocation(database)
        if case .sqlite(let path) = location, FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(database) exists; the benchmark needs a fresh file")
        }
        if let pledges {
            guard pledges >= 1, paidEvery >= 1, (1...Limits.pageSizeMax).contains(pageSize) else {
                throw ValidationError("--pledges ≥ 1, --paid-every ≥ 1, --page-size 1…\(Limits.pageSizeMax)")
            }
            let bench = PledgeListBench(database: database, pledges: pledges, paidEvery: paidEvery, pageSize: pageSize)
            try await bench.run()
            return
        }
        guard accounts >= 1, (1...365).contains(days) else {
            throw ValidationError("--accounts ≥ 1 and --days 1…365")
        }
        let book = try await openBook(location)
        let store = book.store
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await write(to: store, clock: clock)
        let elapsed = clock.now - start
        let balances = try await store.balances(of: .code(AccountCode("assets:bank:usd")!), asOf: nil)
        guard balances?.balances.first?.balance.minorUnits == Int64(latencies.count) * 125 else {
            throw ValidationError("balance does not match the recorded transactions")
        }
        let trialBalanceLines = trialBalance ? try await timeTrialBalances(store, clock: clock) : []
        try await book.close()
        let rate = String(format: "%8.0f", Double(latencies.count) / Self.seconds(elapsed))
        let p50 = Self.milliseconds(latencies[latencies.count / 2])
        let p99 = Self.milliseconds(latencies[latencies.count * 99 / 100])
        print(
            "store  concurrency=\(concurrency) batch=\(batch) transactions=\(latencies.count) committed/s=\(rate) "
                + "p50=\(p50)ms p99=\(p99)ms (audit log included)"
        )
        for line in trialBalanceLines { print(line) }
    }

    /// The income accounts the contributions are spread over.
    var incomeAccounts: [String] {
        accounts == 1 ? ["income:contributions"] : (0..<accounts).map { "income:contributions:m\($0)" }
    }

    /// A fresh signed database with USD, the bank and the income accounts, and how to
    /// close it.
    func openBook(
        _ location: DatabaseLocation
    ) async throws -> (store: any LedgerStore, close: () async throws -> Void) {
        let store: any LedgerStore
        let close: () async throws -> Void
        switch location {
        case .sqlite(let path):
            // The key goes beside the database, where `commons-ledger verify` looks for it.
            let keyPath = LogSigner.defaultPath(besideDatabase: path)
            let sqlite = try SQLiteLedgerStore(
                path: path, clock: SystemClock(), identifiers: SystemIdentifierSource(),
                signer: try LogSigner.loadOrCreate(path: keyPath, origin: "bench").signer,
                logger: Logger(label: "bench")
            )
            try sqlite.migrate()
            (store, close) = (sqlite, { try sqlite.close() })
        case .postgres(let url):
            let keyPath = try key ?? { throw ValidationError("a PostgreSQL database needs --key FILE") }()
            let postgres = try await PostgresLedgerStore.open(
                database: LedgerPostgresDatabase(url: url, logger: Logger(label: "bench")), clock: SystemClock(),
                identifiers: SystemIdentifierSource(),
                signer: try LogSigner.loadOrCreate(path: keyPath, origin: "bench").signer,
                logger: Logger(label: "bench")
            ).store
            (store, close) = (postgres, { await postgres.close() })
        }
        try await addChart(to: store)
        return (store, close)
    }

    /// USD, the bank and the income accounts.
    func addChart(to store: any LedgerStore) async throws {
        _ = try await store.registerAsset(AssetDraft(code: "USD", scale: 2), by: .system, idempotency: nil)
        let bank = AccountDraft(code: "assets:bank:usd", type: "asset", constraint: "no_negative")
        _ = try await store.openAccount(bank, by: .system, idempotency: nil)
        for code in incomeAccounts {
            _ = try await store.openAccount(AccountDraft(code: code, type: "income"), by: .system, idempotency: nil)
        }
    }

    /// Records `count` transactions from `concurrency` writers, `batch` at a time; the
    /// latency of each transaction (its batch's), sorted.
    func write(to store: any LedgerStore, clock: ContinuousClock) async throws -> [Duration] {
        let firstDay = LocalDate(year: 2026, month: 1, day: 1)!.daysSinceEpoch
        let perWriter = count / concurrency
        let (days, batch, incomeAccounts) = (days, batch, incomeAccounts)
        /// The `index`th transaction of a writer: the next income account, on its day of the year.
        @Sendable func draft(_ index: Int) -> TransactionDraft {
            let date = LocalDate(daysSinceEpoch: firstDay + Int64(index * days / max(perWriter, 1)))!
            return TransactionDraft(date: date.description, description: "benchmark contribution", postings: [
                PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 125),
                PostingDraft(account: incomeAccounts[index % incomeAccounts.count], asset: "USD", amount: -125),
            ])
        }
        return try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    latencies.reserveCapacity(perWriter)
                    var remaining = perWriter
                    while remaining > 0 {
                        let size = min(batch, remaining)
                        let began = clock.now
                        let first = perWriter - remaining
                        if batch == 1 {
                            _ = try await store.recordTransaction(draft(first), by: .system, idempotency: nil)
                        } else {
                            let items = (first..<first + size).map {
                                (draft: draft($0), idempotency: Idempotency<LedgerTransaction>?.none)
                            }
                            _ = try await store.recordTransactions(items, atomic: false, by: .system)
                        }
                        latencies.append(contentsOf: repeatElement(clock.now - began, count: size))
                        remaining -= size
                    }
                    return latencies
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all.sorted()
        }
    }

    /// The trial balance as of each quarter's end, best of three, one line each.
    func timeTrialBalances(_ store: any LedgerStore, clock: ContinuousClock) async throws -> [String] {
        var lines: [String] = []
        for asOf in ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"] {
            var best = Duration.seconds(3600)
            var count = 0
            for _ in 0..<3 {
                let began = clock.now
                let trial = try await store.trialBalance(asOf: LocalDate(asOf))
                best = min(best, clock.now - began)
                count = trial.sections.reduce(0) { $0 + $1.lines.count }
                guard trial.isBalanced else {
                    throw ValidationError("the trial balance as of \(asOf) does not balance")
                }
            }
            let took = Self.milliseconds(best)
            lines.append("trial balance as_of=\(asOf): \(took) ms (\(count) lines, best of 3, store)")
        }
        return lines
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> String {
        let components = duration.components
        return String(format: "%.2f", Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15)
    }
}
