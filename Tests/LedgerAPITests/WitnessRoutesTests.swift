// Goal: `commons-ledger witness serve`'s HTTP interface, through its real router and a
// witness file on disk, answers a ledger's checkpoints as C2SP tlog-witness says: the
// first is cosigned from size 0, growth is cosigned with its consistency proof, a stale
// old size is 409 with the latest size as text/x.tlog.size, a bad proof 422, an unknown
// origin 404, an untrusted signature 403, a malformed body 400; the cosigned checkpoint is
// served to monitors; the state survives a restart; and of concurrent requests from one
// state exactly one is cosigned — the state never rolls back.
import AuditLog
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Testing

@Suite struct WitnessRoutesTests {
    static let cosigner = Self.made { try Cosigner(name: NoteKeyName("witness.test/w1"), seed: Array(repeating: 9, count: 32)) }
    static let quiet = Logger(label: "witness", factory: { _ in SwiftLogNoOpLogHandler() })

    static func made<Key>(_ make: () throws -> Key) -> Key {
        do { return try make() } catch { preconditionFailure("fixed test keys are valid: \(error)") }
    }

    /// The test ledger's log after `count` more transactions: its checkpoint.
    static func grow(_ ledger: TestLedger, by count: Int) async throws -> StoredCheckpoint {
        let draft = TransactionDraft(date: "2026-11-20", postings: [
            PostingDraft(account: "assets:bank:usd", asset: "USD", amount: 100),
            PostingDraft(account: "income:contributions", asset: "USD", amount: -100),
        ])
        _ = try await ledger.store.recordTransactions(Array(repeating: (draft, nil), count: count), atomic: true, by: .system)
        return try #require(try await ledger.store.latestCheckpoint())
    }

    static func body(old: Int64, proof: [Hash] = [], note: String) -> ByteBuffer {
        ByteBuffer(string: "old \(old)\n" + proof.map { $0.base64EncodedString + "\n" }.joined() + "\n" + note)
    }

    static func witness(_ path: String) throws -> some ApplicationProtocol {
        let configuration = WitnessConfiguration(
            keyPath: "", databasePath: path, logs: ["test.commons-ledger": [LogSigner.test.signer.verifier]]
        )
        return buildWitnessApplication(
            configuration: configuration, store: try WitnessStore(path: path), cosigner: cosigner, clock: FixedClock(),
            logger: quiet
        )
    }

    static func post(_ client: some TestClientProtocol, _ body: ByteBuffer) async throws -> (HTTPResponse.Status, String, String?) {
        let response = try await client.execute(uri: "/add-checkpoint", method: .post, body: body)
        return (response.status, String(buffer: response.body), response.headers[.contentType])
    }

    @Test func aLedgersCheckpointsAreWitnessedAsTheSpecificationSays() async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil), ("income:contributions", "income", nil)])
        let first = try await Self.grow(ledger, by: 3)
        let second = try await Self.grow(ledger, by: 5)
        let proof = try await ledger.store.consistencyProof(first: first.treeSize, second: second.treeSize)
        let folder = try TemporaryDirectory()
        try await Self.witness(folder.path("witness.sqlite")).test(.router) { client in
            let (status, lines, _) = try await Self.post(client, Self.body(old: 0, note: first.note))
            #expect(status == .ok)
            let cosigned = try SignedNote(parsing: first.note + lines)
            #expect(Self.cosigner.verifier.timestamp(of: try #require(cosigned.signatures.last), text: cosigned.text) != nil)

            let stale = try await Self.post(client, Self.body(old: 0, note: second.note))
            #expect(stale.0 == .conflict && stale.1 == "\(first.treeSize)\n" && stale.2 == "text/x.tlog.size")
            var bent = proof
            bent[0] = MerkleHash.sha256([1])
            #expect(try await Self.post(client, Self.body(old: first.treeSize, proof: bent, note: second.note)).0 == .unprocessableContent)
            let forged = try SignedNote.sign(text: try SignedNote(parsing: second.note).text, signers: [
                Self.made { try NoteSigner(name: NoteKeyName("test.commons-ledger"), seed: Array(repeating: 2, count: 32)) },
            ]).message
            #expect(try await Self.post(client, Self.body(old: first.treeSize, proof: proof, note: forged)).0 == .forbidden)
            let elsewhere = try SignedNote.sign(text: "other.example/log\n1\n\(MerkleHash.sha256([]).base64EncodedString)\n", signers: [LogSigner.test.signer]).message
            #expect(try await Self.post(client, Self.body(old: 0, note: elsewhere)).0 == .notFound)
            #expect(try await Self.post(client, ByteBuffer(string: "old 0\nno blank line")).0 == .badRequest)

            #expect(try await Self.post(client, Self.body(old: first.treeSize, proof: proof, note: second.note)).0 == .ok)
            let monitor = try await client.execute(uri: "/checkpoint?origin=test.commons-ledger", method: .get)
            let served = try SignedNote(parsing: String(buffer: monitor.body))
            #expect(served.text == (try SignedNote(parsing: second.note)).text && served.signatures.count == 2)
        }
        // A restart keeps the state: size 0 is now stale.
        try await Self.witness(folder.path("witness.sqlite")).test(.router) { client in
            let (status, size, _) = try await Self.post(client, Self.body(old: 0, note: first.note))
            #expect(status == .conflict && size == "\(second.treeSize)\n")
        }
    }

    @Test func ofConcurrentRequestsFromOneStateExactlyOneIsCosigned() async throws {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("assets:bank:usd", "asset", nil), ("income:contributions", "income", nil)])
        let base = try await Self.grow(ledger, by: 1)
        var grown: [(StoredCheckpoint, [Hash])] = []
        for _ in 0..<6 {
            let checkpoint = try await Self.grow(ledger, by: 1)
            grown.append((checkpoint, try await ledger.store.consistencyProof(first: base.treeSize, second: checkpoint.treeSize)))
        }
        let later = grown
        let folder = try TemporaryDirectory()
        try await Self.witness(folder.path("witness.sqlite")).test(.router) { client in
            #expect(try await Self.post(client, Self.body(old: 0, note: base.note)).0 == .ok)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (checkpoint, proof) in later {
                    group.addTask { try await Self.post(client, Self.body(old: base.treeSize, proof: proof, note: checkpoint.note)).0 }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == later.count - 1)
        }
    }
}
