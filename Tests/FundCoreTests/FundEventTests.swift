// Goal: `FundEvent` is the one encoder and the one decoder of a fund step's details, and
// they are inverses: every case (every shape within a kind, older shapes included) reads
// back to itself, and anything else — a missing member, a wrong type, a kind the details
// contradict, values no writer accepts — is a `LogEntryError`, never a trap. The exact
// bytes of real logs are checked against databases of an earlier release in
// LedgerStorageTests/LogBytesCompatibilityTests.
import FundCore
import LedgerCore
import Testing

@Suite struct FundEventTests {
    static let at = Fixture.now
    static let pledge = Pledge(
        id: PledgeID("plg_00000000000000000000000000000001")!, memberID: Fixture.amina.id, fundID: Fixture.fund.id,
        asset: Fixture.kes, amount: Amount(minorUnits: 90_000)!, date: LocalDate("2026-11-01")!,
        instalments: [
            .init(dueDate: LocalDate("2026-12-01")!, amount: Amount(minorUnits: 40_000)!),
            .init(dueDate: LocalDate("2027-01-01")!, amount: Amount(minorUnits: 50_000)!),
        ],
        createdAt: at
    )
    static let disbursementID = DisbursementID("dsb_00000000000000000000000000000002")!
    static let adjustmentID = CashAdjustmentID("adj_00000000000000000000000000000003")!

    static func request(_ recipient: Disbursement.Recipient, commitment: String?) -> FundEvent {
        .disbursementRequested(DisbursementRequest(Disbursement(
            id: disbursementID, fundID: Fixture.fund.id, recipient: recipient, asset: Fixture.kes,
            amount: Amount(minorUnits: 150_000)!, purpose: "Flood relief", requestedBy: .system, requestedAt: at,
            beneficiaryCommitment: commitment
        )))
    }

