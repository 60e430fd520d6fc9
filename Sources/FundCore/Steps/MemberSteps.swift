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
            FundEvent.memberRegistered(
                MemberRegistration(member, recordedProfile: recordedProfile, commitment: commitment)
            )
            .action()
        }
    }

    /// Registers the member `draft` describes under `id`: every field checked at once,
    /// then `anonymous_state` for a state that asks to be anonymous.
    public static func register(_ draft: MemberDraft, id: MemberID, at now: Timestamp) throws(Rejection) -> Registering
    {
        let (member, privateData) = try draft.validated(id: id, at: now)
        return Registering(member: member, privateData: privateData, recordedProfile: member.publicProfile)
    }

    /// Erases member `id`'s private data: refused when erased before (`erasedAt` set).
    /// The commitment stays, so the log and every proof remain verifiable.
    public static func erasePrivateData(
        of id: MemberID, erasedAt: Timestamp?, at now: Timestamp
    ) throws(Rejection) -> FundAction {
        guard erasedAt == nil else { throw .privateDataErased(member: id.rawValue) }
        return FundEvent.memberPrivateDataErased(Erasure(id: id, erasedAt: now)).action()
    }
}
