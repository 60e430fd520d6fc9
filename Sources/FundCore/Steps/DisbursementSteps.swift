public import LedgerCore

/// The disbursement family's rules: request a grant, approve (four eyes per person above
/// the fund's threshold, never the requester), reject, pay (never beyond the fund's
/// cash), cancel before payment, and erase a private beneficiary's name. Each is a pure
/// decision from the state the store fetched; the store only persists what it returns.
public enum DisbursementSteps {
    /// A request's checked fields (`DisbursementDraft.checked()`).
    public typealias CheckedRequest = (asset: AssetCode, amount: Amount, purpose: String)

    // MARK: Request

    /// Requests a grant from `fund` for a member (`memberReference` as requested, `member`
    /// what it names, `nil` when it names none) or for a beneficiary.
    ///
    /// A beneficiary's name is private data: the request holds the label
    /// `Beneficiary 1a2b3c4d` and `beneficiaryCommitment`, the salted commitment the store
    /// computed to the name it keeps apart (erasable).
    public static func request(
        _ checked: CheckedRequest, memberReference: String?, member: Member?, beneficiaryCommitment: String?,
        fund: Fund, by principal: Principal, identifiers: any IdentifierSource, at now: Timestamp
    ) throws(Rejection) -> Disbursement {
        guard fund.assets.contains(checked.asset) else {
            throw .assetNotInFund(fund: fund.code, asset: checked.asset)
        }
        let id = DisbursementID(bytes: identifiers.nextIdentifierBytes())
        var recipient = Disbursement.Recipient.beneficiary(id.beneficiaryLabel)
        if let memberReference {
            guard let member else { throw .unknownReference(field: "member_id", reference: memberReference) }
            recipient = .member(member.id)
        }
        return Disbursement(
            id: id, fundID: fund.id, recipient: recipient, asset: checked.asset, amount: checked.amount,
            purpose: checked.purpose, requestedBy: principal, requestedAt: now,
            beneficiaryCommitment: recipient.memberID == nil ? beneficiaryCommitment : nil
        )
    }

    /// The `disbursement.requested` log entry's action.
    public static func requested(_ disbursement: Disbursement) -> FundAction {
        FundEvent.disbursementRequested(DisbursementRequest(disbursement)).action()
    }

    // MARK: Steps

    /// What a step books in the ledger.
    public enum Booking: Sendable {
        /// Nothing moves: a rejection, an approval that is not the last one needed, or
        /// cancelling a request never approved.
        case none
        /// The final approval: expense when approved, liability until paid.
        case approval(grants: FundAccountPlan, payable: FundAccountPlan, transaction: TransactionDraft)
        /// The payment: the payable settled from the fund's cash.
        case payment(TransactionDraft)
        /// Cancelling an approved grant reverses the approval's transaction.
        case reversal(of: TransactionID, description: String)
    }

    /// What one step records: its booking, the id its transaction gets, its position.
    public struct Stepping: Sendable {
        public let disbursementID: DisbursementID
        public let kind: DisbursementStep.Kind
        public let position: Int
        public let principal: Principal
        public let reason: String?
        public let at: Timestamp
        /// Drawn for every step, whether or not it books, as the store always has.
        public let transactionID: TransactionID
        public let booking: Booking
        /// The expiry of the hold a final approval places, if it was given one.
        public let holdExpiresAt: Timestamp?

        /// Whether this step places the grant's hold: the approval that completes it.
        public var placesHold: Bool {
            if case .approval = booking { true } else { false }
        }

        /// The recorded step, with the transaction it booked, if any.
        public func step(transaction: TransactionID?) -> DisbursementStep {
            DisbursementStep(kind: kind, principal: principal, at: at, transactionID: transaction, reason: reason)
        }

        /// The step's log entry action (`disbursement.approved`, …: `FundEvent.entryKind`).
        public func action(
            step: DisbursementStep, accountsOpened: [Account], transaction: LedgerTransaction?
        ) -> FundAction {
            FundEvent.disbursementStep(logged(step)).action(accountsOpened: accountsOpened, transaction: transaction)
        }

        /// The step as its log entry records it.
        public func logged(_ step: DisbursementStep) -> LoggedStep<DisbursementID, DisbursementStep.Kind> {
            LoggedStep(
                id: disbursementID, position: position, kind: step.kind, reason: step.reason, at: step.at,
                holdExpiresAt: holdExpiresAt)
        }
    }

    /// The state a step reads: the disbursement, its steps so far, the approvals its fund
    /// needs, its fund, the member it pays (if a member), and the fund's cash balance in
    /// its asset (signed minor units).
    public struct State: Sendable {
        public let disbursement: Disbursement
        public let steps: [DisbursementStep]
        public let approvalsNeeded: Int
        public let fund: Fund
        public let recipientMember: Member?
        public let cashBalance: Int64
        /// What the fund's other grants hold of that cash (active holds, expired ones left out).
        public let heldByOthers: Int64

        /// The cash no other grant holds: what this grant may reserve or pay from.
        public var available: Int64 {
            let (value, overflow) = cashBalance.subtractingReportingOverflow(heldByOthers)
            return overflow ? Int64.min : value
        }

        public init(
            disbursement: Disbursement, steps: [DisbursementStep], approvalsNeeded: Int, fund: Fund,
            recipientMember: Member?, cashBalance: Int64, heldByOthers: Int64 = 0
        ) {
            self.heldByOthers = heldByOthers
            self.disbursement = disbursement
            self.steps = steps
            self.approvalsNeeded = approvalsNeeded
            self.fund = fund
            self.recipientMember = recipientMember
            self.cashBalance = cashBalance
        }
    }

