import Hummingbird
import NIOCore

/// Closes the connection after an answer given before the request's body was read: a
/// 401 or 403 (authentication and roles are decided on the headers), a 413 (the body is
/// larger than allowed), a 429, a 404, 405 or 415 (no route or content type for it), a 503.
///
/// Why: otherwise the server keeps the connection and reads the rest of the body to find
/// the next request, so a sender of a gigabyte to a route it may not use is read to the
/// end (or left blocked until the idle timeout). Closing the input ends the connection as
/// soon as the answer is written. Answers after the body was read (400, 409, 422) keep the
/// connection open for the client's next request.
struct EarlyCloseMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// 401, 403, 404, 405, 413, 415, 429 and 503.
    static let answeredBeforeTheBody: Set<Int> = [401, 403, 404, 405, 413, 415, 429, 503]

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if Self.answeredBeforeTheBody.contains(response.status.code), Self.hasBody(request) {
            // Said to the client too: a client that sent its next request on this
            // connection would see it cut off half-read (a bare 400) instead.
            response.headers[.connection] = "close"
            context.channel?.close(mode: .input, promise: nil)
        }
        return response
    }

    /// Whether the request announces a body (a length above zero, or chunks).
    static func hasBody(_ request: Request) -> Bool {
        if request.headers[.transferEncoding] != nil { return true }
        guard let length = request.headers[.contentLength].flatMap({ Int($0) }) else { return false }
        return length > 0
    }
}