    /// One event of every case, and every shape a case has had.
    static let events: [FundEvent] = [
        .memberRegistered(MemberRegistration(Fixture.amina, recordedProfile: Fixture.amina.profile, commitment: "c1")),
        .memberRegistered(MemberRegistration(Fixture.hidden, recordedProfile: nil, commitment: "c2")),
        // An anonymous member registered before profiles became private: profile in clear.
        .memberRegistered(MemberRegistration(
            Fixture.hidden, recordedProfile: Fixture.amina.profile, commitment: "c3")),
        .memberPrivateDataErased(Erasure(id: Fixture.hidden.id, erasedAt: at)),
        .fundCreated(Fixture.fund),
        .fundCreated(Fund(
            id: Fixture.fund.id, code: "climate", name: "Climate", assets: [Fixture.kes], twoApprovalsAbove: [:],
            cashAdjustmentApprovalAbove: [Fixture.kes: Amount(minorUnits: 2_000)!], createdAt: at
        )),
        .pledgeMade(pledge),
        .pledgeMade(Pledge(
            id: PledgeID("plg_00000000000000000000000000000009")!, memberID: Fixture.amina.id, fundID: Fixture.fund.id,
            asset: Fixture.kes, amount: Amount(minorUnits: 30_000)!, date: LocalDate("2026-11-01")!,
            instalments: ["2026-11-30", "2026-12-30", "2027-01-30"].map {
                Pledge.Instalment(dueDate: LocalDate($0)!, amount: Amount(minorUnits: 10_000)!)
            },
            schedule: PledgeSchedule(every: .month, start: LocalDate("2026-11-30")!, count: 3, end: nil),
            createdAt: at
        )),
        .pledgeCancelled(PledgeCancellation(pledgeID: pledge.id, reason: "Union dissolved", cancelledAt: at)),
        .contributionReceived(Contribution(
            id: ContributionID("ctb_00000000000000000000000000000004")!, memberID: Fixture.amina.id,
            fundID: Fixture.fund.id, asset: Fixture.kes, amount: Amount(minorUnits: 40_000)!,
            date: LocalDate("2026-12-01")!, pledgeID: pledge.id, createdAt: at
        )),
        .contributionReceived(Contribution(
            id: ContributionID("ctb_00000000000000000000000000000005")!, memberID: Fixture.amina.id,
            fundID: Fixture.fund.id, asset: Fixture.usd, amount: Amount(minorUnits: 1)!,
            date: LocalDate("2026-12-01")!, pledgeID: nil, createdAt: at
        )),
        request(.member(Fixture.amina.id), commitment: nil),
        request(.beneficiary("Clinic of Kisumu"), commitment: nil),
        request(.beneficiary(disbursementID.beneficiaryLabel), commitment: "c4"),
    ] + DisbursementStep.Kind.allCases.enumerated().map { position, kind in
        .disbursementStep(LoggedStep(
            id: disbursementID, position: position, kind: kind, reason: kind == .reject ? "Out of scope" : nil, at: at))
    } + [
        .disbursementBeneficiaryErased(Erasure(id: disbursementID, erasedAt: at)),
        .conversionRecorded(Conversion(
            id: "cnv_00000000000000000000000000000006", fundID: Fixture.fund.id, fromAsset: Fixture.usd,
            fromAmount: Amount(minorUnits: 10_000)!, toAsset: Fixture.kes, toAmount: Amount(minorUnits: 1_293_500)!,
            date: LocalDate("2026-12-02")!, createdAt: at
        )),
        .exchangeRateRecorded(ExchangeRate(
            base: Fixture.usd, quote: Fixture.kes, date: LocalDate("2026-12-02")!, rate: DecimalRate("129.35")!,
            recordedAt: at
        )),
        .cashAdjustmentRequested(CashAdjustmentRequest(CashAdjustment(
            id: adjustmentID, fundID: Fixture.fund.id, asset: Fixture.kes, amount: Amount(minorUnits: 500)!,
            counterAccount: AccountCode("expenses:bank-fees")!, date: LocalDate("2026-12-02")!, reason: "Bank fee",
            needsApproval: true, requestedBy: .system, requestedAt: at
        ))),
    ] + CashAdjustmentStep.Kind.allCases.enumerated().map { position, kind in
        .cashAdjustmentStep(LoggedStep(id: adjustmentID, position: position, kind: kind, reason: nil, at: at))
    } + [
        .disbursementHoldExpired(HoldExpiry(id: disbursementID, expiredAt: at)),
        // The approval that completes a grant, with its hold's expiry.
        .disbursementStep(LoggedStep(
            id: disbursementID, position: 1, kind: .approve, reason: nil, at: at,
            holdExpiresAt: Timestamp("2026-12-31T00:00:00.000000Z")!)),
        .periodClosed(PeriodClosing(
            id: PeriodClosingID("per_00000000000000000000000000000007")!, through: LocalDate("2026-11-30")!,
            sealedTreeSize: 41, sealedRootHash: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", closedAt: at
        )),
    ]

    @Test func everyFundKindHasAnEventHere() {
        let fundKinds = Set(LogEntryKind.allCases.filter(\.isFundStep))
        #expect(Set(Self.events.map(\.kind)) == fundKinds)
    }

    @Test(arguments: events)
    func anEventReadsBackToItself(event: FundEvent) throws {
        #expect(try FundEvent(kind: event.kind, details: event.details) == event)
        let action = event.action()
        #expect(action.kind == event.kind)
        #expect(action.subject == event.subject)
        #expect(try FundEvent(action) == event)
    }

