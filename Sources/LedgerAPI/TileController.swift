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

    /// Where the tiles live (`tiles_prefix`); the checkpoint's origin should name this
    /// prefix's URL. `RoutePolicy` and the OpenAPI document know them as `/tlog`.
    var prefix = Self.defaultPrefix

    static var defaultPrefix: String { "/tlog" }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("\(prefix)/checkpoint", use: checkpoint)
        group.get("\(prefix)/tile/**", use: tile)
    }

    /// `GET /tlog/checkpoint`: the latest checkpoint — with a witness policy, the newest
    /// one its quorum cosigned, with the cosignatures; caches revalidate it every time.
    @Sendable func checkpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let note = try await ServedCheckpoint(store: store, policy: policy).note() else {
            let reason = policy == nil ? "(the log is empty)" : "(none has met the witness quorum yet)"
            throw Rejection.notFound(resource: "checkpoint", reference: reason)
        }
        var response = LogController<Store>.text(note)
        response.headers[.cacheControl] = "no-cache"
        return response
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
