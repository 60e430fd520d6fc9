import Foundation
public import Hummingbird
public import LedgerCore

/// An RFC 9457 problem: every error response of the API is one of these, sent as
/// `application/problem+json`.
///
/// `code` is stable and listed in the OpenAPI document; `type` is the URN built from it.
/// Nothing here ever carries SQL, a file path or a stack trace.
public struct Problem: Error, HTTPResponseError, Equatable, Sendable {
    public let status: HTTPResponse.Status
    /// The stable snake_case identifier of the problem kind.
    public let code: String
    /// A short summary of the problem kind; the same for every occurrence.
    public let title: String
    /// What went wrong this time, in plain words.
    public let detail: String
    /// The offending fields, for validation problems.
    public let errors: [FieldProblem]
    /// Headers to add, e.g. `Allow`.
    public let headers: HTTPFields

    public init(
        status: HTTPResponse.Status, code: String, title: String, detail: String,
        errors: [FieldProblem] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    /// The problem's `type` URI.
    public var type: String { "urn:commons-ledger:problem:\(code)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: json(instance: request.uri.path).canonicalBytes))
        )
    }

    /// The problem+json body, for `instance` (the request path).
    func json(instance: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(type),
            "title": .string(title),
            "status": .integer(Int64(status.code)),
            "detail": .string(detail),
            "code": .string(code),
            "instance": .string(instance),
        ]
        if !errors.isEmpty {
            object["errors"] = .array(errors.map { .object(["field": .string($0.field), "detail": .string($0.detail)]) })
        }
        return .object(object)
    }

    // MARK: Problems raised by the HTTP layer itself

    public static func malformedJSON(_ detail: String) -> Problem {
        Problem(status: .badRequest, code: "malformed_json", title: "The body is not valid JSON", detail: detail)
    }

    static func invalidRequest(_ errors: [FieldProblem]) -> Problem {
        Problem(
            status: .badRequest, code: "invalid_request", title: "The request has missing, unknown or mistyped fields",
            detail: errors.map { "\($0.field): \($0.detail)" }.joined(separator: "; "), errors: errors
        )
    }

    static func invalidParameter(_ name: String, _ detail: String) -> Problem {
        Problem(
            status: .badRequest, code: "invalid_parameter", title: "A path or query parameter is invalid",
            detail: "\(name): \(detail)", errors: [FieldProblem(field: name, detail: detail)]
        )
    }

    static func unauthenticated(_ detail: String) -> Problem {
        Problem(
            status: .unauthorized, code: "unauthenticated", title: "A valid API key is required", detail: detail,
            headers: [.wwwAuthenticate: #"Bearer realm="commons-ledger""#]
        )
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, code: "forbidden", title: "The key's role may not do this", detail: detail)
    }

    /// A cursor that is well-formed text but not one this list issued: 422, like any
    /// request that passes the document's schema but breaks a rule.
    static let invalidCursor = Problem(
        status: .unprocessableContent, code: "invalid_cursor", title: "The cursor does not belong to this list",
        detail: "cursor: is not a cursor this list issued; start again without one", errors: [FieldProblem(field: "cursor", detail: "is not a cursor this list issued")]
    )

    static let unsupportedMediaType = Problem(
        status: .unsupportedMediaType, code: "unsupported_media_type", title: "The body must be JSON",
        detail: "send the body with Content-Type: application/json"
    )

    static func bodyTooLarge(_ limit: Int) -> Problem {
        Problem(
            status: .contentTooLarge, code: "body_too_large", title: "The request body is too large",
            detail: "request bodies are limited to \(limit) bytes"
        )
    }

    static let routeNotFound = Problem(
        status: .notFound, code: "not_found", title: "The resource does not exist", detail: "no such route"
    )

    static let internalError = Problem(
        status: .internalServerError, code: "internal_error", title: "The server failed",
        detail: "the request was not applied; it is safe to retry with the same Idempotency-Key"
    )

    static let unavailable = Problem(
        status: .serviceUnavailable, code: "unavailable", title: "The service is not ready",
        detail: "the database is not reachable; retry later"
    )

    // MARK: Business rejections

    /// The problem for a rejection: the one place rejections become HTTP (their codes and
    /// texts are `Rejection.text`, shared with the importer's report).
    public init(_ rejection: Rejection) {
        let text = rejection.text
        let status: HTTPResponse.Status = switch text.kind {
        case .unprocessable: .unprocessableContent
        case .conflict: .conflict
        case .notFound: .notFound
        }
        self.init(status: status, code: text.code, title: text.title, detail: text.detail, errors: text.errors)
    }
}
