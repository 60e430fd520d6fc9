// Goal: the typed events change nothing in the log's bytes. Every entry of two databases
// written by release ca54c5a (checked in under Tests/Fixtures, never regenerated) is read
// through the one decoder (`LogEntry`, and `FundEvent` for a fund step's details) and
// written again through the one encoder; the bytes must be exactly the stored ones, which
// are what the Merkle tree hashed and the checkpoints signed. The generated database holds
// every kind that release wrote, and `verify` must still pass on it.
import AuditLog
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

// The fixtures are SQLite files (SQLite pass only; the bytes checked are engine-free).
@Suite(.enabled(if: TestBackend.isSQLite)) struct LogBytesCompatibilityTests {
    /// Kinds the release of the fixture could not write: their bytes are checked by
    /// their own tests (a key hand-over: `LogKeyRotationTests`).
    static let kindsAddedSinceTheFixture: Set<LogEntryKind> = [.logKeyRotated, .periodClosed, .disbursementHoldExpired]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/release-ca54c5a")

    /// Entries per fixture, from its README: a lost or added entry fails too.
    @Test(arguments: [("demo-fund.sqlite", 96), ("generated-seed-20261204.sqlite", 308)])
    func everyEntryOfAnEarlierReleaseIsReEncodedByteForByte(file: String, count: Int) throws {
        let (directory, path) = try Self.copy(file)
        defer { _ = directory }
        let stored = try Self.storedEntries(path)
        #expect(stored.count == count)
        var kinds: Set<LogEntryKind> = []
        for (index, bytes) in stored.enumerated() {
            let entry = try LogEntry(json: try JSONParser.parse(bytes))
            #expect(entry.index == Int64(index))
            kinds.insert(entry.event.kind)
            let reEncoded = try Self.reEncoded(entry)
            guard reEncoded == bytes else {
                Issue.record("\(file) entry \(index) (\(entry.event.kind)) re-encodes to other bytes")
                continue
            }
        }
        if file.hasPrefix("generated") {
            // Every kind that release could write (all of today's but those added since)
            // is in this one.
            let then = Set(LogEntryKind.allCases).subtracting(Self.kindsAddedSinceTheFixture)
            #expect(kinds == then, "missing: \(then.subtracting(kinds))")
        }
    }

    @Test func verifyStillPassesOnTheEarlierReleasesDatabase() throws {
        let (directory, path) = try Self.copy("generated-seed-20261204.sqlite")
        defer { _ = directory }
        let report = try LedgerVerifier(path: path, verifierKeys: [LogSigner.test.verifierKey]).verify()
        #expect(report.entries == 308)
    }

    /// A damaged detail is refused by the decoder, not re-encoded into something else:
    /// the test above could not pass by a decoder that drops what it does not know.
    @Test func aDroppedDetailMemberIsRefused() throws {
        let (directory, path) = try Self.copy("generated-seed-20261204.sqlite")
        defer { _ = directory }
        for bytes in try Self.storedEntries(path) {
            let entry = try LogEntry(json: try JSONParser.parse(bytes))
            guard case .fundAction(let action) = entry.event, case .object(var members) = action.details else {
                continue
            }
            members.removeValue(forKey: members.keys.sorted().first { $0 != "id" } ?? "id")
            let damaged = FundAction(
                kind: action.kind, subject: action.subject, details: .object(members),
                accountsOpened: action.accountsOpened, transaction: action.transaction
            )
            #expect(throws: LogEntryError.self, "\(action.kind) without a member") { try FundEvent(damaged) }
        }
    }

    /// The entry written again: a fund step's details through `FundEvent`, the rest
    /// through `LedgerEvent` and `LogEntry`.
    static func reEncoded(_ entry: LogEntry) throws -> [UInt8] {
        var event = entry.event
        if case .fundAction(let action) = event {
            let typed = try FundEvent(action)
            event = .fundAction(typed.action(accountsOpened: action.accountsOpened, transaction: action.transaction))
        }
        return LogEntry(
            index: entry.index, recordedAt: entry.recordedAt, event: event, previousHash: entry.previousHash,
            balances: entry.balances, principal: entry.principal
        ).canonicalBytes
    }

    /// A copy of a fixture in a temporary directory (the checked-in file is never opened).
    static func copy(_ file: String) throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let path = directory.path(file)
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent(file).path, toPath: path)
        return (directory, path)
    }

    /// The stored bytes of every entry, in index order, read with the sqlite3 shell.
    static func storedEntries(_ path: String) throws -> [[UInt8]] {
        let output = try DatabaseShell.execute(path: path, sql: "SELECT hex(data) FROM log_entries ORDER BY idx;")
        return try output.split(separator: "\n").map { line in
            try #require(HexEncoding.decode(line))
        }
    }
}
