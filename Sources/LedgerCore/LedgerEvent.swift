/// A change to the ledger, as the audit log records it.
///
/// Each case carries the full state the change created, so the log alone can rebuild
/// the ledger (and every report) without the ledger tables. The JSON payload is the
/// log's stable wire format: fields are only ever added, never renamed.
public enum LedgerEvent: Hashable, Sendable {
    case assetRegistered(Asset)
    case accountOpened(Account)
    case accountClosed(Account)
    /// A transaction, including a reversal (then `reversesID` is set).
    case transactionRecorded(LedgerTransaction)
    /// An API key was issued (its token is never recorded).
    case keyCreated(APIKey)
    /// An API key was revoked.
    case keyRevoked(APIKey)
    /// A step of the fund's domain (a member registered, a fund created, a pledge made…),
    /// with the accounts it opened and the ledger transaction it recorded, if any: one
    /// entry per step, so a domain step and its money are proved together.
    case fundAction(FundAction)

    /// The entry kind: `asset.registered`, `account.opened`, `account.closed`,
    /// `transaction.recorded` or `transaction.reversed`.
    public var kind: String {
        switch self {
        case .assetRegistered: "asset.registered"
        case .accountOpened: "account.opened"
        case .accountClosed: "account.closed"
        case .transactionRecorded(let transaction): transaction.reversesID == nil ? "transaction.recorded" : "transaction.reversed"
        case .keyCreated: "key.created"
        case .keyRevoked: "key.revoked"
        case .fundAction(let action): action.kind
        }
    }

    /// The object the event records, for finding its log entry by id.
    public var subject: String {
        switch self {
        case .assetRegistered(let asset): "asset:\(asset.code)"
        case .accountOpened(let account): account.id.rawValue
        case .accountClosed(let account): "\(account.id.rawValue)#closed"
        case .transactionRecorded(let transaction): transaction.id.rawValue
        case .keyCreated(let key): key.id
        case .keyRevoked(let key): "\(key.id)#revoked"
        case .fundAction(let action): action.subject
        }
    }

    /// The change as a JSON object.
    public var payload: JSONValue {
        switch self {
        case .assetRegistered(let asset):
            return .object([
                "code": .string(asset.code.rawValue), "scale": .integer(Int64(asset.scale)),
                "name": .string(asset.name), "created_at": .string(asset.createdAt.description),
            ])
        case .accountOpened(let account):
            return .object([
                "id": .string(account.id.rawValue), "code": .string(account.code.rawValue),
                "type": .string(account.type.rawValue),
                "allowed_assets": account.allowedAssets.map { .array($0.map { .string($0.rawValue) }) } ?? .null,
                "constraint": account.constraint.map { .string($0.rawValue) } ?? .null,
                "metadata": account.metadata, "created_at": .string(account.createdAt.description),
            ])
        case .accountClosed(let account):
            return .object([
                "id": .string(account.id.rawValue), "code": .string(account.code.rawValue),
                "closed_at": account.closedAt.map { .string($0.description) } ?? .null,
            ])
        case .transactionRecorded(let transaction):
            return .object([
                "id": .string(transaction.id.rawValue), "date": .string(transaction.date.description),
                "description": .string(transaction.description), "metadata": transaction.metadata,
                "recorded_at": .string(transaction.recordedAt.description),
                "reverses": transaction.reversesID.map { .string($0.rawValue) } ?? .null,
                "postings": .array(transaction.postings.map { posting in
                    .object([
                        "account_id": .string(posting.accountID.rawValue), "account": .string(posting.accountCode.rawValue),
                        "asset": .string(posting.asset.rawValue), "amount": .integer(posting.amount.minorUnits),
                    ])
                }),
            ])
        case .fundAction(let action):
            return .object([
                "details": action.details,
                "accounts_opened": .array(action.accountsOpened.map { LedgerEvent.accountOpened($0).payload }),
                "transaction": action.transaction.map { LedgerEvent.transactionRecorded($0).payload } ?? .null,
            ])
        case .keyCreated(let key), .keyRevoked(let key):
            return Self.keyPayload(key)
        }
    }

