public import Hummingbird
import Logging
import WireContract

/// Turns every error that escapes a route into a problem+json response.
///
/// Rejections and problems become their 4xx answer (`Problem.mapping`, the one mapping);
/// anything else is an infrastructure failure, logged with the request id and answered
/// with a bare 500 so no SQL, path or stack trace leaves the server.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let problem = Problem.mapping(error, path: request.uri.path) {
                return try problem.response(from: request, context: context)
            }
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return try Problem.internalError.response(from: request, context: context)
        }
    }
}
