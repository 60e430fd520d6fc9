// Goal: every event the writer can produce is read back. A seeded generator drives every
// ledger write and fund step through the store (the writer) with random but valid field
// values, extremes included — longest texts in any script, combining marks, quotes and
// formula characters, largest amounts, scales 0 and 18, 36-digit rates, many instalments,
// 256-posting transactions — and whatever the writer accepts must then pass `verify`,
// compute as every report (public and auditor, with and without a reporting asset and
// date cuts) in JSON, CSV and HTML, read back through `ReportDocument` and
// `verify-report`, and export in all three journal dialects. A writer and a reader that
// disagree (the review's rate of 20 digits) fail here without anyone thinking of the
// value. The seed is in the test's name and in every failure.
import AuditLog
import FundCore
import LedgerAPI
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Reports
import Testing

@Suite struct GeneratedEventsReadBackTests {
    /// Writes attempted per seed: enough for every kind of event several times over.
    static let operations = 400

    @Test(arguments: [UInt64(20_261_204), 7, 1_234_567])
    func everyEventTheWriterAcceptsIsReadBack(seed: UInt64) async throws {
        let ledger = try TestLedger(seed: seed)
        var workload = GeneratedWorkload(seed: seed, ledger: ledger)
        try await workload.run(operations: Self.operations)
        let kinds = try await Self.eventKinds(ledger.store)
        for required in [
            "asset.registered", "account.opened", "transaction.recorded", "fund.created", "member.registered",
            "pledge.made", "contribution.received", "disbursement.requested", "disbursement.approved",
            "fx_rate.recorded", "key.created",
        ] {
            #expect(kinds.contains(required), "seed \(seed): no \(required) was written (kinds: \(kinds.sorted()))")
        }

        do {
            _ = try LedgerVerifier(path: ledger.path, verifierKeys: [LogSigner.test.verifierKey]).verify()
        } catch {
            Issue.record("seed \(seed): verify failed: \(error)")
        }
        try await Self.readEveryReport(workload, seed: seed)
        try await Self.exportEveryDialect(ledger.store, seed: seed)
    }

    /// The kinds of the log's entries: ledger events by name, fund actions by their kind.
    static func eventKinds(_ store: SQLiteLedgerStore) async throws -> Set<String> {
        var kinds: Set<String> = []
        var start: Int64 = 0
        while true {
            let page = try await store.logEntries(start: start, end: nil, limit: 1_000)
            for stored in page.entries {
                let entry = try LogEntry(json: try JSONParser.parse(stored.data))
                switch entry.event {
                case .assetRegistered: kinds.insert("asset.registered")
                case .accountOpened: kinds.insert("account.opened")
                case .accountClosed: kinds.insert("account.closed")
                case .transactionRecorded: kinds.insert("transaction.recorded")
                case .keyCreated: kinds.insert("key.created")
                case .keyRevoked: kinds.insert("key.revoked")
                case .fundAction(let action): kinds.insert(action.kind)
                }
            }
            guard let next = page.nextStart else { return kinds }
            start = next
        }
    }

    /// Every report, for both audiences, plain and converted into two random assets, over the
    /// whole log and a date cut, for all funds or a random one.
    static func parameterSets(_ workload: GeneratedWorkload, random: inout SeededGenerator) -> [ReportParameters] {
        let shuffled = workload.assets.shuffled(using: &random)
        let currencies: [AssetCode?] = [nil] + shuffled.prefix(2).map { Optional($0.code) }
        let cuts: [(LocalDate?, LocalDate?)] = [(nil, nil), (LocalDate("2026-06-30"), LocalDate("2025-01-01"))]
        var sets: [ReportParameters] = []
        for name in ReportName.allCases {
            for currency in currencies {
                for audience in ReportParameters.Audience.allCases {
                    for (asOf, from) in cuts {
                        let anyFund = workload.funds.randomElement(using: &random)?.code
                        let fund = Bool.random(using: &random) ? nil : anyFund
                        let member = name == .memberStatements
                            ? workload.members.randomElement(using: &random)?.rawValue : nil
                        sets.append(ReportParameters(
                            name: name, asOf: asOf, from: from, fund: fund, member: member, currency: currency,
                            audience: audience
                        ))
                    }
                }
            }
        }
        return sets
    }

    /// Each report computed, read back in every format, and a few through verify-report.
    static func readEveryReport(_ workload: GeneratedWorkload, seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed ^ 0x5EED)
        let store = workload.ledger.store
        let verifiers = [try NoteVerifier(verifierKey: LogSigner.test.verifierKey)]
        let names = try await store.privateMemberData()
        // One replay per date cut, as the server's cache does.
        let cache = ReportBookCache()
        for (index, parameters) in parameterSets(workload, random: &random).enumerated() {
            let label = "seed \(seed): \(parameters.json.canonicalText)"
            do {
                let report = try await LogReports.compute(parameters, store: store, cache: cache)
                try readBack(report, label: label)
                // verify-report on one in sixteen: the log entries alone give the same bytes.
                guard index % 16 == 0 else { continue }
                let outcome = try await ReportVerification.verify(
                    document: report.document.canonicalBytes, verifiers: verifiers, privateData: names
                ) { start, end in try await store.logEntries(start: start, end: end, limit: 1_000).entries }
                #expect(outcome.matches, "\(label): \(outcome.detail)")
            } catch {
                Issue.record("\(label): \(error)")
            }
        }
    }

    /// The report as a JSON document, CSV files and an HTML page, each read back.
    static func readBack(_ report: Report, label: String) throws {
        let bytes = report.document.canonicalBytes
        let document = try ReportDocument(bytes: bytes)
        #expect(document.computedSHA256 == report.sha256, "\(label)")
        let files = ReportCSV.files(of: report)
        #expect(files.count == report.tables.count, "\(label)")
        for (file, table) in zip(files, report.tables) {
            // One header line and one line per row, unless a quoted cell holds a line break.
            #expect(file.text.hasSuffix("\r\n") && file.text.utf8.count >= table.rows.count, "\(label): \(file.name)")
        }
        let page = ReportHTML.page(report, verifyCommand: "commons-ledger verify-report page.html --database x.sqlite")
        let embedded = try #require(ReportHTML.embeddedDocument(in: Array(page.utf8)), "\(label)")
        let fromPage = try ReportDocument(bytes: embedded)
        #expect(fromPage.content.canonicalBytes == report.content.canonicalBytes, "\(label)")
        #expect(fromPage.statedSHA256 == report.sha256, "\(label)")
    }

    /// The whole log exported in every dialect, entry by entry, as `commons-ledger export` does.
    static func exportEveryDialect(_ store: SQLiteLedgerStore, seed: UInt64) async throws {
        for dialect in JournalDialect.allCases {
            var export = JournalExport(dialect: dialect)
            var text = export.header(notes: ["generated"])
            var start: Int64 = 0
            do {
                while true {
                    let page = try await store.logEntries(start: start, end: nil, limit: 1_000)
                    for entry in page.entries { text += try export.text(forEntry: entry.data) }
                    guard let next = page.nextStart else { break }
                    start = next
                }
                text += export.trailer()
                #expect(export.transactionCount > 0, "seed \(seed): \(dialect.rawValue) exported no transaction")
            } catch {
                Issue.record("seed \(seed): \(dialect.rawValue) export failed at entry \(start): \(error)")
            }
        }
    }
}
