import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/assets`: register and read the units the ledger counts in.
struct AssetController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/assets` body.
    struct CreateRequest: JSONRequestBody {
        let code: String
        let scale: Int
        let name: String?

        static var shape: JSONShape { .object(["code": .value, "scale": .integer, "name": .value]) }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decode(String.self, forKey: .code)
            scale = try container.decodeInteger(Int.self, forKey: .scale)
            name = try container.decodeIfPresent(String.self, forKey: .name)
        }

        enum CodingKeys: String, CodingKey {
            case code, scale, name
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/assets", use: create)
        group.get("/v1/assets", use: list)
        group.get("/v1/assets/{code}", use: get)
    }

    /// `POST /v1/assets`.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let render: @Sendable (Asset) throws -> StoredResponse = {
            StoredResponse(status: 201, body: try JSONBody.bytes(Representation.Asset($0)))
        }
        let name = UnicodeText.nfc(create.name)
        try RequestLimits.enforce(limits.problems(text: name, field: "name"))
        let principal = try context.requirePrincipal()
        let outcome = try await store.registerAsset(
            AssetDraft(code: create.code, scale: create.scale, name: name), by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: render)
        )
        return try JSONResponse.response(outcome, render: render)
    }

    /// `GET /v1/assets`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try await store.assets(page: try RequestReading.page(request, limits: limits))
        return try JSONResponse.response(Representation.List(page, Representation.Asset.init))
    }

    /// `GET /v1/assets/{code}`.
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = try RequestReading.pathParameter(context, "code")
        guard let code = AssetCode(text), let asset = try await store.asset(code) else {
            throw Rejection.notFound(resource: "asset", reference: text)
        }
        return try JSONResponse.response(Representation.Asset(asset))
    }
}
