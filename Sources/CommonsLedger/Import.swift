import ArgumentParser
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import Logging
import WireContract

/// `commons-ledger import`: record a JSON Lines file of transactions (migrating a fund's
/// existing books), offline, on the database file.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a JSON Lines file of transactions (one POST /v1/transactions/batch item per line).",
        discussion: """
            Streams the file in batches, each one database transaction with its audit-log entries and one signed \
            checkpoint. A bad line is reported (line number and reason) and skipped; the good ones are recorded. \
            Lines with an idempotency_key are not recorded twice, so an interrupted import can be run again. \
            With --atomic the whole file is one database transaction and any bad line writes nothing. \
            Exit status: 0 when every line was recorded (or replayed), 1 when any line was rejected.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Argument(help: "The JSON Lines file.")
    var file: String

    @Flag(help: "All or nothing: one database transaction for the whole file.")
    var atomic = false

    @Option(help: "Lines per database transaction (1–10000).")
    var batchSize = 1_000

    @Option(help: "Who the audit log records as the author of the imported transactions.")
    var author = "import"

    func run() async throws {
        guard (1...10_000).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and 10000")
        }
        let author = author.trimmingCharacters(in: .whitespaces)
        guard !author.isEmpty, author.count <= 200 else {
            throw ValidationError("--author must be 1 to 200 characters")
        }
        let configuration = try options.resolve()
        let run = ImportRun(
            path: file, atomic: atomic, limits: configuration.limits,
            principal: Principal(keyID: nil, name: author, role: nil), batchSize: batchSize
        )
        let started = ContinuousClock.now
        let summary = try await OpenedStore.with(configuration, logger: .init(label: "commons-ledger")) { opened in
            try await opened.use(run)
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        for rejection in summary.rejections { print("rejected \(rejection)") }
        if summary.rejectedCount > summary.rejections.count {
            print("… and \(summary.rejectedCount - summary.rejections.count) more rejected lines")
        }
        if summary.rolledBack {
            print(
                "atomic import refused: nothing was written "
                    + "(\(summary.lines) lines read, \(summary.rejectedCount) rejected)"
            )
        } else {
            print(
                "\(summary.lines) lines read: \(summary.imported) imported, \(summary.replayed) already recorded, "
                    + "\(summary.rejectedCount) rejected, in \(String(format: "%.2f", seconds)) s "
                    + "(\(seconds > 0 ? Int(Double(summary.lines) / seconds) : 0) lines/s)"
            )
        }
        if summary.rejectedCount > 0 { throw ExitCode(1) }
    }
}

/// One import on the opened store, whichever engine it is on. Lines are read as the batch
/// API reads its items (the wire contract's reader).
struct ImportRun: StoreUser {
    let path: String
    let atomic: Bool
    let limits: RequestLimits
    let principal: Principal
    let batchSize: Int

    func use<Engine: SQLEngine>(_ store: SQLLedgerStore<Engine>) async throws -> ImportSummary {
        let importer = TransactionImport(
            store: store, limits: limits, principal: principal, batchSize: batchSize,
            reader: BatchItemLineReader<SQLLedgerStore<Engine>>()
        )
        var reported = 0
        return try await importer.run(path: path, atomic: atomic) { progress in
            guard progress.lines >= reported + 100_000 else { return }
            reported = progress.lines
            FileHandle.standardError.write(Data("\(progress.lines) lines read, \(progress.imported) imported\n".utf8))
        }
    }
}
