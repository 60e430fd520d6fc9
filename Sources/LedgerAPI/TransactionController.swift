import Crypto
import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage

/// `/v1/transactions`: record, read, list and reverse ledger transactions.
struct TransactionController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/transactions` body: signed postings, debit positive, credit negative.
    struct CreateRequest: RequestBody {
        struct PostingRequest: Decodable, Sendable {
            let account: String
            let asset: String
            let amount: Int64

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                account = try container.decode(String.self, forKey: .account)
                asset = try container.decode(String.self, forKey: .asset)
                amount = try container.decodeInteger(Int64.self, forKey: .amount)
            }

            enum CodingKeys: String, CodingKey {
                case account, asset, amount
            }
        }

        let date: String
        let description: String?
        let metadata: JSONValue?
        let postings: [PostingRequest]

        static var shape: JSONShape {
            .object([
                "date": .value, "description": .value, "metadata": .any,
                "postings": .array(.object(["account": .value, "asset": .value, "amount": .integer])),
            ])
        }
    }

    /// `POST /v1/transactions/batch` body: up to `batchSizeMax` transactions, each with an
    /// optional idempotency key of its own.
    struct BatchRequest: RequestBody {
        struct Item: RequestBody {
            let idempotencyKey: String?
            let date: String
            let description: String?
            let metadata: JSONValue?
            let postings: [CreateRequest.PostingRequest]

            enum CodingKeys: String, CodingKey {
                case date, description, metadata, postings
                case idempotencyKey = "idempotency_key"
            }

            static var shape: JSONShape {
                .object([
                    "idempotency_key": .value, "date": .value, "description": .value, "metadata": .any,
                    "postings": .array(.object(["account": .value, "asset": .value, "amount": .integer])),
                ])
            }
        }

        let atomic: Bool?
        let transactions: [Item]

        static var shape: JSONShape {
            .object(["atomic": .value, "transactions": .array(Item.shape)])
        }
    }

    /// Most transactions in one batch request.
    static var batchSizeMax: Int { 1_000 }

    /// `POST /v1/transactions/{id}/reverse` body (optional).
    struct ReverseRequest: RequestBody {
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
        { StoredResponse(status: 201, body: try JSONResponse.bytes(Representation.Transaction($0))) }
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
        guard (1...Self.batchSizeMax).contains(batch.transactions.count) else {
            let detail = "must hold between 1 and \(Self.batchSizeMax) transactions"
            throw Rejection.invalidFields([FieldProblem(field: "transactions", detail: detail)])
        }
        let principal = try context.requirePrincipal()
        var items: [(draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?)] = []
        var problems: [FieldProblem] = []
        for (index, item) in batch.transactions.enumerated() {
            let checked = try Self.batchItem(
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
                let json = try JSONParser.parse(JSONResponse.bytes(Representation.Transaction(transaction)))
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

    /// One batch item read as the API reads it: the fields it breaks (named after the prefix `field`)
    /// — malformed fields refuse a whole request, as the document's schema does, while the
    /// ledger's rules (balance, accounts, overdrafts) are answered per item by the store —
    /// its draft, and its idempotency key under `keyNamespace`. The batch route and
    /// `commons-ledger import` share it, so a line of an import means what a batch item means.
    static func batchItem(
        _ item: BatchRequest.Item, field: String, limits: RequestLimits, keyNamespace: String
    ) throws -> (problems: [FieldProblem], draft: TransactionDraft, idempotency: Idempotency<LedgerTransaction>?) {
        let description = UnicodeText.nfc(item.description)
        var problems = limits.problems(postings: item.postings.count, description: description, metadata: item.metadata)
            .map { FieldProblem(field: field + $0.field, detail: $0.detail) }
        problems += ReservedMetadata.problems(in: item.metadata, fieldPrefix: field)
        let draft = TransactionDraft(
            date: item.date, description: description, metadata: item.metadata,
            postings: item.postings.map { PostingDraft(account: $0.account, asset: $0.asset, amount: $0.amount) }
        )
        do {
            _ = try draft.checked()
        } catch {
            if case .invalidFields(let fields) = error {
                problems += fields.map { FieldProblem(field: field + $0.field, detail: $0.detail) }
            }
        }
        var idempotency: Idempotency<LedgerTransaction>?
        if let key = item.idempotencyKey {
            guard RequestReading.isValidIdempotencyKey(key) else {
                let detail = "must be 1 to 255 visible ASCII characters"
                throw Problem.invalidRequest([FieldProblem(field: "\(field)idempotency_key", detail: detail)])
            }
            idempotency = Idempotency(
                key: keyNamespace + key, fingerprint: fingerprint(of: item),
                render: { StoredResponse(status: 201, body: try JSONResponse.bytes(Representation.Transaction($0))) }
            )
        }
        return (problems, draft, idempotency)
    }

    /// What makes two batch items the same request: their fields, as canonical JSON.
    static func fingerprint(of item: BatchRequest.Item) -> [UInt8] {
        let value = JSONValue.object([
            "date": .string(item.date), "description": item.description.map(JSONValue.string) ?? .null,
            "metadata": item.metadata ?? .null,
            "postings": .array(item.postings.map {
                .object(["account": .string($0.account), "asset": .string($0.asset), "amount": .integer($0.amount)])
            }),
        ])
        var hasher = SHA256()
        hasher.update(data: Array("POST /v1/transactions/batch item\n".utf8))
        hasher.update(data: value.canonicalBytes)
        return Array(hasher.finalize())
    }

    private static func transactionID(_ context: some RequestContext) throws -> TransactionID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = TransactionID(text) else {
            throw Rejection.notFound(resource: "transaction", reference: text)
        }
        return id
    }
}
