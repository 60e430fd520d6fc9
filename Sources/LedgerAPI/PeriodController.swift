import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `POST /v1/periods` and `GET /v1/periods`: closing the books through a day (admin), and
/// the closings so far. After a closing, nothing dated on or before its day is recorded
/// (422 `period_closed`, for every write that carries a date); corrections are reversals
/// dated in the open period.
struct PeriodController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/periods` body.
    struct CloseRequest: JSONRequestBody {
        let through: String

        static var shape: JSONShape { .object(["through": .value]) }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/periods", use: close)
        group.get("/v1/periods", use: list)
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var render: @Sendable (PeriodClosing) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.PeriodBody($0))) }
    }

    /// `POST /v1/periods`.
    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CloseRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let principal = try context.requirePrincipal()
        let outcome = try await store.closePeriod(
            through: create.through, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `GET /v1/periods`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let closings = try await store.periodClosings()
        return try JSONResponse.response(Representation.PeriodList(items: closings.map(Representation.PeriodBody.init)))
    }
}
