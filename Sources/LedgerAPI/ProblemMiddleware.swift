public import Hummingbird
import Logging
import WireContract

/// Turns every error that escapes a route into a problem+json response.
///
/// Rejections and problems become their 4xx answer (`Problem.mapping`, the one mapping);
/// anything else is an infrastructure failure, logged with the request id and answered
/// with a bare 500 so no SQL, path or stack trace leaves the server.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The configured tiles prefix, so that a wrong method on a tile is a 405 there too.
    let tilesPrefix: String

    public init(tilesPrefix: String = "/tlog") {
        self.tilesPrefix = tilesPrefix
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let path = RoutePolicy.canonical(request.uri.path, tilesPrefix: tilesPrefix)
            if let problem = Problem.mapping(error, path: path) {
                return try problem.response(from: request, context: context)
            }
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return try Problem.internalError.response(from: request, context: context)
        }
    }
}
