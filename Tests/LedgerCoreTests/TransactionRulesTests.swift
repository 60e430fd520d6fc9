// Goal: a transaction is accepted only when it is double entry — at least two non-zero
// postings, well-formed fields, each asset summing to exactly zero — and only onto open
// accounts that accept its assets; each refusal is the exact rejection the API maps.
import LedgerCore
import Testing

@Suite struct TransactionRulesTests {
    static let bank = "assets:bank:usd"
    static let income = "income:contributions"

    static func draft(_ postings: [(String, String, Int64)], date: String = "2026-11-20", description: String? = nil) -> TransactionDraft {
        TransactionDraft(date: date, description: description, postings: postings.map { PostingDraft(account: $0.0, asset: $0.1, amount: $0.2) })
    }

    @Test func balancedMultiAssetTransactionPasses() throws {
        let checked = try Self.draft([
            (Self.bank, "USD", 1250), (Self.income, "USD", -1250),
            ("assets:bank:eur", "EUR", 900), ("income:contributions", "EUR", -400), ("equity:opening", "EUR", -500),
        ]).checked()
        #expect(checked.postings.count == 5)
        #expect(checked.accountReferences.count == 4)
        #expect(checked.date == LocalDate("2026-11-20"))
    }

    @Test(arguments: [
        ([("assets:bank:usd", "USD", 1250), ("income:contributions", "USD", -1249)], Rejection.unbalanced(asset: AssetCode("USD")!, sum: 1)),
        ([("assets:bank:usd", "USD", 100), ("income:contributions", "EUR", -100)], Rejection.unbalanced(asset: AssetCode("EUR")!, sum: -100)),
        ([("assets:bank:usd", "USD", 100), ("income:contributions", "USD", -100), ("assets:bank:usd", "KES", 5)], Rejection.unbalanced(asset: AssetCode("KES")!, sum: 5)),
    ] as [([(String, String, Int64)], Rejection)])
    func unbalancedIsRejectedNamingTheAsset(postings: [(String, String, Int64)], expected: Rejection) {
        #expect(throws: expected) { try Self.draft(postings).checked() }
    }

    @Test(arguments: [
        ([("assets:bank:usd", "USD", 0), ("income:contributions", "USD", 0)], ["postings[0].amount", "postings[1].amount"]),
        ([("assets:bank:usd", "USD", 100)], ["postings"]),
        ([("assets:bank:usd", "usd", 100), ("income:contributions", "USD", -100)], ["postings[0].asset"]),
        ([("Assets:Bank", "USD", 100), ("income:contributions", "USD", -100)], ["postings[0].account"]),
        ([("assets:bank:usd", "USD", 9_007_199_254_740_992), ("income:contributions", "USD", -9_007_199_254_740_992)], ["postings[0].amount", "postings[1].amount"]),
        ([("assets:bank:usd", "USD", .min), ("income:contributions", "USD", .max)], ["postings[0].amount", "postings[1].amount"]),
    ] as [([(String, String, Int64)], [String])])
    func malformedPostingsNameEveryOffendingField(postings: [(String, String, Int64)], fields: [String]) {
        do {
            _ = try Self.draft(postings).checked()
            Issue.record("expected a rejection")
        } catch {
            guard case .invalidFields(let problems) = error else {
                Issue.record("expected invalidFields, got \(error)")
                return
            }
            #expect(problems.map(\.field) == fields)
        }
    }

    @Test(arguments: [
        ("2026-02-30", nil, "date"), ("20261120", nil, "date"),
        ("2026-11-20", String(repeating: "x", count: 1001), "description"),
        ("2026-11-20", "line\u{0}break", "description"),
    ] as [(String, String?, String)])
    func badDatesAndDescriptionsAreRejected(date: String, description: String?, field: String) {
        let draft = Self.draft([(Self.bank, "USD", 1), (Self.income, "USD", -1)], date: date, description: description)
        do {
            _ = try draft.checked()
            Issue.record("expected a rejection")
        } catch {
            guard case .invalidFields(let problems) = error else {
                Issue.record("expected invalidFields, got \(error)")
                return
            }
            #expect(problems.map(\.field) == [field])
        }
    }

