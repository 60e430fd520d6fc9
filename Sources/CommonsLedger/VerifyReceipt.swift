import ArgumentParser
import AuditLog
import Foundation
import LedgerCore
import LedgerStorage

/// `commons-ledger verify-receipt`: check a transaction's receipt offline — a member keeps
/// the receipt of its contribution and can prove, forever and without the ledger, that
/// the entry is in the log the policy's witnesses saw.
struct VerifyReceipt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-receipt",
        abstract: "Check a receipt (C2SP tlog-proof from /v1/transactions/{id}/proof?format=tlog-proof) offline.",
        discussion: """
            The receipt's checkpoint must be signed by a log of the policy and cosigned by its \
            quorum of witnesses, and the entry it carries must be included at its index under \
            that checkpoint's root. Exits non-zero otherwise.
            """
    )

    @Argument(help: "The receipt file (.tlog-proof).")
    var receipt: String

    @Option(help: "The C2SP tlog-policy file: the log's key, the witnesses' keys and the quorum.")
    var policy: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: receipt) else {
            throw ValidationError("cannot read \(receipt)")
        }
        guard let proof = LogProof(parsing: String(decoding: data, as: UTF8.self)) else {
            throw ValidationError("\(receipt) is not a C2SP tlog-proof")
        }
        let policy = try Verify.loadPolicy(policy)
        let (checkpoint, witnesses): (Checkpoint, Set<String>)
        do {
            (checkpoint, witnesses) = try proof.verify(policy: policy)
        } catch {
            throw AuditFailure(index: proof.index, detail: "the receipt does not hold: \(error)")
        }
        let event = (try? LogEntry(json: try JSONParser.parse(proof.extra ?? [])))?.event.subject ?? "an entry"
        let witnessed = witnesses.isEmpty ? "" : ", witnessed by " + witnesses.sorted().joined(separator: ", ")
        print("OK: \(event) is entry \(proof.index) of \(checkpoint.origin) at size \(checkpoint.treeSize)\(witnessed)")
    }
}
