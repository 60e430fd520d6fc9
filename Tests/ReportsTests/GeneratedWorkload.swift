// A seeded workload over every write the store offers (ledger writes, fund steps, keys),
// with random but valid field values and their extremes. Each write is attempted as
// generated; a refusal (a business rule, e.g. an overdraft or a step out of order) is
// part of the game and writes nothing, so only what the writer accepts reaches the log.
import FundCore
import LedgerCore
import LedgerStorage
import LedgerTestSupport

/// Random field values from one seed, extremes included about one time in four.
struct FieldGenerator {
    var random: SeededGenerator

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func pick<Value>(_ values: [Value]) -> Value { values[int(0...(values.count - 1))] }

    /// Scalars from many scripts, with combining marks, quotes, markup and formula
    /// characters, fullwidth forms, joiners and astral-plane emoji — never a control or
    /// bidirectional control, which the writer refuses.
    static let scalars: [Unicode.Scalar] = Array(
        "abcXYZ 019 \"'<>&;,=+-@|\\/.:#%{}[]éñßøÅ αΩЖя ابجدهـ אבגד कखिा 中文字한국 ＝＋－＠ "
            .unicodeScalars
    ) + [
        "\u{301}", "\u{308}", "\u{200D}", "\u{FE0F}", "\u{200E}", "\u{200F}", "\u{2028}", "\u{FFFD}",
        "\u{1F600}", "\u{1F3F3}", "\u{E9}",
    ]

    /// Text of 1 to `lengthMax` scalars (exactly `lengthMax` one time in four).
    mutating func text(lengthMax: Int) -> String {
        let length = chance(25) ? lengthMax : int(1...min(lengthMax, 40))
        var text = ""
        for _ in 0..<length { text.unicodeScalars.append(pick(Self.scalars)) }
        return text
    }

    /// A positive amount: 1, the largest, or anything between.
    mutating func amount() -> Int64 {
        switch int(0...5) {
        case 0: return 1
        case 1: return Limits.amountMagnitudeMax
        case 2: return Int64.random(in: 1...Limits.amountMagnitudeMax, using: &random)
        default: return Int64.random(in: 1...1_000_000, using: &random)
        }
    }

    /// A date, mostly around 2026, sometimes at the ends of the calendar.
    mutating func date() -> LocalDate {
        switch int(0...19) {
        case 0: return LocalDate(year: 1, month: 1, day: 1)!
        case 1: return LocalDate(year: 9999, month: 12, day: 31)!
        default: return LocalDate(year: int(2024...2028), month: int(1...12), day: int(1...28))!
        }
    }

    /// A rate the writer accepts: 1 to 18 digits, optionally a point and 1 to 18 more;
    /// the widest and smallest often.
    mutating func rate() -> String {
        switch int(0...4) {
        case 0: return "999999999999999999.999999999999999999"
        case 1: return "0.000000000000000001"
        default:
            let integer = int(0...3) == 0 ? "0" : String(int(1...9)) + digits(int(0...17))
            let fraction = chance(70) ? "." + digits(int(1...18)) : ""
            let text = integer + fraction
            return text.utf8.contains { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") } ? text : "1" + fraction
        }
    }

    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(int(0...9))) })
    }

    /// `[A-Z0-9_]{2,16}` starting with a letter (a fund's cash account needs one).
    mutating func assetCode() -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), rest = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
        let length = chance(25) ? 16 : int(2...5)
        return String(pick(letters)) + String((1..<length).map { _ in pick(rest) })
    }

    /// A metadata object: random keys and values, nested a little.
    mutating func metadata() -> JSONValue {
        var members: [String: JSONValue] = [:]
        for _ in 0..<int(0...4) {
            let key = "k" + digits(int(1...6))
            switch int(0...4) {
            case 0: members[key] = .string(text(lengthMax: 300))
            case 1:
                let bound = Limits.amountMagnitudeMax
                members[key] = .integer(Int64.random(in: -bound...bound, using: &random))
            case 2: members[key] = .bool(chance(50))
            case 3: members[key] = .null
            default: members[key] = .array([.string(text(lengthMax: 20)), .object(["n": .integer(1)])])
            }
        }
        return .object(members)
    }
}

