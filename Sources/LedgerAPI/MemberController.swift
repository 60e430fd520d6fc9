import Foundation
import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/members`: register and read the fund's members; erase their private data.
///
/// Private data (contact details, an anonymous member's name) is shown only to admins
/// and auditors; everyone else sees an anonymous member by its pseudonym.
struct MemberController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/members` body.
    struct CreateRequest: JSONRequestBody {
        let name: String
        let kind: String
        let country: String
        let region: String
        let visibility: String
        let contact: JSONValue?

        static var shape: JSONShape {
            .object([
                "name": .value, "kind": .value, "country": .value, "region": .value, "visibility": .value,
                "contact": .any,
            ])
        }
    }

    static func showsPrivate(_ context: AppRequestContext) -> Bool {
        [.admin, .auditor].contains(context.principal?.role)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/members", use: register)
        group.get("/v1/members", use: list)
        group.get("/v1/members/{id}", use: get)
        group.delete("/v1/members/{id}/private-data", use: erasePrivateData)
    }

    /// `POST /v1/members`.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let name = UnicodeText.nfc(create.name)
        let region = UnicodeText.nfc(create.region)
        try RequestLimits.enforce(limits.problems(metadata: create.contact, field: "contact"))
        let principal = try context.requirePrincipal()
        // The creation response is stored for idempotent replays, which must not outlive
        // an erasure: it holds only what the public may see.
        let render: @Sendable (MemberView) throws -> StoredResponse = {
            StoredResponse(
                status: 201, body: try JSONBody.bytes(Representation.MemberBody($0, showsPrivate: false))
            )
        }
        let draft = MemberDraft(
            name: name, kind: create.kind, country: create.country, region: region, visibility: create.visibility,
            contact: create.contact
        )
        let outcome = try await store.registerMember(
            draft, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `GET /v1/members`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try await store.members(page: try RequestReading.page(request, limits: limits))
        let showsPrivate = Self.showsPrivate(context)
        let list = Representation.List(page) { Representation.MemberBody($0, showsPrivate: showsPrivate) }
        return try JSONResponse.response(list)
    }

    /// `GET /v1/members/{id}`.
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.memberID(context)
        guard let view = try await store.member(id) else {
            throw Rejection.notFound(resource: "member", reference: id.rawValue)
        }
        return try JSONResponse.response(Representation.MemberBody(view, showsPrivate: Self.showsPrivate(context)))
    }

    /// `DELETE /v1/members/{id}/private-data`.
    @Sendable func erasePrivateData(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.memberID(context)
        let view = try await store.erasePrivateData(of: id, by: try context.requirePrincipal())
        return try JSONResponse.response(Representation.MemberBody(view, showsPrivate: true))
    }

    static func memberID(_ context: AppRequestContext) throws -> MemberID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = MemberID(text) else { throw Rejection.notFound(resource: "member", reference: text) }
        return id
    }
}

/// `/v1/funds`: create funds (admins) and read them.
struct FundController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/funds` body.
    struct CreateRequest: JSONRequestBody {
        let code: String
        let name: String
        let assets: [String]
        let twoApprovalsAbove: [String: Int64]?
        let cashAdjustmentApprovalAbove: [String: Int64]?

        static var shape: JSONShape {
            .object([
                "code": .value, "name": .value, "assets": .array(.value), "two_approvals_above": .any,
                "cash_adjustment_approval_above": .any,
            ])
        }

        enum CodingKeys: String, CodingKey {
            case code, name, assets
            case twoApprovalsAbove = "two_approvals_above"
            case cashAdjustmentApprovalAbove = "cash_adjustment_approval_above"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/funds", use: open)
        group.get("/v1/funds", use: list)
        group.get("/v1/funds/{id}", use: get)
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var render: @Sendable (Fund) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.FundBody($0))) }
    }

    /// `POST /v1/funds`.
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let name = UnicodeText.nfc(create.name)
        try RequestLimits.enforce(limits.problems(text: name, field: "name"))
        let principal = try context.requirePrincipal()
        let draft = FundDraft(
            code: create.code, name: name, assets: create.assets, twoApprovalsAbove: create.twoApprovalsAbove ?? [:],
            cashAdjustmentApprovalAbove: create.cashAdjustmentApprovalAbove ?? [:]
        )
        let outcome = try await store.createFund(
            draft, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `GET /v1/funds`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try await store.funds(page: try RequestReading.page(request, limits: limits))
        return try JSONResponse.response(Representation.List(page, Representation.FundBody.init))
    }

    /// `GET /v1/funds/{id}`.
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reference = try RequestReading.pathParameter(context, "id")
        guard let fund = try await store.fund(reference) else {
            throw Rejection.notFound(resource: "fund", reference: reference)
        }
        return try JSONResponse.response(Representation.FundBody(fund))
    }
}
