import ArgumentParser
import AuditLog
import Foundation
import LedgerApplication

/// `commons-ledger witness`: run a C2SP tlog-witness for a ledger (or any tlog) — for a
/// member organisation that wants to be sure the fund shows everyone the same log.
struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Run a transparency-log witness (C2SP tlog-witness) that cosigns a ledger's checkpoints.",
        subcommands: [KeygenCommand.self, WitnessServe.self]
    )

    struct KeygenCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen", abstract: "Create the witness's cosigning key (mode 0600) and print its vkey."
        )

        @Option(help: "Where to write the private key; an existing file is never overwritten.")
        var key: String

        @Option(help: "The witness's name, a schema-less URL (e.g. witness.union.example/w1).")
        var name: String

        func run() throws {
            let cosigner = try WitnessKeyFile.generate(name: name)
            try WitnessKeyFile.write(cosigner, path: key)
            print(cosigner.verifier.verifierKey)
        }
    }
}
