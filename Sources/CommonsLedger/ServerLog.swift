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
