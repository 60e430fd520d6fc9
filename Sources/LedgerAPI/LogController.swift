import AuditLog
import Foundation
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/log`: the transparency endpoints. Anyone may read them; hashes and entry bytes
/// are standard base64, as in the checkpoints themselves, so an independent
/// implementation can check everything with SHA-256 and Ed25519 alone.
struct LogController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits
    /// The witness policy whose witnessed checkpoint receipts are proven against.
    var policy: WitnessPolicy?

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/v1/log/key", use: verifierKey)
        group.get("/v1/log/checkpoint", use: checkpoint)
        group.get("/v1/log/checkpoints", use: checkpoints)
        group.get("/v1/log/entries", use: entries)
        group.get("/v1/log/proof/inclusion", use: inclusionProof)
        group.get("/v1/log/proof/consistency", use: consistencyProof)
        group.get("/v1/transactions/{id}/proof", use: transactionProof)
    }

    /// `GET /v1/log/key`.
    @Sendable func verifierKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.text(store.logVerifierKey + "\n")
    }

    /// `GET /v1/log/checkpoint`.
    @Sendable func checkpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let checkpoint = try await store.latestCheckpoint() else {
            throw Rejection.notFound(resource: "checkpoint", reference: "(the log is empty)")
        }
        return Self.text(checkpoint.note)
    }

    /// `GET /v1/log/checkpoints`.
    @Sendable func checkpoints(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try await store.checkpoints(page: try RequestReading.page(request, limits: limits))
        return try JSONResponse.response(Representation.List(page, Representation.CheckpointBody.init))
    }

    /// `GET /v1/log/entries`.
    @Sendable func entries(_ request: Request, context: AppRequestContext) async throws -> Response {
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
        return try JSONResponse.response(Representation.EntriesBody(
            entries: result.entries.map(Representation.EntryBody.init), treeSize: result.treeSize,
            nextCursor: result.nextStart.map { PageCursor(fields: ["entry", String($0)]).encoded }
        ))
    }

    /// `GET /v1/log/proof/inclusion`.
    @Sendable func inclusionProof(_ request: Request, context: AppRequestContext) async throws -> Response {
        let index = try Self.required(request, "index")
        let treeSize = try Self.required(request, "tree_size")
        let hashes = try await store.inclusionProof(index: index, treeSize: treeSize)
        let body = Representation.InclusionBody(
            index: index, treeSize: treeSize, hashes: hashes.map(\.base64EncodedString)
        )
        return try JSONResponse.response(body)
    }

    /// `GET /v1/log/proof/consistency`.
    @Sendable func consistencyProof(_ request: Request, context: AppRequestContext) async throws -> Response {
        let first = try Self.required(request, "first")
        let second = try Self.required(request, "second")
        let hashes = try await store.consistencyProof(first: first, second: second)
        let body = Representation.ConsistencyBody(
            first: first, second: second, hashes: hashes.map(\.base64EncodedString)
        )
        return try JSONResponse.response(body)
    }

    /// `GET /v1/transactions/{id}/proof`.
    @Sendable func transactionProof(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = TransactionID(text), let proof = try await store.transactionProof(id) else {
            throw Rejection.notFound(resource: "transaction", reference: text)
        }
        switch request.uri.queryParameters.get("format") {
        case nil, "json": break
        case "tlog-proof": return try await receipt(id, entry: proof.entry)
        default: throw Problem.invalidParameter("format", "must be json or tlog-proof")
        }
        return try JSONResponse.response(Representation.TransactionProofBody(
            transactionID: id.rawValue, entry: Representation.EntryBody(proof.entry),
            leafHash: MerkleHash.leafHash(proof.entry.data).base64EncodedString,
            proof: Representation.InclusionBody(
                index: proof.entry.index, treeSize: proof.treeSize, hashes: proof.hashes.map(\.base64EncodedString)
            ),
            checkpoint: proof.checkpoint.note
        ))
    }

    /// A C2SP tlog-proof receipt of the transaction's entry: the entry's bytes as the
    /// extra data, its inclusion proof against the served checkpoint (with a policy, the
    /// witnessed one, cosignatures included), checkable offline by `verify-receipt`.
    func receipt(_ id: TransactionID, entry: StoredLogEntry) async throws -> Response {
        guard let note = try await ServedCheckpoint(store: store, policy: policy).note(),
              let signed = try? SignedNote(parsing: note), let checkpoint = try? Checkpoint(parsing: signed.text)
        else { throw Rejection.notFound(resource: "witnessed checkpoint", reference: "(none yet)") }
        guard entry.index < checkpoint.treeSize else {
            throw Rejection.notFound(
                resource: "witnessed checkpoint", reference: "holding \(id) (not yet witnessed: try again shortly)"
            )
        }
        let hashes = try await store.inclusionProof(index: entry.index, treeSize: checkpoint.treeSize)
        return Self.text(LogProof(extra: entry.data, index: entry.index, hashes: hashes, checkpoint: signed).text)
    }

    static func text(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
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
