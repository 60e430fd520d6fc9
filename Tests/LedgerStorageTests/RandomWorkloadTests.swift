// Goal: under a seeded random workload (back-dated entries, several assets, rejected
// overdrafts, reversals) the store's balances — current, as of every date, and the
// register's running balances — equal a plain reference model that re-sums postings.
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Testing

@Suite struct RandomWorkloadTests {
    /// The reference: every accepted posting, re-summed on demand.
    struct Model {
        var postings: [(account: String, asset: String, date: String, amount: Int64)] = []

        func balance(_ account: String, _ asset: String, asOf: String = "9999-12-31") -> Int64 {
            postings.filter { $0.account == account && $0.asset == asset && $0.date <= asOf }.reduce(0) { $0 + $1.amount }
        }

        /// Whether adding `amount` on `date` keeps the account at or above zero on every date from then on.
        func staysNonNegative(_ account: String, _ asset: String, date: String, amount: Int64) -> Bool {
            let dates = Set(postings.filter { $0.account == account && $0.asset == asset && $0.date >= date }.map(\.date)).union([date])
            return dates.allSatisfy { balance(account, asset, asOf: $0) + amount >= 0 }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func storeAgreesWithTheReferenceModel(seed: UInt64) async throws {
        let ledger = try await TestLedger(seed: seed)
        let banks = ["assets:bank:a", "assets:bank:b"]
        let others = ["income:gifts", "expenses:grants", "equity:opening"]
        try await ledger.seed(
            assets: [("USD", 2), ("KES", 2)],
            accounts: banks.map { ($0, "asset", "no_negative") } + [("income:gifts", "income", nil), ("expenses:grants", "expense", nil), ("equity:opening", "equity", nil)]
        )
        var generator = SeededGenerator(seed: seed)
        var model = Model()
        var accepted: [LedgerTransaction] = []
        var rejections = 0
        for _ in 0..<150 {
            let bank = banks.randomElement(using: &generator)!
            let other = others.randomElement(using: &generator)!
            let asset = ["USD", "KES"].randomElement(using: &generator)!
            let amount = Int64.random(in: -5_000...10_000, using: &generator)
            guard amount != 0 else { continue }
            let date = "2026-11-\(String(Int.random(in: 10...28, using: &generator)))"
            let draft = TransactionDraft(date: date, postings: [
                PostingDraft(account: bank, asset: asset, amount: amount),
                PostingDraft(account: other, asset: asset, amount: -amount),
            ])
            let shouldPass = model.staysNonNegative(bank, asset, date: date, amount: amount)
            do {
                guard case .applied(let transaction) = try await ledger.store.recordTransaction(draft, by: .system, idempotency: nil) else {
                    Issue.record("no key, no replay")
                    return
                }
                #expect(shouldPass, "seed \(seed): store accepted an overdraft")
                model.postings += [(bank, asset, date, amount), (other, asset, date, -amount)]
                accepted.append(transaction)
            } catch let rejection as Rejection {
                #expect(!shouldPass, "seed \(seed): store rejected a valid transaction: \(rejection)")
                #expect(rejection == .balanceConstraintViolated(account: AccountCode(bank)!, asset: AssetCode(asset)!))
                rejections += 1
            }
        }
        #expect(accepted.count > 50 && rejections > 0, "seed \(seed): workload should exercise both paths")

        for account in banks + others {
            for asset in ["USD", "KES"] {
                let reference = AccountReference(account)!
                for day in 9...29 {
                    let asOf = "2026-11-\(day < 10 ? "0" : "")\(day)"
                    let stored = try await ledger.store.balances(of: reference, asOf: LocalDate(asOf))
                    let value = stored?.balances.first { $0.asset.rawValue == asset }?.balance.minorUnits ?? 0
                    #expect(value == model.balance(account, asset, asOf: asOf), "seed \(seed): \(account) \(asset) as of \(asOf)")
                }
                // Running balances in the register equal the reference re-sum up to each line.
                let register = try #require(await ledger.store.register(
                    of: reference, filter: RegisterFilter(asset: AssetCode(asset)), page: PageRequest(limit: 1000, cursor: nil)
                ))
                var running: Int64 = 0
                for line in register.items {
                    running += line.amount.minorUnits
                    #expect(line.runningBalance == running, "seed \(seed): running balance of \(account)")
                }
                #expect(running == model.balance(account, asset))
            }
        }
        let trial = try await ledger.store.trialBalance(asOf: nil)
        #expect(trial.isBalanced)
        // The trial balance as of each day lists exactly the reference's non-zero balances.
        for day in [8, 9, 15, 20, 29] {
            let asOf = "2026-11-\(day < 10 ? "0" : "")\(day)"
            let trial = try await ledger.store.trialBalance(asOf: LocalDate(asOf))
            #expect(trial.isBalanced)
            var listed: [String: Int64] = [:]
            for section in trial.sections {
                for line in section.lines { listed["\(line.accountCode.rawValue) \(section.asset.rawValue)"] = line.balance.minorUnits }
            }
            var expected: [String: Int64] = [:]
            for account in banks + others {
                for asset in ["USD", "KES"] where model.balance(account, asset, asOf: asOf) != 0 {
                    expected["\(account) \(asset)"] = model.balance(account, asset, asOf: asOf)
                }
            }
            #expect(listed == expected, "seed \(seed): trial balance as of \(asOf)")
        }
    }
}
