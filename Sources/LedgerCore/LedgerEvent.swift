/// A change to the ledger, as the audit log records it.
///
/// Each case carries the full state the change created, so the log alone can rebuild
/// the ledger (and every report) without the ledger tables. The JSON payload is the
/// log's stable wire format: fields are only ever added, never renamed. `payload` is the
/// one encoder of the ledger's own kinds and `init(kind:payload:)` the one decoder; a fund
/// step's details are FundCore's (`FundEvent`), wrapped here with its accounts and
/// transaction.
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
    /// The log's signing key was handed over to a new one.
    case logKeyRotated(LogKeyRotation)
    /// A step of the fund's domain (a member registered, a fund created, a pledge made…),
    /// with the accounts it opened and the ledger transaction it recorded, if any: one
    /// entry per step, so a domain step and its money are proved together.
    case fundAction(FundAction)

    /// The entry kind.
    public var kind: LogEntryKind {
        switch self {
        case .assetRegistered: .assetRegistered
        case .accountOpened: .accountOpened
        case .accountClosed: .accountClosed
        case .transactionRecorded(let transaction):
            transaction.reversesID == nil ? .transactionRecorded : .transactionReversed
        case .keyCreated: .keyCreated
        case .keyRevoked: .keyRevoked
        case .logKeyRotated: .logKeyRotated
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
        case .logKeyRotated(let rotation): "log_key:\(rotation.newKey)"
        case .fundAction(let action): action.subject
        }
    }

    /// The change as a JSON object.
    public var payload: JSONValue {
        switch self {
        case .assetRegistered(let asset):
            .object([
                "code": .string(asset.code.rawValue), "scale": .integer(Int64(asset.scale)),
                "name": .string(asset.name), "created_at": .string(asset.createdAt.description),
            ])
        case .accountOpened(let account): Self.accountPayload(account)
        case .accountClosed(let account):
            .object([
                "id": .string(account.id.rawValue), "code": .string(account.code.rawValue),
                "closed_at": account.closedAt.map { .string($0.description) } ?? .null,
            ])
        case .transactionRecorded(let transaction): Self.transactionPayload(transaction)
        case .fundAction(let action):
            .object([
                "details": action.details,
                "accounts_opened": .array(action.accountsOpened.map(Self.accountPayload)),
                "transaction": action.transaction.map(Self.transactionPayload) ?? .null,
            ])
        case .keyCreated(let key), .keyRevoked(let key):
            Self.keyPayload(key)
        case .logKeyRotated(let rotation):
            .object([
                "old_key": .string(rotation.oldKey), "new_key": .string(rotation.newKey),
                "handover": .string(rotation.handover), "rotated_at": .string(rotation.rotatedAt.description),
            ])
        }
    }

    static func accountPayload(_ account: Account) -> JSONValue {
        .object([
            "id": .string(account.id.rawValue), "code": .string(account.code.rawValue),
            "type": .string(account.type.rawValue),
            "allowed_assets": account.allowedAssets.map { .array($0.map { .string($0.rawValue) }) } ?? .null,
            "constraint": account.constraint.map { .string($0.rawValue) } ?? .null,
            "metadata": account.metadata, "created_at": .string(account.createdAt.description),
        ])
    }

    static func transactionPayload(_ transaction: LedgerTransaction) -> JSONValue {
        .object([
            "id": .string(transaction.id.rawValue), "date": .string(transaction.date.description),
            "description": .string(transaction.description), "metadata": transaction.metadata,
            "recorded_at": .string(transaction.recordedAt.description),
            "reverses": transaction.reversesID.map { .string($0.rawValue) } ?? .null,
            "postings": .array(
                transaction.postings.map { posting in
                    .object([
                        "account_id": .string(posting.accountID.rawValue),
                        "account": .string(posting.accountCode.rawValue),
                        "asset": .string(posting.asset.rawValue), "amount": .integer(posting.amount.minorUnits),
                    ])
                }),
        ])
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
    public init(kind: LogEntryKind, payload: JSONValue) throws(LogEntryError) {
        let fields = try JSONFields(payload, context: kind.rawValue)
        switch kind {
        case .assetRegistered: self = .assetRegistered(try Self.asset(fields))
        case .accountOpened: self = .accountOpened(try Self.account(fields))
        case .accountClosed:
            guard let id = AccountID(try fields.string("id")), let code = AccountCode(try fields.string("code")) else {
                throw .malformed("\(kind): invalid id or code")
            }
            // Only id, code and time are recorded; the replay fills in the rest.
            let closedAt = try fields.timestamp("closed_at")
            self = .accountClosed(
                Account(
                    id: id, code: code, type: .asset, allowedAssets: nil, constraint: nil, metadata: .object([:]),
                    createdAt: closedAt, closedAt: closedAt
                ))
        case .transactionRecorded, .transactionReversed:
            let transaction = try Self.transaction(fields)
            guard (kind == .transactionReversed) == (transaction.reversesID != nil) else {
                throw .malformed("\(kind): reverses does not match kind")
            }
            self = .transactionRecorded(transaction)
        case .keyCreated, .keyRevoked:
            let key = try Self.key(fields)
            guard (kind == .keyRevoked) == (key.revokedAt != nil) else {
                throw .malformed("\(kind): revoked_at does not match kind")
            }
            self = kind == .keyCreated ? .keyCreated(key) : .keyRevoked(key)
        case .logKeyRotated:
            self = .logKeyRotated(
                LogKeyRotation(
                    oldKey: try fields.string("old_key"), newKey: try fields.string("new_key"),
                    handover: try fields.string("handover"), rotatedAt: try fields.timestamp("rotated_at")
                ))
        default:
            self = .fundAction(try Self.fundAction(kind, fields))
        }
    }
}

