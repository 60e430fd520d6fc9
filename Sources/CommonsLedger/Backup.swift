import ArgumentParser
import AuditLog
import Foundation
import LedgerApplication
import LedgerStorage
import Logging

/// `commons-ledger backup`: a verified, consistent copy of a live SQLite ledger.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a live SQLite ledger to a backup file, consistently, and verify the copy.",
        discussion: """
            Safe while the server writes: the copy is one snapshot (SQLite's VACUUM INTO), never a plain \
            file copy. The file is created readable by its owner only — it holds members' private data \
            and API keys' hashes: keep it as you keep the database — written under a temporary name, \
            verified with the log's key, then renamed. Prints the checkpoint it holds. On PostgreSQL use \
            the server's own tools (pg_basebackup, pg_dump; see docs/postgresql.md).
            """
    )

    @Option(help: "The SQLite ledger to back up.")
    var database: String

    @Option(help: "The backup file to write (must not exist).")
    var output: String

    @Option(help: "The log's verifier key, text or file (default: from the signing key beside the database).")
    var key: String?

    func run() async throws {
        guard case .sqlite(let path) = try DatabaseLocation(database) else {
            throw ValidationError("on PostgreSQL, back up with pg_basebackup or pg_dump (see docs/postgresql.md)")
        }
        let verifierKey = try key.map(Verify.verifierKey) ?? Keys.verifierKey(besideDatabase: path)
        let started = ContinuousClock.now
        let report: LedgerVerifier.Report
        do {
            report = try LedgerBackup.backup(database: path, to: output, verifierKeys: [verifierKey])
        } catch let failure where failure is AuditFailure || failure is LedgerBackup.Refusal {
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
        let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
        print(
            "backed up \(path) to \(output) in \(String(format: "%.2f", seconds)) s; the copy verifies: "
                + "\(report.entries) entries, \(report.transactions) transactions"
        )
        print("checkpoint: tree size \(report.entries), root \(report.root)")
    }
}

/// `commons-ledger restore`: a backup put back, and with a mirror every entry after it.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a SQLite ledger from a backup, then (with --mirror) every entry a mirror holds after it.",
        discussion: """
            The backup is verified, copied to --database (a new file), and with --mirror the entries the \
            mirror's witnessed checkpoint holds past the backup are rebuilt from the log (as `rebuild \
            --from-mirror` does; the backup's entries must be the mirror's first ones). The result is \
            verified with the log's key and must hold the mirror's checkpoint. Entries rebuilt from the \
            mirror have no private data (the log only commits to it); nothing is written under \
            --database unless everything passed.
            """
    )

    @Option(help: "The backup file (from `commons-ledger backup`).")
    var backup: String

    @Option(help: "The SQLite file to restore into (must not exist).")
    var database: String

    @Option(help: "A member's mirror folder (`commons-ledger mirror`) to bring the ledger up to its checkpoint.")
    var mirror: String?

    @Option(help: "The C2SP tlog-policy file the mirror's checkpoint must meet (required with --mirror).")
    var policy: String?

    @Option(help: "The log's verifier key, text or file (default: the policy's log key).")
    var key: String?

    func run() async throws {
        let policy = try self.policy.map(Verify.loadPolicy)
        if mirror != nil, policy == nil { throw ValidationError("--mirror needs --policy") }
        guard let verifierKey = key.map(Verify.verifierKey) ?? policy?.logs.first?.verifier.verifierKey else {
            throw ValidationError("give --key (the log's verifier key) or --policy")
        }
        var logger = Logger(label: "commons-ledger")
        logger.logLevel = .warning
        let outcome: LedgerBackup.Outcome
        do {
            outcome = try await LedgerBackup.restore(
                backup: backup, to: database,
                mirror: try mirror.map { directory in
                    guard let policy else { throw ValidationError("--mirror needs --policy") }
                    return (TileDirectory(path: directory), policy)
                },
                verifierKeys: [verifierKey], logger: logger
            )
        } catch let failure
            where failure is AuditFailure || failure is LedgerBackup.Refusal || failure is MirrorError {
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
        print(
            "restored \(backup) to \(database): \(outcome.report.entries) entries "
                + "(\(outcome.rebuiltFromMirror) rebuilt from the mirror), "
                + "\(outcome.report.transactions) transactions; verify passes"
        )
        print("root \(outcome.report.root)")
    }
}
