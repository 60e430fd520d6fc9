public import LedgerCore

/// A grant requested from a fund for a member, approved by others, then paid.
///
/// Its state is derived from the recorded steps (`DisbursementStep`), never stored:
/// requested → approved (one approval, or two from different people above the
/// fund's threshold; never by the requester's person: `FourEyes`) → paid; or rejected; or cancelled before
/// payment (an approval's ledger transaction is then reversed).
public struct Disbursement: Hashable, Sendable {
    public let id: DisbursementID
    public let fundID: FundID
    /// Who receives the grant: a member, or a beneficiary named in the request.
    public let recipient: Recipient
    public let asset: AssetCode
    public let amount: Amount
    public let purpose: String
    public let requestedBy: Principal
    public let requestedAt: Timestamp
    /// Standard base64 of SHA-256(salt || `BeneficiaryPrivateData.canonicalBytes`) when
    /// the beneficiary's name is private data (every request since names became
    /// private); `nil` for a member, and for older requests whose name is in the log.
    public let beneficiaryCommitment: String?

    public init(
        id: DisbursementID, fundID: FundID, recipient: Recipient, asset: AssetCode, amount: Amount, purpose: String,
        requestedBy: Principal, requestedAt: Timestamp, beneficiaryCommitment: String? = nil
    ) {
        self.id = id
        self.fundID = fundID
        self.recipient = recipient
        self.asset = asset
        self.amount = amount
        self.purpose = purpose
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.beneficiaryCommitment = beneficiaryCommitment
    }

    /// The receiver of a grant.
    public enum Recipient: Hashable, Sendable {
        /// A member of the fund: grants land in the member's own accounts.
        case member(MemberID)
        /// Someone outside the membership (a clinic, a family): grants land in the fund's
        /// shared beneficiary accounts. The text is what the public record holds: the
        /// label `Beneficiary 1a2b3c4d` when the name is private data (since names became
        /// private), the name itself for older requests.
        case beneficiary(String)

        public var memberID: MemberID? {
            if case .member(let id) = self { id } else { nil }
        }

        public var beneficiary: String? {
            if case .beneficiary(let name) = self { name } else { nil }
        }

        /// The account-code segment of the recipient's grant accounts.
        public var accountSegment: String { memberID?.rawValue ?? "beneficiaries" }
    }

    /// How many approvals the fund's threshold asks for.
    public func approvalsNeeded(in fund: Fund) -> Int {
        guard let threshold = fund.twoApprovalsAbove[asset] else { return 1 }
        return amount > threshold ? 2 : 1
    }

    /// Where the disbursement stands.
    public enum State: String, Sendable, CaseIterable {
        case requested, approved, paid, rejected, cancelled
    }

    /// The state after `steps`, given the approvals the fund needs.
    public static func state(after steps: [DisbursementStep], approvalsNeeded: Int) -> State {
        if steps.contains(where: { $0.kind == .cancel }) { return .cancelled }
        if steps.contains(where: { $0.kind == .reject }) { return .rejected }
        if steps.contains(where: { $0.kind == .pay }) { return .paid }
        return steps.filter { $0.kind == .approve }.count >= approvalsNeeded ? .approved : .requested
    }

    /// Checks that `principal` may take `kind` now; throws the exact rejection otherwise.
    public func check(
        _ kind: DisbursementStep.Kind, by principal: Principal, after steps: [DisbursementStep], approvalsNeeded: Int
    ) throws(Rejection) {
        let state = Self.state(after: steps, approvalsNeeded: approvalsNeeded)
        switch kind {
        case .approve:
            guard state == .requested else {
                throw .disbursementState(id: id.rawValue, state: state.rawValue, action: kind.rawValue)
            }
            try FourEyes.check(
                approver: principal, requester: requestedBy,
                approvedBefore: steps.filter { $0.kind == .approve }.map(\.principal), subject: id.rawValue
            )
        case .reject:
            guard state == .requested else {
                throw .disbursementState(id: id.rawValue, state: state.rawValue, action: kind.rawValue)
            }
        case .pay:
            guard state == .approved else {
                throw .disbursementState(id: id.rawValue, state: state.rawValue, action: kind.rawValue)
            }
        case .cancel:
            guard state == .requested || state == .approved else {
                throw .disbursementState(id: id.rawValue, state: state.rawValue, action: kind.rawValue)
            }
        }
    }
}

