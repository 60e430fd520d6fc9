import ArgumentParser
import AuditLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import Reports

/// `commons-ledger report NAME`: compute a report offline from the database's audit log.
struct ReportCommand: AsyncParsableCommand {
    /// The report names, for help and errors.
    static var names: String { ReportName.allCases.map(\.rawValue).joined(separator: ", ") }

    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compute a report from the audit log: \(ReportCommand.names).",
        discussion: """
            The report is computed from the log entries up to a signed checkpoint (the latest, or --tree-size) \
            and states that checkpoint and its own SHA-256; `commons-ledger verify-report` recomputes it. \
            JSON is the provable document; --format html writes a page with charts (the document embedded); \
            --format csv writes one file per table into the --output directory (or the --table asked for to \
            standard output).
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Argument(help: "The report.")
    var name: String

    @Option(help: "json, csv or html.")
    var format = "json"

    @Option(help: "Only what is dated on or before this day (YYYY-MM-DD).")
    var asOf: String?

    @Option(help: "First day of the income and expenditure period (YYYY-MM-DD).")
    var from: String?

    @Option(help: "A fund's code or id.")
    var fund: String?

    @Option(help: "A member id (member statements).")
    var member: String?

    @Option(help: "Reporting asset to convert into with the recorded rates, e.g. USD.")
    var currency: String?

    @Option(help: "public (anonymous members by pseudonym) or auditor (names from the private records).")
    var audience = "public"

    @Option(help: "Compute at the signed checkpoint of this many entries instead of the latest.")
    var treeSize: Int64?

    @Option(help: "Output file (json, html) or directory (csv); standard output when absent.")
    var output: String?

    @Option(help: "With --format csv and no --output: the table to print.")
    var table: String?

    func run() async throws {
        guard let reportName = ReportName(rawValue: name) else {
            throw ValidationError("no report \(name); reports are \(Self.names)")
        }
        guard let format = ["json", "csv", "html"].first(where: { $0 == self.format }) else {
            throw ValidationError("--format must be json, csv or html")
        }
        guard let audience = ReportParameters.Audience(rawValue: audience) else {
            throw ValidationError("--audience must be public or auditor")
        }
        func date(_ text: String?, _ option: String) throws -> LocalDate? {
            guard let text else { return nil }
            guard let date = LocalDate(text) else { throw ValidationError("\(option) must be a date YYYY-MM-DD") }
            return date
        }
        var currencyCode: AssetCode?
        if let currency {
            guard let code = AssetCode(currency) else {
                throw ValidationError("--currency must be an asset code such as USD")
            }
            currencyCode = code
        }
        let parameters = ReportParameters(
            name: reportName, asOf: try date(asOf, "--as-of"), from: try date(from, "--from"), fund: fund,
            member: member, currency: currencyCode, audience: audience
        )
        let started = ContinuousClock.now
        let report: Report
        do {
            let treeSize = self.treeSize
            report = try await Keys.withReadOnlyStore(options) { store in
                try await LogReports.compute(parameters, store: store, treeSize: treeSize)
            }
        } catch let error as ReportError {
            throw ValidationError(error.description)
        }
        let elapsed = ContinuousClock.now - started
        let databasePath = try options.resolve().database
        switch format {
        case "json":
            try write(Data(report.document.canonicalBytes + [0x0A]), to: output)
        case "html":
            let page = output.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "\(reportName.rawValue).html"
            let command = "commons-ledger verify-report \(page) --database \(databasePath)"
            try write(Data(ReportHTML.page(report, verifyCommand: command).utf8), to: output)
        default:
            if let output {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                for file in ReportCSV.files(of: report) {
                    let path = URL(fileURLWithPath: output).appendingPathComponent(file.name).path
                    try write(Data(file.text.utf8), to: path)
                }
            } else {
                let wanted = table ?? report.tables.first?.name ?? ""
                guard let chosen = report.table(wanted) else {
                    let tables = report.tables.map(\.name).joined(separator: ", ")
                    throw ValidationError("\(reportName.rawValue) has the tables \(tables)")
                }
                try write(Data(ReportCSV.text(of: chosen, scales: report.assetScales).utf8), to: nil)
            }
        }
        let summary = "\(reportName.rawValue): \(report.checkpoint.treeSize) entries, "
            + "sha256 \(report.sha256), \(elapsed)\n"
        FileHandle.standardError.write(Data(summary.utf8))
    }

    func write(_ data: Data, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(data)
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw ValidationError("cannot write \(path)")
        }
    }
}

/// `commons-ledger verify-report FILE`: recompute a report from the log and compare.
struct VerifyReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-report",
        abstract: "Check a report (JSON, or an HTML page of one) against the audit log.",
        discussion: """
            Checks the report's SHA-256, verifies every log entry up to the report's signed checkpoint and the \
            checkpoint's signature, then recomputes the report from those entries alone and compares it with the \
            file. Exit status 0 on a match, 1 with the first difference otherwise. Auditor reports (which name \
            anonymous members from the private records) can only be verified with --database.
            """
    )

    @Argument(help: "The report file (.json or .html).")
    var file: String

    @Option(help: "SQLite database file to verify against, offline.")
    var database: String?

    @Option(help: "Base URL of a running server to verify against instead.")
    var url: String?

    @Option(help: """
        Verifier key you trust (vkey text or a file containing it); \
        default: the database's or the server's.
        """)
    var key: String?

    @Option(help: """
        With --url: a C2SP tlog-policy file; the log's key is taken from it, and the report's \
        checkpoint must be consistent with the one the policy's quorum of witnesses cosigned.
        """)
    var policy: String?

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let outcome: ReportVerification.Outcome
        do {
            if let database {
                outcome = try await verifyOffline([UInt8](data), database: database)
            } else if let url {
                outcome = try await verifyOnline([UInt8](data), base: url)
            } else {
                throw ValidationError("give --database PATH or --url URL")
            }
        } catch let error as ReportError {
            print("FAILED: \(error)")
            throw ExitCode(1)
        } catch let failure as AuditFailure {
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
        if outcome.matches {
            let witnessed = try await witnessedSuffix(data: [UInt8](data))
            print("OK: \(outcome.parameters.name.rawValue) \(outcome.detail)\(witnessed)")
        } else {
            print("MISMATCH: \(outcome.detail)")
            throw ExitCode(1)
        }
    }

    /// With `--policy`: ", witnessed by …" once the report's checkpoint is shown to be a
    /// prefix of the log the quorum cosigned; empty without a policy.
    func witnessedSuffix(data: [UInt8]) async throws -> String {
        guard let policy else { return "" }
        guard let url else { throw ValidationError("--policy checks the server's witnessed checkpoint: give --url") }
        let reference = try ReportDocument(bytes: data).checkpoint
        let checkpoint = try Checkpoint(parsing: try SignedNote(parsing: reference.note).text)
        do {
            let (witnesses, size) = try await ServerLog(base: url).witnessedExtension(
                of: checkpoint, policy: try Verify.loadPolicy(policy)
            )
            let names = witnesses.sorted().joined(separator: ", ")
            return ", consistent with the log witnessed by \(names) at size \(size)"
        } catch let failure as AuditFailure {
            print("FAILED: \(failure)")
            throw ExitCode(1)
        }
    }

    func trusted(fallback: () throws -> String) throws -> [NoteVerifier] {
        if let policy {
            return try Verify.loadPolicy(policy).logs.map(\.verifier)
        }
        let text = try key.map(Verify.verifierKey) ?? fallback()
        return [try NoteVerifier(verifierKey: text.trimmingCharacters(in: .whitespacesAndNewlines))]
    }

    func verifyOffline(_ bytes: [UInt8], database: String) async throws -> ReportVerification.Outcome {
        guard FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("no database at \(database)")
        }
        var options = try ConfigurationOptions.parse(["--database", database])
        options.database = database
        // Without --key, the key file beside the database (as `verify` does); never a new one.
        let verifiers = try trusted(fallback: { try Keys.verifierKey(besideDatabase: database) })
        return try await Keys.withReadOnlyStore(options) { store in
            try await ReportVerification.verify(
                document: bytes, verifiers: verifiers, privateData: try await store.privateMemberData()
            ) { start, end in
                try await store.logEntries(start: start, end: end, limit: 10_000).entries
            }
        }
    }

    func verifyOnline(_ bytes: [UInt8], base: String) async throws -> ReportVerification.Outcome {
        let document = try ReportDocument(bytes: bytes)
        guard document.parameters.audience == .public else {
            throw ValidationError(
                "an auditor report names anonymous members from the private records: verify it with --database"
            )
        }
        let server = ServerLog(base: base)
        let serverKey = key == nil ? try await server.verifierKey() : ""
        let verifiers = try trusted(fallback: { serverKey })
        return try await ReportVerification.verify(
            document: bytes, verifiers: verifiers, privateData: [:]
        ) { start, end in
            try await server.entries(start: start, end: end)
        }
    }
}
