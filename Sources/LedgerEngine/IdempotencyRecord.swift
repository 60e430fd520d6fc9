public import LedgerCore

/// What a backend stores under an idempotency key: the request's fingerprint and the
/// response that was answered, replayed byte for byte on a retry.
public struct IdempotencyRecord: Sendable, Equatable {
    /// SHA-256 of the request (method, path, body).
    public let fingerprint: [UInt8]
    /// The HTTP status answered.
    public let status: Int
    /// The response body answered.
    public let body: [UInt8]

    /// A record as stored or about to be stored.
    public init(fingerprint: [UInt8], status: Int, body: [UInt8]) {
        self.fingerprint = fingerprint
        self.status = status
        self.body = body
    }
}

/// A write guarded by an idempotency key: replayed when the same request used the key
/// before, refused when another did, else applied and its response stored with it.
///
/// Why in the engine: the rule (same key + same fingerprint = replay; other fingerprint
/// = `Rejection.idempotencyKeyReused`) is the same for every backend; only the two
/// statements of `IdempotencyStatements` are the backend's.
public enum IdempotentWrite {
    /// The result: applied now, or the record of the earlier identical request.
    public enum Result<Value> {
        case applied(Value)
        case replayed(IdempotencyRecord)
    }

    /// The stored record when the same request used `key` before; `nil` for a new key;
    /// throws `idempotencyKeyReused` when another request (another fingerprint) used it.
    public static func replay(
        _ statements: some IdempotencyStatements, key: String, fingerprint: [UInt8]
    ) throws -> IdempotencyRecord? {
        guard let stored = try statements.idempotencyRecord(key: key) else { return nil }
        guard stored.fingerprint == fingerprint else { throw Rejection.idempotencyKeyReused(key: key) }
        return stored
    }

    /// Runs `body` unless `key` replays; stores the rendered response of an applied write
    /// under the key in the same transaction. Without a key, just runs `body`.
    public static func run<Value>(
        _ statements: some IdempotencyStatements, key: (key: String, fingerprint: [UInt8])?, at time: Timestamp,
        render: (Value) throws -> (status: Int, body: [UInt8]), _ body: () throws -> Value
    ) throws -> Result<Value> {
        guard let key else { return .applied(try body()) }
        if let stored = try replay(statements, key: key.key, fingerprint: key.fingerprint) { return .replayed(stored) }
        let value = try body()
        let response = try render(value)
        let record = IdempotencyRecord(fingerprint: key.fingerprint, status: response.status, body: response.body)
        try statements.insertIdempotencyRecord(key: key.key, record, at: time)
        return .applied(value)
    }
}