extension LedgerEvent {
    static func asset(_ fields: JSONFields) throws(LogEntryError) -> Asset {
        let scale = try fields.integer("scale")
        guard let code = AssetCode(try fields.string("code")), Limits.assetScaleRange.contains(Int(scale)) else {
            throw .malformed("\(fields.context): invalid code or scale")
        }
        return Asset(
            code: code, scale: Int(scale), name: try fields.string("name"),
            createdAt: try fields.timestamp("created_at")
        )
    }

    static func account(_ fields: JSONFields) throws(LogEntryError) -> Account {
        let context = fields.context
        guard let id = AccountID(try fields.string("id")), let code = AccountCode(try fields.string("code")),
            let type = AccountType(rawValue: try fields.string("type"))
        else { throw .malformed("\(context): invalid id, code or type") }
        let allowed = try fields.optionalArray("allowed_assets")?.map { value throws(LogEntryError) in
            guard case .string(let text) = value, let asset = AssetCode(text) else {
                throw .malformed("\(context): invalid allowed asset")
            }
            return asset
        }
        var constraint: BalanceConstraint?
        if let text = try fields.optionalString("constraint") {
            guard let parsed = BalanceConstraint(rawValue: text) else {
                throw .malformed("\(context): invalid constraint")
            }
            constraint = parsed
        }
        guard let metadata = fields.members["metadata"], case .object = metadata else {
            throw .malformed("\(context): metadata")
        }
        return Account(
            id: id, code: code, type: type, allowedAssets: allowed, constraint: constraint, metadata: metadata,
            createdAt: try fields.timestamp("created_at"), closedAt: nil
        )
    }

    static func transaction(_ fields: JSONFields) throws(LogEntryError) -> LedgerTransaction {
        let context = fields.context
        guard let id = TransactionID(try fields.string("id")), let date = LocalDate(try fields.string("date")) else {
            throw .malformed("\(context): invalid id or date")
        }
        var reverses: TransactionID?
        if let text = try fields.optionalString("reverses") {
            guard let parsed = TransactionID(text) else { throw .malformed("\(context): invalid reverses") }
            reverses = parsed
        }
        guard let metadata = fields.members["metadata"], case .object = metadata else {
            throw .malformed("\(context): metadata")
        }
        guard let postingValues = try fields.optionalArray("postings"), postingValues.count >= Limits.postingsMin else {
            throw .malformed("\(context): fewer than two postings")
        }
        let postings = try postingValues.map { value throws(LogEntryError) in
            let posting = try JSONFields(value, context: "\(context) posting")
            guard let accountID = AccountID(try posting.string("account_id")),
                let code = AccountCode(try posting.string("account")),
                let asset = AssetCode(try posting.string("asset")),
                let amount = Amount(minorUnits: try posting.integer("amount")), !amount.isZero
            else { throw .malformed("\(context): invalid posting") }
            return Posting(accountID: accountID, accountCode: code, asset: asset, amount: amount)
        }
        return LedgerTransaction(
            id: id, date: date, description: try fields.string("description"), metadata: metadata, postings: postings,
            recordedAt: try fields.timestamp("recorded_at"), reversesID: reverses, reversedByID: nil
        )
    }

