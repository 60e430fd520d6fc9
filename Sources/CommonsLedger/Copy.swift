import ArgumentParser
import Foundation
import LedgerApplication
import LedgerStorage
import Logging

/// `commons-ledger copy`: a whole ledger into a new database of either engine.
struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a whole ledger into a new, empty database (SQLite ⇄ PostgreSQL), then verify both.",
        discussion: """
            Copies every table — the book, the log with its Merkle nodes and signed checkpoints, API keys \
            and people, private data, idempotency records — in one transaction on the destination, from one \
            snapshot of the source: an interrupted copy leaves the destination empty and can be run again. \
            Then both sides are verified with the log's verifier key and must give the same entries and root. \
            The log's signing key is a file, not in the database: serve the copy with the same --log-key.
            """
    )

    @Option(help: "The ledger to copy: a SQLite file or a postgres:// URL.")
    var from: String

    @Option(help: "The new database: a SQLite file or a postgres:// URL (migrated here; must hold no rows).")
    var to: String

    @Option(help: "The log's verifier key, text or file (default: beside a SQLite source; required otherwise).")
    var key: String?

    func run() async throws {
        let source = try DatabaseLocation(from)
        let destination = try DatabaseLocation(to)
        let verifierKey = try resolvedKey(source)
        var logger = Logger(label: "commons-ledger")
        logger.logLevel = .warning
        let started = Date()
        let outcome: LedgerMove.Outcome
        do {
            outcome = try await LedgerMove.copy(
                from: source, to: destination, verifierKeys: [verifierKey], logger: logger
            ) { table, rows in
                FileHandle.standardError.write(Data("copied \(rows) rows of \(table)\n".utf8))
            }
        } catch let failure as AuditFailure {
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        print(
            "copied \(outcome.summary.total) rows from \(source) to \(destination) in \(seconds) s; both verify: "
                + "\(outcome.destination.entries) entries, \(outcome.destination.transactions) transactions"
        )
        print("root \(outcome.destination.root)")
    }

    func resolvedKey(_ source: DatabaseLocation) throws -> String {
        if let key { return Verify.verifierKey(key) }
        guard case .sqlite(let path) = source else {
            throw ValidationError("copying from PostgreSQL needs --key (the log's verifier key)")
        }
        return try Keys.verifierKey(besideDatabase: path)
    }
}
