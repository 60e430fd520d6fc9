// Goal: applying a transaction to balances is checked arithmetic with balance
// constraints on the account's normal side, and a trial balance totals debits and
// credits per asset exactly (numbers below computed by hand).
import LedgerCore
import Testing

@Suite struct BalanceAndReportTests {
    static let at = Timestamp("2026-11-25T12:00:00.000000Z")!

    static func account(_ code: String, _ type: AccountType, constraint: BalanceConstraint? = nil, seed: UInt8) -> Account {
        Account(
            id: AccountID(bytes: Array(repeating: seed, count: 16)), code: AccountCode(code)!, type: type,
            allowedAssets: nil, constraint: constraint, metadata: .object([:]), createdAt: at, closedAt: nil
        )
    }

    static func transaction(_ postings: [(Account, Int64)], asset: String = "USD") -> LedgerTransaction {
        LedgerTransaction(
            id: TransactionID(bytes: Array(repeating: 1, count: 16)), date: LocalDate("2026-11-20")!, description: "",
            metadata: .object([:]),
            postings: postings.map { Posting(accountID: $0.0.id, accountCode: $0.0.code, asset: AssetCode(asset)!, amount: Amount(minorUnits: $0.1)!) },
            recordedAt: at, reversesID: nil, reversedByID: nil
        )
    }

    @Test func postingsOnOneBalanceAreNetted() throws {
        let bank = Self.account("assets:bank", .asset, seed: 1)
        let income = Self.account("income:gifts", .income, seed: 2)
        let changes = try BalanceChange.changes(of: Self.transaction([(bank, 700), (bank, 300), (income, -1000)]))
        #expect(changes.count == 2)
        #expect(changes.first { $0.key.accountID == bank.id }?.amount.minorUnits == 1000)
        #expect(changes.first { $0.key.accountID == income.id }?.amount.minorUnits == -1000)
    }

    @Test func noNegativeHoldsOnTheNormalSide() throws {
        let bank = Self.account("assets:bank", .asset, constraint: .noNegative, seed: 1)
        let payable = Self.account("liabilities:grants", .liability, constraint: .noNegative, seed: 2)
        let income = Self.account("income:gifts", .income, seed: 3)
        let withdraw = try BalanceChange.changes(of: Self.transaction([(bank, -500), (income, 500)]))
        let bankChange = try #require(withdraw.first { $0.key.accountID == bank.id })
        #expect(try bankChange.applied(to: Amount(minorUnits: 500)!, account: bank) == .zero)
        #expect(throws: Rejection.balanceConstraintViolated(account: bank.code, asset: AssetCode("USD")!)) {
            try bankChange.applied(to: Amount(minorUnits: 499)!, account: bank)
        }
        // A liability grows with credits; debiting it past zero would turn it into a claim.
        let pay = try BalanceChange.changes(of: Self.transaction([(payable, 300), (income, -300)]))
        let payableChange = try #require(pay.first { $0.key.accountID == payable.id })
        #expect(try payableChange.applied(to: Amount(minorUnits: -300)!, account: payable) == .zero)
        #expect(throws: Rejection.self) { try payableChange.applied(to: Amount(minorUnits: -299)!, account: payable) }
    }

    @Test func balanceOverflowIsARejectionNotATrap() throws {
        let bank = Self.account("assets:bank", .asset, seed: 1)
        let income = Self.account("income:gifts", .income, seed: 2)
        let changes = try BalanceChange.changes(of: Self.transaction([(bank, 2), (income, -2)]))
        let bankChange = try #require(changes.first { $0.key.accountID == bank.id })
        #expect(throws: Rejection.amountOverflow(account: bank.code, asset: AssetCode("USD")!)) {
            try bankChange.applied(to: Amount(minorUnits: Limits.amountMagnitudeMax - 1)!, account: bank)
        }
        // Netting several maximal postings on one balance leaves the range: rejected too.
        let big = Limits.amountMagnitudeMax
        #expect(throws: Rejection.amountOverflow(account: bank.code, asset: AssetCode("USD")!)) {
            try BalanceChange.changes(of: Self.transaction([(bank, big), (bank, big), (income, -big), (income, -big)]))
        }
    }

    @Test func trialBalanceTotalsPerAsset() throws {
        func line(_ code: String, _ type: AccountType, _ balance: Int64, _ seed: UInt8) -> TrialBalance.Line {
            TrialBalance.Line(accountID: AccountID(bytes: Array(repeating: seed, count: 16)), accountCode: AccountCode(code)!, accountType: type, balance: Amount(minorUnits: balance)!)
        }
        let usd = AssetCode("USD")!
        let eur = AssetCode("EUR")!
        let report = try TrialBalance(asOf: nil, balances: [
            (usd, line("assets:bank", .asset, 15_000, 1)),
            (usd, line("expenses:grants", .expense, 2_500, 2)),
            (usd, line("income:gifts", .income, -17_500, 3)),
            (eur, line("assets:bank:eur", .asset, 900, 4)),
            (eur, line("income:gifts", .income, -900, 3)),
            (eur, line("assets:empty", .asset, 0, 5)),
        ])
        #expect(report.sections.map(\.asset) == [eur, usd])
        #expect(report.sections[1].debitTotal == 17_500)
        #expect(report.sections[1].creditTotal == 17_500)
        #expect(report.sections[0].lines.count == 2) // the zero balance is left out
        #expect(report.isBalanced)
        let broken = try TrialBalance(asOf: nil, balances: [(usd, line("assets:bank", .asset, 10, 1))])
        #expect(!broken.isBalanced)
    }
}