    /// Reads a key in either form `keyPayload` writes: a person and a commitment, or
    /// (entries logged before people existed) a name in clear.
    static func key(_ fields: JSONFields) throws(LogEntryError) -> APIKey {
        let context = fields.context
        let id = try fields.string("id")
        guard APIKey.isWellFormedID(id), let role = Role(rawValue: try fields.string("role")) else {
            throw .malformed("\(context): invalid id or role")
        }
        let expiresAt = try fields.optionalString("expires_at").map { text throws(LogEntryError) in
            guard let time = Timestamp(text) else { throw .malformed("\(context): expires_at") }
            return time
        }
        let revokedAt = try fields.optionalString("revoked_at").map { text throws(LogEntryError) in
            guard let time = Timestamp(text) else { throw .malformed("\(context): revoked_at") }
            return time
        }
        let created = try fields.timestamp("created_at")
        guard fields.members["person_id"] != nil else {
            return APIKey(
                id: id, name: try fields.string("name"), role: role, createdAt: created, expiresAt: expiresAt,
                revokedAt: revokedAt
            )
        }
        guard fields.members["name"] == nil, let person = PersonID(try fields.string("person_id")),
            let commitment = CommitmentText.parse(try fields.string("private_data_commitment"))
        else { throw .malformed("\(context): person_id or private_data_commitment") }
        return APIKey(
            id: id, name: nil, role: role, personID: person, commitment: commitment,
            createdAt: created, expiresAt: expiresAt, revokedAt: revokedAt
        )
    }

    /// A fund step's envelope: its details (read by FundCore's `FundEvent`; here only
    /// their id, the subject), the accounts it opened and its transaction.
    static func fundAction(_ kind: LogEntryKind, _ fields: JSONFields) throws(LogEntryError) -> FundAction {
        guard let details = fields.members["details"], case .object(let detailMembers) = details,
            case .string(let subject)? = detailMembers["id"]
        else { throw .malformed("\(kind): details need an id") }
        let opened = try (fields.optionalArray("accounts_opened") ?? []).map { value throws(LogEntryError) in
            try account(JSONFields(value, context: "\(kind) accounts_opened"))
        }
        var transaction: LedgerTransaction?
        if let value = fields.members["transaction"], value != .null {
            transaction = try Self.transaction(JSONFields(value, context: "\(kind) transaction"))
        }
        return FundAction(
            kind: kind, subject: subject, details: details, accountsOpened: opened, transaction: transaction)
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

/// One step of the fund's domain as the log records it: FundCore's `FundEvent` builds it
/// (`FundEvent.action`) and reads it back (`FundEvent(action)`); the ledger sees only the
/// envelope.
public struct FundAction: Hashable, Sendable {
    /// A fund kind of `LogEntryKind` (`isFundStep`).
    public let kind: LogEntryKind
    /// The id of the domain object the step acts on.
    public let subject: String
    /// The step's public details (never private member data, only its commitment).
    public let details: JSONValue
    /// Accounts the step opened, in order, before its transaction.
    public let accountsOpened: [Account]
    /// The ledger transaction the step recorded, if money moved.
    public let transaction: LedgerTransaction?

    public init(
        kind: LogEntryKind, subject: String, details: JSONValue, accountsOpened: [Account],
        transaction: LedgerTransaction?
    ) {
        precondition(kind.isFundStep, "a fund action has a fund step's kind")
        self.kind = kind
        self.subject = subject
        self.details = details
        self.accountsOpened = accountsOpened
        self.transaction = transaction
    }
}
