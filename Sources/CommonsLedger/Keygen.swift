import ArgumentParser
import Foundation
import LedgerStorage

/// `commons-ledger keygen`: create the audit log's Ed25519 signing key.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the audit log's signing key (mode 0600) and print its verifier key.",
        discussion: """
            The key file holds the private key in Go sumdb/note signer-key form. The verifier \
            key printed on standard output (C2SP vkey) is what auditors need to check checkpoints: \
            publish it where members and the public can find it.
            """
    )

    @Option(help: "Where to write the private key; refuses to overwrite an existing file.")
    var key: String

    @Option(help: "The log's origin, the first line of every checkpoint (e.g. ledger.example.org/fund).")
    var origin = "commons-ledger"

    func run() throws {
        guard !FileManager.default.fileExists(atPath: key) else {
            throw ValidationError("\(key) exists; a log key is never overwritten")
        }
        let signer = try LogSigner.generate(origin: origin)
        try signer.write(path: key)
        print(signer.verifierKey)
    }
}
