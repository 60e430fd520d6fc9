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
//
// Every kind of log entry must be among those written: the kinds are read from the
// OpenAPI document's description of a log entry, which must list exactly the closed
// `LogEntryKind`, so a new kind the generator forgets fails here. The shapes the security fixes added within a kind (anonymous members, grants to
// named beneficiaries, adjustments posted at once or waiting, keys for an existing person,
// raw inflows into a fund's cash, entries made with a person's key) must appear too.
import AuditLog
import Foundation
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Reports
import Testing

@Suite struct GeneratedEventsReadBackTests {
    /// Writes attempted per seed: enough for every kind of event several times over.
    static let operations = 500

    @Test(arguments: [UInt64(20_261_204), 7, 1_234_567])
    func everyEventTheWriterAcceptsIsReadBack(seed: UInt64) async throws {
        let ledger = try await TestLedger(seed: seed)
        var workload = GeneratedWorkload(seed: seed, ledger: ledger)
        try await workload.run(operations: Self.operations)
        // An admin closes the books through a day, then the workload goes on: what it
        // dates in the closed period is refused, the rest is recorded after the closing.
        let admin = Principal(keyID: nil, name: "admin", role: .admin)
        _ = try await ledger.store.closePeriod(through: "2026-01-31", by: admin, idempotency: nil)
        try await workload.run(operations: Self.operations / 5)
        // Three days on, the holds past their expiry are released, one logged entry each.
        ledger.clock.advance(microseconds: 3 * 86_400_000_000)
        #expect(try await ledger.store.expireHolds() > 0, "seed \(seed): no hold expired")
        #expect(try await ledger.store.expireHolds() == 0)
        // Last, as an operator does it with the server stopped: the key hand-over.
        _ = try await ledger.rotateLogKey(to: .testSuccessor)
        let written = try await Self.writtenShapes(ledger.store)
        let documented = try Self.documentedKinds()
        #expect(
            written.kinds == documented,
            """
            seed \(seed): kinds documented but never written: \(documented.subtracting(written.kinds).sorted()); \
            written but not documented: \(written.kinds.subtracting(documented).sorted())
            """
        )
        let missing = Shape.allCases.filter { !written.shapes.contains($0) }
        #expect(missing.isEmpty, "seed \(seed): never written: \(missing.map(\.rawValue))")

        do {
            _ = try await ledger.verify()
        } catch {
            Issue.record("seed \(seed): verify failed: \(error)")
        }
        try await Self.readEveryReport(workload, seed: seed)
        try await Self.exportEveryDialect(ledger.store, seed: seed)
    }

    @Test func everyKindTheStoreWritesIsDocumented() throws {
        let documented = try Self.documentedKinds()
        #expect(documented.count >= 24, "\(documented.sorted())")
        // The closed list of kinds is the documented one: a kind added to `LogEntryKind`
        // without documenting it (or documented and never added) fails here.
        let closed = Set(LogEntryKind.allCases.map(\.rawValue))
        #expect(
            documented == closed,
            """
            documented only: \(documented.subtracting(closed).sorted()); \
            in LogEntryKind only: \(closed.subtracting(documented).sorted())
            """
        )
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The kinds the OpenAPI document lists for a log entry (`LogEntry.data`): every
    /// backquoted `noun.verb` between "`kind` (" and "`payload`".
    static func documentedKinds() throws -> Set<String> {
        let data = try Data(contentsOf: root.appendingPathComponent("schema/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let logEntry = (schemas?["LogEntry"] as? [String: Any])?["properties"] as? [String: Any]
        let description = try #require((logEntry?["data"] as? [String: Any])?["description"] as? String)
        let start = try #require(description.range(of: "`kind` ("))
        let end = try #require(description.range(of: "`payload`", range: start.upperBound..<description.endIndex))
        let list = description[start.upperBound..<end.lowerBound]
        return Set(list.matches(of: /`([a-z_]+\.[a-z_]+)`/).map { String($0.output.1) })
    }

    /// Shapes within a kind that the security fixes added, each of which a reader must
    /// also read back.
    enum Shape: String, CaseIterable {
        case publicMember = "member.registered, public"
        case anonymousMember = "member.registered, anonymous (private profile)"
        case grantToMember = "disbursement.requested to a member"
        case grantToNamedBeneficiary = "disbursement.requested to a named beneficiary"
        case adjustmentPostedAtOnce = "cash_adjustment.requested within the allowance, posted at once"
        case adjustmentWaiting = "cash_adjustment.requested above the allowance, waiting"
        case keyForNewPerson = "key.created for a new person"
        case keyForExistingPerson = "key.created for a person who holds a key"
        case inflowIntoFundCash = "transaction.recorded paying into a fund's cash"
        case actedByPersonsKey = "an entry made with a person's key"
        case actedBySystem = "an entry made by the system"
    }

    /// The kinds of the log's entries, by the log's own names, and the shapes among them.
    static func writtenShapes(_ store: any LedgerStore) async throws -> (kinds: Set<String>, shapes: Set<Shape>) {
        var kinds: Set<String> = []
        var shapes: Set<Shape> = []
        var people: Set<PersonID> = []
        var fundCash: Set<AccountID> = []
        var start: Int64 = 0
        while true {
            let page = try await store.logEntries(start: start, end: nil, limit: 1_000)
            for stored in page.entries {
                let entry = try LogEntry(json: try JSONParser.parse(stored.data))
                kinds.insert(entry.event.kind.rawValue)
                if entry.principal.keyID == nil {
                    shapes.insert(.actedBySystem)
                } else if entry.principal.personID != nil {
                    shapes.insert(.actedByPersonsKey)
                }
                switch entry.event {
                case .keyCreated(let key):
                    shapes.insert(people.insert(key.personID).inserted ? .keyForNewPerson : .keyForExistingPerson)
                case .transactionRecorded(let transaction):
                    let isInflow = transaction.postings.contains {
                        fundCash.contains($0.accountID) && $0.amount.minorUnits > 0
                    }
                    if transaction.reversesID == nil && isInflow {
                        shapes.insert(.inflowIntoFundCash)
                    }
                case .fundAction(let action):
                    if action.kind == .fundCreated {
                        let cash = action.accountsOpened.filter { $0.code.rawValue.contains(":cash:") }
                        fundCash.formUnion(cash.map(\.id))
                    }
                    shapes.formUnion(Self.shapes(of: action))
                default:
                    break
                }
            }
            guard let next = page.nextStart else { return (kinds, shapes) }
            start = next
        }
    }

    /// The shapes one fund action shows, read from its details as the log holds them.
    static func shapes(of action: FundAction) -> [Shape] {
        guard case .object(let details) = action.details else { return [] }
        switch action.kind {
        case .memberRegistered:
            // An anonymous member's kind, country and region stay in the private store.
            let isAnonymous = details["visibility"] == .string("anonymous") && details["kind"] == .null
            return [isAnonymous ? .anonymousMember : .publicMember]
        case .disbursementRequested:
            return [details["member_id"] == .null ? .grantToNamedBeneficiary : .grantToMember]
        case .cashAdjustmentRequested:
            return [action.transaction == nil ? .adjustmentWaiting : .adjustmentPostedAtOnce]
        default:
            return []
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
    static func exportEveryDialect(_ store: any LedgerStore, seed: UInt64) async throws {
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
