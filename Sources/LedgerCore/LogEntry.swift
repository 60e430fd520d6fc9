/// One audit-log entry: a ledger event with its position in the log, the time it was
/// recorded, the hash of the entry before it, and the balances it left behind.
///
/// Its canonical JSON bytes (RFC 8785) are what the log stores and hashes. The stated
/// balances make every entry checkable on its own and let the log alone rebuild the
/// ledger; the previous hash chains entries so a gap or swap shows locally, not only
/// against a signed root.
public struct LogEntry: Hashable, Sendable {
    /// The format of `canonicalBytes`; bumped only by adding fields.
    public static let formatVersion: Int64 = 1

    public let index: Int64
    public let recordedAt: Timestamp
    public let event: LedgerEvent
    /// Standard base64 of the previous entry's RFC 6962 leaf hash; `nil` for entry 0.
    public let previousHash: String?
    /// Every balance the event touched, as it stands after the event, in key order.
    public let balances: [BalanceSnapshot]
    /// Who made the change (key id and name, never a token).
    public let principal: Principal

    public init(
        index: Int64, recordedAt: Timestamp, event: LedgerEvent, previousHash: String?, balances: [BalanceSnapshot],
        principal: Principal
    ) {
        precondition(index >= 0, "log indices start at 0")
        precondition((index == 0) == (previousHash == nil), "only the first entry has no predecessor")
        self.index = index
        self.recordedAt = recordedAt
        self.event = event
        self.previousHash = previousHash
        self.balances = balances.sorted { $0.key < $1.key }
        self.principal = principal
    }

    /// The entry as a JSON object.
    public var json: JSONValue {
        .object([
            "version": .integer(Self.formatVersion),
            "index": .integer(index),
            "recorded_at": .string(recordedAt.description),
            "kind": .string(event.kind.rawValue),
            "payload": event.payload,
            "previous_hash": previousHash.map(JSONValue.string) ?? .null,
            "principal": principal.json,
            "balances": .array(
                balances.map { snapshot in
                    .object([
                        "account_id": .string(snapshot.key.accountID.rawValue),
                        "account": .string(snapshot.accountCode.rawValue),
                        "asset": .string(snapshot.key.asset.rawValue),
                        "balance": .integer(snapshot.balance.minorUnits),
                    ])
                }),
        ])
    }

    /// The exact bytes the log stores and hashes.
    public var canonicalBytes: [UInt8] { json.canonicalBytes }

    /// Reads an entry from its JSON; throws unless every field has the recorded form.
    public init(json: JSONValue) throws(LogEntryError) {
        let fields = try JSONFields(json, context: "entry")
        guard try fields.integer("version") == Self.formatVersion else {
            throw .malformed("entry: unknown format version")
        }
        guard let payload = fields.members["payload"] else { throw .malformed("entry: payload missing") }
        let index = try fields.integer("index")
        let previousHash = try fields.optionalString("previous_hash")
        guard index >= 0, (index == 0) == (previousHash == nil) else {
            throw .malformed("entry: index and previous_hash disagree")
        }
        let balances = try (fields.optionalArray("balances") ?? []).map { value throws(LogEntryError) in
            let balance = try JSONFields(value, context: "entry balance")
            guard let accountID = AccountID(try balance.string("account_id")),
                let code = AccountCode(try balance.string("account")),
                let asset = AssetCode(try balance.string("asset")),
                let amount = Amount(minorUnits: try balance.integer("balance"))
            else { throw .malformed("entry: invalid balance") }
            return BalanceSnapshot(
                key: BalanceKey(accountID: accountID, asset: asset), accountCode: code, balance: amount)
        }
        guard let principal = fields.members["principal"] else { throw .malformed("entry: principal missing") }
        let kindText = try fields.string("kind")
        guard let kind = LogEntryKind(rawValue: kindText) else { throw .malformed("unknown entry kind \(kindText)") }
        self.init(
            index: index, recordedAt: try fields.timestamp("recorded_at"),
            event: try LedgerEvent(kind: kind, payload: payload),
            previousHash: previousHash, balances: balances, principal: try Principal(json: principal)
        )
    }
}

/// A balance as an entry states it.
public struct BalanceSnapshot: Hashable, Sendable {
    public let key: BalanceKey
    public let accountCode: AccountCode
    public let balance: Amount

    public init(key: BalanceKey, accountCode: AccountCode, balance: Amount) {
        self.key = key
        self.accountCode = accountCode
        self.balance = balance
    }
}
