import ArgumentParser
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import Reports

/// `commons-ledger export`: the whole book as a plain-text journal, so an auditor can
/// recompute every balance with hledger, ledger-cli or beancount; or the fund's grants and
/// flows as open data (360Giving JSON, IATI XML) for funders and open-data portals.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the book as a journal (ledger-cli, hledger, beancount) or as open data (360Giving, IATI).",
        discussion: """
            Streams the audit log from its first entry to the tree size it had when the export \
            started (later writes are left out), so the journal is the book as of one log size, \
            which the header names. Amounts are exact (integer minor units printed at the asset's \
            scale); each transaction carries its id as `id` metadata. With --output the journal \
            is written to FILE.partial and renamed to FILE only once complete.

            --format 360giving writes the paid grants as a 360Giving 1.4 JSON package and \
            --format iati one IATI 2.03 activity per fund (contributions as incoming funds, \
            approved grants as commitments, payments as disbursements). Both need the \
            publisher: `open_data` in the configuration file (organisation_id, \
            organisation_name, grant_prefix, optional organisation_type and license) or the \
            flags below. Anonymous members, individuals and beneficiaries appear by pseudonym \
            or label only; amounts in assets that are not ISO 4217 currencies are left out \
            and counted on standard error.
            """
    )

    /// Entries between two progress lines on standard error.
    static let progressInterval: Int64 = 100_000

    /// Bytes collected before one write to the output: few system calls, bounded memory.
    static let outputBufferBytes = 1 << 20

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "ledger, hledger, beancount, 360giving or iati.")
    var format: String

    @Option(help: "Open data: the publisher's organisation identifier (overrides open_data.organisation_id).")
    var organisationID: String?

    @Option(help: "Open data: the publisher's name (overrides open_data.organisation_name).")
    var organisationName: String?

    @Option(help: "Open data: the 360Giving identifier prefix, e.g. 360G-example (overrides open_data.grant_prefix).")
    var grantPrefix: String?

    @Option(help: "Write the journal to FILE instead of standard output.")
    var output: String?

    @Flag(help: "No progress or summary lines on standard error.")
    var quiet = false

    func run() async throws {
        if let openData = OpenDataFormat(rawValue: format) { return try await runOpenData(openData) }
        guard let dialect = JournalDialect(rawValue: format) else {
            let formats = JournalDialect.allCases.map(\.rawValue) + OpenDataFormat.allCases.map(\.rawValue)
            throw ValidationError("--format must be one of \(formats.joined(separator: ", "))")
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

    /// Writes `format` to --output (through FILE.partial) or standard output.
    func runOpenData(_ format: OpenDataFormat) async throws {
        let configuration = try options.resolve()
        let publisher = try self.publisher(configured: configuration.openData)
        let output = try await Keys.withReadOnlyStore(options) { store in
            try await Self.openData(store, publisher: publisher, format: format)
        }
        if let path = self.output {
            let partial = path + ".partial"
            do {
                try Data(output.text.utf8).write(to: URL(fileURLWithPath: partial))
                if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
        } else {
            FileHandle.standardOutput.write(Data(output.text.utf8))
        }
        var lines: [String] = []
        for (asset, count) in output.leftOut.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            lines.append("left out \(count) record(s) in \(asset): not an ISO 4217 currency")
        }
        if !quiet {
            let what = format == .iati ? "transactions" : "grants"
            lines.append("exported \(output.records) \(what) from \(output.entries) log entries as \(format.rawValue)")
        }
        for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    static func openData<Store: LedgerStore>(
        _ store: Store, publisher: OpenDataPublisher, format: OpenDataFormat
    ) async throws -> OpenDataOutput {
        try await OpenDataExporter(store: store, publisher: publisher).run(format)
    }

    /// The configured publisher with the flags applied; the flags alone when nothing is configured.
    func publisher(configured: OpenDataPublisher?) throws -> OpenDataPublisher {
        guard let organisationID = organisationID ?? configured?.organisationID,
            let organisationName = organisationName ?? configured?.organisationName,
            let grantPrefix = grantPrefix ?? configured?.grantPrefix
        else {
            throw ValidationError(
                "open data needs its publisher: open_data in the configuration file, or --organisation-id, "
                    + "--organisation-name and --grant-prefix")
        }
        do {
            return try OpenDataPublisher(
                organisationID: organisationID, organisationName: organisationName, grantPrefix: grantPrefix,
                organisationType: configured?.organisationType ?? OpenDataPublisher.defaultOrganisationType,
                license: configured?.license)
        } catch {
            throw ValidationError(error.description)
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