    /// A key as the log records it: since people exist, its person and a commitment to
    /// its names (staff names stay in the private store); before, its name in clear.
    static func keyPayload(_ key: APIKey) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(key.id), "role": .string(key.role.rawValue), "created_at": .string(key.createdAt.description),
            "expires_at": key.expiresAt.map { .string($0.description) } ?? .null,
            "revoked_at": key.revokedAt.map { .string($0.description) } ?? .null,
        ]
        if let commitment = key.commitment {
            members["person_id"] = .string(key.personID.rawValue)
            members["private_data_commitment"] = .string(CommitmentText.render(commitment))
        } else {
            members["name"] = .string(key.name ?? "")
        }
        return .object(members)
    }

    /// Reads an event back from its kind and payload; throws on anything that is not
    /// exactly what `payload` writes.
    public init(kind: String, payload: JSONValue) throws(LogEntryError) {
        let fields = try JSONFields(payload, context: kind)
        switch kind {
        case "asset.registered":
            let scale = try fields.integer("scale")
            guard let code = AssetCode(try fields.string("code")), Limits.assetScaleRange.contains(Int(scale)) else {
                throw .malformed("\(kind): invalid code or scale")
            }
            self = .assetRegistered(Asset(code: code, scale: Int(scale), name: try fields.string("name"), createdAt: try fields.timestamp("created_at")))
        case "account.opened":
            guard let id = AccountID(try fields.string("id")), let code = AccountCode(try fields.string("code")),
                  let type = AccountType(rawValue: try fields.string("type"))
            else { throw .malformed("\(kind): invalid id, code or type") }
            var allowed: [AssetCode]?
            if let list = try fields.optionalArray("allowed_assets") {
                allowed = try list.map { value throws(LogEntryError) in
                    guard case .string(let text) = value, let asset = AssetCode(text) else { throw .malformed("\(kind): invalid allowed asset") }
                    return asset
                }
            }
            var constraint: BalanceConstraint?
            if let text = try fields.optionalString("constraint") {
                guard let parsed = BalanceConstraint(rawValue: text) else { throw .malformed("\(kind): invalid constraint") }
                constraint = parsed
            }
            guard let metadata = fields.members["metadata"], case .object = metadata else { throw .malformed("\(kind): metadata") }
            self = .accountOpened(Account(
                id: id, code: code, type: type, allowedAssets: allowed, constraint: constraint, metadata: metadata,
                createdAt: try fields.timestamp("created_at"), closedAt: nil
            ))
        case "account.closed":
            guard let id = AccountID(try fields.string("id")), let code = AccountCode(try fields.string("code")) else {
                throw .malformed("\(kind): invalid id or code")
            }
            // Only id, code and time are recorded; the replay fills in the rest.
            self = .accountClosed(Account(
                id: id, code: code, type: .asset, allowedAssets: nil, constraint: nil, metadata: .object([:]),
                createdAt: try fields.timestamp("closed_at"), closedAt: try fields.timestamp("closed_at")
            ))
        case "transaction.recorded", "transaction.reversed":
            guard let id = TransactionID(try fields.string("id")), let date = LocalDate(try fields.string("date")) else {
                throw .malformed("\(kind): invalid id or date")
            }
            var reverses: TransactionID?
            if let text = try fields.optionalString("reverses") {
                guard let parsed = TransactionID(text) else { throw .malformed("\(kind): invalid reverses") }
                reverses = parsed
            }
            guard (kind == "transaction.reversed") == (reverses != nil) else { throw .malformed("\(kind): reverses does not match kind") }
            guard let metadata = fields.members["metadata"], case .object = metadata else { throw .malformed("\(kind): metadata") }
            guard let postingValues = try fields.optionalArray("postings"), postingValues.count >= Limits.postingsMin else {
                throw .malformed("\(kind): fewer than two postings")
            }
            let postings = try postingValues.map { value throws(LogEntryError) in
                let posting = try JSONFields(value, context: "\(kind) posting")
                guard let accountID = AccountID(try posting.string("account_id")), let code = AccountCode(try posting.string("account")),
                      let asset = AssetCode(try posting.string("asset")), let amount = Amount(minorUnits: try posting.integer("amount")),
                      !amount.isZero
                else { throw .malformed("\(kind): invalid posting") }
                return Posting(accountID: accountID, accountCode: code, asset: asset, amount: amount)
            }
            self = .transactionRecorded(LedgerTransaction(
                id: id, date: date, description: try fields.string("description"), metadata: metadata, postings: postings,
                recordedAt: try fields.timestamp("recorded_at"), reversesID: reverses, reversedByID: nil
            ))
        case "key.created", "key.revoked":
            let id = try fields.string("id")
            guard APIKey.isWellFormedID(id), let role = Role(rawValue: try fields.string("role")) else {
                throw .malformed("\(kind): invalid id or role")
            }
            let expires = try fields.optionalString("expires_at").map { text throws(LogEntryError) in
                guard let time = Timestamp(text) else { throw .malformed("\(kind): expires_at") }
                return time
            }
            let revoked = try fields.optionalString("revoked_at").map { text throws(LogEntryError) in
                guard let time = Timestamp(text) else { throw .malformed("\(kind): revoked_at") }
                return time
            }
            guard (kind == "key.revoked") == (revoked != nil) else { throw .malformed("\(kind): revoked_at does not match kind") }
            let key = try Self.key(fields, kind: kind, id: id, role: role, expiresAt: expires, revokedAt: revoked)
            self = kind == "key.created" ? .keyCreated(key) : .keyRevoked(key)
        default:
            guard FundAction.isKind(kind) else { throw .malformed("unknown entry kind \(kind)") }
            guard let details = fields.members["details"], case .object(let detailMembers) = details,
                  case .string(let subject)? = detailMembers["id"]
            else { throw .malformed("\(kind): details need an id") }
            let opened = try (fields.optionalArray("accounts_opened") ?? []).map { value throws(LogEntryError) -> Account in
                guard case .accountOpened(let account) = try LedgerEvent(kind: "account.opened", payload: value) else {
                    throw .malformed("\(kind): accounts_opened")
                }
                return account
            }
            var transaction: LedgerTransaction?
            if let value = fields.members["transaction"], value != .null {
                var transactionKind = "transaction.recorded"
                if case .object(let members) = value, let reverses = members["reverses"], reverses != .null {
                    transactionKind = "transaction.reversed"
                }
                guard case .transactionRecorded(let recorded) = try LedgerEvent(kind: transactionKind, payload: value) else {
                    throw .malformed("\(kind): transaction")
                }
                transaction = recorded
            }
            self = .fundAction(FundAction(kind: kind, subject: subject, details: details, accountsOpened: opened, transaction: transaction))
        }
    }
}