/// The workload: what exists so far, and one random write per step.
struct GeneratedWorkload {
    let ledger: TestLedger
    var field: FieldGenerator
    private(set) var assets: [(code: AssetCode, scale: Int)] = []
    private(set) var accounts: [AccountCode] = []
    private(set) var transactions: [TransactionID] = []
    private(set) var funds: [(code: String, assets: [String])] = []
    private(set) var members: [MemberID] = []
    private(set) var pledges: [PledgeID] = []
    private(set) var disbursements: [DisbursementID] = []
    private(set) var keys: [String] = []

    static let treasurer = Principal(keyID: nil, name: "treasurer", role: .treasurer)
    static let approvers = [
        Principal(keyID: nil, name: "approver one", role: .approver),
        Principal(keyID: nil, name: "approver two", role: .approver),
    ]

    init(seed: UInt64, ledger: TestLedger) {
        self.ledger = ledger
        field = FieldGenerator(random: SeededGenerator(seed: seed))
    }

    /// Attempts `operations` writes; a refusal is skipped, any other error fails.
    mutating func run(operations: Int) async throws {
        for _ in 0..<operations {
            ledger.clock.advance(microseconds: Int64(field.int(1...7_200)) * 1_000_000)
            do {
                try await step()
            } catch is Rejection {
                continue
            } catch is BatchRejection {
                continue  // an atomic batch with one item refused
            }
        }
    }

    var store: SQLiteLedgerStore { ledger.store }

    mutating func step() async throws {
        // Assets, accounts, funds and members first, so later steps have something to use.
        if assets.count < 3 || (assets.count < 8 && field.chance(5)) { return try await registerAsset() }
        if accounts.count < 4 || field.chance(4) { return try await openAccount() }
        if funds.isEmpty || (funds.count < 4 && field.chance(3)) { return try await createFund() }
        if members.count < 3 || field.chance(6) { return try await registerMember() }
        switch field.int(0...16) {
        case 0, 1: try await recordTransaction()
        case 2: try await recordBatch()
        case 3: try await reverseOrClose()
        case 4, 5: try await makePledge()
        case 6: try await cancelPledge()
        case 7, 8: try await recordContribution()
        case 9: try await requestDisbursement()
        case 10, 11: try await takeDisbursementStep()
        case 12: try await recordConversion()
        case 13, 14: try await recordExchangeRate()
        case 15: try await eraseOrKey()
        default: try await recordTransaction()
        }
    }

    // MARK: Ledger writes

    mutating func registerAsset() async throws {
        let scale = field.pick([0, 18, field.int(0...18), 2])
        let name = field.chance(30) ? nil : field.text(lengthMax: Limits.assetNameLengthMax)
        let draft = AssetDraft(code: field.assetCode(), scale: scale, name: name)
        let asset = try applied(await store.registerAsset(draft, by: .system, idempotency: nil))
        assets.append((asset.code, asset.scale))
    }

    mutating func openAccount() async throws {
        let roots = ["assets", "liabilities", "equity", "income", "expenses", "misc"]
        var code = field.pick(roots) + ":gen" + field.digits(field.int(1...6))
        if field.chance(20) {
            // The longest code: 200 bytes in at most 10 segments.
            while code.utf8.count < Limits.accountCodeLengthMax - 10 { code += ":s" + field.digits(7) }
            code += String(repeating: "x", count: Limits.accountCodeLengthMax - code.utf8.count)
        }
        let type = field.pick(["asset", "liability", "equity", "income", "expense"])
        let allowed = field.chance(20) ? [field.pick(assets).code.rawValue] : nil
        let draft = AccountDraft(
            code: code, type: type, allowedAssets: allowed, constraint: field.chance(15) ? "no_negative" : nil,
            metadata: field.metadata()
        )
        accounts.append(try applied(await store.openAccount(draft, by: .system, idempotency: nil)).code)
    }

