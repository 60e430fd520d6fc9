public import Hummingbird
public import LedgerApplication
public import LedgerCore
public import NIOCore
import WireContract

/// The request context of every route: Hummingbird's core context plus the principal
/// the bearer token authenticated (`nil` for the public).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` before any route handler runs.
    public var principal: Principal?
    /// The TCP peer of the connection (a proxy's, behind one); `nil` in router tests.
    public let remoteAddress: SocketAddress?
    /// The connection, for closing it after an answer given before the body was read
    /// (`EarlyCloseMiddleware`).
    let channel: (any Channel)?
    /// The client's address as `ClientAddressResolver` decided it, set before
    /// authentication: the public's rate-limit bucket.
    public var clientAddress: IPAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
        clientAddress = nil
    }

    /// The authenticated principal; routes behind a role policy always have one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated("this route needs an API key") }
        return principal
    }
}
