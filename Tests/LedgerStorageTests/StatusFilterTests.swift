// Goal: a status filter on pledges, disbursements and cash adjustments costs what its page
// costs. The store narrows the rows in SQL from facts it already keeps (a pledge's
// receivable balance, its cancellation row and instalment dates; a request's steps and
// its fund's threshold), then derives each candidate's status in Swift, which stays the
// one definition of a status. Two things are checked on a temporary database file:
// the filtered lists equal the full list filtered in Swift (over a seeded book with every
// status, on two different days, at several page sizes), and a filter never derives a
// row that its stored facts rule out (a row that cannot be derived is not even read).
import Foundation
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct StatusFilterTests {
    static let treasurer = Principal(keyID: "key_11111111111111111111111111111111", name: "Amina", role: .treasurer)
    static let approver = Principal(keyID: "key_22222222222222222222222222222222", name: "Bongani", role: .approver)
    static let secondApprover = Principal(
        keyID: "key_33333333333333333333333333333333", name: "Chiara", role: .approver
    )

    /// The ids of the seeded book, by the status each has on 2026-11-25 (the test clock's day).
    struct Book {
        let ledger: TestLedger
        var pledges: [PledgeStatus.State: [PledgeID]] = [:]
        var disbursements: [Disbursement.State: [DisbursementID]] = [:]
        var adjustments: [CashAdjustment.State: [CashAdjustmentID]] = [:]
    }

    /// Fund "health" (two approvals above 1,000.00; adjustments up to 20.00 post at once)
    /// with 5,000.00 of cash, then pledges, disbursements and adjustments in every status.
    static func book() async throws -> Book {
        let ledger = try await TestLedger()
        try await ledger.seed(assets: [("USD", 2)], accounts: [("expenses:bank-fees", "expense", nil)])
        _ = try applied(await ledger.store.createFund(
            FundDraft(
                code: "health", name: "Health", assets: ["USD"], twoApprovalsAbove: ["USD": 100_000],
                cashAdjustmentApprovalAbove: ["USD": 2_000]
            ),
            by: .system, idempotency: nil
        ))
        let member = try applied(await ledger.store.registerMember(
            MemberDraft(name: "Clinic", kind: "community", country: "HT", region: "Caribbean", visibility: "public"),
            by: .system, idempotency: nil
        )).member.id.rawValue
        _ = try await ledger.store.recordContribution(
            ContributionDraft(memberID: member, fundID: "health", asset: "USD", amount: 500_000, date: "2026-11-20"),
            by: treasurer, idempotency: nil
        )
        var book = Book(ledger: ledger)
        try await seedPledges(&book, member: member)
        try await seedDisbursements(&book, member: member)
        try await seedAdjustments(&book)
        return book
    }

    /// Eleven pledges of 100.00 made on 2026-11-01; by hand, on 2026-11-25: open 2,
    /// partly paid 2, paid 1, overdue 4, cancelled 2.
    static func seedPledges(_ book: inout Book, member: String) async throws {
        let split = [(dueDate: "2026-11-10", amount: Int64(5_000)), (dueDate: "2026-12-20", amount: Int64(5_000))]
        let later = [(dueDate: "2026-12-10", amount: Int64(5_000)), (dueDate: "2027-01-10", amount: Int64(5_000))]
        typealias Plan = (
            due: String, instalments: [(dueDate: String, amount: Int64)]?, paid: Int64, cancel: Bool,
            state: PledgeStatus.State
        )
        let plans: [Plan] = [
            ("2026-12-31", nil, 0, false, .open), ("2026-12-31", nil, 4_000, false, .partlyPaid),
            ("2026-12-31", nil, 10_000, false, .paid), ("2026-11-20", nil, 0, false, .overdue),
            ("2026-11-20", nil, 3_000, false, .overdue), ("2026-12-31", nil, 4_000, true, .cancelled),
            ("2026-12-31", nil, 0, true, .cancelled), ("2026-12-20", split, 5_000, false, .partlyPaid),
            ("2026-12-20", split, 0, false, .overdue), ("2026-12-20", split, 2_000, false, .overdue),
            ("2027-01-10", later, 0, false, .open),
        ]
        for plan in plans {
            let draft = PledgeDraft(
                memberID: member, fundID: "health", asset: "USD", amount: 10_000, dueDate: plan.due, date: "2026-11-01",
                instalments: plan.instalments
            )
            let id = try applied(await book.ledger.store.makePledge(draft, by: treasurer, idempotency: nil)).pledge.id
            if plan.paid > 0 {
                let gift = ContributionDraft(
                    memberID: member, fundID: "health", asset: "USD", amount: plan.paid, date: "2026-11-10",
                    pledgeID: id.rawValue
                )
                _ = try await book.ledger.store.recordContribution(gift, by: treasurer, idempotency: nil)
            }
            if plan.cancel {
                _ = try await book.ledger.store.cancelPledge(id, reason: "Ran dry", by: treasurer, idempotency: nil)
            }
            book.pledges[plan.state, default: []].append(id)
        }
    }

    /// Seven requests; by hand: requested 2 (one of them with one approval of the two it
    /// needs), approved 2, paid 1, rejected 1, cancelled 1.
    static func seedDisbursements(_ book: inout Book, member: String) async throws {
        let plans: [(amount: Int64, steps: [(DisbursementStep.Kind, Principal)], state: Disbursement.State)] = [
            (10_000, [], .requested), (10_000, [(.approve, approver)], .approved),
            (200_000, [(.approve, approver)], .requested),
            (200_000, [(.approve, approver), (.approve, secondApprover)], .approved),
            (10_000, [(.approve, approver), (.pay, treasurer)], .paid), (10_000, [(.reject, approver)], .rejected),
            (10_000, [(.cancel, treasurer)], .cancelled),
        ]
        for plan in plans {
            let store = book.ledger.store
            let draft = DisbursementDraft(
                fundID: "health", memberID: member, asset: "USD", amount: plan.amount, purpose: "Clinic supplies"
            )
            let id = try applied(await store.requestDisbursement(draft, by: treasurer, idempotency: nil))
                .disbursement.id
            for (kind, who) in plan.steps {
                _ = try applied(await store.takeDisbursementStep(id, kind, reason: nil, by: who, idempotency: nil))
            }
            book.disbursements[plan.state, default: []].append(id)
        }
    }

    /// Four adjustments; by hand: posted 2 (one at once, one approved), requested 1, rejected 1.
    static func seedAdjustments(_ book: inout Book) async throws {
        let plans: [(amount: Int64, step: CashAdjustmentStep.Kind?, state: CashAdjustment.State)] = [
            (1_500, nil, .posted), (50_000, nil, .requested), (30_000, .approve, .posted), (40_000, .reject, .rejected),
        ]
        for plan in plans {
            let store = book.ledger.store
            let draft = CashAdjustmentDraft(
                asset: "USD", amount: plan.amount, counterAccount: "expenses:bank-fees", date: "2026-11-25",
                reason: "Bank fee"
            )
            let outcome = try await store.requestCashAdjustment(fund: "health", draft, by: treasurer, idempotency: nil)
            let id = try applied(outcome).adjustment.id
            if let step = plan.step {
                _ = try await store.takeCashAdjustmentStep(id, step, reason: nil, by: approver, idempotency: nil)
            }
            book.adjustments[plan.state, default: []].append(id)
        }
    }

    /// Every page of a list, followed cursor by cursor.
    static func walk<Item>(limit: Int, _ list: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var cursor: PageCursor?
        repeat {
            let page = try await list(PageRequest(limit: limit, cursor: cursor))
            items += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return items
    }

    static func pledges(
        _ store: any LedgerStore, _ state: PledgeStatus.State?, limit: Int = 50
    ) async throws -> [PledgeView] {
        try await walk(limit: limit) { try await store.pledges(filter: PledgeFilter(state: state), page: $0) }
    }

    static func disbursements(
        _ store: any LedgerStore, _ state: Disbursement.State?, limit: Int = 50
    ) async throws -> [DisbursementView] {
        try await walk(limit: limit) { page in
            try await store.disbursements(filter: DisbursementFilter(state: state), page: page)
        }
    }

    static func adjustments(
        _ store: any LedgerStore, _ state: CashAdjustment.State?, limit: Int = 50
    ) async throws -> [CashAdjustmentView] {
        try await walk(limit: limit) { page in
            try await store.cashAdjustments(filter: CashAdjustmentFilter(state: state), page: page)
        }
    }

    @Test func pledgeFiltersEqualTheFullListFilteredInSwiftOnAnyDay() async throws {
        let book = try await Self.book()
        let store = book.ledger.store
        #expect(book.pledges.mapValues(\.count) == [.open: 2, .partlyPaid: 2, .paid: 1, .overdue: 4, .cancelled: 2])
        for day in 0..<2 {
            let all = try await Self.pledges(store, nil)
            #expect(all.count == 11)
            if day == 0 {
                for (state, ids) in book.pledges {
                    #expect(all.filter { $0.status.state == state }.map(\.pledge.id) == ids)
                }
            }
            for state in PledgeStatus.State.allCases {
                let expected = all.filter { $0.status.state == state }.map(\.pledge.id)
                for limit in [1, 3, 50] {
                    let filtered = try await Self.pledges(store, state, limit: limit)
                    #expect(filtered.map(\.pledge.id) == expected, "\(state) on day \(day), page of \(limit)")
                }
            }
            // 2027-01-05: every unpaid instalment has fallen due, so open and partly paid
            // pledges turn overdue; the filters must follow today's date, not a stored one.
            book.ledger.clock.advance(microseconds: 41 * 86_400 * 1_000_000)
        }
        #expect(try await Self.pledges(store, .overdue).count == 8)
    }

    @Test func disbursementAndAdjustmentFiltersEqualTheFullListsFilteredInSwift() async throws {
        let book = try await Self.book()
        let store = book.ledger.store
        let disbursements = try await Self.disbursements(store, nil)
        for (state, ids) in book.disbursements {
            #expect(disbursements.filter { $0.state == state }.map(\.disbursement.id) == ids)
        }
        let counts: [Disbursement.State: Int] = [.requested: 2, .approved: 2, .paid: 1, .rejected: 1, .cancelled: 1]
        #expect(book.disbursements.mapValues(\.count) == counts)
        for state in Disbursement.State.allCases {
            for limit in [1, 2, 50] {
                let filtered = try await Self.disbursements(store, state, limit: limit)
                #expect(filtered.map(\.disbursement.id) == book.disbursements[state], "\(state), page of \(limit)")
            }
        }
        let adjustments = try await Self.adjustments(store, nil)
        for (state, ids) in book.adjustments {
            #expect(adjustments.filter { $0.state == state }.map(\.adjustment.id) == ids)
        }
        #expect(book.adjustments.mapValues(\.count) == [.posted: 2, .requested: 1, .rejected: 1])
        for state in CashAdjustment.State.allCases {
            for limit in [1, 50] {
                let filtered = try await Self.adjustments(store, state, limit: limit)
                #expect(filtered.map(\.adjustment.id) == book.adjustments[state], "\(state), page of \(limit)")
            }
        }
    }

    /// The seeded book with one row of each kind made underivable (its immutability
    /// trigger dropped by hand): an open pledge, a requested disbursement and
    /// an adjustment posted at once. Lists that read those rows fail.
    static func corruptedBook() async throws -> Book {
        let book = try await book()
        let openPledge = try #require(book.pledges[.open]?.first)
        let requested = try #require(book.disbursements[.requested]?.first)
        let postedAtOnce = try #require(book.adjustments[.posted]?.first)
        let triggers = [
            "pledges_are_immutable_update", "disbursements_are_immutable_update", "cash_adjustments_are_immutable_update",
        ]
        try book.ledger.shell(TestSQL.withoutTriggers(triggers) + """
            UPDATE pledges SET due_date = '2099-01-01' WHERE id = '\(openPledge)';
            UPDATE disbursements SET fund_id = 'not-a-fund' WHERE id = '\(requested)';
            UPDATE cash_adjustments SET date = 'not-a-date' WHERE id = '\(postedAtOnce)';
            """)
        return book
    }

    // The three tests below fail on the store that derived every row before filtering:
    // a filter for a status that a row's stored facts rule out must answer without
    // reading that row.

    @Test func aPledgeFilterNeverDerivesAPledgeItsStoredFactsRuleOut() async throws {
        let book = try await Self.corruptedBook()
        await #expect(throws: (any Error).self) { try await Self.pledges(book.ledger.store, nil) }
        #expect(try await Self.pledges(book.ledger.store, .paid).map(\.pledge.id) == book.pledges[.paid])
        #expect(try await Self.pledges(book.ledger.store, .cancelled).map(\.pledge.id) == book.pledges[.cancelled])
    }

    @Test func aDisbursementFilterNeverDerivesARequestItsStepsRuleOut() async throws {
        let book = try await Self.corruptedBook()
        await #expect(throws: (any Error).self) { try await Self.disbursements(book.ledger.store, nil) }
        let paid = try await Self.disbursements(book.ledger.store, .paid)
        #expect(paid.map(\.disbursement.id) == book.disbursements[.paid])
    }

    @Test func anAdjustmentFilterNeverDerivesAnAdjustmentItsRowRulesOut() async throws {
        let book = try await Self.corruptedBook()
        await #expect(throws: (any Error).self) { try await Self.adjustments(book.ledger.store, nil) }
        let rejected = try await Self.adjustments(book.ledger.store, .rejected)
        #expect(rejected.map(\.adjustment.id) == book.adjustments[.rejected])
    }
}
