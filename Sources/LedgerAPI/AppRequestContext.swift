public import Hummingbird
public import LedgerCore

/// The request context of every route: Hummingbird's core context plus the principal
/// the bearer token authenticated (`nil` for the public).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` before any route handler runs.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// The authenticated principal; routes behind a role policy always have one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated("this route needs an API key") }
        return principal
    }
}
