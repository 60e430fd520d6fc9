import ArgumentParser
import Foundation
import LedgerApplication
import LedgerStorage
import Logging

/// `commons-ledger rebuild --from-mirror`: a ledger database from a mirror's copy of the log.
struct Rebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a ledger database from a mirror of its log alone, then verify it.",
        discussion: """
            Reads the witnessed checkpoint and the entry bundles in --from-mirror (a folder that \
            `commons-ledger mirror` keeps), requires the policy's quorum on the checkpoint, and rebuilds \
            every asset, account, transaction, balance, key and fund object into --database (a new SQLite \
            file or an empty postgres:// database) in one transaction: each entry is written as its step \
            wrote it and appended again, and must come out byte for byte the same. The result is verified \
            with the policy's log key and must give the checkpoint's root. Private data (members' names and \
            contacts, beneficiaries' names, the names behind keys) is not in the log and stays absent; \
            rebuilt API keys cannot authenticate: issue new ones with `commons-ledger keys create`. \
            To serve the rebuilt ledger, use the log's own signing key (--log-key).
            """
    )

    @Option(name: .customLong("from-mirror"), help: "The mirror's folder (C2SP tlog-tiles with its checkpoint).")
    var fromMirror: String

    @Option(help: "The C2SP tlog-policy file: the log's key, the witnesses' keys and the quorum.")
    var policy: String

    @Option(help: "The new database: a SQLite file or a postgres:// URL (migrated here; must hold no rows).")
    var database: String

    func run() async throws {
        let policy = try Verify.loadPolicy(policy)
        let destination = try DatabaseLocation(database)
        var logger = Logger(label: "commons-ledger")
        logger.logLevel = .warning
        let started = ContinuousClock.now
        let outcome: MirrorRebuild.Outcome
        do {
            outcome = try await MirrorRebuild.rebuild(
                from: TileDirectory(path: fromMirror), policy: policy, into: destination, logger: logger
            ) { done, total in
                FileHandle.standardError.write(Data("rebuilt \(done) of \(total) entries\n".utf8))
            }
        } catch let failure where failure is AuditFailure || failure is MirrorError {
            // A refusal, said plainly; anything else (a file, a server) is thrown as it is.
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
        let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
        print(
            "rebuilt \(destination) from \(fromMirror) in \(String(format: "%.2f", seconds)) s: "
                + "\(outcome.report.entries) entries, \(outcome.report.transactions) transactions; verify passes"
        )
        print("root \(outcome.report.root), witnessed by \(outcome.witnesses.sorted().joined(separator: ", "))")
    }
}
