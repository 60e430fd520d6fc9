public import Hummingbird
import LedgerCore
import NIOCore
public import WireContract

/// A problem is the response it describes: `application/problem+json`, its status and
/// headers, the request's path as `instance`.
extension Problem: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: json(instance: request.uri.path).canonicalBytes))
        )
    }
}

extension Problem {
    /// Any other 4xx the framework raises.
    static func httpError(_ error: HTTPError) -> Problem {
        Problem(
            status: error.status, code: "http_error", title: error.status.reasonPhrase,
            detail: error.body ?? error.status.reasonPhrase
        )
    }
}
