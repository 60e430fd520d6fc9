public import LedgerCore

/// The membership rules: register a member (a state is never anonymous; an anonymous
/// member's name and profile are private data) and erase a member's private data once.
/// Each is a pure decision; the store computes the salted commitment and persists.
public enum MemberSteps {
    /// What registering records: the member, its private data, and the profile the
    /// members row and the log hold (a public member's; never an anonymous member's).
    public struct Registering: Sendable {
        public let member: Member
        public let privateData: MemberPrivateData
        public let recordedProfile: Member.Profile?

        /// The `member.registered` log entry's action, given the base64 of the salted
        /// commitment to `privateData.canonicalBytes`.
        public func action(commitment: String) -> FundAction {
            FundAction(
                kind: "member.registered", subject: member.id.rawValue,
                details: MemberSteps.details(of: member, recordedProfile: recordedProfile, commitment: commitment),
                accountsOpened: [], transaction: nil
            )
        }
    }

    /// Registers the member `draft` describes under `id`: every field checked at once,
    /// then `anonymous_state` for a state that asks to be anonymous.
    public static func register(_ draft: MemberDraft, id: MemberID, at now: Timestamp) throws(Rejection) -> Registering
    {
        let (member, privateData) = try draft.validated(id: id, at: now)
        return Registering(member: member, privateData: privateData, recordedProfile: member.publicProfile)
    }

    /// The `member.registered` entry's details. `recordedProfile` is the profile the
    /// members row holds: a public member's, an anonymous member's only if registered
    /// before profiles became private; otherwise kind, country and region are null.
    public static func details(of member: Member, recordedProfile: Member.Profile?, commitment: String) -> JSONValue {
        .object([
            "id": .string(member.id.rawValue), "kind": recordedProfile.map { .string($0.kind.rawValue) } ?? .null,
            "country": recordedProfile.map { .string($0.country.rawValue) } ?? .null,
            "region": recordedProfile.map { .string($0.region) } ?? .null,
            "visibility": .string(member.visibility.rawValue),
            "name": member.visibility == .public ? member.name.map(JSONValue.string) ?? .null : .null,
            "pseudonym": .string(member.pseudonym),
            "private_data_commitment": .string(commitment),
            "registered_at": .string(member.registeredAt.description),
        ])
    }

    /// Erases member `id`'s private data: refused when erased before (`erasedAt` set).
    /// The commitment stays, so the log and every proof remain verifiable.
    public static func erasePrivateData(
        of id: MemberID, erasedAt: Timestamp?, at now: Timestamp
    ) throws(Rejection) -> FundAction {
        guard erasedAt == nil else { throw .privateDataErased(member: id.rawValue) }
        return FundAction(
            kind: "member.private_data_erased", subject: "\(id.rawValue)#erased",
            details: .object(["id": .string(id.rawValue), "erased_at": .string(now.description)]),
            accountsOpened: [], transaction: nil
        )
    }
}
