public import LedgerCore

/// The four-eyes rule, per person: an approval counts only from someone other than the
/// requester, and each person approves a request at most once.
///
/// Counted per person, not per key, because an admin can mint keys: two approver keys
/// held by one person are still one pair of eyes. Any step that needs approval (a
/// disbursement, a cash adjustment) applies this one rule; migration 0008's trigger
/// enforces the same rule again in the database, and `FourEyes.Audit` checks it offline
/// from the log alone.
public enum FourEyes {
    /// Who an approval counts as: the principal's person, or for the operator's own
    /// commands (no key) `system:` + their name.
    public static func actor(_ principal: Principal) -> String {
        principal.person?.rawValue ?? "system:\(principal.name)"
    }

    /// Throws `selfApproval` when `approver` is the requester's person, `alreadyApproved`
    /// when that person has already approved `subject`.
    public static func check(
        approver: Principal, requester: Principal, approvedBefore: [Principal], subject: String
    ) throws(Rejection) {
        let approving = actor(approver)
        guard approving != actor(requester) else { throw .selfApproval(id: subject) }
        guard !approvedBefore.contains(where: { actor($0) == approving }) else { throw .alreadyApproved(id: subject) }
    }
}

extension FourEyes {
    /// Checks the rule from the log alone, entry by entry: each key's person comes from
    /// its `key.created` entry (a key logged before people existed is its own person),
    /// and every disbursement or cash-adjustment approval must pass `check` against the request and the
    /// earlier approvals. An entry whose principal names another person than its key's
    /// is refused too, so a writer cannot lend one key to two people.
    public struct Audit: Sendable {
        private var keyPeople: [String: PersonID] = [:]
        private var requesters: [String: Principal] = [:]
        private var approvers: [String: [Principal]] = [:]

        /// The fund steps that wait for approval, and their approvals (a cash adjustment
        /// posted at once within the fund's allowance has no approval to check).
        static let requestKinds: Set<LogEntryKind> = [.disbursementRequested, .cashAdjustmentRequested]
        static let approvalKinds: Set<LogEntryKind> = [.disbursementApproved, .cashAdjustmentApproved]

        public init() {}

        /// Takes the next entry; throws a description of the first breach.
        public mutating func accept(_ entry: LogEntry) throws(Breach) {
            let principal = try resolve(entry.principal)
            switch entry.event {
            case .keyCreated(let key):
                keyPeople[key.id] = key.personID
            case .fundAction(let action) where Self.requestKinds.contains(action.kind):
                requesters[action.subject] = principal
            case .fundAction(let action) where Self.approvalKinds.contains(action.kind):
                let id = String(action.subject.prefix { $0 != "#" })
                guard let requester = requesters[id] else {
                    throw Breach("approval of \(id), which was never requested")
                }
                do {
                    try FourEyes.check(
                        approver: principal, requester: requester, approvedBefore: approvers[id] ?? [], subject: id
                    )
                } catch {
                    throw Breach("\(id) approved by person \(FourEyes.actor(principal)): \(error)")
                }
                approvers[id, default: []].append(principal)
            default:
                break
            }
        }

        /// The principal with the person its key was created for.
        private func resolve(_ principal: Principal) throws(Breach) -> Principal {
            guard let keyID = principal.keyID, let person = keyPeople[keyID] else { return principal }
            if let stated = principal.personID, stated != person {
                throw Breach("key \(keyID) acts for person \(stated), but was created for \(person)")
            }
            return Principal(keyID: keyID, name: principal.name, role: principal.role, personID: person)
        }
    }

    /// A breach of the rule found in the log.
    public struct Breach: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String

        init(_ description: String) {
            self.description = description
        }
    }
}
