import FundCore
import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `POST /v1/funds/{id}/conversions` and `/v1/fx-rates`: moving a fund's cash between
/// currencies, and the exchange rates reports use (rates never change ledger amounts).
struct ConversionController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/funds/{id}/conversions` body.
    struct ConversionRequest: JSONRequestBody {
        let fromAsset: String
        let fromAmount: Int64
        let toAsset: String
        let toAmount: Int64
        let date: String

        static var shape: JSONShape {
            .object([
                "from_asset": .value, "from_amount": .integer, "to_asset": .value, "to_amount": .integer,
                "date": .value,
            ])
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            fromAsset = try container.decode(String.self, forKey: .fromAsset)
            fromAmount = try container.decodeInteger(Int64.self, forKey: .fromAmount)
            toAsset = try container.decode(String.self, forKey: .toAsset)
            toAmount = try container.decodeInteger(Int64.self, forKey: .toAmount)
            date = try container.decode(String.self, forKey: .date)
        }

        enum CodingKeys: String, CodingKey {
            case date
            case fromAsset = "from_asset"
            case fromAmount = "from_amount"
            case toAsset = "to_asset"
            case toAmount = "to_amount"
        }
    }

    /// `POST /v1/fx-rates` body; the rate is exact decimal text, never a JSON number.
    struct RateRequest: JSONRequestBody {
        let base: String
        let quote: String
        let date: String
        let rate: String

        static var shape: JSONShape { .object(["base": .value, "quote": .value, "date": .value, "rate": .value]) }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/funds/{id}/conversions", use: convert)
        group.post("/v1/fx-rates", use: recordRate)
        group.get("/v1/fx-rates", use: listRates)
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var renderConversion: @Sendable (ConversionView) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.ConversionBody($0))) }
    }

    /// The stored rendering of what the route creates, also replayed for a repeated idempotency key.
    var renderRate: @Sendable (ExchangeRate) throws -> StoredResponse {
        { StoredResponse(status: 201, body: try JSONBody.bytes(Representation.RateBody($0))) }
    }

    /// `POST /v1/funds/{id}/conversions`.
    @Sendable func convert(_ request: Request, context: AppRequestContext) async throws -> Response {
        let fund = try RequestReading.pathParameter(context, "id")
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(ConversionRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let principal = try context.requirePrincipal()
        let outcome = try await store.recordConversion(
            fund: fund, fromAsset: create.fromAsset, fromAmount: create.fromAmount, toAsset: create.toAsset,
            toAmount: create.toAmount,
            date: create.date, by: principal,
            idempotency: try RequestReading.idempotency(
                request, body: body, principal: principal, render: renderConversion
            )
        )
        return try JSONResponse.response(outcome, render: renderConversion)
    }

    /// `POST /v1/fx-rates`.
    @Sendable func recordRate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(RateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        let principal = try context.requirePrincipal()
        let outcome = try await store.recordExchangeRate(
            base: create.base, quote: create.quote, date: create.date, rate: create.rate, by: principal,
            idempotency: try RequestReading.idempotency(request, body: body, principal: principal, render: renderRate)
        )
        return try JSONResponse.response(outcome, render: renderRate)
    }

    /// `GET /v1/fx-rates`.
    @Sendable func listRates(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var base: AssetCode?
        var quote: AssetCode?
        if let text = query.get("base") {
            guard let code = AssetCode(String(text)) else {
                throw Problem.invalidParameter("base", "must match [A-Z0-9_]{2,16}")
            }
            base = code
        }
        if let text = query.get("quote") {
            guard let code = AssetCode(String(text)) else {
                throw Problem.invalidParameter("quote", "must match [A-Z0-9_]{2,16}")
            }
            quote = code
        }
        let rates = try await store.exchangeRates(base: base, quote: quote)
        return try JSONResponse.response(Representation.RateList(items: rates.map(Representation.RateBody.init)))
    }
}
