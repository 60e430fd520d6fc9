// Goal: the ledger's write rules that are not SQL (`BalancePlan`) decide a balance's new
// values from what the backend read, refuse a broken constraint before anything is
// written, check later days only for a back-dated transaction, and give each posting its
// running sum within the day. Expected values are worked out by hand.
import LedgerCore
import LedgerEngine
import Testing

@Suite struct BalancePlanTests {
    static let bank = AccountID(bytes: [UInt8](repeating: 1, count: 16))
    static let gifts = AccountID(bytes: [UInt8](repeating: 2, count: 16))
    static let usd = AssetCode("USD")!

    static func account(_ id: AccountID, _ code: String, _ type: AccountType, noNegative: Bool) -> Account {
        Account(
            id: id, code: AccountCode(code)!, type: type, allowedAssets: nil,
            constraint: noNegative ? .noNegative : nil, metadata: .object([:]),
            createdAt: Timestamp(microsecondsSinceEpoch: 0), closedAt: nil
        )
    }

    /// Bank +3.00 and +2.00, gifts -5.00, on 2026-11-20.
    static let transaction = LedgerTransaction(
        id: TransactionID(bytes: [UInt8](repeating: 9, count: 16)), date: LocalDate("2026-11-20")!,
        description: "gifts", metadata: .object([:]),
        postings: [
            posting(bank, "assets:bank", 300),
            posting(bank, "assets:bank", 200),
            posting(gifts, "income:gifts", -500),
        ],
        recordedAt: Timestamp(microsecondsSinceEpoch: 0), reversesID: nil, reversedByID: nil
    )

    static func posting(_ id: AccountID, _ code: String, _ amount: Int64) -> Posting {
        Posting(accountID: id, accountCode: AccountCode(code)!, asset: usd, amount: Amount(minorUnits: amount)!)
    }

    static func before(balance: Int64, dayChange: Int64, closing: Int64, later: Bool) -> BalancePlan.Before {
        BalancePlan.Before(
            balance: Amount(minorUnits: balance)!, postingCount: 4, dayChange: Amount(minorUnits: dayChange)!,
            closing: Amount(minorUnits: closing)!, movesLaterDays: later
        )
    }

    @Test func aPlanAddsTheChangeToEveryFigure() throws {
        let changes = try BalanceChange.changes(of: Self.transaction)
        let bankChange = try #require(changes.first { $0.key.accountID == Self.bank })
        var laterChecks = 0
        let plan = try BalancePlan(
            bankChange, account: Self.account(Self.bank, "assets:bank", .asset, noNegative: true),
            before: Self.before(balance: 1_000, dayChange: 100, closing: 900, later: false), postingsHere: 2
        ) { laterChecks += 1 }
        #expect(plan.newBalance.minorUnits == 1_500)
        #expect(plan.postingCount == 6)
        #expect(plan.dayChange.minorUnits == 600)
        #expect(plan.closing.minorUnits == 1_400)
        #expect(laterChecks == 0, "later days are read only for a back-dated transaction")
    }

    @Test func aBackDatedChangeChecksLaterDaysAfterTheNewBalance() throws {
        let changes = try BalanceChange.changes(of: Self.transaction)
        let bankChange = try #require(changes.first { $0.key.accountID == Self.bank })
        struct LaterDayOverdrawn: Error {}
        #expect(throws: LaterDayOverdrawn.self) {
            _ = try BalancePlan(
                bankChange, account: Self.account(Self.bank, "assets:bank", .asset, noNegative: true),
                before: Self.before(balance: 0, dayChange: 0, closing: 0, later: true), postingsHere: 2
            ) { throw LaterDayOverdrawn() }
        }
    }

    @Test func aBrokenConstraintIsRefused() throws {
        let changes = try BalanceChange.changes(of: Self.transaction)
        let giftsChange = try #require(changes.first { $0.key.accountID == Self.gifts })
        // A debit-normal account held to no_negative: 1.00 less 5.00 would be -4.00.
        let strict = Self.account(Self.gifts, "income:gifts", .asset, noNegative: true)
        #expect(throws: Rejection.balanceConstraintViolated(account: AccountCode("income:gifts")!, asset: Self.usd)) {
            _ = try BalancePlan(
                giftsChange, account: strict,
                before: Self.before(balance: 100, dayChange: 0, closing: 100, later: false), postingsHere: 1
            ) {}
        }
    }

    @Test func runningSumsStartFromTheDaysChangeSoFar() throws {
        let changes = try BalanceChange.changes(of: Self.transaction)
        var plans: [BalanceKey: BalancePlan] = [:]
        for change in changes {
            let isBank = change.key.accountID == Self.bank
            let account = isBank
                ? Self.account(Self.bank, "assets:bank", .asset, noNegative: false)
                : Self.account(Self.gifts, "income:gifts", .income, noNegative: false)
            plans[change.key] = try BalancePlan(
                change, account: account,
                before: Self.before(balance: 0, dayChange: isBank ? 1_000 : -40, closing: 0, later: false),
                postingsHere: isBank ? 2 : 1
            ) {}
        }
        let sums = try BalancePlan.dayRunning(of: Self.transaction, plans: plans)
        #expect(sums.map(\.minorUnits) == [1_300, 1_500, -540])
    }
}
