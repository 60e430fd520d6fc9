import Hummingbird
import LedgerApplication
import LedgerCore
import LedgerStorage
import WireContract

/// `/v1/keys`: issue, list and revoke API keys (admins; auditors may list).
///
/// Creating a key answers its token once; the token is never stored, so key creation
/// refuses `Idempotency-Key` (a replay would have to store the secret to repeat it).
struct KeyController<Store: LedgerStore> {
    let store: Store
    let limits: RequestLimits

    /// `POST /v1/keys` body.
    ///
    /// The key's holder: `person_id` (a person who already holds a key) or `person_name`
    /// (a new person); neither makes a new person named like the key. Four eyes counts
    /// people, so an admin names who will hold the key.
    struct CreateRequest: JSONRequestBody {
        let name: String
        let role: String
        let expiresAt: String?
        let personID: String?
        let personName: String?

        static var shape: JSONShape {
            .object(["name": .value, "role": .value, "expires_at": .value, "person_id": .value, "person_name": .value])
        }

        enum CodingKeys: String, CodingKey {
            case name, role
            case expiresAt = "expires_at"
            case personID = "person_id"
            case personName = "person_name"
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/v1/keys", use: create)
        group.get("/v1/keys", use: self.list)
        group.post("/v1/keys/{id}/revoke", use: revoke)
    }

    /// `POST /v1/keys`.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard request.headers[.idempotencyKey] == nil else {
            throw Problem.invalidIdempotencyKey(
                title: "Key creation cannot be replayed",
                detail: "a key's token is shown once and never stored, so POST /v1/keys takes no Idempotency-Key"
            )
        }
        let body = try await RequestReading.body(of: request, limits: limits)
        let create = try JSONRequest.decode(CreateRequest.self, from: body, depthMax: limits.jsonDepthMax)
        var problems: [FieldProblem] = []
        let role = Role(rawValue: create.role)
        if role == nil {
            problems.append(FieldProblem(field: "role", detail: "must be one of admin, treasurer, approver, auditor"))
        }
        var expiresAt: Timestamp?
        if let text = create.expiresAt {
            expiresAt = Timestamp(text)
            if expiresAt == nil {
                let detail = "must be a UTC timestamp like 2027-01-31T00:00:00.000000Z"
                problems.append(FieldProblem(field: "expires_at", detail: detail))
            }
        }
        let name = UnicodeText.nfc(create.name)
        problems += limits.problems(text: name, field: "name")
        problems += limits.problems(text: create.personName, field: "person_name")
        let holder = Self.holder(create, keyName: name, problems: &problems)
        guard problems.isEmpty, let role else { throw Rejection.invalidFields(problems) }
        let (key, token) = try await store.createKey(
            name: name, role: role, holder: holder, expiresAt: expiresAt, by: try context.requirePrincipal()
        )
        let personName = try await personNames()[key.personID]
        let created = Representation.KeyBody(key, token: token, personName: personName)
        return try JSONResponse.response(created, status: .created)
    }

    /// `POST /v1/keys/{id}/revoke`.
    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try RequestReading.pathParameter(context, "id")
        let body = try await RequestReading.body(of: request, limits: limits, allowsEmpty: true)
        if !body.isEmpty { _ = try JSONRequest.decode(EmptyRequest.self, from: body, depthMax: limits.jsonDepthMax) }
        guard APIKey.isWellFormedID(id) else { throw Rejection.notFound(resource: "key", reference: id) }
        let key = try await store.revokeKey(id: id, by: try context.requirePrincipal())
        return try JSONResponse.response(Representation.KeyBody(key, personName: try await personNames()[key.personID]))
    }

    /// `GET /v1/keys`: every key with its person; names for admins only (auditors check
    /// roles and people, which is all four eyes needs).
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let showsNames = context.principal?.role == .admin
        let names = showsNames ? try await personNames() : [:]
        return try JSONResponse.response(Representation.KeyList(items: try await store.keys().map { key in
            Representation.KeyBody(key, personName: names[key.personID], showsNames: showsNames)
        }))
    }

    func personNames() async throws -> [PersonID: String] {
        Dictionary(try await store.people().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// Who the new key is for, from `person_id` or `person_name` (not both).
    static func holder(_ create: CreateRequest, keyName: String, problems: inout [FieldProblem]) -> KeyHolder {
        if create.personID != nil, create.personName != nil {
            problems.append(FieldProblem(field: "person_id", detail: "give person_id or person_name, not both"))
        }
        if let text = create.personID {
            guard let id = PersonID(text) else {
                let detail = "must be prs_ followed by 32 lowercase hex digits"
                problems.append(FieldProblem(field: "person_id", detail: detail))
                return .newPerson(name: keyName)
            }
            return .person(id)
        }
        return .newPerson(name: create.personName.map(UnicodeText.nfc) ?? keyName)
    }
}
