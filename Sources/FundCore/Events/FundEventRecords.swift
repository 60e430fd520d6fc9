public import LedgerCore

// The records of fund events whose logged form is not a domain type as it stands: what
// the log holds of a member, a grant request or a cash adjustment (never private data, nor
// the requester, who is the entry's principal), and of the later steps on them.

/// A member as `member.registered` records it: the public profile only when the member
/// row holds one (a public member's, or an anonymous member's registered before profiles
/// became private), the name only of a public member, and the salted commitment to the
/// private data.
public struct MemberRegistration: Hashable, Sendable {
    public let id: MemberID
    public let visibility: Member.Visibility
    public let profile: Member.Profile?
    /// A public member's name; `nil` for an anonymous one.
    public let name: String?
    /// The pseudonym public reports show (`Member 1a2b3c4d`).
    public let pseudonym: String
    /// Base64 of SHA-256(salt ‖ private data): lets the member prove their data later.
    public let commitment: String
    public let registeredAt: Timestamp

    public init(
        id: MemberID, visibility: Member.Visibility, profile: Member.Profile?, name: String?, pseudonym: String,
        commitment: String, registeredAt: Timestamp
    ) {
        self.id = id
        self.visibility = visibility
        self.profile = profile
        self.name = name
        self.pseudonym = pseudonym
        self.commitment = commitment
        self.registeredAt = registeredAt
    }

    /// What the log records of `member`, given the profile its row holds and the commitment.
    public init(_ member: Member, recordedProfile: Member.Profile?, commitment: String) {
        self.init(
            id: member.id, visibility: member.visibility, profile: recordedProfile,
            name: member.visibility == .public ? member.name : nil, pseudonym: member.pseudonym,
            commitment: commitment, registeredAt: member.registeredAt
        )
    }
}

/// The erasure of private data (a member's, or a grant beneficiary's name): the commitment
/// stays in the log, so every proof remains verifiable.
public struct Erasure<ID: PrefixedIdentifier>: Hashable, Sendable {
    public let id: ID
    public let erasedAt: Timestamp

    public init(id: ID, erasedAt: Timestamp) {
        self.id = id
        self.erasedAt = erasedAt
    }
}

/// The cancellation of what was left of a pledge (its transaction writes it off).
public struct PledgeCancellation: Hashable, Sendable {
    public let pledgeID: PledgeID
    public let reason: String
    public let cancelledAt: Timestamp

    public init(pledgeID: PledgeID, reason: String, cancelledAt: Timestamp) {
        self.pledgeID = pledgeID
        self.reason = reason
        self.cancelledAt = cancelledAt
    }
}

/// A grant request as `disbursement.requested` records it: a private beneficiary's name
/// only as its commitment; older requests as they were, the name in clear.
public struct DisbursementRequest: Hashable, Sendable {
    public let id: DisbursementID
    public let fundID: FundID
    /// For a private beneficiary, the label (`Beneficiary 1a2b3c4d`), never the name.
    public let recipient: Disbursement.Recipient
    public let asset: AssetCode
    public let amount: Amount
    public let purpose: String
    public let requestedAt: Timestamp
    /// Base64 of the salted commitment to a private beneficiary's name.
    public let beneficiaryCommitment: String?

    public init(_ disbursement: Disbursement) {
        id = disbursement.id
        fundID = disbursement.fundID
        recipient = disbursement.recipient
        asset = disbursement.asset
        amount = disbursement.amount
        purpose = disbursement.purpose
        requestedAt = disbursement.requestedAt
        beneficiaryCommitment = disbursement.beneficiaryCommitment
    }

    init(
        id: DisbursementID, fundID: FundID, recipient: Disbursement.Recipient, asset: AssetCode, amount: Amount,
        purpose: String, requestedAt: Timestamp, beneficiaryCommitment: String?
    ) {
        self.id = id
        self.fundID = fundID
        self.recipient = recipient
        self.asset = asset
        self.amount = amount
        self.purpose = purpose
        self.requestedAt = requestedAt
        self.beneficiaryCommitment = beneficiaryCommitment
    }
}

/// A cash adjustment as `cash_adjustment.requested` records it.
public struct CashAdjustmentRequest: Hashable, Sendable {
    public let id: CashAdjustmentID
    public let fundID: FundID
    public let asset: AssetCode
    public let amount: Amount
    public let counterAccount: AccountCode
    public let date: LocalDate
    public let reason: String
    public let needsApproval: Bool
    public let requestedAt: Timestamp

    public init(_ adjustment: CashAdjustment) {
        id = adjustment.id
        fundID = adjustment.fundID
        asset = adjustment.asset
        amount = adjustment.amount
        counterAccount = adjustment.counterAccount
        date = adjustment.date
        reason = adjustment.reason
        needsApproval = adjustment.needsApproval
        requestedAt = adjustment.requestedAt
    }

    init(
        id: CashAdjustmentID, fundID: FundID, asset: AssetCode, amount: Amount, counterAccount: AccountCode,
        date: LocalDate, reason: String, needsApproval: Bool, requestedAt: Timestamp
    ) {
        self.id = id
        self.fundID = fundID
        self.asset = asset
        self.amount = amount
        self.counterAccount = counterAccount
        self.date = date
        self.reason = reason
        self.needsApproval = needsApproval
        self.requestedAt = requestedAt
    }
}

/// A later step on a request (approve, reject, pay, cancel) as the log records it: which
/// request, the step's position among its steps, its kind, the reason and the time. The
/// person who took it is the entry's principal.
public struct LoggedStep<ID: PrefixedIdentifier, Kind>: Hashable, Sendable
where Kind: RawRepresentable & Hashable & Sendable, Kind.RawValue == String {
    public let id: ID
    /// The step's position among the request's steps, from 0.
    public let position: Int
    public let kind: Kind
    public let reason: String?
    public let at: Timestamp
    /// When the hold a grant's final approval places ends, if it was given one; `nil` for
    /// every other step (and in every entry written before holds had expiries).
    public let holdExpiresAt: Timestamp?

    public init(id: ID, position: Int, kind: Kind, reason: String?, at: Timestamp, holdExpiresAt: Timestamp? = nil) {
        precondition(position >= 0, "step positions start at 0")
        self.id = id
        self.position = position
        self.kind = kind
        self.reason = reason
        self.at = at
        self.holdExpiresAt = holdExpiresAt
    }
}

/// The end of a grant's hold at its expiry: the amount is no longer reserved in the
/// fund's cash (the grant stays approved; paying it then needs available cash).
public struct HoldExpiry: Hashable, Sendable {
    public let id: DisbursementID
    public let expiredAt: Timestamp

    public init(id: DisbursementID, expiredAt: Timestamp) {
        self.id = id
        self.expiredAt = expiredAt
    }
}
