import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/transactions`: record, read, list and reverse ledger transactions.
struct TransactionController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    typealias CreateRequest = TransactionRequests.Create
    typealias BatchRequest = TransactionRequests.Batch

    /// `POST /v1/transactions/{id}/reverse` body (optional).
    struct ReverseRequest: JSONRequestBody {
        let date: String?
        let description: String?

        static var shape: JSONShape { .object(["date": .value, "description": .value]) }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/transactions", use: record)
        group.post("/v1/transactions/batch", use: recordBatch)
        group.get("/v1/transactions", use: list)
        group.get("/v1/transactions/{id}", use: get)
        group.post("/v1/transactions/{id}/reverse", use: reverse)
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var render: @Sendable (LedgerTransaction) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.Transaction($0))) }
    }

    /// `POST /v1/transactions`.
    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        // The engine refuses reserved keys for every caller; checked here first only so
        // they are reported alone, before the body's limits (as documented).
        try ReservedMetadata.refuse(create.metadata)
        let description = UnicodeText.nfc(create.description)
        try RequestLimits.enforce(
            limits.problems(postings: create.postings.count, description: description, metadata: create.metadata)
        )
        let draft = TransactionDraft(
            date: create.date, description: description, metadata: create.metadata,
            postings: create.postings.map { PostingDraft(account: $0.account, asset: $0.asset, amount: $0.amount) }
        )
        let principal = try context.requirePrincipal()
        let outcome = try await store.recordTransaction(
            draft, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `POST /v1/transactions/batch`.
    @Sendable func recordBatch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let batch = try JSONRequest.decode(BatchRequest.self, from: body, depthMax: limits.jsonDepthMax)
        guard (1...TransactionRequests.batchSizeMax).contains(batch.transactions.count) else {
            let detail = "must hold between 1 and \(TransactionRequests.batchSizeMax) transactions"
            throw Rejection.invalidFields([FieldProblem(field: "transactions", detail: detail)])
        }
        let principal = try context.requirePrincipal()
        var items: [(draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?)] = []
        var problems: [FieldProblem] = []
        for (index, item) in batch.transactions.enumerated() {
            let checked = try TransactionRequests.batchItem(
                item, field: "transactions[\(index)].", limits: limits,
                keyNamespace: "\(principal.keyID ?? "system")/batch/"
            )
            problems += checked.problems
            items.append((checked.draft, checked.idempotency))
        }
        try RequestLimits.enforce(problems)
        let atomic = batch.atomic ?? false
        // An atomic batch's BatchRejection reaches HTTP through Problem.mapping.
        let outcomes = try await store.recordTransactions(items, atomic: atomic, by: principal)
        var results: [JSONValue] = []
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .applied(let transaction):
                let json = try JSONParser.parse(JSONBody.bytes(Representation.Transaction(transaction)))
                results.append(.object(["index": .integer(Int64(index)), "status": .integer(201), "transaction": json]))
            case .replayed(let stored):
                results.append(.object([
                    "index": .integer(Int64(index)), "status": .integer(Int64(stored.status)), "replayed": .bool(true),
                    "transaction": try JSONParser.parse(stored.body),
                ]))
            case .rejected(let rejection):
                let problem = Problem(rejection)
                results.append(.object([
                    "index": .integer(Int64(index)), "status": .integer(Int64(problem.status.code)),
                    "problem": problem.json(instance: request.uri.path),
                ]))
            }
        }
        let response = JSONValue.object(["atomic": .bool(atomic), "results": .array(results)])
        return JSONResponse.make(status: .ok, body: response.canonicalBytes)
    }

    /// `GET /v1/transactions`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        var filter = TransactionFilter(
            from: try RequestReading.date(request, "from"), to: try RequestReading.date(request, "to")
        )
        if let text = request.uri.queryParameters.get("account") {
            filter.account = try RequestReading.accountReference(String(text), parameter: "account")
        }
        let page = try await store.transactions(filter: filter, page: try RequestReading.page(request, limits: limits))
        return try JSONResponse.response(Representation.List(page, Representation.Transaction.init))
    }

    /// `GET /v1/transactions/{id}`.
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.transactionID(context)
        guard let transaction = try await store.transaction(id) else {
            throw Rejection.notFound(resource: "transaction", reference: id.rawValue)
        }
        return try JSONResponse.response(Representation.Transaction(transaction))
    }

    /// `POST /v1/transactions/{id}/reverse`.
    @Sendable func reverse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.transactionID(context)
        let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
        var reverse = ReverseRequest(date: nil, description: nil)
        if !body.isEmpty {
            reverse = try JSONRequest.decode(ReverseRequest.self, from: body, depthMax: limits.jsonDepthMax)
        }
        let description = UnicodeText.nfc(reverse.description)
        try RequestLimits.enforce(limits.problems(text: description, field: "description"))
        var date: LocalDate?
        if let text = reverse.date {
            guard let parsed = LocalDate(text) else {
                let problem = FieldProblem(field: "date", detail: "must be a calendar date YYYY-MM-DD")
                throw Rejection.invalidFields([problem])
            }
            date = parsed
        }
        let principal = try context.requirePrincipal()
        let outcome = try await store.reverseTransaction(
            id, date: date, description: description, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    private static func transactionID(_ context: some RequestContext) throws -> TransactionID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = TransactionID(text) else {
            throw Rejection.notFound(resource: "transaction", reference: text)
        }
        return id
    }
}
