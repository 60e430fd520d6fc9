import ArgumentParser
import AuditLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerStorage

/// A running server's public transparency endpoints, as `verify --url` and
/// `verify-report --url` read them: plain GETs, no key.
struct ServerLog {
    let base: String

    /// The body of `GET base+path`; anything but 200 is an `AuditFailure`.
    func get(_ path: String) async throws -> Data {
        guard let url = URL(string: base + path) else { throw ValidationError("bad URL \(base)\(path)") }
        let (data, response) = try await URLSession.shared.data(from: url)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            throw AuditFailure(index: nil, detail: "GET \(path) answered \(status)")
        }
        return data
    }

    /// The log's verifier key as the server states it.
    func verifierKey() async throws -> String {
        String(decoding: try await get("/v1/log/key"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The RFC 9162 consistency proof between two tree sizes, as the server computes it.
    func consistencyProof(first: Int64, second: Int64) async throws -> [Hash] {
        struct Proof: Decodable { let hashes: [String] }
        let data = try await get("/v1/log/proof/consistency?first=\(first)&second=\(second)")
        return try JSONDecoder().decode(Proof.self, from: data).hashes.map { try Hash(base64: $0) }
    }

    /// Whether the server's log, as it stood at `checkpoint`, is a prefix of the one the
    /// policy's quorum witnessed (`/tlog/checkpoint`); returns the witnesses and the
    /// witnessed size. A reader holding a checkpoint (a report's, a saved one) thereby
    /// knows it was shown the history the witnesses saw, not a fork.
    func witnessedExtension(
        of checkpoint: Checkpoint, policy: WitnessPolicy
    ) async throws -> (witnesses: Set<String>, treeSize: Int64) {
        let note = String(decoding: try await get("/tlog/checkpoint"), as: UTF8.self)
        guard let signed = try? SignedNote(parsing: note), let witnesses = policy.verify(signed),
              let witnessed = try? Checkpoint(parsing: signed.text)
        else {
            throw AuditFailure(index: nil, detail: "the server's checkpoint is not cosigned by the policy's quorum")
        }
        guard checkpoint.treeSize <= witnessed.treeSize else {
            throw AuditFailure(index: nil, detail: """
                the checkpoint of size \(checkpoint.treeSize) is newer than the witnessed one \
                (\(witnessed.treeSize)); try again once the witnesses have seen it
                """)
        }
        let proof = checkpoint.treeSize == witnessed.treeSize ? []
            : try await consistencyProof(first: checkpoint.treeSize, second: witnessed.treeSize)
        guard MerkleVerifier.verifyConsistency(
            first: checkpoint.treeSize, second: witnessed.treeSize, firstRoot: checkpoint.rootHash,
            secondRoot: witnessed.rootHash, proof: proof
        ) else {
            throw AuditFailure(index: nil, detail: "the checkpoint is not consistent with the witnessed log: a fork")
        }
        return (witnesses, witnessed.treeSize)
    }

    /// Entries from `start` (at most 1,000) below `end`, with their exact bytes.
    func entries(start: Int64, end: Int64) async throws -> [StoredLogEntry] {
        struct Entries: Decodable {
            struct Entry: Decodable { let index: Int64; let data: String }
            let entries: [Entry]
        }
        let data = try await get("/v1/log/entries?start=\(start)&end=\(end)&limit=1000")
        return try JSONDecoder().decode(Entries.self, from: data).entries.map { entry in
            guard let bytes = Data(base64Encoded: entry.data) else {
                throw AuditFailure(index: entry.index, detail: "entry data is not base64")
            }
            return StoredLogEntry(index: entry.index, data: [UInt8](bytes))
        }
    }
}
