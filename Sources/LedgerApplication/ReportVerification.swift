public import AuditLog
import Foundation
public import FundCore
import LedgerCore
public import LedgerStorage
public import Reports

/// Checks a report document against the log: its fingerprint, the signed checkpoint it
/// names, every entry up to that checkpoint (as `verify` checks them), and finally the
/// figures, recomputed from those entries alone.
public enum ReportVerification {
    /// What the check found.
    public struct Outcome: Sendable, Equatable {
        public let matches: Bool
        /// "match", or the first difference.
        public let detail: String
        public let parameters: ReportParameters
        public let treeSize: Int64
    }

    /// Verifies `bytes` (a report document). `entries(start, end)` returns stored entries
    /// from `start`, in order, at most up to `end`; `verifiers` are the log keys trusted;
    /// `privateData` is needed only for auditor reports.
    public static func verify(
        document bytes: [UInt8], verifiers: [NoteVerifier], privateData: [MemberID: MemberPrivateData],
        entries: (Int64, Int64) async throws -> [StoredLogEntry]
    ) async throws -> Outcome {
        let document = try ReportDocument(bytes: bytes)
        let size = document.checkpoint.treeSize
        func outcome(_ matches: Bool, _ detail: String) -> Outcome {
            Outcome(matches: matches, detail: detail, parameters: document.parameters, treeSize: size)
        }
        guard document.computedSHA256 == document.statedSHA256 else {
            return outcome(
                false,
                "the stated sha256 \(document.statedSHA256) is not the SHA-256 of the report's content "
                    + "(\(document.computedSHA256)): the report was changed after it was computed"
            )
        }
        var auditor = LogAuditor(rootSizes: [size])
        var book = ReportBook(asOf: document.parameters.asOf, from: document.parameters.from)
        do {
            while auditor.treeSize < size {
                let page = try await entries(auditor.treeSize, size)
                guard !page.isEmpty else {
                    throw AuditFailure(index: auditor.treeSize, detail: "the log ends before the report's checkpoint")
                }
                for stored in page {
                    let (entry, _) = try auditor.consume(index: stored.index, data: stored.data)
                    try book.apply(entry)
                }
            }
            // The key in force at the report's size, followed from the key trusted through
            // any hand-over among the entries just read.
            let chain = try auditor.keyChain(trusting: verifiers)
            _ = try auditor.check(checkpointNote: document.checkpoint.note, chain: chain)
        } catch let failure as AuditFailure {
            return outcome(false, "the log does not verify up to the report's checkpoint: \(failure)")
        }
        let recomputed = try ReportComputer.compute(
            document.parameters, book: book, checkpoint: document.checkpoint, privateData: privateData
        )
        if let difference = document.firstDifference(from: recomputed.content) {
            return outcome(false, difference)
        }
        return outcome(
            true,
            "match: sha256 \(document.statedSHA256) recomputed from the \(size) log entries of the signed checkpoint"
        )
    }
}
