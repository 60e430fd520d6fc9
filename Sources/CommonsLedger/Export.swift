import ArgumentParser
import Foundation
import LedgerStorage
import Reports

/// `commons-ledger export`: the whole book as a plain-text journal, so an auditor can
/// recompute every balance with hledger, ledger-cli or beancount.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the whole book as a plain-text journal for ledger-cli, hledger or beancount.",
        discussion: """
            Streams the audit log from its first entry to the tree size it had when the export \
            started (later writes are left out), so the journal is the book as of one log size, \
            which the header names. Amounts are exact (integer minor units printed at the asset's \
            scale); each transaction carries its id as `id` metadata. With --output the journal \
            is written to FILE.partial and renamed to FILE only once complete.
            """
    )

    /// Log entries read per page: one short read transaction each, about 10 MB of entries
    /// at the largest entry size, so neither memory nor the reader's snapshot grows with the book.
    static let pageSize = 10_000

    /// Entries between two progress lines on standard error.
    static let progressInterval: Int64 = 100_000

    /// Bytes collected before one write to the output: few system calls, bounded memory.
    static let outputBufferBytes = 1 << 20

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "ledger, hledger or beancount.")
    var format: String

    @Option(help: "Write the journal to FILE instead of standard output.")
    var output: String?

    @Flag(help: "No progress or summary lines on standard error.")
    var quiet = false

    func run() async throws {
        guard let dialect = JournalDialect(rawValue: format) else {
            throw ValidationError("--format must be one of \(JournalDialect.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let store = try Keys.openStoreReadOnly(options)
        defer { try? store.close() }
        let started = ContinuousClock.now

        let partialPath = output.map { $0 + ".partial" }
        let handle: FileHandle
        if let partialPath {
            guard FileManager.default.createFile(atPath: partialPath, contents: nil) else {
                throw ValidationError("cannot create \(partialPath)")
            }
            guard let file = FileHandle(forWritingAtPath: partialPath) else { throw ValidationError("cannot open \(partialPath)") }
            handle = file
        } else {
            handle = FileHandle.standardOutput
        }
        var writer = BufferedWriter(handle: handle, capacity: Self.outputBufferBytes)
        var export = JournalExport(dialect: dialect)

        var start: Int64 = 0
        var end: Int64?
        var nextProgress = Self.progressInterval
        do {
            while true {
                let page = try await store.logEntries(start: start, end: end, limit: Self.pageSize)
                if end == nil {
                    // Fix the end at the first page: entries recorded during the export are not part of it.
                    end = page.treeSize
                    try writer.write(export.header(notes: try await headerNotes(store: store, treeSize: page.treeSize)))
                }
                for entry in page.entries {
                    guard entry.index == start else {
                        throw ExportFailure(detail: "log entry \(start) expected, \(entry.index) read")
                    }
                    do {
                        try writer.write(try export.text(forEntry: entry.data))
                    } catch let error as JournalExportError {
                        throw ExportFailure(detail: "log entry \(entry.index): \(error)")
                    }
                    start += 1
                    if start >= nextProgress {
                        nextProgress += Self.progressInterval
                        if !quiet { FileHandle.standardError.write(Data("exported \(start) of \(end ?? start) log entries\n".utf8)) }
                    }
                }
                guard let next = page.nextStart else { break }
                start = next
            }
            try writer.write(export.trailer())
            try writer.flush()
            if let output, let partialPath {
                try handle.close()
                if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
                try FileManager.default.moveItem(atPath: partialPath, toPath: output)
            }
        } catch {
            if let partialPath {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: partialPath)
            }
            throw error
        }
        if !quiet {
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            FileHandle.standardError.write(Data(
                "exported \(export.transactionCount) transactions from \(start) log entries as \(dialect.rawValue) in \(String(format: "%.2f", seconds)) s\n".utf8
            ))
        }
    }

    /// The journal's opening comments: what was exported, and the signed root that covers
    /// exactly that log when the latest checkpoint is at the same size.
    func headerNotes(store: SQLiteLedgerStore, treeSize: Int64) async throws -> [String] {
        var notes = [
            treeSize == 0 ? "The audit log is empty." : "Log entries 0 to \(treeSize - 1) (tree size \(treeSize)); each transaction's id is in its id tag.",
        ]
        if let checkpoint = try await store.latestCheckpoint(), checkpoint.treeSize == treeSize {
            let lines = checkpoint.note.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count >= 3 {
                notes.append("Signed checkpoint of this log: origin \(lines[0]), tree size \(lines[1]), root hash \(lines[2]).")
            }
        }
        return notes
    }
}

/// Why an export stopped; the partial output is removed.
struct ExportFailure: Error, CustomStringConvertible {
    let detail: String
    var description: String { "export failed: \(detail)" }
}

/// Collects text and writes it in large blocks.
struct BufferedWriter {
    let handle: FileHandle
    let capacity: Int
    private var buffer: [UInt8] = []

    init(handle: FileHandle, capacity: Int) {
        self.handle = handle
        self.capacity = capacity
        buffer.reserveCapacity(capacity + 64 * 1024)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