    /// A balanced draft: one asset, 2 to 6 postings (256 one time in twenty).
    mutating func transactionDraft() -> TransactionDraft {
        let asset = field.pick(assets).code.rawValue
        let count = field.chance(5) ? Limits.postingsMax : field.int(2...6)
        var postings: [PostingDraft] = []
        var total: Int64 = 0
        for _ in 0..<(count - 1) {
            let amount = field.chance(50) ? field.amount() / Int64(count) + 1 : Int64(field.int(1...10_000))
            let signed = field.chance(70) ? amount : -amount
            postings.append(PostingDraft(account: field.pick(accounts).rawValue, asset: asset, amount: signed))
            total += signed
        }
        let last = field.pick(accounts).rawValue
        postings.append(PostingDraft(account: last, asset: asset, amount: total == 0 ? 1 : -total))
        if total == 0 { postings[0].amount -= 1 }
        return TransactionDraft(
            date: field.date().description,
            description: field.chance(20) ? nil : field.text(lengthMax: Limits.descriptionLengthMax),
            metadata: field.metadata(), postings: postings
        )
    }

    mutating func recordTransaction() async throws {
        let draft = transactionDraft()
        transactions.append(try applied(await store.recordTransaction(draft, by: Self.treasurer, idempotency: nil)).id)
    }

    mutating func recordBatch() async throws {
        let items = (0..<field.int(1...5)).map { _ in
            (draft: transactionDraft(), idempotency: Idempotency<LedgerTransaction>?.none)
        }
        _ = try await store.recordTransactions(items, atomic: field.chance(50), by: Self.treasurer)
    }

    mutating func reverseOrClose() async throws {
        if !transactions.isEmpty && field.chance(70) {
            let id = field.pick(transactions)
            let description = field.chance(50) ? nil : field.text(lengthMax: Limits.descriptionLengthMax)
            let date = field.chance(50) ? nil : field.date()
            _ = try await store.reverseTransaction(
                id, date: date, description: description, by: Self.treasurer, idempotency: nil
            )
        } else if let code = accounts.randomElement(using: &field.random) {
            _ = try await store.closeAccount(.code(code), by: .system, idempotency: nil)
        }
    }

    // MARK: Fund steps

    mutating func createFund() async throws {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789-")
        let length = field.chance(25) ? FundDraft.codeLengthMax - 1 : field.int(2...8)
        let code = "f" + String((0..<length).map { _ in field.pick(letters) })
        let chosen = Array(Set((0..<field.int(1...3)).map { _ in field.pick(assets).code.rawValue })).sorted()
        let thresholds = field.chance(30) ? [chosen[0]: field.amount()] : [:]
        let name = field.text(lengthMax: 200)
        let draft = FundDraft(code: code, name: name, assets: chosen, twoApprovalsAbove: thresholds)
        let fund = try applied(await store.createFund(draft, by: .system, idempotency: nil))
        funds.append((fund.code, chosen))
    }

    mutating func registerMember() async throws {
        let draft = MemberDraft(
            name: field.text(lengthMax: MemberDraft.nameLengthMax), kind: field.pick(Member.Kind.allCases).rawValue,
            country: field.pick(["KE", "SN", "PE", "DE", "BR", "IN", "PS", "IL", "JP", "US"]),
            region: field.text(lengthMax: MemberDraft.regionLengthMax),
            visibility: field.pick(Member.Visibility.allCases).rawValue,
            contact: field.chance(50) ? field.metadata() : nil
        )
        members.append(try applied(await store.registerMember(draft, by: Self.treasurer, idempotency: nil)).member.id)
    }

    mutating func makePledge() async throws {
        let fund = field.pick(funds)
        let amount = field.amount()
        let date = field.date()
        var instalments: [(dueDate: String, amount: Int64)]?
        var due = LocalDate(daysSinceEpoch: date.daysSinceEpoch + Int64(field.int(0...400))) ?? date
        if field.chance(40) {
            // Up to the most instalments a pledge may have, a day or more apart, summing to the amount.
            let count = Int(min(Int64(field.chance(20) ? PledgeDraft.instalmentsMax : field.int(1...6)), amount))
            var parts: [(dueDate: String, amount: Int64)] = []
            var day = date
            for index in 0..<count {
                day = LocalDate(daysSinceEpoch: day.daysSinceEpoch + Int64(field.int(1...60))) ?? day
                let share = index == count - 1 ? amount - parts.reduce(0) { $0 + $1.amount } : amount / Int64(count)
                parts.append((day.description, share))
            }
            instalments = parts
            due = day
        }
        let draft = PledgeDraft(
            memberID: field.pick(members).rawValue, fundID: fund.code, asset: field.pick(fund.assets), amount: amount,
            dueDate: due.description, date: field.chance(20) ? nil : date.description, instalments: instalments
        )
        pledges.append(try applied(await store.makePledge(draft, by: Self.treasurer, idempotency: nil)).pledge.id)
    }

