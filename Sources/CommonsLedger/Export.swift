import ArgumentParser
import Foundation
import LedgerApplication
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
            let dialects = JournalDialect.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--format must be one of \(dialects)")
        }
        let started = ContinuousClock.now
        let partialPath = output.map { $0 + ".partial" }
        let handle = try openOutput(partialPath)
        let summary: (transactions: Int, entries: Int64)
        do {
            summary = try await Keys.withReadOnlyStore(options) { store in
                try await write(store, dialect: dialect, to: handle)
            }
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
            let line = "exported \(summary.transactions) transactions from \(summary.entries) log entries "
                + "as \(dialect.rawValue) in \(String(format: "%.2f", seconds)) s\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// The file the journal is written to (`FILE.partial` with --output), or standard output.
    func openOutput(_ partialPath: String?) throws -> FileHandle {
        guard let partialPath else { return FileHandle.standardOutput }
        guard FileManager.default.createFile(atPath: partialPath, contents: nil) else {
            throw ValidationError("cannot create \(partialPath)")
        }
        guard let file = FileHandle(forWritingAtPath: partialPath) else {
            throw ValidationError("cannot open \(partialPath)")
        }
        return file
    }

    /// Runs `exporter` into `handle` through a large buffer, with a progress line on
    /// standard error every `progressInterval` entries.
    func write<Store: LedgerStore>(
        _ store: Store, dialect: JournalDialect, to handle: FileHandle
    ) async throws -> (transactions: Int, entries: Int64) {
        let exporter = JournalExporter(store: store, dialect: dialect)
        var writer = BufferedWriter(handle: handle, capacity: Self.outputBufferBytes)
        var nextProgress = Self.progressInterval
        let quiet = quiet
        let summary = try await exporter.run(write: { try writer.write($0) }) { read, total in
            guard read >= nextProgress else { return }
            nextProgress += Self.progressInterval
            if !quiet { FileHandle.standardError.write(Data("exported \(read) of \(total) log entries\n".utf8)) }
        }
        try writer.flush()
        return (summary.transactions, summary.entries)
    }
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
