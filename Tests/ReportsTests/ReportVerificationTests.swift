// Goal: a report document is provable — verify-report recomputes it from the log entries
// up to its signed checkpoint and says match; an edited figure (with or without a
// recomputed fingerprint), a forged checkpoint or a log that changed underneath is a
// mismatch naming the first difference.
import AuditLog
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Reports
import Testing

@Suite struct ReportVerificationTests {
    static func verify(_ bytes: [UInt8], _ fixture: ReportFixture, names: [MemberID: MemberPrivateData] = [:]) async throws -> ReportVerification.Outcome {
        let store = fixture.ledger.store
        return try await ReportVerification.verify(
            document: bytes, verifiers: [try NoteVerifier(verifierKey: LogSigner.test.verifierKey)], privateData: names
        ) { start, end in try await store.logEntries(start: start, end: end, limit: 1_000).entries }
    }

    /// The document with one cell replaced, the fingerprint recomputed if asked.
    static func edited(_ report: Report, table: String, row: Int, column: String, to value: JSONValue, refingerprint: Bool) throws -> [UInt8] {
        guard case .object(var content) = report.content, case .array(var tables)? = content["tables"] else { throw FixtureError.replayed }
        let position = try #require(report.tables.firstIndex { $0.name == table })
        let columnIndex = try #require(report.tables[position].columns.firstIndex { $0.name == column })
        guard case .object(var tableJSON) = tables[position], case .array(var rows)? = tableJSON["rows"], case .array(var cells) = rows[row] else {
            throw FixtureError.replayed
        }
        cells[columnIndex] = value
        rows[row] = .array(cells)
        tableJSON["rows"] = .array(rows)
        tables[position] = .object(tableJSON)
        content["tables"] = .array(tables)
        let newContent = JSONValue.object(content)
        let sha = refingerprint ? ReportDocument.fingerprint(of: newContent) : report.sha256
        return JSONValue.object(["report": newContent, "sha256": .string(sha)]).canonicalBytes
    }

    @Test(arguments: ReportName.allCases)
    func everyReportVerifiesAgainstTheLog(_ name: ReportName) async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(name, currency: name == .trialBalance ? nil : "USD")
        let outcome = try await Self.verify(report.document.canonicalBytes, fixture)
        #expect(outcome.matches, "\(outcome.detail)")
        #expect(outcome.treeSize == report.checkpoint.treeSize)
    }

    @Test func anEditedFigureIsFoundWithOrWithoutANewFingerprint() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.reciprocity)
        // Member A's row (anonymous members sort first, under "(undisclosed)"): 1,000.00 given.
        let row = try #require(report.rows("members").firstIndex { $0["member_id"] == .string(fixture.members["A"]!.rawValue) })
        let plain = try Self.edited(report, table: "members", row: row, column: "contributed", to: 100_001, refingerprint: false)
        let caught = try await Self.verify(plain, fixture)
        #expect(!caught.matches)
        #expect(caught.detail.contains("not the SHA-256 of the report's content"))

        let forged = try Self.edited(report, table: "members", row: row, column: "contributed", to: 100_001, refingerprint: true)
        let recomputed = try await Self.verify(forged, fixture)
        #expect(!recomputed.matches)
        #expect(recomputed.detail == "report.tables[0].rows[\(row)][5]: the report says 100001, the log gives 100000")
    }

    @Test func aReportIsBoundToItsCheckpointNotToTheLatestLog() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.memberStatements)
        // More entries later do not change what the old checkpoint's report says.
        _ = try applied(await fixture.ledger.store.recordContribution(
            ContributionDraft(memberID: fixture.members["A"]!.rawValue, fundID: fixture.fundID.rawValue, asset: "USD", amount: 1, date: "2026-11-25"),
            by: ReportFixture.treasurer, idempotency: nil
        ))
        #expect(try await Self.verify(report.document.canonicalBytes, fixture).matches)
        let later = try await fixture.report(.memberStatements)
        #expect(later.checkpoint.treeSize == report.checkpoint.treeSize + 1)
        #expect(later.sha256 != report.sha256)
    }

    @Test func aCheckpointSignedByAnotherKeyIsRefused() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.trialBalance)
        let otherKey = try NoteVerifier(verifierKey: try LogSigner.generate(origin: "elsewhere.example/log").verifierKey)
        let store = fixture.ledger.store
        let outcome = try await ReportVerification.verify(document: report.document.canonicalBytes, verifiers: [otherKey], privateData: [:]) { start, end in
            try await store.logEntries(start: start, end: end, limit: 1_000).entries
        }
        #expect(!outcome.matches)
        #expect(outcome.detail.contains("checkpoint signature does not verify"))
    }

    /// A report made after the log's key was handed over is signed by the new key alone;
    /// a reader who pinned the old key follows the hand-over in the entries it replays.
    @Test func aReportAfterAKeyHandoverVerifiesFromTheOldKey() async throws {
        let fixture = try await ReportFixture.build()
        _ = try await fixture.ledger.rotateLogKey(to: .testSuccessor)
        let restarted = try await fixture.ledger.reopened(signer: .testSuccessor)
        let moved = ReportFixture(ledger: restarted, members: fixture.members, fundID: fixture.fundID)
        _ = try applied(await restarted.store.recordContribution(
            ContributionDraft(memberID: fixture.members["A"]!.rawValue, fundID: fixture.fundID.rawValue, asset: "USD", amount: 1, date: "2026-11-25"),
            by: ReportFixture.treasurer, idempotency: nil
        ))
        let report = try await moved.report(.trialBalance)
        let note = try SignedNote(parsing: report.checkpoint.note)
        #expect(note.signatures.count == 1)
        #expect(try await Self.verify(report.document.canonicalBytes, moved).matches)
    }

    @Test func auditorReportsVerifyWithThePrivateNamesOnly() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.reciprocity, audience: .auditor)
        let names = try await fixture.ledger.store.privateMemberData()
        #expect(try await Self.verify(report.document.canonicalBytes, fixture, names: names).matches)
        let withoutNames = try await Self.verify(report.document.canonicalBytes, fixture)
        #expect(!withoutNames.matches)
    }

    @Test func documentsThatAreNotReportsAreRefusedClearly() {
        #expect(throws: ReportError.malformed("a report document is {\"report\": {…}, \"sha256\": \"…\"}")) {
            try ReportDocument(bytes: Array(#"{"sha256":"00"}"#.utf8))
        }
        #expect(throws: ReportError.self) { try ReportDocument(bytes: Array("not json".utf8)) }
    }
}
