import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import Logging
import Reports
import WireContract

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
        group.get("/v1/trial-balance", use: trialBalance)
        group.get("/v1/reports/{name}", use: report)
    }

    /// `GET /v1/trial-balance`.
    @Sendable func trialBalance(_ request: Request, context: AppRequestContext) async throws -> Response {
        let trialBalance = try await store.trialBalance(asOf: try RequestReading.date(request, "as_of"))
        return try JSONResponse.response(Representation.TrialBalance(trialBalance))
    }

    /// `GET /v1/reports/{name}`: the parameters, the report (ReportError and ReportBusy
    /// reach HTTP through `Problem.mapping`), then the format asked for.
    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (parameters, treeSize, format) = try Self.reportRequest(request, context: context)
        let report = try await LogReports.compute(parameters, store: store, treeSize: treeSize, cache: cache)
        let table = request.uri.queryParameters.get("table")
        return try Self.rendered(report, name: parameters.name, format: format, table: table)
    }

    /// The report's parameters, the log size it is computed at and its format, from the path
    /// and query; 400 for a malformed parameter, 401/403 for the auditor version without access.
    static func reportRequest(
        _ request: Request, context: AppRequestContext
    ) throws -> (ReportParameters, treeSize: Int64?, Format) {
        let nameText = try RequestReading.pathParameter(context, "name")
        guard let name = ReportName(rawValue: nameText) else {
            throw Problem.reportNotFound("reports are \(ReportName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let query = request.uri.queryParameters
        var currency: AssetCode?
        if let text = query.get("currency") {
            guard let code = AssetCode(text) else {
                throw Problem.invalidParameter("currency", "must be an asset code such as USD")
            }
            currency = code
        }
        for parameter in ["fund", "member", "table"] {
            if let text = query.get(parameter), text.isEmpty || text.utf8.count > 200 {
                throw Problem.invalidParameter(parameter, "must be 1 to 200 bytes")
            }
        }
        var treeSize: Int64?
        if let text = query.get("tree_size") {
            guard let size = Int64(text), size >= 1 else {
                throw Problem.invalidParameter("tree_size", "must be a positive integer")
            }
            treeSize = size
        }
        let audience = try RequestReading.choice(request, "audience", as: ReportParameters.Audience.self) ?? .public
        // The auditor version names anonymous members: the same access as reading keys.
        if audience == .auditor, !RoutePolicy.keyReaders.allows(context.principal) {
            if context.principal == nil {
                throw Problem.unauthenticated("the auditor version needs an auditor's API key")
            }
            throw Problem.forbidden(
                "only admins and auditors may read the auditor version, which names anonymous members"
            )
        }
        let format = try RequestReading.choice(request, "format", as: Format.self) ?? .json
        let parameters = ReportParameters(
            name: name, asOf: try RequestReading.date(request, "as_of"), from: try RequestReading.date(request, "from"),
            fund: query.get("fund"), member: query.get("member"), currency: currency, audience: audience
        )
        return (parameters, treeSize, format)
    }

    /// The report as JSON (canonical bytes), one table as CSV, or the HTML page, each with
    /// the report's hash as its ETag.
    static func rendered(
        _ report: Report, name: ReportName, format: Format, table tableName: String?
    ) throws -> Response {
        let fingerprint: HTTPFields = [.eTag: "\"\(report.sha256)\""]
        switch format {
        case .json:
            return JSONResponse.make(status: .ok, body: report.document.canonicalBytes, headers: fingerprint)
        case .csv:
            guard let table = report.table(tableName ?? report.tables.first?.name ?? "") else {
                throw Problem.unknownReference(
                    "table: \(name.rawValue) has the tables \(report.tables.map(\.name).joined(separator: ", "))"
                )
            }
            var headers = fingerprint
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(name.rawValue)-\(table.name).csv\""
            let text = ReportCSV.text(of: table, scales: report.assetScales)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        case .html:
            var headers = fingerprint
            headers[.contentType] = "text/html; charset=utf-8"
            let command = "commons-ledger verify-report \(name.rawValue).html --url <this server's base URL>"
            let page = ReportHTML.page(report, verifyCommand: command)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }
}

/// `GET /healthz` (the process answers) and `GET /readyz` (the database answers too).
struct HealthController<Store: LedgerStore> {
    let store: Store

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/healthz", use: healthz)
        group.get("/readyz", use: readyz)
    }

    /// `GET /healthz`.
    @Sendable func healthz(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONResponse.make(status: .ok, body: Array(#"{"status":"ok"}"#.utf8))
    }

    /// `GET /readyz`.
    @Sendable func readyz(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try await store.checkReadiness()
        } catch {
            context.logger.error("readiness check failed", metadata: ["error": "\(error)"])
            throw Problem.unavailable
        }
        return JSONResponse.make(status: .ok, body: Array(#"{"status":"ready"}"#.utf8))
    }
}

/// Serves the OpenAPI document that describes every route, as YAML and as JSON, from
/// the package resources (`WireContract`), so the served document is `schema/` itself.
struct OpenAPIController {
    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/openapi.yaml", use: yaml)
        group.get("/openapi.json", use: json)
    }

    @Sendable func yaml(_: Request, context _: AppRequestContext) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/yaml"],
            body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.bundled.get().yaml))
        )
    }

    @Sendable func json(_: Request, context _: AppRequestContext) throws -> Response {
        JSONResponse.make(status: .ok, body: try OpenAPIDocument.bundled.get().json)
    }
}
