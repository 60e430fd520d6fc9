// Goal: the disbursement rules without a database — a request in an asset the fund
// holds, for a known member or a labelled private beneficiary; four eyes per person above
// the fund's threshold (never the requester, not the same person twice, not through a
// second key); each action refused in each wrong state; the final approval books grant
// against payable, a payment never goes beyond the fund's cash, and cancelling an
// approved grant reverses its approval; a private beneficiary's name is erased once.
import FundCore
import LedgerCore
import Testing

@Suite struct DisbursementStepTests {
    typealias F = Fixture
    static let id = "dsb_00000000000000000000000000000001"

    /// A request by the treasurer for `amount` KES to Amina (above 1,000.00 KES: two approvals).
    static func request(_ amount: Int64, member: Member? = Fixture.amina) throws -> Disbursement {
        try DisbursementSteps.request(
            (F.kes, F.amount(amount), "Flood repairs"), memberReference: member?.id.rawValue, member: member,
            beneficiaryCommitment: nil, fund: F.fund, by: F.treasurer, identifiers: CountingIdentifiers(), at: F.now
        )
    }

    static func step(_ kind: DisbursementStep.Kind, by principal: Principal, transaction: String? = nil) -> DisbursementStep {
        DisbursementStep(
            kind: kind, principal: principal, at: F.now, transactionID: transaction.flatMap(TransactionID.init), reason: nil
        )
    }

    static func state(
        _ disbursement: Disbursement, _ steps: [DisbursementStep], cash: Int64 = 1_000_000
    ) -> DisbursementSteps.State {
        DisbursementSteps.State(
            disbursement: disbursement, steps: steps, approvalsNeeded: disbursement.approvalsNeeded(in: F.fund),
            fund: F.fund, recipientMember: F.amina, cashBalance: cash
        )
    }

    static func take(
        _ kind: DisbursementStep.Kind, _ state: DisbursementSteps.State, by principal: Principal
    ) throws(Rejection) -> DisbursementSteps.Stepping {
        try DisbursementSteps.take(kind, on: state, by: principal, reason: nil, identifiers: CountingIdentifiers(), at: F.now)
    }

    // MARK: Request

    @Test func aRequestForAMemberOrForAPrivateBeneficiary() throws {
        let forMember = try Self.request(5_000)
        #expect(forMember.id.rawValue == Self.id)
        #expect(forMember.recipient == .member(F.amina.id))
        #expect(forMember.beneficiaryCommitment == nil)
        let forBeneficiary = try DisbursementSteps.request(
            (F.kes, F.amount(5_000), "Clinic fees"), memberReference: nil, member: nil, beneficiaryCommitment: "c29tZQ==",
            fund: F.fund, by: F.treasurer, identifiers: CountingIdentifiers(), at: F.now
        )
        #expect(forBeneficiary.recipient == .beneficiary("Beneficiary 00000000"))
        #expect(forBeneficiary.beneficiaryCommitment == "c29tZQ==")
        #expect(DisbursementSteps.requested(forBeneficiary).kind == .disbursementRequested)
    }

