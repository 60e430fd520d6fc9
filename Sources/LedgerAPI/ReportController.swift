import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import Reports

/// `GET /v1/trial-balance`: debit and credit totals per asset from the ledger tables,
/// current or as of a date; and `GET /v1/reports/{name}`: the six reports computed from
/// the audit log up to a signed checkpoint, as JSON, CSV or HTML.
struct ReportController<Store: LedgerStore> {
    let store: Store
    let cache: ReportBookCache

    /// Formats a report is served in.
    enum Format: String, CaseIterable {
        case json, csv, html
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/v1/trial-balance") { request, _ in
            let trialBalance = try await store.trialBalance(asOf: try RequestReading.date(request, "as_of"))
            return try JSONResponse.response(Representation.TrialBalance(trialBalance))
        }
        group.get("/v1/reports/{name}") { request, context in
            try await report(request, context)
        }
    }

    func report(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let nameText = try RequestReading.pathParameter(context, "name")
        guard let name = ReportName(rawValue: nameText) else {
            throw Problem(
                status: .notFound, code: "report_not_found", title: "There is no such report",
                detail: "reports are \(ReportName.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let query = request.uri.queryParameters
        var currency: AssetCode?
        if let text = query.get("currency") {
            guard let code = AssetCode(text) else { throw Problem.invalidParameter("currency", "must be an asset code such as USD") }
            currency = code
        }
        for parameter in ["fund", "member", "table"] {
            if let text = query.get(parameter), text.isEmpty || text.utf8.count > 200 {
                throw Problem.invalidParameter(parameter, "must be 1 to 200 bytes")
            }
        }
        var treeSize: Int64?
        if let text = query.get("tree_size") {
            guard let size = Int64(text), size >= 1 else { throw Problem.invalidParameter("tree_size", "must be a positive integer") }
            treeSize = size
        }
        let audience = try RequestReading.choice(request, "audience", as: ReportParameters.Audience.self) ?? .public
        // The auditor version names anonymous members: the same access as reading keys.
        if audience == .auditor, !RoutePolicy.keyReaders.allows(context.principal) {
            if context.principal == nil { throw Problem.unauthenticated("the auditor version needs an auditor's API key") }
            throw Problem.forbidden("only admins and auditors may read the auditor version, which names anonymous members")
        }
        let format = try RequestReading.choice(request, "format", as: Format.self) ?? .json
        let parameters = ReportParameters(
            name: name, asOf: try RequestReading.date(request, "as_of"), from: try RequestReading.date(request, "from"),
            fund: query.get("fund"), member: query.get("member"), currency: currency, audience: audience
        )
        let report: Report
        do {
            report = try await LogReports.compute(parameters, store: store, treeSize: treeSize, cache: cache)
        } catch let error as ReportError {
            switch error {
            case .unknown(let detail):
                throw Problem(status: .unprocessableContent, code: "unknown_reference", title: "The request names something that does not exist", detail: detail)
            case .overflow(let detail):
                throw Problem(status: .unprocessableContent, code: "amount_overflow", title: "A total does not fit 64 bits", detail: detail)
            case .malformed:
                throw error
            }
        } catch let busy as ReportBusy {
            throw Problem(
                status: .serviceUnavailable, code: "report_busy", title: "The server is preparing another report",
                detail: "the server is replaying the log for other reports; retry in \(busy.retryAfterSeconds) s",
                headers: [.retryAfter: String(busy.retryAfterSeconds)]
            )
        }
        let fingerprint: HTTPFields = [.eTag: "\"\(report.sha256)\""]
        switch format {
        case .json:
            return JSONResponse.make(status: .ok, body: report.document.canonicalBytes, headers: fingerprint)
        case .csv:
            let tableName = query.get("table") ?? report.tables.first?.name ?? ""
            guard let table = report.table(tableName) else {
                throw Problem(
                    status: .unprocessableContent, code: "unknown_reference", title: "The request names something that does not exist",
                    detail: "table: \(name.rawValue) has the tables \(report.tables.map(\.name).joined(separator: ", "))"
                )
            }
            var headers = fingerprint
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(name.rawValue)-\(table.name).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ReportCSV.text(of: table, scales: report.assetScales))))
        case .html:
            var headers = fingerprint
            headers[.contentType] = "text/html; charset=utf-8"
            let command = "commons-ledger verify-report \(name.rawValue).html --url <this server's base URL>"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ReportHTML.page(report, verifyCommand: command))))
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
