import Hummingbird
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

    /// `POST /v1/transactions/{id}/reverse` body (optional).
    struct ReverseRequest: RequestBody {
        let date: String?
        let description: String?

        static var shape: JSONShape { .object(["date": .value, "description": .value]) }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let render: @Sendable (LedgerTransaction) throws -> StoredResponse = {
            StoredResponse(status: 201, body: try JSONResponse.bytes(Representation.Transaction($0)))
        }
        group.post("/v1/transactions") { request, context in
            let body = try await RequestReading.body(of: request, limits: limits)
            let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
            if case .object(let metadata)? = create.metadata {
                let reserved = SQLiteLedgerStore.fundMetadataKeys.filter { metadata[$0] != nil }
                guard reserved.isEmpty else {
                    throw Rejection.invalidFields(reserved.map { FieldProblem(field: "metadata.\($0)", detail: "is reserved for the fund's own steps") })
                }
            }
            let description = UnicodeText.nfc(create.description)
            try RequestLimits.enforce(limits.problems(postings: create.postings.count, description: description, metadata: create.metadata))
            let draft = TransactionDraft(
                date: create.date, description: description, metadata: create.metadata,
                postings: create.postings.map { PostingDraft(account: $0.account, asset: $0.asset, amount: $0.amount) }
            )
            let principal = try context.requirePrincipal()
            let outcome = try await store.recordTransaction(
                draft, by: principal, idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
            )
            return try JSONResponse.response(outcome, render: render)
        }
        group.get("/v1/transactions") { request, _ in
            var filter = TransactionFilter(from: try RequestReading.date(request, "from"), to: try RequestReading.date(request, "to"))
            if let text = request.uri.queryParameters.get("account") {
                filter.account = try RequestReading.accountReference(String(text), parameter: "account")
            }
            let page = try await store.transactions(filter: filter, page: try RequestReading.page(request, limits: limits))
            return try JSONResponse.response(Representation.List(page, Representation.Transaction.init))
        }
        group.get("/v1/transactions/{id}") { _, context in
            let id = try Self.transactionID(context)
            guard let transaction = try await store.transaction(id) else {
                throw Rejection.notFound(resource: "transaction", reference: id.rawValue)
            }
            return try JSONResponse.response(Representation.Transaction(transaction))
        }
        group.post("/v1/transactions/{id}/reverse") { request, context in
            let id = try Self.transactionID(context)
            let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
            var reverse = ReverseRequest(date: nil, description: nil)
            if !body.isEmpty { reverse = try JSONRequest.decode(ReverseRequest.self, from: body, depthMax: limits.jsonDepthMax) }
            let description = UnicodeText.nfc(reverse.description)
            try RequestLimits.enforce(limits.problems(text: description, field: "description"))
            var date: LocalDate?
            if let text = reverse.date {
                guard let parsed = LocalDate(text) else {
                    throw Rejection.invalidFields([FieldProblem(field: "date", detail: "must be a calendar date YYYY-MM-DD")])
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
    }

    private static func transactionID(_ context: some RequestContext) throws -> TransactionID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = TransactionID(text) else {
            throw Rejection.notFound(resource: "transaction", reference: text)
        }
        return id
    }
}
