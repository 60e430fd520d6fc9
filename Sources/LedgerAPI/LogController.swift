import AuditLog
import Foundation
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage

/// `/v1/log`: the transparency endpoints. Anyone may read them; hashes and entry bytes
/// are standard base64, as in the checkpoints themselves, so an independent
/// implementation can check everything with SHA-256 and Ed25519 alone.
struct LogController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    struct EntryBody: Encodable, Sendable {
        let index: Int64
        /// Standard base64 of the exact bytes that were hashed.
        let data: String

        init(_ entry: StoredLogEntry) {
            index = entry.index
            data = Base64Text.encode(entry.data)
        }
    }

    struct EntriesBody: Encodable, Sendable {
        let entries: [EntryBody]
        let treeSize: Int64
        let nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case entries
            case treeSize = "tree_size"
            case nextCursor = "next_cursor"
        }
    }

    struct InclusionBody: Encodable, Sendable {
        let index: Int64
        let treeSize: Int64
        let hashes: [String]

        enum CodingKeys: String, CodingKey {
            case index, hashes
            case treeSize = "tree_size"
        }
    }

    struct ConsistencyBody: Encodable, Sendable {
        let first: Int64
        let second: Int64
        let hashes: [String]
    }

    struct CheckpointBody: Encodable, Sendable {
        let treeSize: Int64
        let note: String
        let createdAt: String

        init(_ checkpoint: StoredCheckpoint) {
            treeSize = checkpoint.treeSize
            note = checkpoint.note
            createdAt = checkpoint.createdAt
        }

        enum CodingKeys: String, CodingKey {
            case note
            case treeSize = "tree_size"
            case createdAt = "created_at"
        }
    }

    struct TransactionProofBody: Encodable, Sendable {
        let transactionID: String
        let entry: EntryBody
        let leafHash: String
        let proof: InclusionBody
        let checkpoint: String

        enum CodingKeys: String, CodingKey {
            case entry, proof, checkpoint
            case transactionID = "transaction_id"
            case leafHash = "leaf_hash"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/v1/log/key") { _, _ in
            Self.text(store.logVerifierKey + "\n")
        }
        group.get("/v1/log/checkpoint") { _, _ in
            guard let checkpoint = try await store.latestCheckpoint() else {
                throw Rejection.notFound(resource: "checkpoint", reference: "(the log is empty)")
            }
            return Self.text(checkpoint.note)
        }
        group.get("/v1/log/checkpoints") { request, _ in
            let page = try await store.checkpoints(page: try RequestReading.page(request, limits: limits))
            return try JSONResponse.response(Representation.List(page, CheckpointBody.init))
        }
        group.get("/v1/log/entries") { request, _ in
            let page = try RequestReading.page(request, limits: limits)
            var start = try Self.integer(request, "start") ?? 0
            if let cursor = page.cursor {
                guard cursor.fields.count == 2, cursor.fields[0] == "entry", let next = Int64(cursor.fields[1]) else {
                    throw Problem.invalidCursor
                }
                start = next
            }
            let end = try Self.integer(request, "end")
            let result = try await store.logEntries(start: start, end: end, limit: page.limit)
            return try JSONResponse.response(EntriesBody(
                entries: result.entries.map(EntryBody.init), treeSize: result.treeSize,
                nextCursor: result.nextStart.map { PageCursor(fields: ["entry", String($0)]).encoded }
            ))
        }
        group.get("/v1/log/proof/inclusion") { request, _ in
            let index = try Self.required(request, "index")
            let treeSize = try Self.required(request, "tree_size")
            let hashes = try await store.inclusionProof(index: index, treeSize: treeSize)
            return try JSONResponse.response(InclusionBody(index: index, treeSize: treeSize, hashes: hashes.map(\.base64EncodedString)))
        }
        group.get("/v1/log/proof/consistency") { request, _ in
            let first = try Self.required(request, "first")
            let second = try Self.required(request, "second")
            let hashes = try await store.consistencyProof(first: first, second: second)
            return try JSONResponse.response(ConsistencyBody(first: first, second: second, hashes: hashes.map(\.base64EncodedString)))
        }
        group.get("/v1/transactions/{id}/proof") { _, context in
            let text = try RequestReading.pathParameter(context, "id")
            guard let id = TransactionID(text), let proof = try await store.transactionProof(id) else {
                throw Rejection.notFound(resource: "transaction", reference: text)
            }
            return try JSONResponse.response(TransactionProofBody(
                transactionID: id.rawValue, entry: EntryBody(proof.entry),
                leafHash: MerkleHash.leafHash(proof.entry.data).base64EncodedString,
                proof: InclusionBody(index: proof.entry.index, treeSize: proof.treeSize, hashes: proof.hashes.map(\.base64EncodedString)),
                checkpoint: proof.checkpoint.note
            ))
        }
    }

    static func text(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func integer(_ request: Request, _ name: String) throws -> Int64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw Problem.invalidParameter(name, "must be a non-negative integer")
        }
        return value
    }

    static func required(_ request: Request, _ name: String) throws -> Int64 {
        guard let value = try integer(request, name) else { throw Problem.invalidParameter(name, "is required") }
        return value
    }
}

/// Standard base64 (RFC 4648 §4, with padding), as checkpoints use.
enum Base64Text {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
