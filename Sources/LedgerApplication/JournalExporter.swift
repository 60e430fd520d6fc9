public import LedgerStorage
public import Reports

/// Pages through the audit log from its first entry to the tree size it had when the
/// export started (later writes are left out) and turns each entry into journal text for
/// ledger-cli, hledger or beancount (`commons-ledger export`).
///
/// Pages are short read transactions of `pageSize` entries, so neither memory nor the
/// reader's snapshot grows with the book; the text is handed to the caller as it is made,
/// so where it goes (a file, standard output) and how it is buffered stay with the caller.
public struct JournalExporter<Store: LedgerStore>: Sendable {
    /// Log entries read per page: one short read transaction each, about 10 MB of entries
    /// at the largest entry size.
    public static var pageSize: Int { 10_000 }

    /// What an export wrote.
    public struct Summary: Sendable, Equatable {
        /// Log entries read (the tree size the export was fixed at).
        public let entries: Int64
        /// Ledger transactions written to the journal.
        public let transactions: Int
    }

    /// The store whose log is exported.
    public let store: Store
    /// The journal language written.
    public let dialect: JournalDialect

    /// An exporter of `store`'s log in `dialect`.
    public init(store: Store, dialect: JournalDialect) {
        self.store = store
        self.dialect = dialect
    }

    /// Writes the journal through `write`: header, one text per entry, trailer.
    /// `progress(read, total)` is called after every entry; it decides how often to speak.
    public func run(
        write: (String) throws -> Void, progress: (Int64, Int64) -> Void = { _, _ in }
    ) async throws -> Summary {
        var export = JournalExport(dialect: dialect)
        var start: Int64 = 0
        var end: Int64?
        while true {
            let page = try await store.logEntries(start: start, end: end, limit: Self.pageSize)
            if end == nil {
                // Fix the end at the first page: entries recorded during the export are not part of it.
                end = page.treeSize
                try write(export.header(notes: try await headerNotes(treeSize: page.treeSize)))
            }
            for entry in page.entries {
                guard entry.index == start else {
                    throw ExportFailure(detail: "log entry \(start) expected, \(entry.index) read")
                }
                do {
                    try write(try export.text(forEntry: entry.data))
                } catch let error as JournalExportError {
                    throw ExportFailure(detail: "log entry \(entry.index): \(error)")
                }
                start += 1
                progress(start, end ?? start)
            }
            guard let next = page.nextStart else { break }
            start = next
        }
        try write(export.trailer())
        return Summary(entries: start, transactions: export.transactionCount)
    }

    /// The journal's opening comments: what was exported, and the signed root that covers
    /// exactly that log when the latest checkpoint is at the same size.
    func headerNotes(treeSize: Int64) async throws -> [String] {
        var notes = [
            treeSize == 0
                ? "The audit log is empty."
                : "Log entries 0 to \(treeSize - 1) (tree size \(treeSize)); each transaction's id is in its id tag.",
        ]
        if let checkpoint = try await store.latestCheckpoint(), checkpoint.treeSize == treeSize {
            let lines = checkpoint.note.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count >= 3 {
                notes.append(
                    "Signed checkpoint of this log: origin \(lines[0]), tree size \(lines[1]), root hash \(lines[2])."
                )
            }
        }
        return notes
    }
}

/// Why an export stopped (a gap in the log, an entry that does not read as journal text);
/// the caller removes its partial output.
public struct ExportFailure: Error, CustomStringConvertible {
    /// What went wrong, naming the entry.
    public let detail: String
    public var description: String { "export failed: \(detail)" }
}
