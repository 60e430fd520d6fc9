import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/funds/{id}/cash-adjustments` and `/v1/cash-adjustments`: money taken out of a
/// fund's cash that is neither a grant nor a conversion (a bank fee, a correction).
/// Treasurers request; up to the fund's limit it posts at once, above it an approver who
/// is not the requester approves or rejects. Raw transactions may not take money out of
/// a fund's cash, so this is the only other way out.
struct CashAdjustmentController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/funds/{id}/cash-adjustments` body.
    struct CreateRequest: JSONRequestBody {
        let asset: String
        let amount: Int64
        let counterAccount: String
        let date: String
        let reason: String

        static var shape: JSONShape {
            .object(["asset": .value, "amount": .integer, "counter_account": .value, "date": .value, "reason": .value])
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            asset = try container.decode(String.self, forKey: .asset)
            amount = try container.decodeInteger(Int64.self, forKey: .amount)
            counterAccount = try container.decode(String.self, forKey: .counterAccount)
            date = try container.decode(String.self, forKey: .date)
            reason = try container.decode(String.self, forKey: .reason)
        }

        enum CodingKeys: String, CodingKey {
            case asset, amount, date, reason
            case counterAccount = "counter_account"
        }
    }

    // A step's request and answer have the disbursement steps' shape (an optional reason;
    // kind, principal with person, time, transaction, reason): one definition serves both
    // (the answer's is `Representation.StepBody`).
    typealias StepRequest = DisbursementController<Store>.StepRequest

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/funds/{id}/cash-adjustments", use: request)
        group.get("/v1/cash-adjustments", use: list)
        group.get("/v1/cash-adjustments/{id}", use: get)
        for kind in CashAdjustmentStep.Kind.allCases {
            group.post("/v1/cash-adjustments/{id}/\(kind.rawValue)") { request, context in
                try await step(kind, request: request, context: context)
            }
        }
    }

    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fund = try RequestReading.pathParameter(context, "id")
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let reason = UnicodeText.nfc(create.reason)
        try RequestLimits.enforce(limits.problems(text: reason, field: "reason"))
        let principal = try context.requirePrincipal()
        let draft = CashAdjustmentDraft(
            asset: create.asset, amount: create.amount, counterAccount: create.counterAccount, date: create.date,
            reason: reason
        )
        let render = Self.render(status: 201)
        let outcome = try await store.requestCashAdjustment(
            fund: fund, draft, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        var filter = CashAdjustmentFilter(fundID: request.uri.queryParameters.get("fund_id"))
        filter.state = try RequestReading.choice(request, "status", as: CashAdjustment.State.self)
        let page = try await store.cashAdjustments(
            filter: filter, page: try RequestReading.page(request, limits: limits)
        )
        return try JSONResponse.response(Representation.List(page, Representation.AdjustmentBody.init))
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.adjustmentID(context)
        guard let view = try await store.cashAdjustment(id) else {
            throw Rejection.notFound(resource: "cash adjustment", reference: id.rawValue)
        }
        return try JSONResponse.response(Representation.AdjustmentBody(view))
    }

    func step(_ kind: CashAdjustmentStep.Kind, request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.adjustmentID(context)
        let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
        var reason: String?
        if !body.isEmpty {
            let decoded = try JSONRequest.decode(StepRequest.self, from: body, depthMax: limits.jsonDepthMax)
            reason = UnicodeText.nfc(decoded.reason)
            try RequestLimits.enforce(limits.problems(text: reason, field: "reason"))
        }
        let principal = try context.requirePrincipal()
        let render = Self.render(status: 200)
        let outcome = try await store.takeCashAdjustmentStep(
            id, kind, reason: reason, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    static func render(status: Int) -> @Sendable (CashAdjustmentView) throws -> StoredResponse {
        { StoredResponse(status: status, body: try JSONBody.bytes(Representation.AdjustmentBody($0))) }
    }

    static func adjustmentID(_ context: AppRequestContext) throws -> CashAdjustmentID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = CashAdjustmentID(text) else {
            throw Rejection.notFound(resource: "cash adjustment", reference: text)
        }
        return id
    }
}
