import ArgumentParser
import AuditLog
import Foundation
import LedgerApplication

/// `commons-ledger log-key rotate`: hand the audit log's signing key over to a new one.
struct LogKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-key",
        abstract: "Manage the audit log's signing key.",
        subcommands: [Rotate.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand the log's signing key over to a new key, recorded in the log (stop the server first).",
            discussion: """
                Makes a new key, appends a log entry announcing its verifier key signed by the old \
                key and the new, and signs the checkpoint covering it with both; from then on only \
                the new key may sign. Without --new-key the key file is replaced in place and the \
                old key kept as <key>.retired-<id> for you to destroy. Before serving again, add the \
                new verifier key to every witness's configuration and to your published policy \
                (docs/auditing.md, "When the log key leaks").
                """
        )

        @OptionGroup var options: ConfigurationOptions

        @Option(help: "Write the new key here and leave the old key file alone (serve with --log-key then).")
        var newKey: String?

        func run() async throws {
            let configuration = try options.resolve()
            let logger = options.makeLogger(configuration)
            let outcome = try await LogKeyRotator.rotate(configuration, newKeyPath: newKey, logger: logger)
            let handover = outcome.handover
            print("handed the log key over at entry \(handover.index)")
            print("retired verifier key: \(handover.oldKey.verifierKey)")
            print("new verifier key:     \(handover.newKey.verifierKey)")
            print("the new key is in \(outcome.keyPath)")
            if let retired = outcome.retiredKeyPath {
                print("the retired key was moved to \(retired): destroy it once the new key is in your backups")
            } else {
                print("serve with --log-key \(outcome.keyPath)")
            }
            print("add the new verifier key to each witness's log keys and to your policy before serving again")
        }
    }
}
