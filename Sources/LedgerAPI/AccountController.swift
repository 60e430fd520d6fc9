import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/accounts`: open, close and read accounts, their balances and registers.
/// Paths accept the account's code (`assets:bank:usd`) or its id (`acc_…`).
struct AccountController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/accounts` body.
    struct CreateRequest: JSONRequestBody {
        let code: String
        let type: String
        let allowedAssets: [String]?
        let constraint: String?
        let metadata: JSONValue?

        static var shape: JSONShape {
            .object([
                "code": .value, "type": .value, "allowed_assets": .array(.value), "constraint": .value,
                "metadata": .any,
            ])
        }

        enum CodingKeys: String, CodingKey {
            case code, type, constraint, metadata
            case allowedAssets = "allowed_assets"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/accounts", use: open)
        group.get("/v1/accounts", use: list)
        group.get("/v1/accounts/{account}", use: get)
        group.post("/v1/accounts/{account}/close", use: close)
        group.get("/v1/accounts/{account}/balances", use: balances)
        group.get("/v1/accounts/{account}/register", use: register)
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var render: @Sendable (Account) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.Account($0))) }
    }

    /// `POST /v1/accounts`.
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let draft = AccountDraft(
            code: create.code, type: create.type, allowedAssets: create.allowedAssets,
            constraint: create.constraint, metadata: create.metadata
        )
        try RequestLimits.enforce(limits.problems(metadata: create.metadata))
        let principal = try context.requirePrincipal()
        let outcome = try await store.openAccount(
            draft, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `GET /v1/accounts`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try await store.accounts(page: try RequestReading.page(request, limits: limits))
        return try JSONResponse.response(Representation.List(page, Representation.Account.init))
    }

    /// `GET /v1/accounts/{account}`.
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reference = try Self.reference(context)
        guard let account = try await store.account(reference) else {
            throw Rejection.notFound(resource: "account", reference: reference.description)
        }
        return try JSONResponse.response(Representation.Account(account))
    }

    /// `POST /v1/accounts/{account}/close`.
    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reference = try Self.reference(context)
        let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
        if !body.isEmpty { _ = try JSONRequest.decode(EmptyRequest.self, from: body, depthMax: limits.jsonDepthMax) }
        let closed: @Sendable (Account) throws -> StoredResponse = {
            StoredResponse(status: 200, body: try JSONBody.bytes(Representation.Account($0)))
        }
        let principal = try context.requirePrincipal()
        let outcome = try await store.closeAccount(
            reference, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: closed)
        )
        return try JSONResponse.response(outcome, render: closed)
    }

    /// `GET /v1/accounts/{account}/balances`.
    @Sendable func balances(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reference = try Self.reference(context)
        let asOf = try RequestReading.date(request, "as_of")
        guard let balances = try await store.balances(of: reference, asOf: asOf) else {
            throw Rejection.notFound(resource: "account", reference: reference.description)
        }
        return try JSONResponse.response(Representation.Balances(balances))
    }

    /// `GET /v1/accounts/{account}/register`.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reference = try Self.reference(context)
        var filter = RegisterFilter(
            from: try RequestReading.date(request, "from"), to: try RequestReading.date(request, "to")
        )
        if let text = request.uri.queryParameters.get("asset") {
            guard let asset = AssetCode(String(text)) else {
                throw Problem.invalidParameter("asset", "must match [A-Z0-9_]{2,16}")
            }
            filter.asset = asset
        }
        let pageRequest = try RequestReading.page(request, limits: limits)
        guard let page = try await store.register(of: reference, filter: filter, page: pageRequest) else {
            throw Rejection.notFound(resource: "account", reference: reference.description)
        }
        return try JSONResponse.response(Representation.List(page, Representation.RegisterLine.init))
    }

    private static func reference(_ context: some RequestContext) throws -> AccountReference {
        try RequestReading.accountReference(try RequestReading.pathParameter(context, "account"), parameter: "account")
    }
}

/// The body of an action that takes no fields: `{}` or nothing.
struct EmptyRequest: JSONRequestBody {
    static var shape: JSONShape { .object([:]) }
}
