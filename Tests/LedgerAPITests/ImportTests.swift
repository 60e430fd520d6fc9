// Goal: `commons-ledger import` reads a JSON Lines file as the batch API reads its items:
// a bad line (broken JSON, unknown field, unbalanced, overdraft, too long) is rejected
// alone with its line number while the good lines are recorded; lines with idempotency
// keys are not recorded twice on a second run; `atomic` writes all or nothing; and the
// audit log still verifies afterwards.
import Foundation
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing
import WireContract

@Suite struct ImportTests {
    static func line(_ amount: Int, key: String? = nil, date: String = "2026-11-20") -> String {
        let keyField = key.map { #""idempotency_key":"\#($0)","# } ?? ""
        return #"{\#(keyField)"date":"\#(date)","postings":[{"account":"assets:bank:usd","asset":"USD","amount":\#(amount)},{"account":"income:contributions","asset":"USD","amount":\#(-amount)}]}"#
    }

    static func ledger() async throws -> TestLedger {
        let ledger = try await TestLedger(backend: .sqlite)
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", "no_negative"), ("income:contributions", "income", nil)])
        return ledger
    }

    static func write(_ lines: [String], in ledger: TestLedger) throws -> String {
        let path = ledger.directory.path("import.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func bank(_ ledger: TestLedger) async throws -> Int64? {
        try await ledger.store.balances(of: .code(AccountCode("assets:bank:usd")!), asOf: nil)?.balances.first?.balance.minorUnits
    }

    @Test func badLinesAreRejectedAloneAndGoodOnesRecorded() async throws {
        let ledger = try await Self.ledger()
        var limits = RequestLimits.standard
        limits.bodyBytesMax = 1_024
        let path = try Self.write([
            Self.line(100, key: "a"),                                  // 1
            "",                                                        // 2: blank, skipped
            #"{"date":"2026-11-20","postings":["#,                     // 3: broken JSON
            Self.line(-500),                                           // 4: overdraws the bank
            Self.line(250).replacingOccurrences(of: #""date""#, with: #""dat""#),  // 5: unknown field
            #"{"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":5},{"account":"income:contributions","asset":"USD","amount":-4}]}"#, // 6: unbalanced
            "{\"date\":\"2026-11-20\",\"description\":\"\(String(repeating: "x", count: 2_000))\",\"postings\":[]}", // 7: too long
            Self.line(50, key: "b") + "\r",                            // 8: CRLF
            Self.line(25),                                             // 9: no final newline
        ], in: ledger)
        let importer = TransactionImport(store: try ledger.sqliteStore(), limits: limits, principal: Principal(keyID: nil, name: "import", role: nil), batchSize: 2)
        var batches = 0
        let summary = try await importer.run(path: path) { _ in batches += 1 }
        #expect(summary.lines == 8)
        #expect(summary.imported == 3)
        #expect(summary.rejections.map(\.line) == [3, 4, 5, 6, 7])
        #expect(summary.rejections[0].reason.hasPrefix("malformed_json"))
        #expect(summary.rejections[1].reason.contains("assets:bank:usd"))
        #expect(summary.rejections[2].reason.contains("dat"))
        #expect(summary.rejections[4].reason.hasPrefix("line_too_long"))
        #expect(batches == 3)  // lines 1+4, then 6+8 (6 is refused by the store: unbalanced), then 9
        #expect(try await Self.bank(ledger) == 175)

        // A second run replays the keyed lines 1 and 8 and records line 9 (no key) again.
        let again = try await importer.run(path: path)
        #expect(again.imported == 1 && again.replayed == 2 && again.rejectedCount == 5)
        #expect(try await Self.bank(ledger) == 200)

        let entries = try await ledger.store.logEntries(start: 0, end: nil, limit: 100)
        #expect(entries.treeSize == 3 + 3 + 1)
        #expect(String(decoding: entries.entries.last!.data, as: UTF8.self).contains(#""name":"import""#))
        _ = try await ledger.verify()
    }

    @Test func anAtomicImportWritesAllOrNothing() async throws {
        let ledger = try await Self.ledger()
        let importer = TransactionImport(store: try ledger.sqliteStore(), principal: .system, batchSize: 2)
        let refused = try await importer.run(path: try Self.write([Self.line(100), Self.line(200), Self.line(-400), Self.line(5)], in: ledger), atomic: true)
        #expect(refused.rolledBack)
        #expect(refused.imported == 0 && refused.rejections.map(\.line) == [3])
        #expect(try await Self.bank(ledger) == nil)
        #expect(try await ledger.store.logEntries(start: 0, end: nil, limit: 100).treeSize == 3)

        let malformed = try await importer.run(path: try Self.write([Self.line(100), "[]"], in: ledger), atomic: true)
        #expect(malformed.rolledBack && malformed.rejections.map(\.line) == [2])
        #expect(try await ledger.store.logEntries(start: 0, end: nil, limit: 100).treeSize == 3)

        let applied = try await importer.run(path: try Self.write((1...5).map { Self.line($0) }, in: ledger), atomic: true)
        #expect(!applied.rolledBack && applied.imported == 5)
        #expect(try await Self.bank(ledger) == 15)
    }
}
