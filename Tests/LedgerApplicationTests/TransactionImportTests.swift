// Goal: the importer lives below the HTTP module. With a line reader of its own (not the
// API's), it skips blank lines, reports a reader's refusal and a store's rejection with
// their line numbers — the rejection's reason from `Rejection.text`, the one table of
// codes — records the good lines, and replays keyed lines on a second run.
import Foundation
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct TransactionImportTests {
    /// Reads a line holding a whole number of cents: the bank receives it from income.
    /// `k<number>` carries an idempotency key; anything else is refused.
    struct CentsReader: ImportLineReader {
        func read(_ line: [UInt8], limits: RequestLimits, keyNamespace: String) throws -> ImportLine {
            var text = String(decoding: line, as: UTF8.self)
            var idempotency: Idempotency<LedgerTransaction>?
            if text.hasPrefix("k") {
                text.removeFirst()
                // The store takes a SHA-256-sized fingerprint; the line's text, padded, will do.
                let fingerprint = Array((text + String(repeating: " ", count: 32)).utf8.prefix(32))
                idempotency = Idempotency(
                    key: keyNamespace + text, fingerprint: fingerprint,
                    render: { _ in StoredResponse(status: 201, body: Array("{}".utf8)) }
                )
            }
            guard let cents = Int64(text) else {
                throw ImportLineRefusal(code: "not_cents", detail: "\"\(text)\" is not a whole number")
            }
            let draft = TransactionDraft(date: "2026-11-20", description: nil, metadata: nil, postings: [
                PostingDraft(account: "assets:bank:usd", asset: "USD", amount: cents),
                PostingDraft(account: "income:contributions", asset: "USD", amount: -cents),
            ])
            return ImportLine(draft: draft, idempotency: idempotency)
        }
    }

    static func ledger() async throws -> TestLedger {
        let ledger = try await TestLedger()
        try await ledger.seed(
            assets: [("USD", 2)],
            accounts: [("assets:bank:usd", "asset", "no_negative"), ("income:contributions", "income", nil)]
        )
        return ledger
    }

    static func importer(_ ledger: TestLedger, batchSize: Int = 2) throws -> TransactionImport<SQLiteLedgerStore> {
        TransactionImport(
            store: try ledger.sqliteStore(), principal: Principal(keyID: nil, name: "import", role: nil), batchSize: batchSize,
            reader: CentsReader()
        )
    }

    static func bank(_ ledger: TestLedger) async throws -> Int64? {
        let balances = try await ledger.store.balances(of: .code(AccountCode("assets:bank:usd")!), asOf: nil)
        return balances?.balances.first?.balance.minorUnits
    }

    @Test func refusalsAndRejectionsAreReportedByLineAndGoodLinesRecorded() async throws {
        let ledger = try await Self.ledger()
        let path = ledger.directory.path("cents.jsonl")
        try Data(["k100", "  ", "ten", "-500", "25"].joined(separator: "\n").utf8)
            .write(to: URL(fileURLWithPath: path))
        let summary = try await Self.importer(ledger).run(path: path)
        #expect(summary.lines == 4)
        #expect(summary.imported == 2)
        #expect(summary.rejectedCount == 2)
        #expect(summary.rejections.map(\.line) == [3, 4])
        #expect(summary.rejections[0].reason == #"not_cents: "ten" is not a whole number"#)
        #expect(
            summary.rejections[1].reason
                == "balance_constraint_violated: account assets:bank:usd may not go below zero in USD "
                + "on its normal side, on any date"
        )
        #expect(try await Self.bank(ledger) == 125)

        let again = try await Self.importer(ledger).run(path: path)
        #expect(again.imported == 1 && again.replayed == 1 && again.rejectedCount == 2)
        #expect(try await Self.bank(ledger) == 150)
    }

    @Test func anAtomicImportWithARefusedLineWritesNothing() async throws {
        let ledger = try await Self.ledger()
        let path = ledger.directory.path("atomic.jsonl")
        try Data("10\n20\nthirty\n".utf8).write(to: URL(fileURLWithPath: path))
        let summary = try await Self.importer(ledger).run(path: path, atomic: true)
        #expect(summary.rolledBack && summary.imported == 0 && summary.rejections.map(\.line) == [3])
        #expect(try await Self.bank(ledger) == nil)
    }

    @Test func aRefusalNamingFieldsListsEachFieldAndItsProblem() {
        let refusal = ImportLineRefusal(
            code: "invalid_request", detail: "date: is required; postings: must be an array",
            errors: [
                FieldProblem(field: "date", detail: "is required"),
                FieldProblem(field: "postings", detail: "must be an array"),
            ]
        )
        #expect(refusal.reason == "invalid_request: date is required; postings must be an array")
        #expect(ImportLineRefusal(code: "malformed_json", detail: "the body does not parse").reason
            == "malformed_json: the body does not parse")
    }
}
