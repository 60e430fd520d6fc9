public import HTTPTypes
public import LedgerCore

/// An RFC 9457 problem: every error response of the API is one of these, sent as
/// `application/problem+json`.
///
/// `code` is stable and listed in the OpenAPI document; `type` is the URN built from it.
/// Nothing here ever carries SQL, a file path or a stack trace. The problems the HTTP layer
/// raises itself are listed in `Problem+HTTP.swift`; every error reaches its problem through
/// `Problem.mapping` (LedgerAPI's `ProblemMapping.swift`), and LedgerAPI sends it
/// (`Problem+Response.swift`); this module knows HTTP statuses but not the server.
public struct Problem: Error, Equatable, Sendable {
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

    /// The problem+json body, for `instance` (the request path).
    public func json(instance: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(type),
            "title": .string(title),
            "status": .integer(Int64(status.code)),
            "detail": .string(detail),
            "code": .string(code),
            "instance": .string(instance),
        ]
        if !errors.isEmpty {
            object["errors"] = .array(errors.map { problem in
                .object(["field": .string(problem.field), "detail": .string(problem.detail)])
            })
        }
        return .object(object)
    }
}
