// Goal: the transparency endpoints serve exactly what an outside auditor needs — the
// verifier key, signed checkpoints, entry bytes in base64, inclusion and consistency
// proofs and per-transaction proofs — and all of it verifies with the AuditLog
// primitives alone; bad ranges are 400/404 problems, never 500.
import AuditLog
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Testing

@Suite struct LogRoutesTests {
    @Test func anAuditorCanCheckEverythingFromTheAPI() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let gift = try await client.call(.post, "/v1/transactions", json: contribution(125_000))
            let giftID = try #require(gift["id"] as? String)

            let keyReply = try await client.call(.get, "/v1/log/key")
            #expect(keyReply.headers[.contentType] == "text/plain; charset=utf-8")
            let verifier = try NoteVerifier(verifierKey: keyReply.text.trimmingCharacters(in: .newlines))
            let note = try await client.call(.get, "/v1/log/checkpoint")
            #expect(note.status == .ok)
            let checkpoint = try Checkpoint(parsing: try SignedNote.open(note.text, verifiers: [verifier]).text)
            // The first admin key + 2 assets + 4 accounts + 1 transaction.
            #expect(checkpoint.treeSize == 8)

            let entries = try await client.call(.get, "/v1/log/entries?start=0&end=8")
            let items = try #require(entries["entries"] as? [[String: Any]])
            let data = items.compactMap { ($0["data"] as? String).flatMap { Data(base64Encoded: $0) } }
            #expect(data.count == 8)
            #expect(items.map { $0["index"] as? Int } == Array(0..<8))
            let leaves = data.map { MerkleHash.leafHash([UInt8]($0)) }
            #expect(MerkleVerifier.rootFromLeafHashes(leaves) == checkpoint.rootHash)

            let inclusion = try await client.call(.get, "/v1/log/proof/inclusion?index=3&tree_size=8", as: .anonymous)
            let inclusionHashes = try (inclusion["hashes"] as? [String] ?? []).map { try Hash(base64: $0) }
            #expect(MerkleVerifier.verifyInclusion(leafHash: leaves[3], index: 3, treeSize: 8, proof: inclusionHashes, root: checkpoint.rootHash))

            let consistency = try await client.call(.get, "/v1/log/proof/consistency?first=3&second=8", as: .anonymous)
            let consistencyHashes = try (consistency["hashes"] as? [String] ?? []).map { try Hash(base64: $0) }
            #expect(MerkleVerifier.verifyConsistency(
                first: 3, second: 8, firstRoot: MerkleVerifier.rootFromLeafHashes(leaves.prefix(3)),
                secondRoot: checkpoint.rootHash, proof: consistencyHashes
            ))

            let proof = try await client.call(.get, "/v1/transactions/\(giftID)/proof")
            #expect(proof.status == .ok)
            let entry = try #require(proof["entry"] as? [String: Any])
            let entryText = try #require(entry["data"] as? String)
            let entryData = try #require(Data(base64Encoded: entryText))
            #expect(String(decoding: entryData, as: UTF8.self).contains(giftID))
            let proofBody = try #require(proof["proof"] as? [String: Any])
            let proofNote = try #require(proof["checkpoint"] as? String)
            let proofCheckpoint = try Checkpoint(parsing: try SignedNote.open(proofNote, verifiers: [verifier]).text)
            #expect(MerkleVerifier.verifyInclusion(
                leafHash: MerkleHash.leafHash([UInt8](entryData)), index: Int64(entry["index"] as? Int ?? -1),
                treeSize: proofCheckpoint.treeSize,
                proof: try (proofBody["hashes"] as? [String] ?? []).map { try Hash(base64: $0) }, root: proofCheckpoint.rootHash
            ))
            #expect(proof["leaf_hash"] as? String == MerkleHash.leafHash([UInt8](entryData)).base64EncodedString)

            let history = try await client.call(.get, "/v1/log/checkpoints?limit=3")
            #expect((history["items"] as? [[String: Any]])?.map { $0["tree_size"] as? Int } == [1, 2, 3])
            #expect(history["next_cursor"] is String)
        }
    }

    @Test func entriesPaginate() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            var indices: [Int] = []
            var uri = "/v1/log/entries?limit=4"
            while true {
                let page = try await client.call(.get, uri)
                #expect(page.status == .ok)
                indices += (page["entries"] as? [[String: Any]] ?? []).compactMap { $0["index"] as? Int }
                guard let cursor = page["next_cursor"] as? String else { break }
                uri = "/v1/log/entries?limit=4&cursor=\(cursor)"
            }
            #expect(indices == Array(0..<7))
            let clamped = try await client.call(.get, "/v1/log/entries?start=4&end=100")
            #expect((clamped["entries"] as? [Any])?.count == 3)
        }
    }

    @Test(arguments: [
        ("/v1/log/entries?start=99", 404, "beyond_log"),
        ("/v1/log/entries?start=3&end=2", 422, "invalid_range"),
        ("/v1/log/entries?start=-1", 400, "invalid_parameter"),
        ("/v1/log/entries?start=abc", 400, "invalid_parameter"),
        ("/v1/log/proof/inclusion?index=0", 400, "invalid_parameter"),
        ("/v1/log/proof/inclusion?index=6&tree_size=6", 422, "invalid_range"),
        ("/v1/log/proof/inclusion?index=0&tree_size=8", 404, "beyond_log"),
        ("/v1/log/proof/inclusion?index=0&tree_size=9223372036854775807", 404, "beyond_log"),
        ("/v1/log/proof/consistency?first=4&second=3", 422, "invalid_range"),
        ("/v1/log/proof/consistency?first=1&second=60", 404, "beyond_log"),
        ("/v1/transactions/txn_00000000000000000000000000000000/proof", 404, "not_found"),
    ])
    func badRangesAreProblems(uri: String, status: Int, code: String) async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let reply = try await client.call(.get, uri)
            #expect(Int(reply.status.code) == status, "\(reply.text)")
            #expect(reply.code == code)
            #expect(reply.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func theLogStartsWithTheFirstAdminKeyAndNeverItsToken() async throws {
        try await TestServer().run { client in
            let entries = try await client.call(.get, "/v1/log/entries", as: .anonymous)
            let items = try #require(entries["entries"] as? [[String: Any]])
            #expect(items.count == 1)
            let data = try #require((items.first?["data"] as? String).flatMap { Data(base64Encoded: $0) })
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains(#""kind":"key.created""#))
            #expect(text.contains(#""role":"admin""#))
            let secret = try #require(client.adminToken.split(separator: ".").last)
            #expect(!text.contains(String(secret)))
            #expect(try await client.call(.get, "/v1/log/checkpoint", as: .anonymous).status == .ok)
        }
    }
}
