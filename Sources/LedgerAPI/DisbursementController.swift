import Foundation
import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/disbursements`: grants requested by treasurers, approved by approvers (two
/// different ones above the fund's threshold, never the requester), then paid.
struct DisbursementController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/disbursements` body.
    struct CreateRequest: JSONRequestBody {
        let fundID: String
        let memberID: String?
        let beneficiary: String?
        let asset: String
        let amount: Int64
        let purpose: String

        static var shape: JSONShape {
            .object([
                "fund_id": .value, "member_id": .value, "beneficiary": .value, "asset": .value, "amount": .integer,
                "purpose": .value,
            ])
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            fundID = try container.decode(String.self, forKey: .fundID)
            memberID = try container.decodeIfPresent(String.self, forKey: .memberID)
            beneficiary = try container.decodeIfPresent(String.self, forKey: .beneficiary)
            asset = try container.decode(String.self, forKey: .asset)
            amount = try container.decodeInteger(Int64.self, forKey: .amount)
            purpose = try container.decode(String.self, forKey: .purpose)
        }

        enum CodingKeys: String, CodingKey {
            case asset, amount, purpose, beneficiary
            case fundID = "fund_id"
            case memberID = "member_id"
        }
    }

    /// Body of a step: an optional reason, and for the approval that completes a grant an
    /// optional expiry of its hold.
    struct StepRequest: JSONRequestBody {
        let reason: String?
        let holdExpiresAt: String?
        static var shape: JSONShape { .object(["reason": .value, "hold_expires_at": .value]) }

        enum CodingKeys: String, CodingKey {
            case reason
            case holdExpiresAt = "hold_expires_at"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/disbursements", use: request)
        group.get("/v1/disbursements", use: list)
        group.get("/v1/disbursements/{id}", use: get)
        group.delete("/v1/disbursements/{id}/beneficiary", use: eraseBeneficiary)
        for kind in DisbursementStep.Kind.allCases {
            group.post("/v1/disbursements/{id}/\(kind.rawValue)") { request, context in
                try await step(kind, request: request, context: context)
            }
        }
    }

    /// The stored rendering of a disbursement for idempotent replays, which must not
    /// outlive an erasure: the public view.
    static func render(status: Int) -> @Sendable (DisbursementView) throws -> StoredResponse {
        {
            StoredResponse(
                status: status, body: try JSONBody.bytes(Representation.DisbursementBody($0, showsPrivate: false))
            )
        }
    }

    /// `POST /v1/disbursements/{id}/{approve|reject|pay|cancel}`: one four-eyes step.
    func step(_ kind: DisbursementStep.Kind, request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.disbursementID(context)
        let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
        var reason: String?
        var holdExpiresAt: Timestamp?
        if !body.isEmpty {
            let decoded = try JSONRequest.decode(StepRequest.self, from: body, depthMax: limits.jsonDepthMax)
            reason = UnicodeText.nfc(decoded.reason)
            try RequestLimits.enforce(limits.problems(text: reason, field: "reason"))
            if let text = decoded.holdExpiresAt {
                guard kind == .approve, let time = Timestamp(text) else {
                    let detail = kind == .approve
                        ? "must be a UTC timestamp such as 2026-12-31T00:00:00.000000Z" : "is taken by approve only"
                    throw Rejection.invalidFields([FieldProblem(field: "hold_expires_at", detail: detail)])
                }
                holdExpiresAt = time
            }
        }
        let principal = try context.requirePrincipal()
        let render = Self.render(status: 200)
        let outcome = try await store.takeDisbursementStep(
            id, kind, reason: reason, holdExpiresAt: holdExpiresAt, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `POST /v1/disbursements`.
    @Sendable func request(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let purpose = UnicodeText.nfc(create.purpose)
        try RequestLimits.enforce(limits.problems(text: purpose, field: "purpose"))
        let principal = try context.requirePrincipal()
        let draft = DisbursementDraft(
            fundID: create.fundID, memberID: create.memberID, beneficiary: UnicodeText.nfc(create.beneficiary),
            asset: create.asset, amount: create.amount, purpose: purpose
        )
        let render = Self.render(status: 201)
        let outcome = try await store.requestDisbursement(
            draft, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `GET /v1/disbursements`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = DisbursementFilter(
            memberID: query.get("member_id"), fundID: query.get("fund_id"),
            from: try RequestReading.date(request, "from"), to: try RequestReading.date(request, "to")
        )
        filter.state = try RequestReading.choice(request, "status", as: Disbursement.State.self)
        let page = try await store.disbursements(filter: filter, page: try RequestReading.page(request, limits: limits))
        let showsPrivate = MemberController<Store>.showsPrivate(context)
        return try JSONResponse.response(
            Representation.List(page) { Representation.DisbursementBody($0, showsPrivate: showsPrivate) }
        )
    }

    /// `GET /v1/disbursements/{id}`.
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.disbursementID(context)
        guard let view = try await store.disbursement(id) else {
            throw Rejection.notFound(resource: "disbursement", reference: id.rawValue)
        }
        let showsPrivate = MemberController<Store>.showsPrivate(context)
        return try JSONResponse.response(Representation.DisbursementBody(view, showsPrivate: showsPrivate))
    }

    /// `DELETE /v1/disbursements/{id}/beneficiary`: erases a private beneficiary's name
    /// (admins; the route policy checks the role before this runs).
    @Sendable func eraseBeneficiary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.disbursementID(context)
        let view = try await store.eraseBeneficiary(of: id, by: try context.requirePrincipal())
        return try JSONResponse.response(Representation.DisbursementBody(view, showsPrivate: true))
    }

    static func disbursementID(_ context: AppRequestContext) throws -> DisbursementID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = DisbursementID(text) else { throw Rejection.notFound(resource: "disbursement", reference: text) }
        return id
    }
}