/// One recorded step of a disbursement and who took it.
public struct DisbursementStep: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case approve, reject, pay, cancel
    }

    /// Why a step ends a grant's hold, as `disbursement_hold_releases.reason` records it;
    /// `nil` for an approval, which places the hold.
    public static func holdRelease(by kind: Kind) -> String? {
        switch kind {
        case .approve: nil
        case .pay: "paid"
        case .reject: "rejected"
        case .cancel: "cancelled"
        }
    }

    public let kind: Kind
    public let principal: Principal
    public let at: Timestamp
    /// The ledger transaction the step recorded: the final approval, the payment, or the
    /// reversal of an approval on cancellation.
    public let transactionID: TransactionID?
    public let reason: String?

    public init(kind: Kind, principal: Principal, at: Timestamp, transactionID: TransactionID?, reason: String?) {
        self.kind = kind
        self.principal = principal
        self.at = at
        self.transactionID = transactionID
        self.reason = reason
    }
}

/// Identifies a disbursement, `dsb_` + 32 hex digits.
public struct DisbursementID: PrefixedIdentifier {
    public static let prefix = "dsb_"
    public let rawValue: String

    public init(checked rawValue: String) {
        self.rawValue = rawValue
    }

    /// `Beneficiary 1a2b3c4d`: what public views and ledger descriptions call a private
    /// beneficiary; derived from the id alone, so it reveals nothing.
    public var beneficiaryLabel: String { "Beneficiary " + rawValue.dropFirst(4).prefix(8) }
}

/// A beneficiary's name: personal data of someone outside the membership, so it never
/// enters the audit log in clear. The log holds a salted SHA-256 commitment to
/// `canonicalBytes`; the name and salt may be erased, leaving every entry verifiable.
public struct BeneficiaryPrivateData: Hashable, Sendable {
    public let name: String

    public init(name: String) {
        self.name = name
    }

    /// The bytes the commitment covers: canonical JSON `{"name": …}`.
    public var canonicalBytes: [UInt8] { JSONValue.object(["name": .string(name)]).canonicalBytes }

    /// Reads `canonicalBytes` back; `nil` when they do not parse.
    public init?(canonicalBytes bytes: [UInt8]) {
        guard case .object(let members)? = try? JSONParser.parse(bytes), case .string(let name)? = members["name"]
        else {
            return nil
        }
        self.init(name: name)
    }
}

/// A request for a grant, as received at the edge.
public struct DisbursementDraft: Sendable, Equatable {
    public var fundID: String
    /// The receiving member; or, when `nil`, `beneficiary` names the receiver.
    public var memberID: String?
    public var beneficiary: String?
    public var asset: String
    public var amount: Int64
    public var purpose: String

    public init(
        fundID: String, memberID: String?, beneficiary: String? = nil, asset: String, amount: Int64, purpose: String
    ) {
        self.fundID = fundID
        self.memberID = memberID
        self.beneficiary = beneficiary
        self.asset = asset
        self.amount = amount
        self.purpose = purpose
    }

    /// The checked fields (the store resolves fund and member).
    public func checked() throws(Rejection) -> (asset: AssetCode, amount: Amount, purpose: String) {
        var problems: [FieldProblem] = []
        let asset = AssetCode(self.asset)
        if asset == nil { problems.append(.init(field: "asset", detail: "must match [A-Z0-9_]{2,16}")) }
        let amount = Amount(minorUnits: self.amount)
        if amount == nil || self.amount <= 0 {
            problems.append(.init(field: "amount", detail: "must be a positive number of minor units"))
        }
        if let problem = TextRules.problem(in: purpose, field: "purpose", lengthMax: Limits.descriptionLengthMax) {
            problems.append(problem)
        }
        if (memberID == nil) == (beneficiary == nil) {
            problems.append(
                .init(field: "member_id", detail: "give either member_id or beneficiary, not both and not neither"))
        }
        if let beneficiary,
            let problem = TextRules.problem(in: beneficiary, field: "beneficiary", lengthMax: MemberDraft.nameLengthMax)
        {
            problems.append(problem)
        }
        guard problems.isEmpty, let asset, let amount else { throw .invalidFields(problems) }
        return (asset, amount, purpose)
    }
}
