import Hummingbird
import LedgerStorage

/// `GET /v1/trial-balance`: debit and credit totals per asset, current or as of a date.
struct ReportController<Store: LedgerStore> {
    let store: Store

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/v1/trial-balance") { request, _ in
            let trialBalance = try await store.trialBalance(asOf: try RequestReading.date(request, "as_of"))
            return try JSONResponse.response(Representation.TrialBalance(trialBalance))
        }
    }
}

/// `GET /healthz` (the process answers) and `GET /readyz` (the database answers too).
struct HealthController<Store: LedgerStore> {
    let store: Store

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/healthz") { _, _ in
            JSONResponse.make(status: .ok, body: Array(#"{"status":"ok"}"#.utf8))
        }
        group.get("/readyz") { _, context in
            do {
                try await store.checkReadiness()
            } catch {
                context.logger.error("readiness check failed", metadata: ["error": "\(error)"])
                throw Problem.unavailable
            }
            return JSONResponse.make(status: .ok, body: Array(#"{"status":"ready"}"#.utf8))
        }
    }
}

/// Serves the OpenAPI document that describes every route, as YAML and as JSON.
struct OpenAPIController {
    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml))
            )
        }
        group.get("/openapi.json") { _, _ in
            JSONResponse.make(status: .ok, body: Array(OpenAPIDocument.json.utf8))
        }
    }
}

/// The API's OpenAPI 3.1 document, `schema/openapi.yaml`, embedded at build time by
/// `scripts/embed-resources`.
public enum OpenAPIDocument {}