    /// Takes step `kind` by `principal`: refused in the wrong state, by the requester's
    /// person or a person who approved before (`FourEyes`), and a payment beyond the
    /// fund's cash (`balance_constraint_violated` on the cash account, as the ledger
    /// would refuse it).
    ///
    /// The approval that completes a grant holds its amount in the fund's cash, refused
    /// (`insufficient_available`) beyond what the fund's other grants do not hold; it may
    /// give the hold an expiry (`holdExpiresAt`, after now), which no other step takes.
    public static func take(
        _ kind: DisbursementStep.Kind, on state: State, by principal: Principal, reason: String?,
        holdExpiresAt: Timestamp? = nil, identifiers: any IdentifierSource, at now: Timestamp
    ) throws(Rejection) -> Stepping {
        let disbursement = state.disbursement
        try disbursement.check(kind, by: principal, after: state.steps, approvalsNeeded: state.approvalsNeeded)
        let transactionID = TransactionID(bytes: identifiers.nextIdentifierBytes())
        let booking = try booking(of: kind, on: state, at: now)
        if let holdExpiresAt {
            guard case .approval = booking else {
                throw .invalidFields([FieldProblem(
                    field: "hold_expires_at", detail: "applies only to the approval that completes the grant")])
            }
            guard holdExpiresAt > now else {
                throw .invalidFields([FieldProblem(field: "hold_expires_at", detail: "must be after \(now)")])
            }
        }
        return Stepping(
            disbursementID: disbursement.id, kind: kind, position: state.steps.count, principal: principal,
            reason: reason, at: now, transactionID: transactionID, booking: booking, holdExpiresAt: holdExpiresAt
        )
    }

    /// What step `kind` books, given the state it was allowed in.
    static func booking(of kind: DisbursementStep.Kind, on state: State, at now: Timestamp) throws(Rejection) -> Booking
    {
        let disbursement = state.disbursement
        let fund = state.fund
        let name = recipientName(disbursement, member: state.recipientMember)
        switch kind {
        case .approve where state.steps.filter({ $0.kind == .approve }).count + 1 == state.approvalsNeeded:
            guard disbursement.amount.minorUnits <= state.available else {
                throw .insufficientAvailable(
                    account: fund.chart.cash(disbursement.asset), asset: disbursement.asset, available: state.available)
            }
            let grants = FundAccountPlan(
                code: fund.chart.grants(to: disbursement.recipient), type: .expense, asset: nil, constraint: nil
            )
            let payable = FundAccountPlan(
                code: fund.chart.grantsPayable(to: disbursement.recipient), type: .liability, asset: nil,
                constraint: .noNegative
            )
            let draft = grantDraft(
                disbursement, name: name, verb: "approved", debit: grants.code, credit: payable.code, at: now)
            return .approval(grants: grants, payable: payable, transaction: draft)
        case .pay:
            let cash = fund.chart.cash(disbursement.asset)
            guard disbursement.amount.minorUnits <= state.cashBalance else {
                throw .balanceConstraintViolated(account: cash, asset: disbursement.asset)
            }
            // Paying from cash other grants hold would leave one of them unpayable.
            guard disbursement.amount.minorUnits <= state.available else {
                throw .insufficientAvailable(account: cash, asset: disbursement.asset, available: state.available)
            }
            let payable = fund.chart.grantsPayable(to: disbursement.recipient)
            return .payment(grantDraft(disbursement, name: name, verb: "paid", debit: payable, credit: cash, at: now))
        case .cancel:
            guard let approval = state.steps.compactMap(\.transactionID).last else { return .none }
            return .reversal(of: approval, description: "Grant \(disbursement.id) cancelled before payment")
        case .approve, .reject:
            return .none
        }
    }

    /// The name a grant's ledger description shows: a member's public name, or the
    /// beneficiary's public label (without bidirectional controls).
    static func recipientName(_ disbursement: Disbursement, member: Member?) -> String {
        member?.publicName ?? disbursement.recipient.beneficiary.map(TextRules.removingBidiControls) ?? "a beneficiary"
    }

    /// The two-posting transaction of an approval or a payment, dated today.
    static func grantDraft(
        _ disbursement: Disbursement, name: String, verb: String, debit: AccountCode, credit: AccountCode,
        at now: Timestamp
    ) -> TransactionDraft {
        let asset = disbursement.asset.rawValue
        let amount = disbursement.amount.minorUnits
        return TransactionDraft(
            date: now.date.description, description: "Grant \(disbursement.id) to \(name) \(verb)",
            metadata: .object(["disbursement_id": .string(disbursement.id.rawValue)]),
            postings: [
                PostingDraft(account: debit.rawValue, asset: asset, amount: amount),
                PostingDraft(account: credit.rawValue, asset: asset, amount: -amount),
            ]
        )
    }

    // MARK: Erase the beneficiary

    /// Erases a private beneficiary's name: refused for a member recipient, for a
    /// request named before names became private (`hasPrivateName` false: the name is in
    /// the log), and when erased before. The commitment stays, so the log stays verifiable.
    public static func eraseBeneficiary(
        of disbursement: Disbursement, hasPrivateName: Bool, erasedAt: Timestamp?, at now: Timestamp
    ) throws(Rejection) -> FundAction {
        let id = disbursement.id.rawValue
        guard hasPrivateName else {
            let detail =
                disbursement.recipient.memberID != nil
                ? "its recipient is a member: erase the member's private data instead"
                : "its beneficiary was named before names became private; the name is in the log"
            throw .beneficiaryNotErasable(id: id, detail: detail)
        }
        guard erasedAt == nil else { throw .beneficiaryNotErasable(id: id, detail: "the name was erased before") }
        return FundEvent.disbursementBeneficiaryErased(Erasure(id: disbursement.id, erasedAt: now)).action()
    }
}
