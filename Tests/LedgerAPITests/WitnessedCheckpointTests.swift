// Goal: with a witness policy, GET /tlog/checkpoint serves the newest checkpoint whose
// recorded cosignatures meet the quorum — and only cosignatures that verify under each
// witness's key count: a line by another key under a witness's name, or one witness's
// line alone against an "all" quorum, serves nothing; the latest unwitnessed checkpoint
// stays at /v1/log/checkpoint. A policy that does not name the log's key is refused at
// start.
import AuditLog
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct WitnessedCheckpointTests {
    static let witnesses = (1...3).map { number in
        WitnessRoutesTests.made { try Cosigner(name: NoteKeyName("w\(number).test"), seed: Array(repeating: UInt8(40 + number), count: 32)) }
    }

    static let policyText = """
        log \(LogSigner.test.verifierKey)
        witness W1 \(witnesses[0].verifier.verifierKey) http://127.0.0.1:1
        witness W2 \(witnesses[1].verifier.verifierKey)
        group both all W1 W2
        quorum both
        """

    /// Records `witness`'s cosignature of `checkpoint` (or, with `by`, a line made with
    /// another key under the witness's name).
    static func cosign(_ ledger: TestLedger, _ checkpoint: StoredCheckpoint, _ witness: Int, by: Int? = nil) async throws {
        let text = try SignedNote(parsing: checkpoint.note).text
        let line = try witnesses[by ?? witness].cosign(text: text, timestamp: 1_764_892_800)
        let named = try NoteSignature(name: witnesses[witness].name, keyID: witnesses[witness].keyID, signatureBytes: line.signatureBytes)
        try await ledger.store.recordCosignature(
            treeSize: checkpoint.treeSize, witness: witnesses[witness].verifier.verifierKey, line: named.line
        )
    }

    static func served(_ client: some TestClientProtocol) async throws -> (HTTPResponse.Status, String) {
        let response = try await client.execute(uri: "/tlog/checkpoint", method: .get)
        return (response.status, String(buffer: response.body))
    }

    @Test func theNewestCheckpointTheQuorumCosignedIsServed() async throws {
        let ledger = try await TestLedger(backend: .sqlite)
        try await ledger.seed(assets: [("USD", 2)], accounts: [])
        let older = try #require(try await ledger.store.latestCheckpoint())
        try await ledger.seed(assets: [("EUR", 2)], accounts: [])
        let latest = try #require(try await ledger.store.latestCheckpoint())
        let policy = try WitnessPolicy(parsing: Self.policyText)
        let router = buildRouter(store: try ledger.sqliteStore(), witnessPolicy: policy)
        try await Application(router: router).test(.router) { client in
            #expect(try await Self.served(client).0 == .notFound)
            try await Self.cosign(ledger, latest, 0)
            try await Self.cosign(ledger, latest, 1, by: 2)  // W2's name, another key
            #expect(try await Self.served(client).0 == .notFound)
            try await Self.cosign(ledger, older, 0)
            try await Self.cosign(ledger, older, 1)
            let (status, text) = try await Self.served(client)
            #expect(status == .ok)
            let note = try SignedNote(parsing: text)
            #expect(note.text == (try SignedNote(parsing: older.note)).text)
            #expect(note.signatures.count == 3)  // the log's and both witnesses'
            #expect(policy.verify(note) == ["W1", "W2"])
            let unwitnessed = try await client.execute(uri: "/v1/log/checkpoint", method: .get)
            #expect(String(buffer: unwitnessed.body) == latest.note)
        }
    }

    @Test func aTransactionsReceiptHoldsOfflineAgainstTheWitnessedCheckpoint() async throws {
        let ledger = try await TestLedger(backend: .sqlite)
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank", "asset", nil), ("income:gifts", "income", nil)])
        func gift() async throws -> TransactionID {
            let draft = TransactionDraft(date: "2026-11-20", postings: [
                PostingDraft(account: "assets:bank", asset: "USD", amount: 100),
                PostingDraft(account: "income:gifts", asset: "USD", amount: -100),
            ])
            guard case .applied(let recorded) = try await ledger.store.recordTransaction(draft, by: .system, idempotency: nil)
            else { throw CancellationError() }
            return recorded.id
        }
        let witnessedID = try await gift()
        let witnessed = try #require(try await ledger.store.latestCheckpoint())
        try await Self.cosign(ledger, witnessed, 0)
        try await Self.cosign(ledger, witnessed, 1)
        let laterID = try await gift()
        let policy = try WitnessPolicy(parsing: Self.policyText)
        let router = buildRouter(store: try ledger.sqliteStore(), witnessPolicy: policy)
        try await Application(router: router).test(.router) { client in
            let reply = try await client.execute(uri: "/v1/transactions/\(witnessedID)/proof?format=tlog-proof", method: .get)
            #expect(reply.status == .ok)
            let receipt = try #require(LogProof(parsing: String(buffer: reply.body)))
            let (checkpoint, witnesses) = try receipt.verify(policy: policy)
            #expect(checkpoint.treeSize == witnessed.treeSize && witnesses == ["W1", "W2"])
            #expect(String(decoding: receipt.extra ?? [], as: UTF8.self).contains(witnessedID.rawValue))
            let notYet = try await client.execute(uri: "/v1/transactions/\(laterID)/proof?format=tlog-proof", method: .get)
            #expect(notYet.status == .notFound)
            let unknown = try await client.execute(uri: "/v1/transactions/\(witnessedID)/proof?format=xml", method: .get)
            #expect(unknown.status == .badRequest)
        }
    }

    @Test func aPolicyThatDoesNotNameThisLogIsRefusedAtStart() async throws {
        let server = try TestServer()
        let file = server.directory.path("policy.txt")
        let stranger = try LogSigner.generate(origin: "elsewhere.example/log")
        try Data("log \(stranger.verifierKey)\nquorum none\n".utf8).write(to: URL(fileURLWithPath: file))
        var configuration = try await server.servedConfiguration()
        configuration.witnessPolicyPath = file
        await #expect(throws: ServerConfiguration.Invalid.self) {
            _ = try await buildApplication(
                configuration: configuration, clock: server.clock, identifiers: SeededIdentifiers(seed: 8),
                logger: StartupKeyTests.quiet, onFirstAdminToken: { _, _ in }
            )
        }
    }
}