    /// The members each kind writes, spelled out: these names are the log's format.
    @Test func theDetailsKeepTheirMemberNames() {
        let keys: [LogEntryKind: [String]] = [
            .pledgeMade: ["amount", "asset", "created_at", "date", "due_date", "fund_id", "id", "instalments", "member_id"],
            .pledgeCancelled: ["cancelled_at", "id", "reason"],
            .disbursementApproved: ["at", "id", "kind", "reason", "step"],
            .exchangeRateRecorded: ["base", "date", "id", "quote", "rate", "recorded_at"],
            .memberPrivateDataErased: ["erased_at", "id"],
        ]
        for event in Self.events {
            guard var expected = keys[event.kind], case .object(let members) = event.details else { continue }
            // Only an approval that completed a grant with an expiring hold has the expiry.
            if case .disbursementStep(let step) = event, step.holdExpiresAt != nil {
                expected = ["at", "hold_expires_at", "id", "kind", "reason", "step"]
            }
            // Only a recurring pledge has its schedule.
            if case .pledgeMade(let pledge) = event, pledge.schedule != nil { expected = (expected + ["schedule"]).sorted() }
            #expect(members.keys.sorted() == expected, "\(event.kind)")
        }
    }

    @Test func stepKindsNameTheirEntryKinds() {
        #expect(DisbursementStep.Kind.allCases.map(FundEvent.entryKind(of:)) == [
            .disbursementApproved, .disbursementRejected, .disbursementPaid, .disbursementCancelled,
        ])
        #expect(CashAdjustmentStep.Kind.allCases.map(FundEvent.entryKind(of:)) == [
            .cashAdjustmentApproved, .cashAdjustmentRejected,
        ])
    }

    /// Details changed in one member, with the kind they are read as.
    static func altered(_ event: FundEvent, as kind: LogEntryKind? = nil, _ change: (inout [String: JSONValue]) -> Void)
        -> (LogEntryKind, JSONValue)
    {
        guard case .object(var members) = event.details else { preconditionFailure("details are objects") }
        change(&members)
        return (kind ?? event.kind, .object(members))
    }

    static let refused: [(String, LogEntryKind, JSONValue)] = {
        let pledge = FundEvent.pledgeMade(Self.pledge)
        let member = events[0]
        let step = events.first { $0.kind == .disbursementPaid }!
        let rate = events.first { $0.kind == .exchangeRateRecorded }!
        let grant = Self.request(.member(Fixture.amina.id), commitment: nil)
        let cases: [(String, (LogEntryKind, JSONValue))] = [
            ("a ledger kind", (.transactionRecorded, pledge.details)),
            ("details not an object", (.pledgeMade, .array([]))),
            ("no id", altered(pledge) { $0["id"] = nil }),
            ("an id of another type", altered(pledge) { $0["id"] = .string("mem_00000000000000000000000000000001") }),
            ("an amount past 2^53 - 1", altered(pledge) { $0["amount"] = .integer(9_007_199_254_740_992) }),
            ("no instalments", altered(pledge) { $0["instalments"] = .array([]) }),
            ("a due date the instalments contradict", altered(pledge) { $0["due_date"] = .string("2027-02-01") }),
            ("an amount as text", altered(pledge) { $0["amount"] = .string("900.00") }),
            ("a partial profile", altered(member) { $0["region"] = .null }),
            ("an unassigned country", altered(member) { $0["country"] = .string("XX") }),
            ("a named anonymous member", altered(events[1]) { $0["name"] = .string("Hidden") }),
            ("a public member without a profile", altered(member) {
                $0["kind"] = .null; $0["country"] = .null; $0["region"] = .null
            }),
            ("a step of another kind", altered(step, as: .disbursementApproved) { _ in }),
            ("a negative step", altered(step) { $0["step"] = .integer(-1) }),
            ("a rate under another id", altered(rate) { $0["id"] = .string("USD/EUR@2026-12-02") }),
            ("a member and a beneficiary", altered(grant) { $0["beneficiary"] = .string("Someone") }),
            ("a commitment beside a member", altered(grant) { $0["beneficiary_commitment"] = .string("c") }),
            ("a fund code that cannot be an account segment", altered(events[4]) { $0["code"] = .string("a:b") }),
        ]
        return cases.map { ($0.0, $0.1.0, $0.1.1) }
    }()

    @Test(arguments: refused)
    func anythingElseIsRefused(reason: String, kind: LogEntryKind, details: JSONValue) {
        #expect(throws: LogEntryError.self, "\(reason)") { try FundEvent(kind: kind, details: details) }
    }
}
