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

    static func malformedJSON(_ detail: String) -> Problem {
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

    /// The problem for a rejection: the one place rejections become HTTP.
    public init(_ rejection: Rejection) {
        switch rejection {
        case .invalidFields(let problems):
            self.init(
                status: .unprocessableContent, code: "validation_failed", title: "Fields break the ledger's rules",
                detail: problems.map { "\($0.field): \($0.detail)" }.joined(separator: "; "), errors: problems
            )
        case .unbalanced(let asset, let sum):
            self.init(
                status: .unprocessableContent, code: "unbalanced", title: "The postings do not balance",
                detail: "postings in \(asset) sum to \(sum) minor units; each asset must sum to exactly zero"
            )
        case .unknownAccount(let reference):
            self.init(
                status: .unprocessableContent, code: "unknown_account", title: "A posting names an unknown account",
                detail: "no account \(reference)"
            )
        case .unknownAsset(let code):
            self.init(
                status: .unprocessableContent, code: "unknown_asset", title: "An asset is not registered",
                detail: "no asset \(code); register it with POST /v1/assets first"
            )
        case .assetNotAllowed(let account, let asset):
            self.init(
                status: .unprocessableContent, code: "asset_not_allowed", title: "The account does not accept this asset",
                detail: "account \(account) does not allow \(asset)"
            )
        case .accountClosed(let account):
            self.init(
                status: .unprocessableContent, code: "account_closed", title: "The account is closed",
                detail: "account \(account) is closed and accepts no postings"
            )
        case .balanceConstraintViolated(let account, let asset):
            self.init(
                status: .unprocessableContent, code: "balance_constraint_violated",
                title: "The transaction would break a balance constraint",
                detail: "account \(account) may not go below zero in \(asset) on its normal side, on any date"
            )
        case .amountOverflow(let account, let asset):
            self.init(
                status: .unprocessableContent, code: "amount_overflow", title: "A balance would overflow",
                detail: "the balance of \(account) in \(asset) would leave ±9007199254740991 minor units"
            )
        case .totalOverflow(let asset):
            self.init(
                status: .unprocessableContent, code: "amount_overflow", title: "A balance would overflow",
                detail: "the totals in \(asset) exceed 64 bits"
            )
        case .accountNotEmpty(let account, let asset):
            self.init(
                status: .unprocessableContent, code: "account_not_empty", title: "The account still holds a balance",
                detail: "account \(account) holds a non-zero \(asset) balance; move it before closing"
            )
        case .assetExists(let code):
            self.init(status: .conflict, code: "asset_exists", title: "The asset already exists", detail: "asset \(code) is already registered")
        case .accountExists(let code):
            self.init(status: .conflict, code: "account_exists", title: "The account already exists", detail: "account \(code) already exists")
        case .accountAlreadyClosed(let account):
            self.init(status: .conflict, code: "account_already_closed", title: "The account is already closed", detail: "account \(account) is already closed")
        case .alreadyReversed(let transaction, let reversal):
            self.init(
                status: .conflict, code: "already_reversed", title: "The transaction is already reversed",
                detail: "transaction \(transaction) was reversed by \(reversal); a transaction is reversed at most once"
            )
        case .idempotencyKeyReused(let key):
            self.init(
                status: .conflict, code: "idempotency_key_reused", title: "The idempotency key was used for another request",
                detail: "Idempotency-Key \(key) was first used with a different method, path or body"
            )
        case .keyAlreadyRevoked(let id):
            self.init(status: .conflict, code: "key_already_revoked", title: "The key is already revoked", detail: "key \(id) is already revoked")
        case .fundExists(let code):
            self.init(status: .conflict, code: "fund_exists", title: "The fund already exists", detail: "fund \(code) already exists")
        case .privateDataErased(let member):
            self.init(status: .conflict, code: "private_data_erased", title: "The private data is already erased", detail: "member \(member)'s private data was erased before")
        case .beneficiaryNotErasable(let id, let detail):
            self.init(
                status: .conflict, code: "beneficiary_not_erasable", title: "The beneficiary's name cannot be erased",
                detail: "disbursement \(id): \(detail)"
            )
        case .anonymousState:
            self.init(
                status: .unprocessableContent, code: "state_cannot_be_anonymous", title: "A state cannot be anonymous",
                detail: "a state is a public body and its country names it: register it as public",
                errors: [FieldProblem(field: "visibility", detail: "must be public for a state")]
            )
        case .unknownReference(let field, let reference):
            self.init(
                status: .unprocessableContent, code: "unknown_reference", title: "The request names something that does not exist",
                detail: "\(field): no \(reference)", errors: [FieldProblem(field: field, detail: "names nothing")]
            )
        case .assetNotInFund(let fund, let asset):
            self.init(status: .unprocessableContent, code: "asset_not_in_fund", title: "The fund does not hold this asset", detail: "fund \(fund) holds no \(asset)")
        case .pledgeMismatch(let field, let detail):
            self.init(
                status: .unprocessableContent, code: "pledge_mismatch", title: "The contribution does not match its pledge",
                detail: "\(field) \(detail)", errors: [FieldProblem(field: field, detail: detail)]
            )
        case .managedByFund(let transaction, let step):
            self.init(
                status: .conflict, code: "managed_by_fund", title: "The transaction belongs to a fund step",
                detail: "transaction \(transaction) records a \(step); correct it through the fund's own routes (a pledge is cancelled, a disbursement cancelled, a conversion converted back)"
            )
        case .fundAccount(let account):
            self.init(
                status: .unprocessableContent, code: "fund_account", title: "The account is kept by the fund's own steps",
                detail: "\(account) is a fund's account: only the fund's own steps take money out of its cash or post to its conversion, pledge, contribution or grant accounts; record the step through /v1/pledges, /v1/contributions, /v1/disbursements, /v1/funds/{id}/conversions or /v1/funds/{id}/cash-adjustments"
            )
        case .overpayment(let outstanding):
            self.init(
                status: .unprocessableContent, code: "overpayment", title: "The contribution pays more than is outstanding",
                detail: "the pledge needs \(outstanding) more minor units; send split_excess: true to keep the rest as an unpledged contribution"
            )
        case .nothingOutstanding(let pledge):
            self.init(status: .unprocessableContent, code: "nothing_outstanding", title: "Nothing is left to cancel", detail: "pledge \(pledge) has nothing outstanding")
        case .disbursementState(let id, let state, let action):
            self.init(
                status: .conflict, code: "invalid_disbursement_state", title: "The disbursement cannot take this step now",
                detail: "disbursement \(id) is \(state); it cannot \(action)"
            )
        case .selfApproval(let id):
            self.init(
                status: .unprocessableContent, code: "self_approval", title: "A requester cannot approve their own request",
                detail: "\(Self.stepSubject(id)) \(id) was requested by this key's person (with this key or another of theirs); another person must approve it"
            )
        case .alreadyApproved(let id):
            self.init(
                status: .conflict, code: "already_approved", title: "This person already approved",
                detail: "disbursement \(id) needs its second approval from a different person, not another key of the same person"
            )
        case .cashAdjustmentState(let id, let state, let action):
            self.init(
                status: .conflict, code: "invalid_cash_adjustment_state", title: "The cash adjustment cannot take this step now",
                detail: "cash adjustment \(id) is \(state); it cannot \(action)"
            )
        case .rateExists(let pair, let date):
            self.init(status: .conflict, code: "rate_exists", title: "A rate is already recorded", detail: "\(pair) on \(date) is already recorded; rates are never changed")
        case .notFound(let resource, let reference):
            self.init(status: .notFound, code: "not_found", title: "The resource does not exist", detail: "no \(resource) \(reference)")
        }
    }

    /// What a four-eyes step acts on, named from its id's prefix.
    private static func stepSubject(_ id: String) -> String {
        id.hasPrefix("adj_") ? "cash adjustment" : "disbursement"
    }
}
