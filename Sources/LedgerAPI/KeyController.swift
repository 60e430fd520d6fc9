import Hummingbird
import LedgerCore
import LedgerStorage

/// `/v1/keys`: issue, list and revoke API keys (admins; auditors may list).
///
/// Creating a key answers its token once; the token is never stored, so key creation
/// refuses `Idempotency-Key` (a replay would have to store the secret to repeat it).
struct KeyController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/keys` body.
    struct CreateRequest: RequestBody {
        let name: String
        let role: String
        let expiresAt: String?

        static var shape: JSONShape { .object(["name": .value, "role": .value, "expires_at": .value]) }

        enum CodingKeys: String, CodingKey {
            case name, role
            case expiresAt = "expires_at"
        }
    }

    /// A key as the API shows it; `token` only in the creation response.
    struct KeyBody: Encodable, Sendable {
        let id: String
        let name: String
        let role: String
        let createdAt: String
        let expiresAt: String?
        let revokedAt: String?
        let token: String?

        init(_ key: APIKey, token: String? = nil) {
            id = key.id
            name = key.name
            role = key.role.rawValue
            createdAt = key.createdAt.description
            expiresAt = key.expiresAt?.description
            revokedAt = key.revokedAt?.description
            self.token = token
        }

        enum CodingKeys: String, CodingKey {
            case id, name, role, token
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case revokedAt = "revoked_at"
        }
    }

    struct KeyList: Encodable, Sendable {
        let items: [KeyBody]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/keys") { request, context in
            guard request.headers[.idempotencyKey] == nil else {
                throw Problem(
                    status: .badRequest, code: "invalid_idempotency_key", title: "Key creation cannot be replayed",
                    detail: "a key's token is shown once and never stored, so POST /v1/keys takes no Idempotency-Key"
                )
            }
            let body = try await RequestReading.body(of: request, limits: limits)
            let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
            var problems: [FieldProblem] = []
            let role = Role(rawValue: create.role)
            if role == nil { problems.append(FieldProblem(field: "role", detail: "must be one of admin, treasurer, approver, auditor")) }
            var expiresAt: Timestamp?
            if let text = create.expiresAt {
                expiresAt = Timestamp(text)
                if expiresAt == nil { problems.append(FieldProblem(field: "expires_at", detail: "must be a UTC timestamp like 2027-01-31T00:00:00.000000Z")) }
            }
            let name = UnicodeText.nfc(create.name)
            problems += limits.problems(text: name, field: "name")
            guard problems.isEmpty, let role else { throw Rejection.invalidFields(problems) }
            let (key, token) = try await store.createKey(name: name, role: role, expiresAt: expiresAt, by: try context.requirePrincipal())
            return try JSONResponse.response(KeyBody(key, token: token), status: .created)
        }
        group.get("/v1/keys") { _, _ in
            try JSONResponse.response(KeyList(items: try await store.keys().map { KeyBody($0) }))
        }
        group.post("/v1/keys/{id}/revoke") { request, context in
            let id = try RequestReading.pathParameter(context, "id")
            let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
            if !body.isEmpty { _ = try JSONRequest.decode(EmptyRequest.self, from: body, depthMax: limits.jsonDepthMax) }
            guard APIKey.isWellFormedID(id) else { throw Rejection.notFound(resource: "key", reference: id) }
            return try JSONResponse.response(KeyBody(try await store.revokeKey(id: id, by: try context.requirePrincipal())))
        }
    }
}