    mutating func cancelPledge() async throws {
        guard let pledge = pledges.randomElement(using: &field.random) else { return }
        let reason = field.text(lengthMax: Limits.descriptionLengthMax)
        _ = try await store.cancelPledge(pledge, reason: reason, by: Self.treasurer, idempotency: nil)
    }

    mutating func recordContribution() async throws {
        let fund = field.pick(funds)
        let pledge = !pledges.isEmpty && field.chance(50) ? field.pick(pledges) : nil
        var view: PledgeView?
        if let pledge { view = try await store.pledge(pledge) }
        let draft = ContributionDraft(
            memberID: view?.pledge.memberID.rawValue ?? field.pick(members).rawValue,
            fundID: view?.pledge.fundID.rawValue ?? fund.code,
            asset: view?.pledge.asset.rawValue ?? field.pick(fund.assets), amount: field.amount(),
            date: field.date().description,
            pledgeID: pledge?.rawValue, splitExcess: field.chance(50)
        )
        _ = try await store.recordContribution(draft, by: Self.treasurer, idempotency: nil)
    }

    mutating func requestDisbursement() async throws {
        let fund = field.pick(funds)
        let toMember = field.chance(70)
        let draft = DisbursementDraft(
            fundID: fund.code, memberID: toMember ? field.pick(members).rawValue : nil,
            beneficiary: toMember ? nil : field.text(lengthMax: MemberDraft.nameLengthMax),
            asset: field.pick(fund.assets),
            amount: field.chance(50) ? Int64(field.int(1...5_000)) : field.amount(),
            purpose: field.text(lengthMax: Limits.descriptionLengthMax)
        )
        let requested = try applied(await store.requestDisbursement(draft, by: Self.treasurer, idempotency: nil))
        disbursements.append(requested.disbursement.id)
    }

    mutating func takeDisbursementStep() async throws {
        guard let id = disbursements.randomElement(using: &field.random) else { return }
        let kind = field.pick([DisbursementStep.Kind.approve, .approve, .approve, .pay, .pay, .reject, .cancel])
        let principal = kind == .approve || kind == .reject ? field.pick(Self.approvers) : Self.treasurer
        let hasReason = kind == .reject || kind == .cancel || field.chance(20)
        let reason = hasReason ? field.text(lengthMax: Limits.descriptionLengthMax) : nil
        _ = try await store.takeDisbursementStep(id, kind, reason: reason, by: principal, idempotency: nil)
    }

    mutating func recordConversion() async throws {
        let fund = field.pick(funds)
        guard fund.assets.count > 1 else { return }
        let pair = fund.assets.shuffled(using: &field.random)
        _ = try await store.recordConversion(
            fund: fund.code, fromAsset: pair[0],
            fromAmount: field.chance(50) ? Int64(field.int(1...1_000)) : field.amount(),
            toAsset: pair[1], toAmount: field.amount(), date: field.date().description, by: Self.treasurer,
            idempotency: nil
        )
    }

    mutating func recordExchangeRate() async throws {
        let base = field.pick(assets).code.rawValue, quote = field.pick(assets).code.rawValue
        _ = try await store.recordExchangeRate(
            base: base, quote: quote, date: field.date().description, rate: field.rate(), by: Self.treasurer,
            idempotency: nil
        )
    }

    mutating func eraseOrKey() async throws {
        switch field.int(0...2) {
        case 0:
            guard let member = members.randomElement(using: &field.random) else { return }
            _ = try await store.erasePrivateData(of: member, by: .system)
        case 1:
            let role = field.pick(Role.allCases)
            let name = field.text(lengthMax: 200)
            let created = try await store.createKey(name: name, role: role, expiresAt: nil, by: .system)
            keys.append(created.key.id)
        default:
            guard let id = keys.randomElement(using: &field.random) else { return }
            _ = try await store.revokeKey(id: id, by: .system)
        }
    }
}
