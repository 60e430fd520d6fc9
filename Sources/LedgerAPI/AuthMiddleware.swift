import Foundation
import Hummingbird
import LedgerCore
import LedgerStorage
import Logging
import WireContract

/// Authenticates the bearer token (if any) and enforces `RoutePolicy` before the route
/// runs: 401 without a valid key where one is needed, 403 when the key's role may not.
///
/// A token that is presented is always checked, even on public routes, so a client with a
/// revoked or mistyped key learns it at once. A token that fails counts against the
/// address's public rate limit (429 once it is spent): an invalid token is no way around
/// that limit, and guessing tokens is as slow as it.
struct AuthMiddleware<Store: LedgerStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: Store
    let rateLimits: RateLimits
    /// The configured tiles prefix, read as `/tlog` in `RoutePolicy`.
    var tilesPrefix = TileController<Store>.defaultPrefix

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        // Unknown routes fall through to the 404.
        guard let path = context.endpointPath else { return try await next(request, context) }
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw Problem.unauthenticated("use Authorization: Bearer <token>")
            }
            let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
            guard let key = try await store.authenticate(token: token) else {
                if let refusal = await rateLimits.refusal(address: context.clientAddress) { throw refusal }
                throw Problem.unauthenticated("the API key is unknown, revoked or expired")
            }
            context.principal = key.principal
            context.logger[metadataKey: "principal"] = "\(key.id)"
        }
        let access = RoutePolicy.access(
            method: request.method.rawValue, path: RoutePolicy.canonical(path, tilesPrefix: tilesPrefix))
        guard access.allows(context.principal) else {
            if context.principal == nil {
                throw Problem.unauthenticated("this route needs an API key")
            }
            let role = context.principal?.role?.rawValue ?? "none"
            throw Problem.forbidden("role \(role) may not \(request.method.rawValue) \(path)")
        }
        return try await next(request, context)
    }
}