    @Test(arguments: [("EUR", "mem_000000000000000000000000000000a1", true), ("KES", "mem_000000000000000000000000000000c3", false)])
    func aRequestIsRefusedForAnAssetNotInTheFundOrAnUnknownMember(asset: String, member: String, isKnown: Bool) {
        let expected: Rejection = asset == "EUR"
            ? .assetNotInFund(fund: "climate", asset: F.eur)
            : .unknownReference(field: "member_id", reference: member)
        #expect(throws: expected) {
            try DisbursementSteps.request(
                (AssetCode(asset)!, F.amount(100), "p"), memberReference: member, member: isKnown ? F.amina : nil,
                beneficiaryCommitment: nil, fund: F.fund, by: F.treasurer, identifiers: CountingIdentifiers(), at: F.now
            )
        }
    }

    // MARK: Four eyes

    @Test func aboveTheThresholdTwoPeopleOtherThanTheRequesterApprove() throws {
        let grant = try Self.request(150_000)
        #expect(grant.approvalsNeeded(in: F.fund) == 2)
        let first = try Self.take(.approve, Self.state(grant, []), by: F.approver)
        guard case .none = first.booking else { Issue.record("the first of two approvals books nothing"); return }
        let second = try Self.take(.approve, Self.state(grant, [Self.step(.approve, by: F.approver)]), by: F.secondApprover)
        guard case .approval(let grants, let payable, let draft) = second.booking else {
            Issue.record("the last approval books the grant"); return
        }
        #expect(grants.code.rawValue == "expenses:climate:grants:mem_000000000000000000000000000000a1")
        #expect(payable == FundAccountPlan(
            code: AccountCode("liabilities:climate:grants-payable:mem_000000000000000000000000000000a1")!,
            type: .liability, asset: nil, constraint: .noNegative
        ))
        #expect(draft.description == "Grant \(Self.id) to Amina's Union approved")
        #expect(draft.postings.map(\.amount) == [150_000, -150_000])
        #expect(second.position == 1)
        #expect(second.transactionID.rawValue == "txn_00000000000000000000000000000001")
    }

    @Test func atTheThresholdOneApprovalBooksTheGrant() throws {
        let grant = try Self.request(100_000)
        #expect(grant.approvalsNeeded(in: F.fund) == 1)
        let approval = try Self.take(.approve, Self.state(grant, []), by: F.approver)
        guard case .approval = approval.booking else { Issue.record("one approval is the last"); return }
    }

    @Test(arguments: [
        // (earlier approvers, approver, expected): never the requester's person, never one person twice.
        ([], "treasurer", "self"),
        ([], "treasurersOtherKey", "self"),
        (["approver"], "approver", "already"),
    ] as [([String], String, String)])
    func fourEyesCountsPeopleNotKeys(before: [String], approver: String, expected: String) throws {
        let people = ["treasurer": F.treasurer, "treasurersOtherKey": F.treasurersOtherKey, "approver": F.approver]
        let grant = try Self.request(150_000)
        let rejection: Rejection = expected == "self" ? .selfApproval(id: Self.id) : .alreadyApproved(id: Self.id)
        #expect(throws: rejection) {
            try Self.take(.approve, Self.state(grant, before.map { Self.step(.approve, by: people[$0]!) }), by: people[approver]!)
        }
    }

    // MARK: State machine

    @Test(arguments: [
        // (steps so far, action, state named in the refusal)
        ([], DisbursementStep.Kind.pay, "requested"),
        ([.approve, .approve], .approve, "approved"),
        ([.approve, .approve], .reject, "approved"),
        ([.reject], .approve, "rejected"),
        ([.reject], .cancel, "rejected"),
        ([.approve, .approve, .pay], .cancel, "paid"),
        ([.approve, .approve, .pay], .pay, "paid"),
        ([.cancel], .approve, "cancelled"),
        ([.cancel], .reject, "cancelled"),
    ] as [([DisbursementStep.Kind], DisbursementStep.Kind, String)])
    func eachActionIsRefusedInTheWrongState(kinds: [DisbursementStep.Kind], action: DisbursementStep.Kind, state: String) throws {
        let grant = try Self.request(150_000)
        let approvers = [F.approver, F.secondApprover]
        let steps = kinds.enumerated().map { Self.step($0.element, by: approvers[$0.offset % 2]) }
        #expect(throws: Rejection.disbursementState(id: Self.id, state: state, action: action.rawValue)) {
            try Self.take(action, Self.state(grant, steps), by: F.approver)
        }
    }

    // MARK: Pay and cancel

    @Test func aPaymentSettlesThePayableFromCash() throws {
        let grant = try Self.request(50_000)
        let approved = [Self.step(.approve, by: F.approver, transaction: "txn_00000000000000000000000000000007")]
        let payment = try Self.take(.pay, Self.state(grant, approved, cash: 50_000), by: F.treasurer)
        guard case .payment(let draft) = payment.booking else { Issue.record("a payment books"); return }
        #expect(draft.postings == [
            PostingDraft(account: "liabilities:climate:grants-payable:mem_000000000000000000000000000000a1", asset: "KES", amount: 50_000),
            PostingDraft(account: "assets:climate:cash:kes", asset: "KES", amount: -50_000),
        ])
        #expect(draft.description == "Grant \(Self.id) to Amina's Union paid")
        #expect(draft.date == "2026-11-30")
    }

    @Test(arguments: [49_999, 0, -1] as [Int64])
    func noPaymentBeyondTheFundsCash(cash: Int64) throws {
        let grant = try Self.request(50_000)
        let approved = [Self.step(.approve, by: F.approver, transaction: "txn_00000000000000000000000000000007")]
        #expect(throws: Rejection.balanceConstraintViolated(account: AccountCode("assets:climate:cash:kes")!, asset: F.kes)) {
            try Self.take(.pay, Self.state(grant, approved, cash: cash), by: F.treasurer)
        }
    }

    @Test func cancellingAnApprovedGrantReversesItsApproval() throws {
        let grant = try Self.request(50_000)
        let approved = [Self.step(.approve, by: F.approver, transaction: "txn_00000000000000000000000000000007")]
        let cancel = try Self.take(.cancel, Self.state(grant, approved), by: F.treasurer)
        guard case .reversal(let original, let description) = cancel.booking else { Issue.record("reverses"); return }
        #expect(original.rawValue == "txn_00000000000000000000000000000007")
        #expect(description == "Grant \(Self.id) cancelled before payment")
        let step = cancel.step(transaction: TransactionID("txn_00000000000000000000000000000008"))
        let action = cancel.action(step: step, accountsOpened: [], transaction: nil)
        #expect(action.kind == .disbursementCancelled)
        #expect(action.subject == "\(Self.id)#1")
        #expect(action.details == .object([
            "id": .string(Self.id), "step": .integer(1), "kind": .string("cancel"), "reason": .null,
            "at": .string(F.now.description),
        ]))
    }

    @Test func cancellingARequestNeverApprovedBooksNothing() throws {
        let cancel = try Self.take(.cancel, Self.state(try Self.request(50_000), []), by: F.treasurer)
        guard case .none = cancel.booking else { Issue.record("nothing to reverse"); return }
    }

    // MARK: Erasure

    @Test(arguments: [
        (true, false, nil),
        (false, false, "its recipient is a member: erase the member's private data instead"),
        (false, true, "its beneficiary was named before names became private; the name is in the log"),
    ] as [(Bool, Bool, String?)])
    func onlyAPrivateBeneficiarysNameIsErasable(hasPrivateName: Bool, isBeneficiary: Bool, refusal: String?) throws {
        let disbursement = try Self.request(100, member: isBeneficiary ? nil : F.amina)
        let erase = { () throws(Rejection) in
            try DisbursementSteps.eraseBeneficiary(of: disbursement, hasPrivateName: hasPrivateName, erasedAt: nil, at: F.now)
        }
        if let refusal {
            #expect(throws: Rejection.beneficiaryNotErasable(id: Self.id, detail: refusal)) { try erase() }
        } else {
            let action = try erase()
            #expect(action.kind == .disbursementBeneficiaryErased)
            #expect(action.subject == "\(Self.id)#beneficiary_erased")
        }
    }

    @Test func aNameIsErasedOnlyOnce() throws {
        let disbursement = try Self.request(100, member: nil)
        #expect(throws: Rejection.beneficiaryNotErasable(id: Self.id, detail: "the name was erased before")) {
            try DisbursementSteps.eraseBeneficiary(of: disbursement, hasPrivateName: true, erasedAt: F.now, at: F.now)
        }
    }
}