extension LedgerEvent {
    /// Reads a key in either form `keyPayload` writes: a person and a commitment, or
    /// (entries logged before people existed) a name in clear.
    static func key(
        _ fields: JSONFields, kind: String, id: String, role: Role, expiresAt: Timestamp?, revokedAt: Timestamp?
    ) throws(LogEntryError) -> APIKey {
        let created = try fields.timestamp("created_at")
        guard fields.members["person_id"] != nil else {
            return APIKey(id: id, name: try fields.string("name"), role: role, createdAt: created, expiresAt: expiresAt, revokedAt: revokedAt)
        }
        guard fields.members["name"] == nil, let person = PersonID(try fields.string("person_id")),
              let commitment = CommitmentText.parse(try fields.string("private_data_commitment"))
        else { throw .malformed("\(kind): person_id or private_data_commitment") }
        return APIKey(
            id: id, name: nil, role: role, personID: person, commitment: commitment,
            createdAt: created, expiresAt: expiresAt, revokedAt: revokedAt
        )
    }
}

/// Why a log entry could not be read.
public enum LogEntryError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let detail): detail
        }
    }
}

/// Typed access to the members of a JSON object read from the log.
struct JSONFields {
    let members: [String: JSONValue]
    let context: String

    init(_ value: JSONValue, context: String) throws(LogEntryError) {
        guard case .object(let members) = value else { throw .malformed("\(context): not an object") }
        self.members = members
        self.context = context
    }

    func string(_ name: String) throws(LogEntryError) -> String {
        guard case .string(let text) = members[name] else { throw .malformed("\(context): \(name) is not a string") }
        return text
    }

    func optionalString(_ name: String) throws(LogEntryError) -> String? {
        switch members[name] {
        case .string(let text): return text
        case .null: return nil
        default: throw .malformed("\(context): \(name) is not a string or null")
        }
    }

    func integer(_ name: String) throws(LogEntryError) -> Int64 {
        guard case .integer(let value) = members[name] else { throw .malformed("\(context): \(name) is not an integer") }
        return value
    }

    func optionalArray(_ name: String) throws(LogEntryError) -> [JSONValue]? {
        switch members[name] {
        case .array(let values): return values
        case .null: return nil
        default: throw .malformed("\(context): \(name) is not an array or null")
        }
    }

    func timestamp(_ name: String) throws(LogEntryError) -> Timestamp {
        guard let timestamp = Timestamp(try string(name)) else { throw .malformed("\(context): \(name) is not a timestamp") }
        return timestamp
    }
}

/// One step of the fund's domain as the log records it.
public struct FundAction: Hashable, Sendable {
    /// `member.registered`, `fund.created`, … — a dotted lowercase name.
    public let kind: String
    /// The id of the domain object the step acts on.
    public let subject: String
    /// The step's public details (never private member data, only its commitment).
    public let details: JSONValue
    /// Accounts the step opened, in order, before its transaction.
    public let accountsOpened: [Account]
    /// The ledger transaction the step recorded, if money moved.
    public let transaction: LedgerTransaction?

    public init(kind: String, subject: String, details: JSONValue, accountsOpened: [Account], transaction: LedgerTransaction?) {
        precondition(FundAction.isKind(kind), "fund action kinds are dotted lowercase names")
        self.kind = kind
        self.subject = subject
        self.details = details
        self.accountsOpened = accountsOpened
        self.transaction = transaction
    }

    /// Kinds the ledger itself uses are not fund actions.
    static let ledgerKinds: Set<String> = [
        "asset.registered", "account.opened", "account.closed", "transaction.recorded", "transaction.reversed",
        "key.created", "key.revoked",
    ]

    /// Whether `kind` can name a fund action: `noun.verb` in lowercase letters and `_`.
    public static func isKind(_ kind: String) -> Bool {
        let parts = kind.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && !ledgerKinds.contains(kind)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ($0 >= "a" && $0 <= "z") || $0 == "_" } }
    }
}
