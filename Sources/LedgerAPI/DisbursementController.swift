import Foundation
import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage

/// `/v1/disbursements`: grants requested by treasurers, approved by approvers (two
/// different ones above the fund's threshold, never the requester), then paid.
struct DisbursementController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/disbursements` body.
    struct CreateRequest: RequestBody {
        let fundID: String
        let memberID: String?
        let beneficiary: String?
        let asset: String
        let amount: Int64
        let purpose: String

        static var shape: JSONShape {
            .object(["fund_id": .value, "member_id": .value, "beneficiary": .value, "asset": .value, "amount": .integer, "purpose": .value])
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

    /// Body of a step: an optional reason.
    struct StepRequest: RequestBody {
        let reason: String?
        static var shape: JSONShape { .object(["reason": .value]) }
    }

    struct StepBody: Encodable, Sendable {
        let kind: String
        let principal: PrincipalBody
        let at: String
        let transactionID: String?
        let reason: String?

        enum CodingKeys: String, CodingKey {
            case kind, principal, at, reason
            case transactionID = "transaction_id"
        }
    }

    /// Who took a step, with the person four eyes counted.
    struct PrincipalBody: Encodable, Sendable {
        let keyID: String?
        let name: String
        let role: String?
        let personID: String?

        init(_ principal: Principal) {
            keyID = principal.keyID
            name = principal.name
            role = principal.role?.rawValue
            personID = principal.person?.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case name, role
            case keyID = "key_id"
            case personID = "person_id"
        }
    }

    /// A disbursement as `viewer` may see it: a private beneficiary's name only in the
    /// private view (admins, auditors) until erased; everyone else sees its label.
    struct DisbursementBody: Encodable, Sendable {
        let id: String
        let fundID: String
        let memberID: String?
        let beneficiary: String?
        let beneficiaryCommitment: String?
        let beneficiaryErasedAt: String?
        let asset: String
        let amount: Int64
        let purpose: String
        let status: String
        let approvalsNeeded: Int
        let approvals: Int
        let requestedBy: PrincipalBody
        let requestedAt: String
        let steps: [StepBody]
        let transactionIDs: [String]

        init(_ view: DisbursementView, showsPrivate: Bool) {
            let disbursement = view.disbursement
            id = disbursement.id.rawValue
            fundID = disbursement.fundID.rawValue
            memberID = disbursement.recipient.memberID?.rawValue
            let privateName = showsPrivate ? view.beneficiary?.privateData?.name : nil
            beneficiary = privateName ?? disbursement.recipient.beneficiary
            beneficiaryCommitment = view.beneficiary.map { Data($0.commitment).base64EncodedString() }
            beneficiaryErasedAt = view.beneficiary?.erasedAt?.description
            asset = disbursement.asset.rawValue
            amount = disbursement.amount.minorUnits
            purpose = disbursement.purpose
            status = view.state.rawValue
            approvalsNeeded = view.approvalsNeeded
            approvals = view.steps.filter { $0.kind == .approve }.count
            requestedBy = PrincipalBody(disbursement.requestedBy)
            requestedAt = disbursement.requestedAt.description
            steps = view.steps.map {
                StepBody(kind: $0.kind.rawValue, principal: PrincipalBody($0.principal), at: $0.at.description, transactionID: $0.transactionID?.rawValue, reason: $0.reason)
            }
            transactionIDs = view.transactionIDs.map(\.rawValue)
        }

        enum CodingKeys: String, CodingKey {
            case id, asset, amount, purpose, status, approvals, steps, beneficiary
            case fundID = "fund_id"
            case memberID = "member_id"
            case beneficiaryCommitment = "beneficiary_commitment"
            case beneficiaryErasedAt = "beneficiary_erased_at"
            case approvalsNeeded = "approvals_needed"
            case requestedBy = "requested_by"
            case requestedAt = "requested_at"
            case transactionIDs = "transaction_ids"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        // Stored for idempotent replays, which must not outlive an erasure: the public view.
        let renderCreated: @Sendable (DisbursementView) throws -> StoredResponse = {
            StoredResponse(status: 201, body: try JSONResponse.bytes(DisbursementBody($0, showsPrivate: false)))
        }
        group.post("/v1/disbursements") { request, context in
            let body = try await RequestReading.body(of: request, limits: limits)
            let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
            let purpose = UnicodeText.nfc(create.purpose)
            try RequestLimits.enforce(limits.problems(text: purpose, field: "purpose"))
            let principal = try context.requirePrincipal()
            let draft = DisbursementDraft(
                fundID: create.fundID, memberID: create.memberID, beneficiary: UnicodeText.nfc(create.beneficiary), asset: create.asset,
                amount: create.amount, purpose: purpose
            )
            let outcome = try await store.requestDisbursement(
                draft, by: principal, idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: renderCreated)
            )
            return try JSONResponse.response(outcome, render: renderCreated)
        }
        group.get("/v1/disbursements") { request, context in
            let query = request.uri.queryParameters
            var filter = DisbursementFilter(
                memberID: query.get("member_id"), fundID: query.get("fund_id"),
                from: try RequestReading.date(request, "from"), to: try RequestReading.date(request, "to")
            )
            filter.state = try RequestReading.choice(request, "status", as: Disbursement.State.self)
            let page = try await store.disbursements(filter: filter, page: try RequestReading.page(request, limits: limits))
            let showsPrivate = MemberController<Store>.showsPrivate(context)
            return try JSONResponse.response(
                Representation.List(page) { DisbursementBody($0, showsPrivate: showsPrivate) }
            )
        }
        group.get("/v1/disbursements/{id}") { _, context in
            let id = try Self.disbursementID(context)
            guard let view = try await store.disbursement(id) else { throw Rejection.notFound(resource: "disbursement", reference: id.rawValue) }
            let showsPrivate = MemberController<Store>.showsPrivate(context)
            return try JSONResponse.response(DisbursementBody(view, showsPrivate: showsPrivate))
        }
        group.delete("/v1/disbursements/{id}/beneficiary", use: eraseBeneficiary)
        for kind in DisbursementStep.Kind.allCases {
            group.post("/v1/disbursements/{id}/\(kind.rawValue)") { request, context in
                let id = try Self.disbursementID(context)
                let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
                var reason: String?
                if !body.isEmpty {
                    reason = UnicodeText.nfc(try JSONRequest.decode(StepRequest.self, from: body, depthMax: limits.jsonDepthMax).reason)
                    try RequestLimits.enforce(limits.problems(text: reason, field: "reason"))
                }
                let principal = try context.requirePrincipal()
                let render: @Sendable (DisbursementView) throws -> StoredResponse = {
                    StoredResponse(status: 200, body: try JSONResponse.bytes(DisbursementBody($0, showsPrivate: false)))
                }
                let outcome = try await store.takeDisbursementStep(
                    id, kind, reason: reason, by: principal,
                    idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
                )
                return try JSONResponse.response(outcome, render: render)
            }
        }
    }

    /// `DELETE /v1/disbursements/{id}/beneficiary`: erases a private beneficiary's name
    /// (admins; the route policy checks the role before this runs).
    @Sendable func eraseBeneficiary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.disbursementID(context)
        let view = try await store.eraseBeneficiary(of: id, by: try context.requirePrincipal())
        return try JSONResponse.response(DisbursementBody(view, showsPrivate: true))
    }

    static func disbursementID(_ context: AppRequestContext) throws -> DisbursementID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = DisbursementID(text) else { throw Rejection.notFound(resource: "disbursement", reference: text) }
        return id
    }
}
