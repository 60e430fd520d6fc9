import Foundation
import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage

/// `/v1/members`: register and read the fund's members; erase their private data.
///
/// Private data (contact details, an anonymous member's name) is shown only to admins
/// and auditors; everyone else sees an anonymous member by its pseudonym.
struct MemberController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/members` body.
    struct CreateRequest: RequestBody {
        let name: String
        let kind: String
        let country: String
        let region: String
        let visibility: String
        let contact: JSONValue?

        static var shape: JSONShape {
            .object(["name": .value, "kind": .value, "country": .value, "region": .value, "visibility": .value, "contact": .any])
        }
    }

    /// A member as the API shows it to `viewer`.
    struct MemberBody: Encodable, Sendable {
        let id: String
        /// Absent in the public view of an anonymous member, and once its private data is erased.
        let kind: String?
        let country: String?
        let region: String?
        let visibility: String
        /// The public name, or the pseudonym of an anonymous member (private views: the real name).
        let name: String
        let pseudonym: String
        let registeredAt: String
        let privateDataCommitment: String
        let privateDataErasedAt: String?
        let contact: JSONValue?

        init(_ view: MemberView, showsPrivate: Bool) {
            let member = view.member
            id = member.id.rawValue
            let profile = showsPrivate ? member.profile : member.publicProfile
            kind = profile?.kind.rawValue
            country = profile?.country.rawValue
            region = profile?.region
            visibility = member.visibility.rawValue
            name = showsPrivate ? (member.name ?? member.pseudonym) : member.publicName
            pseudonym = member.pseudonym
            registeredAt = member.registeredAt.description
            privateDataCommitment = Data(view.commitment).base64EncodedString()
            privateDataErasedAt = view.erasedAt?.description
            contact = showsPrivate ? view.privateData?.contact : nil
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, country, region, visibility, name, pseudonym, contact
            case registeredAt = "registered_at"
            case privateDataCommitment = "private_data_commitment"
            case privateDataErasedAt = "private_data_erased_at"
        }
    }

    static func showsPrivate(_ context: AppRequestContext) -> Bool {
        [.admin, .auditor].contains(context.principal?.role)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/members") { request, context in
            let body = try await RequestReading.body(of: request, limits: limits)
            let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
            let name = UnicodeText.nfc(create.name)
            let region = UnicodeText.nfc(create.region)
            try RequestLimits.enforce(limits.problems(metadata: create.contact, field: "contact"))
            let principal = try context.requirePrincipal()
            // The creation response is stored for idempotent replays, which must not outlive
            // an erasure: it holds only what the public may see.
            let render: @Sendable (MemberView) throws -> StoredResponse = {
                StoredResponse(status: 201, body: try JSONResponse.bytes(MemberBody($0, showsPrivate: false)))
            }
            let draft = MemberDraft(name: name, kind: create.kind, country: create.country, region: region, visibility: create.visibility, contact: create.contact)
            let outcome = try await store.registerMember(
                draft, by: principal, idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
            )
            return try JSONResponse.response(outcome, render: render)
        }
        group.get("/v1/members") { request, context in
            let page = try await store.members(page: try RequestReading.page(request, limits: limits))
            let showsPrivate = Self.showsPrivate(context)
            return try JSONResponse.response(Representation.List(page) { MemberBody($0, showsPrivate: showsPrivate) })
        }
        group.get("/v1/members/{id}") { _, context in
            let id = try Self.memberID(context)
            guard let view = try await store.member(id) else { throw Rejection.notFound(resource: "member", reference: id.rawValue) }
            return try JSONResponse.response(MemberBody(view, showsPrivate: Self.showsPrivate(context)))
        }
        group.delete("/v1/members/{id}/private-data") { _, context in
            let id = try Self.memberID(context)
            let view = try await store.erasePrivateData(of: id, by: try context.requirePrincipal())
            return try JSONResponse.response(MemberBody(view, showsPrivate: true))
        }
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
    struct CreateRequest: RequestBody {
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

    struct FundBody: Encodable, Sendable {
        let id: String
        let code: String
        let name: String
        let assets: [String]
        let twoApprovalsAbove: [String: Int64]
        let cashAdjustmentApprovalAbove: [String: Int64]
        let accounts: [String: String]
        let createdAt: String

        init(_ fund: Fund) {
            id = fund.id.rawValue
            code = fund.code
            name = fund.name
            assets = fund.assets.map(\.rawValue)
            twoApprovalsAbove = Dictionary(uniqueKeysWithValues: fund.twoApprovalsAbove.map { ($0.key.rawValue, $0.value.minorUnits) })
            cashAdjustmentApprovalAbove = Dictionary(uniqueKeysWithValues: fund.cashAdjustmentApprovalAbove.map { ($0.key.rawValue, $0.value.minorUnits) })
            var accounts = ["conversion": fund.chart.conversion.rawValue]
            for asset in fund.assets { accounts["cash_\(asset.rawValue)"] = fund.chart.cash(asset).rawValue }
            self.accounts = accounts
            createdAt = fund.createdAt.description
        }

        enum CodingKeys: String, CodingKey {
            case id, code, name, assets, accounts
            case twoApprovalsAbove = "two_approvals_above"
            case cashAdjustmentApprovalAbove = "cash_adjustment_approval_above"
            case createdAt = "created_at"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let render: @Sendable (Fund) throws -> StoredResponse = {
            StoredResponse(status: 201, body: try JSONResponse.bytes(FundBody($0)))
        }
        group.post("/v1/funds") { request, context in
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
                draft, by: principal, idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
            )
            return try JSONResponse.response(outcome, render: render)
        }
        group.get("/v1/funds") { request, _ in
            let page = try await store.funds(page: try RequestReading.page(request, limits: limits))
            return try JSONResponse.response(Representation.List(page, FundBody.init))
        }
        group.get("/v1/funds/{id}") { _, context in
            let reference = try RequestReading.pathParameter(context, "id")
            guard let fund = try await store.fund(reference) else { throw Rejection.notFound(resource: "fund", reference: reference) }
            return try JSONResponse.response(FundBody(fund))
        }
    }
}
