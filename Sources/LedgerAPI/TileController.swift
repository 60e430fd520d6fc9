import AuditLog
import Hummingbird
import LedgerCore
import LedgerStorage

/// `/tlog`: the log as C2SP tlog-tiles — its latest checkpoint and immutable tiles of
/// hashes and entry bundles — so that anyone can copy it with plain GETs and recompute
/// any proof from the copy. Anyone may read them.
struct TileController<Store: LedgerStore> {
    let store: Store
    /// With a policy, the checkpoint served is the newest whose cosignatures meet its quorum.
    var policy: WitnessPolicy?

    /// Where the tiles live; the checkpoint's origin should name this prefix's URL.
    static var prefix: String { "/tlog" }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("\(Self.prefix)/checkpoint", use: checkpoint)
        group.get("\(Self.prefix)/tile/**", use: tile)
    }

    /// `GET /tlog/checkpoint`: the latest checkpoint — with a witness policy, the newest
    /// one its quorum cosigned, with the cosignatures; caches revalidate it every time.
    @Sendable func checkpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let note = try await servedNote() else {
            let reason = policy == nil ? "(the log is empty)" : "(none has met the witness quorum yet)"
            throw Rejection.notFound(resource: "checkpoint", reference: reason)
        }
        var response = LogController<Store>.text(note)
        response.headers[.cacheControl] = "no-cache"
        return response
    }

    /// The note `/tlog/checkpoint` serves: the latest checkpoint without a policy; with
    /// one, the newest of the last 64 cosigned checkpoints whose cosignatures (each checked
    /// against its witness's key, whatever the table holds) meet the quorum.
    func servedNote() async throws -> String? {
        guard let policy else { return try await store.latestCheckpoint()?.note }
        for cosigned in try await store.cosignedCheckpoints(limit: 64) {
            guard let note = try? SignedNote(parsing: cosigned.checkpoint.note + cosigned.lines.joined()),
                  let witnesses = policy.verify(note)
            else { continue }
            let kept = note.signatures.filter { signature in
                policy.logs.contains { $0.verifier.name == signature.name && $0.verifier.keyID == signature.keyID }
                    || policy.witnesses.contains { witnesses.contains($0.name) && $0.verifier.keyID == signature.keyID }
            }
            return (try? SignedNote(text: note.text, signatures: kept))?.message
        }
        return nil
    }

    /// `GET /tlog/tile/<L>/<N>[.p/<W>]` and `GET /tlog/tile/entries/<N>[.p/<W>]`: a tile
    /// the log holds in full; 404 for any other path, and for a tile past the log's end.
    @Sendable func tile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let path = "tile/" + context.parameters.getCatchAll().joined(separator: "/")
        guard let tile = LogTile(path: path), let bytes = try await store.tile(tile) else {
            throw Rejection.notFound(resource: "tile", reference: String(path.prefix(200)))
        }
        // A tile's bytes never change: a partial tile of width W is the first W hashes of
        // the full one, fixed once the log holds them.
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
