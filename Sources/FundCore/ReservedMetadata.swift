public import LedgerCore

/// The top-level metadata keys that mark a transaction as a fund step's, and the one rule
/// about them for raw transactions: a key present with any value — `null` included — is
/// reserved, so a raw transaction (API, batch, import) may not carry it.
///
/// Why one rule: the controller and the store used to disagree on `"pledge_id": null`;
/// the documented behaviour (schema/openapi.yaml, `POST /v1/transactions`) is "any value,
/// `null` included", so that is what every caller now gets, from this one place.
public enum ReservedMetadata {
    /// The reserved keys, in the order problems are reported.
    public static let keys = ["pledge_id", "contribution_id", "disbursement_id", "conversion_id", "cash_adjustment_id"]

    /// The detail text of each problem (stable: clients may show it).
    public static let detail = "is reserved for the fund's own steps"

    /// One problem per reserved key present in `metadata`, named `<prefix>metadata.<key>`;
    /// none when `metadata` is absent or not an object.
    public static func problems(in metadata: JSONValue?, fieldPrefix: String = "") -> [FieldProblem] {
        guard case .object(let members)? = metadata else { return [] }
        return keys.filter { members[$0] != nil }.map {
            FieldProblem(field: "\(fieldPrefix)metadata.\($0)", detail: detail)
        }
    }

    /// Throws `invalidFields` listing only the reserved keys present, when there are any.
    public static func refuse(_ metadata: JSONValue?) throws(Rejection) {
        let problems = problems(in: metadata)
        guard problems.isEmpty else { throw Rejection.invalidFields(problems) }
    }

    /// The fund step that owns a recorded transaction: the step named by the first
    /// reserved key holding an id (non-`null`), e.g. `pledge` for `pledge_id`.
    ///
    /// Why `null` differs here: ownership is about what a fund step wrote (always an id);
    /// a `null` could only come from a raw transaction recorded before the rule above.
    public static func owningStep(of metadata: JSONValue) -> String? {
        guard case .object(let members) = metadata else { return nil }
        guard let key = keys.first(where: { members[$0] != nil && members[$0] != .null }) else { return nil }
        return String(key.dropLast(3))
    }
}