    @Test func tooManyPostingsIsRejected() {
        let postings = (0..<(Limits.postingsMax + 2)).map { index in (Self.bank, "USD", Int64(index % 2 == 0 ? 1 : -1)) }
        #expect(throws: Rejection.self) { try Self.draft(postings).checked() }
    }

    @Test func metadataMustBeABoundedObject() {
        var draft = Self.draft([(Self.bank, "USD", 1), (Self.income, "USD", -1)])
        draft.metadata = .array([])
        #expect(throws: Rejection.invalidFields([FieldProblem(field: "metadata", detail: "must be a JSON object")])) { try draft.checked() }
        draft.metadata = .object(["a": .object(["b": .object(["c": .object(["d": .integer(1)])])])])
        #expect(throws: Rejection.self) { try draft.checked() }
        draft.metadata = .object(["blob": .string(String(repeating: "x", count: Limits.metadataBytesMax))])
        #expect(throws: Rejection.self) { try draft.checked() }
        draft.metadata = .object(["campaign": .string("climate"), "batch": .integer(7)])
        #expect(throws: Never.self) { try draft.checked() }
    }

    // MARK: Resolution against ledger state

    static let at = Timestamp("2026-11-25T12:00:00.000000Z")!
    static let transactionID = TransactionID(bytes: Array(repeating: 7, count: 16))

    static func account(_ code: String, _ type: AccountType, allowed: [String]? = nil, closed: Bool = false, seed: UInt8) -> Account {
        Account(
            id: AccountID(bytes: Array(repeating: seed, count: 16)), code: AccountCode(code)!, type: type,
            allowedAssets: allowed?.map { AssetCode($0)! }, constraint: nil, metadata: .object([:]),
            createdAt: at, closedAt: closed ? at : nil
        )
    }

    static func resolve(_ draft: TransactionDraft, accounts: [Account], assets: [String] = ["USD", "EUR"]) throws(Rejection) -> LedgerTransaction {
        let checked = try draft.checked()
        var map: [AccountReference: Account] = [:]
        for account in accounts { map[.code(account.code)] = account }
        return try checked.resolved(id: transactionID, recordedAt: at, accounts: map, registeredAssets: Set(assets.map { AssetCode($0)! }))
    }

    @Test func resolutionRejectsEachStateRule() {
        let bank = Self.account(Self.bank, .asset, allowed: ["USD"], seed: 1)
        let income = Self.account(Self.income, .income, seed: 2)
        let closed = Self.account("income:old", .income, closed: true, seed: 3)
        let usd = [(Self.bank, "USD", Int64(10)), (Self.income, "USD", -10)]
        #expect(throws: Rejection.unknownAccount(reference: Self.income)) { try Self.resolve(Self.draft(usd), accounts: [bank]) }
        #expect(throws: Rejection.unknownAsset(code: "USD")) { try Self.resolve(Self.draft(usd), accounts: [bank, income], assets: ["EUR"]) }
        #expect(throws: Rejection.accountClosed(account: AccountCode("income:old")!)) {
            try Self.resolve(Self.draft([(Self.bank, "USD", 10), ("income:old", "USD", -10)]), accounts: [bank, closed])
        }
        #expect(throws: Rejection.assetNotAllowed(account: AccountCode(Self.bank)!, asset: AssetCode("EUR")!)) {
            try Self.resolve(Self.draft([(Self.bank, "EUR", 10), (Self.income, "EUR", -10)]), accounts: [bank, income])
        }
        #expect(throws: Never.self) { try Self.resolve(Self.draft(usd), accounts: [bank, income]) }
    }

    @Test func reversalMirrorsEveryPostingAndStillBalances() throws {
        let bank = Self.account(Self.bank, .asset, seed: 1)
        let income = Self.account(Self.income, .income, seed: 2)
        let original = try Self.resolve(Self.draft([(Self.bank, "USD", 1250), (Self.income, "USD", -1250)]), accounts: [bank, income])
        let reversal = original.reversal(id: TransactionID(bytes: Array(repeating: 9, count: 16)), date: LocalDate("2026-11-21")!, description: nil, recordedAt: Self.at)
        #expect(reversal.postings.map(\.amount.minorUnits) == [-1250, 1250])
        #expect(reversal.postings.map(\.accountID) == original.postings.map(\.accountID))
        #expect(reversal.reversesID == original.id)
        #expect(reversal.description == "Reversal of \(original.id)")
    }
}
