import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/pledges` and `/v1/contributions`: promises and the money that keeps them.
struct PledgeController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/pledges` body.
    struct CreateRequest: JSONRequestBody {
        struct InstalmentRequest: Decodable, Sendable {
            let dueDate: String
            let amount: Int64

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                dueDate = try container.decode(String.self, forKey: .dueDate)
                amount = try container.decodeInteger(Int64.self, forKey: .amount)
            }

            enum CodingKeys: String, CodingKey {
                case amount
                case dueDate = "due_date"
            }
        }

        /// A recurring pledge's schedule: `every`, `start`, and `count` or `end`.
        struct ScheduleRequest: Decodable, Sendable {
            let every: String
            let start: String
            let count: Int64?
            let end: String?

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                every = try container.decode(String.self, forKey: .every)
                start = try container.decode(String.self, forKey: .start)
                count = try container.decodeIfPresent(Int64.self, forKey: .count)
                end = try container.decodeIfPresent(String.self, forKey: .end)
            }

            enum CodingKeys: String, CodingKey { case every, start, count, end }
        }

        let memberID: String
        let fundID: String
        let asset: String
        let amount: Int64
        let dueDate: String?
        let date: String?
        let instalments: [InstalmentRequest]?
        let schedule: ScheduleRequest?

        static var shape: JSONShape {
            .object([
                "member_id": .value, "fund_id": .value, "asset": .value, "amount": .integer, "due_date": .value,
                "date": .value,
                "instalments": .array(.object(["due_date": .value, "amount": .integer])),
                "schedule": .object(["every": .value, "start": .value, "count": .integer, "end": .value]),
            ])
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            memberID = try container.decode(String.self, forKey: .memberID)
            fundID = try container.decode(String.self, forKey: .fundID)
            asset = try container.decode(String.self, forKey: .asset)
            amount = try container.decodeInteger(Int64.self, forKey: .amount)
            // A recurring pledge may leave out its due date: the schedule yields it.
            schedule = try container.decodeIfPresent(ScheduleRequest.self, forKey: .schedule)
            dueDate = schedule == nil
                ? try container.decode(String.self, forKey: .dueDate)
                : try container.decodeIfPresent(String.self, forKey: .dueDate)
            date = try container.decodeIfPresent(String.self, forKey: .date)
            instalments = try container.decodeIfPresent([InstalmentRequest].self, forKey: .instalments)
        }

        enum CodingKeys: String, CodingKey {
            case asset, amount, instalments, date, schedule
            case memberID = "member_id"
            case fundID = "fund_id"
            case dueDate = "due_date"
        }
    }

    /// `POST /v1/pledges/{id}/cancel` body.
    struct CancelRequest: JSONRequestBody {
        let reason: String
        static var shape: JSONShape { .object(["reason": .value]) }
    }

    /// `POST /v1/contributions` body.
    struct ContributionRequest: JSONRequestBody {
        let memberID: String
        let fundID: String
        let asset: String
        let amount: Int64
        let date: String
        let pledgeID: String?
        let splitExcess: Bool?

        static var shape: JSONShape {
            .object([
                "member_id": .value, "fund_id": .value, "asset": .value, "amount": .integer, "date": .value,
                "pledge_id": .value, "split_excess": .value,
            ])
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            memberID = try container.decode(String.self, forKey: .memberID)
            fundID = try container.decode(String.self, forKey: .fundID)
            asset = try container.decode(String.self, forKey: .asset)
            amount = try container.decodeInteger(Int64.self, forKey: .amount)
            date = try container.decode(String.self, forKey: .date)
            pledgeID = try container.decodeIfPresent(String.self, forKey: .pledgeID)
            splitExcess = try container.decodeIfPresent(Bool.self, forKey: .splitExcess)
        }

        enum CodingKeys: String, CodingKey {
            case asset, amount, date
            case memberID = "member_id"
            case fundID = "fund_id"
            case pledgeID = "pledge_id"
            case splitExcess = "split_excess"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/pledges", use: makePledge)
        group.get("/v1/pledges", use: listPledges)
        group.get("/v1/pledges/{id}", use: getPledge)
        group.post("/v1/pledges/{id}/cancel", use: cancelPledge)
        group.post("/v1/contributions", use: recordContribution)
        group.get("/v1/contributions", use: listContributions)
        group.get("/v1/contributions/{id}", use: getContribution)
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var renderPledge: @Sendable (PledgeView) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.PledgeBody($0))) }
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var renderContribution: @Sendable (ContributionView) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.ContributionBody($0))) }
    }

    /// `POST /v1/pledges`.
    @Sendable func makePledge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let principal = try context.requirePrincipal()
        let draft = PledgeDraft(
            memberID: create.memberID, fundID: create.fundID, asset: create.asset, amount: create.amount,
            dueDate: create.dueDate,
            date: create.date, instalments: create.instalments?.map { ($0.dueDate, $0.amount) },
            schedule: create.schedule.map { ($0.every, $0.start, $0.count, $0.end) }
        )
        let outcome = try await store.makePledge(
            draft, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: renderPledge)
        )
        return try JSONResponse.response(outcome, render: renderPledge)
    }

    /// `GET /v1/pledges`.
    @Sendable func listPledges(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = PledgeFilter(
            memberID: query.get("member_id"), fundID: query.get("fund_id"),
            from: try RequestReading.date(request, "from"), to: try RequestReading.date(request, "to")
        )
        filter.state = try RequestReading.choice(request, "status", as: PledgeStatus.State.self)
        let page = try await store.pledges(filter: filter, page: try RequestReading.page(request, limits: limits))
        return try JSONResponse.response(Representation.List(page, Representation.PledgeBody.init))
    }

    /// `GET /v1/pledges/{id}`.
    @Sendable func getPledge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.pledgeID(context)
        guard let view = try await store.pledge(id) else {
            throw Rejection.notFound(resource: "pledge", reference: id.rawValue)
        }
        return try JSONResponse.response(Representation.PledgeBody(view))
    }

    /// `POST /v1/pledges/{id}/cancel`.
    @Sendable func cancelPledge(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Self.pledgeID(context)
        let body = try await RequestReading.body(of: request, limits: limits)
        let cancel = try JSONRequest.decode(CancelRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let reason = UnicodeText.nfc(cancel.reason)
        try RequestLimits.enforce(limits.problems(text: reason, field: "reason"))
        let principal = try context.requirePrincipal()
        let render: @Sendable (PledgeView) throws -> StoredResponse = {
            StoredResponse(status: 200, body: try JSONBody.bytes(Representation.PledgeBody($0)))
        }
        let outcome = try await store.cancelPledge(
            id, reason: reason, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `POST /v1/contributions`.
    @Sendable func recordContribution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(ContributionRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let principal = try context.requirePrincipal()
        let draft = ContributionDraft(
            memberID: create.memberID, fundID: create.fundID, asset: create.asset, amount: create.amount,
            date: create.date,
            pledgeID: create.pledgeID, splitExcess: create.splitExcess ?? false
        )
        let outcome = try await store.recordContribution(
            draft, by: principal,
            idempotency: try RequestReading.idempotency(
                request, body: body, principal: principal, render: renderContribution
            )
        )
        return try JSONResponse.response(outcome, render: renderContribution)
    }

    /// `GET /v1/contributions`.
    @Sendable func listContributions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = ContributionFilter(
            memberID: query.get("member_id"), fundID: query.get("fund_id"), pledgeID: query.get("pledge_id"),
            from: try RequestReading.date(request, "from"), to: try RequestReading.date(request, "to")
        )
        let page = try await store.contributions(filter: filter, page: try RequestReading.page(request, limits: limits))
        return try JSONResponse.response(Representation.List(page, Representation.ContributionBody.init))
    }

    /// `GET /v1/contributions/{id}`.
    @Sendable func getContribution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = ContributionID(text), let view = try await store.contribution(id) else {
            throw Rejection.notFound(resource: "contribution", reference: text)
        }
        return try JSONResponse.response(Representation.ContributionBody(view))
    }

    static func pledgeID(_ context: AppRequestContext) throws -> PledgeID {
        let text = try RequestReading.pathParameter(context, "id")
        guard let id = PledgeID(text) else { throw Rejection.notFound(resource: "pledge", reference: text) }
        return id
    }
}
