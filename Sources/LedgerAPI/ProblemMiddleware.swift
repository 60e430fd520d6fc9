public import Hummingbird
import LedgerCore
import LedgerStorage
import Logging
import NIOCore

/// Turns every error that escapes a route into a problem+json response.
///
/// Rejections and problems become their 4xx answer; anything else is an infrastructure
/// failure, logged with the request id and answered with a bare 500 so no SQL, path or
/// stack trace leaves the server.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let rejection as Rejection {
            return try Problem(rejection).response(from: request, context: context)
        } catch is InvalidCursor {
            return try Problem.invalidCursor.response(from: request, context: context)
        } catch let error as LogRangeError {
            switch error {
            case .invalid(let detail):
                return try Problem(status: .unprocessableContent, code: "invalid_range", title: "The log range is invalid", detail: detail)
                    .response(from: request, context: context)
            case .beyondTree(let detail):
                return try Problem(status: .notFound, code: "beyond_log", title: "The log is not that large", detail: detail)
                    .response(from: request, context: context)
            }
        } catch is NIOTooManyBytesError {
            return try Problem.bodyTooLarge(Limits.requestBodyBytesMax).response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = RoutePolicy.methods(forPath: request.uri.path)
            guard !allowed.isEmpty else { return try Problem.routeNotFound.response(from: request, context: context) }
            // HEAD is answered by GET routes' existence only as 405 too: the API serves no HEAD.
            return try Problem(
                status: .methodNotAllowed, code: "method_not_allowed", title: "The method is not allowed here",
                detail: "\(request.uri.path) accepts \(allowed.joined(separator: ", "))",
                headers: [.allow: allowed.joined(separator: ", ")]
            ).response(from: request, context: context)
        } catch let error as HTTPError where error.status.code < 500 {
            let problem = Problem(
                status: error.status, code: "http_error", title: error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase
            )
            return try problem.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return try Problem.internalError.response(from: request, context: context)
        }
    }
}
