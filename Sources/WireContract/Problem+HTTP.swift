import HTTPTypes
public import LedgerCore
import LedgerStorage

/// The problems the HTTP layer raises itself (and `http_error`, the framework's own 4xx, in
/// LedgerAPI's `Problem+Response.swift`): the one table of every problem code that is
/// not a business rejection (those are `Rejection.text` in LedgerCore). Each code is listed
/// in the OpenAPI document's `Problem` schema and never renamed.
extension Problem {
    // MARK: The request's body, parameters and headers

    public static func malformedJSON(_ detail: String) -> Problem {
        Problem(status: .badRequest, code: "malformed_json", title: "The body is not valid JSON", detail: detail)
    }

    public static func invalidRequest(_ errors: [FieldProblem]) -> Problem {
        Problem(
            status: .badRequest, code: "invalid_request", title: "The request has missing, unknown or mistyped fields",
            detail: errors.map { "\($0.field): \($0.detail)" }.joined(separator: "; "), errors: errors
        )
    }

    public static func invalidParameter(_ name: String, _ detail: String) -> Problem {
        Problem(
            status: .badRequest, code: "invalid_parameter", title: "A path or query parameter is invalid",
            detail: "\(name): \(detail)", errors: [FieldProblem(field: name, detail: detail)]
        )
    }

    /// A malformed `Idempotency-Key` header, or one sent where a write cannot be replayed.
    public static func invalidIdempotencyKey(title: String, detail: String) -> Problem {
        Problem(status: .badRequest, code: "invalid_idempotency_key", title: title, detail: detail)
    }

    /// A cursor that is well-formed text but not one this list issued: 422, like any
    /// request that passes the document's schema but breaks a rule.
    public static let invalidCursor = Problem(
        status: .unprocessableContent, code: "invalid_cursor", title: "The cursor does not belong to this list",
        detail: "cursor: is not a cursor this list issued; start again without one",
        errors: [FieldProblem(field: "cursor", detail: "is not a cursor this list issued")]
    )

    public static let unsupportedMediaType = Problem(
        status: .unsupportedMediaType, code: "unsupported_media_type", title: "The body must be JSON",
        detail: "send the body with Content-Type: application/json"
    )

    public static func bodyTooLarge(_ limit: Int) -> Problem {
        Problem(
            status: .contentTooLarge, code: "body_too_large", title: "The request body is too large",
            detail: "request bodies are limited to \(limit) bytes"
        )
    }

    // MARK: Who may call

    public static func unauthenticated(_ detail: String) -> Problem {
        Problem(
            status: .unauthorized, code: "unauthenticated", title: "A valid API key is required", detail: detail,
            headers: [.wwwAuthenticate: #"Bearer realm="commons-ledger""#]
        )
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, code: "forbidden", title: "The key's role may not do this", detail: detail)
    }

    /// Too many requests for a key (`title` says which) or an address; retry after `wait` s.
    public static func rateLimited(title: String, detail: String, waitSeconds wait: Int) -> Problem {
        Problem(
            status: .tooManyRequests, code: "rate_limited", title: title, detail: detail,
            headers: [.retryAfter: String(wait)]
        )
    }

    // MARK: Routes and the router

    public static let routeNotFound = Problem(
        status: .notFound, code: "not_found", title: "The resource does not exist", detail: "no such route"
    )

    /// A path that exists, called with a method it does not accept.
    public static func methodNotAllowed(path: String, allowed: [String]) -> Problem {
        Problem(
            status: .methodNotAllowed, code: "method_not_allowed", title: "The method is not allowed here",
            detail: "\(path) accepts \(allowed.joined(separator: ", "))",
            headers: [.allow: allowed.joined(separator: ", ")]
        )
    }

    // MARK: The log and the reports

    public static func invalidRange(_ detail: String) -> Problem {
        Problem(status: .unprocessableContent, code: "invalid_range", title: "The log range is invalid", detail: detail)
    }

    public static func beyondLog(_ detail: String) -> Problem {
        Problem(status: .notFound, code: "beyond_log", title: "The log is not that large", detail: detail)
    }

    public static func reportNotFound(_ detail: String) -> Problem {
        Problem(status: .notFound, code: "report_not_found", title: "There is no such report", detail: detail)
    }

    public static func unknownReference(_ detail: String) -> Problem {
        Problem(
            status: .unprocessableContent, code: "unknown_reference",
            title: "The request names something that does not exist", detail: detail
        )
    }

    public static func amountOverflow(_ detail: String) -> Problem {
        Problem(
            status: .unprocessableContent, code: "amount_overflow", title: "A total does not fit 64 bits",
            detail: detail
        )
    }

    public static func reportBusy(retryAfterSeconds wait: Int) -> Problem {
        Problem(
            status: .serviceUnavailable, code: "report_busy", title: "The server is preparing another report",
            detail: "the server is replaying the log for other reports; retry in \(wait) s",
            headers: [.retryAfter: String(wait)]
        )
    }

    /// The request was still at work (inside the database, or waiting for it) when its
    /// deadline passed, and was stopped.
    public static func requestTimeout(seconds: Int) -> Problem {
        Problem(
            status: .serviceUnavailable, code: "request_timeout", title: "The request took too long",
            detail: "the request was stopped after \(seconds) s; a write that was stopped wrote nothing, "
                + "but retry any write with the same Idempotency-Key, which replays one that was applied",
            headers: [.retryAfter: "1"]
        )
    }

    // MARK: The server

    public static let internalError = Problem(
        status: .internalServerError, code: "internal_error", title: "The server failed",
        detail: "the request was not applied; it is safe to retry with the same Idempotency-Key"
    )

    public static let unavailable = Problem(
        status: .serviceUnavailable, code: "unavailable", title: "The service is not ready",
        detail: "the database is not reachable; retry later"
    )
}
