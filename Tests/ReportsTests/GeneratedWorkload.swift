// A seeded workload over every write the store offers (ledger writes, raw inflows into a
// fund's cash, fund steps, cash adjustments, keys for new and existing people, revocations,
// erasures of members' and beneficiaries' private data), acting as the system and as staff
// keys held by people, with random but valid field values and their extremes. Each write
// is attempted as generated; a refusal (a business rule, e.g. an overdraft, a step out of
// order or a person approving their own request) is part of the game and writes nothing,
// so only what the writer accepts reaches the log.
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
    /// Raw transactions paying into a fund's cash.
    private(set) var inflows: [TransactionID] = []
    private(set) var funds: [(code: String, assets: [String])] = []
    private(set) var members: [MemberID] = []
    private(set) var pledges: [PledgeID] = []
    private(set) var disbursements: [DisbursementID] = []
    /// Disbursements to a named beneficiary, whose name can be erased.
    private(set) var namedGrants: [DisbursementID] = []
    /// Cash adjustments above the fund's allowance, waiting for an approver.
    private(set) var waitingAdjustments: [CashAdjustmentID] = []
    /// Accounts opened to be closed (a closing is refused while an account holds money).
    private(set) var spareAccounts: [AccountCode] = []
    /// Keys not revoked, whose holders act below; the first three are never revoked.
    private(set) var staff: [APIKey] = []
    private(set) var people: [PersonID] = []

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
        try await issueStaffKeys()
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

    var store: any LedgerStore { ledger.store }

    mutating func step() async throws {
        // Assets, accounts, funds and members first, so later steps have something to use.
        if assets.count < 3 || (assets.count < 8 && field.chance(5)) { return try await registerAsset() }
        if accounts.count < 4 || field.chance(4) { return try await openAccount() }
        if funds.isEmpty || (funds.count < 4 && field.chance(3)) { return try await createFund() }
        if members.count < 3 || field.chance(6) { return try await registerMember() }
        switch field.int(0...25) {
        case 0, 1: try await recordTransaction()
        case 2: try await recordBatch()
        case 3, 22: try await reverseOrClose()
        case 4, 5: try await makePledge()
        case 6: try await cancelPledge()
        case 7, 8: try await recordContribution()
        case 9, 23: try await requestDisbursement()
        case 10, 11, 24, 25: try await takeDisbursementStep()
        case 12: try await recordConversion()
        case 13: try await recordExchangeRate()
        case 14: try await recordInflow()
        case 15, 16: try await requestCashAdjustment()
        case 17: try await takeCashAdjustmentStep()
        case 18, 19: try await issueOrRevokeKey()
        case 20: try await erase()
        default: try await recordInflow()
        }
    }

    /// Who records: the operator's own name (no key) or a treasurer's or admin's key.
    mutating func recorder() -> Principal {
        field.pick([Self.treasurer] + staff.filter { $0.role == .treasurer || $0.role == .admin }.map(\.principal))
    }

    /// Who approves: a named approver without a key, or an approver key — the recorder's
    /// own second key among them, which four eyes refuses.
    mutating func approver() -> Principal {
        field.pick(Self.approvers + staff.filter { $0.role == .approver }.map(\.principal))
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
        let opened = try applied(await store.openAccount(draft, by: .system, idempotency: nil)).code
        // Some stay unused, to be closed: one at least whenever none is left.
        let isSpare = field.chance(15) || (spareAccounts.isEmpty && accounts.count >= 4)
        if isSpare { spareAccounts.append(opened) } else { accounts.append(opened) }
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
        transactions.append(try applied(await store.recordTransaction(draft, by: recorder(), idempotency: nil)).id)
    }

    mutating func recordBatch() async throws {
        let items = (0..<field.int(1...5)).map { _ in
            (draft: transactionDraft(), idempotency: Idempotency<LedgerTransaction>?.none)
        }
        _ = try await store.recordTransactions(items, atomic: field.chance(50), by: recorder())
    }

    mutating func reverseOrClose() async throws {
        if !transactions.isEmpty && field.chance(70) {
            // Reversing an inflow would take money out of the fund's cash: refused.
            let id = field.pick(!inflows.isEmpty && field.chance(10) ? inflows : transactions)
            let description = field.chance(50) ? nil : field.text(lengthMax: Limits.descriptionLengthMax)
            let date = field.chance(50) ? nil : field.date()
            transactions.removeAll { $0 == id }
            _ = try await store.reverseTransaction(
                id, date: date, description: description, by: recorder(), idempotency: nil
            )
        } else if let code = (field.chance(80) ? spareAccounts : accounts).randomElement(using: &field.random) {
            _ = try await store.closeAccount(.code(code), by: .system, idempotency: nil)
            spareAccounts.removeAll { $0 == code }
        }
    }

    // MARK: Fund steps

    mutating func createFund() async throws {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789-")
        let length = field.chance(25) ? FundDraft.codeLengthMax - 1 : field.int(2...8)
        let code = "f" + String((0..<length).map { _ in field.pick(letters) })
        // The first fund holds two assets or more, so conversions have a fund to convert in.
        let count = funds.isEmpty ? field.int(2...3) : field.int(1...3)
        let chosen = assets.shuffled(using: &field.random).prefix(count).map(\.code.rawValue).sorted()
        let thresholds = field.chance(30) ? [chosen[0]: field.amount()] : [:]
        // A daily cash-adjustment allowance for most assets (none: every adjustment waits).
        var allowances: [String: Int64] = [:]
        for asset in chosen where field.chance(80) {
            allowances[asset] = field.chance(80) ? Int64(field.int(500...5_000)) : field.amount()
        }
        let name = field.text(lengthMax: 200)
        let draft = FundDraft(
            code: code, name: name, assets: chosen, twoApprovalsAbove: thresholds,
            cashAdjustmentApprovalAbove: allowances
        )
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
        members.append(try applied(await store.registerMember(draft, by: recorder(), idempotency: nil)).member.id)
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
        var draft = PledgeDraft(
            memberID: field.pick(members).rawValue, fundID: fund.code, asset: field.pick(fund.assets), amount: amount,
            dueDate: due.description, date: field.chance(20) ? nil : date.description, instalments: instalments
        )
        if instalments == nil && field.chance(30) {
            // A recurring pledge: its schedule yields the instalments and the due date.
            let every = field.pick(PledgeSchedule.Frequency.allCases).rawValue
            let start = LocalDate(daysSinceEpoch: date.daysSinceEpoch + Int64(field.int(0...90))) ?? date
            let end = LocalDate(daysSinceEpoch: start.daysSinceEpoch + Int64(field.int(0...1_000)))
            draft.dueDate = nil
            draft.schedule = field.chance(50)
                ? (every, start.description, Int64(field.int(1...24)), nil) : (every, start.description, nil, end?.description)
        }
        pledges.append(try applied(await store.makePledge(draft, by: recorder(), idempotency: nil)).pledge.id)
    }

    mutating func cancelPledge() async throws {
        guard let pledge = pledges.randomElement(using: &field.random) else { return }
        let reason = field.text(lengthMax: Limits.descriptionLengthMax)
        _ = try await store.cancelPledge(pledge, reason: reason, by: recorder(), idempotency: nil)
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
        _ = try await store.recordContribution(draft, by: recorder(), idempotency: nil)
    }

    mutating func requestDisbursement() async throws {
        let fund = field.pick(funds)
        let asset = field.pick(fund.assets)
        let toMember = field.chance(70)
        // Mostly what the cash can pay (a grant is paid on the day of its payment).
        let cash = try await cashHeld(fund: fund.code, asset: asset)
        let bound = field.chance(80) && cash > 1 ? cash / 2 : Int64.max
        let draft = DisbursementDraft(
            fundID: fund.code, memberID: toMember ? field.pick(members).rawValue : nil,
            beneficiary: toMember ? nil : field.text(lengthMax: MemberDraft.nameLengthMax),
            asset: asset,
            amount: min(field.chance(70) ? Int64(field.int(1...5_000)) : field.amount(), bound),
            purpose: field.text(lengthMax: Limits.descriptionLengthMax)
        )
        let requested = try applied(await store.requestDisbursement(draft, by: recorder(), idempotency: nil))
        disbursements.append(requested.disbursement.id)
        if !toMember { namedGrants.append(requested.disbursement.id) }
    }

    /// Mostly the step the disbursement's state allows, sometimes one the writer refuses;
    /// a finished disbursement is dropped after one last (refused) try.
    mutating func takeDisbursementStep() async throws {
        guard let id = disbursements.randomElement(using: &field.random) else { return }
        let kind: DisbursementStep.Kind
        switch try await store.disbursement(id)?.state {
        case .requested?: kind = field.pick([.approve, .approve, .approve, .approve, .reject, .cancel, .cancel, .pay])
        case .approved?: kind = field.pick([.pay, .pay, .pay, .pay, .cancel, .cancel, .approve])
        default:
            kind = field.pick(DisbursementStep.Kind.allCases)
            disbursements.removeAll { $0 == id }
        }
        let principal = kind == .approve || kind == .reject ? approver() : recorder()
        let hasReason = kind == .reject || kind == .cancel || field.chance(20)
        let reason = hasReason ? field.text(lengthMax: Limits.descriptionLengthMax) : nil
        // Some approvals give the grant's hold an expiry (refused unless the approval completes it).
        let hours = Int64(field.int(1...48))
        let expiry = kind == .approve && field.chance(30)
            ? Timestamp(microsecondsSinceEpoch: ledger.clock.now().microsecondsSinceEpoch + hours * 3_600_000_000) : nil
        _ = try await store.takeDisbursementStep(
            id, kind, reason: reason, holdExpiresAt: expiry, by: principal, idempotency: nil)
    }

    mutating func recordConversion() async throws {
        let multicurrency = funds.filter { $0.assets.count > 1 }
        guard !multicurrency.isEmpty else { return }
        let fund = field.pick(multicurrency)
        let pair = fund.assets.shuffled(using: &field.random)
        _ = try await store.recordConversion(
            fund: fund.code, fromAsset: pair[0],
            fromAmount: field.chance(70) ? Int64(field.int(1...1_000)) : field.amount(),
            toAsset: pair[1], toAmount: field.amount(), date: lateDate().description, by: recorder(),
            idempotency: nil
        )
    }

    mutating func recordExchangeRate() async throws {
        let base = field.pick(assets).code.rawValue, quote = field.pick(assets).code.rawValue
        _ = try await store.recordExchangeRate(
            base: base, quote: quote, date: field.date().description, rate: field.rate(), by: recorder(),
            idempotency: nil
        )
    }

    // MARK: Money into and out of a fund's cash outside the fund's steps

    /// A raw transaction paying into a fund's cash from an account outside the fund (a
    /// bank transfer booked by hand): the one raw posting to a fund account allowed.
    mutating func recordInflow() async throws {
        let fund = field.pick(funds)
        let asset = field.pick(fund.assets)
        let amount = field.chance(70) ? Int64(field.int(1...1_000_000)) : field.amount()
        let draft = TransactionDraft(
            date: field.date().description,
            description: field.chance(20) ? nil : field.text(lengthMax: Limits.descriptionLengthMax),
            metadata: field.metadata(), postings: [
                PostingDraft(account: "assets:\(fund.code):cash:\(asset.lowercased())", asset: asset, amount: amount),
                PostingDraft(account: field.pick(accounts).rawValue, asset: asset, amount: -amount),
            ]
        )
        inflows.append(try applied(await store.recordTransaction(draft, by: recorder(), idempotency: nil)).id)
    }

    /// A date after most money came in (a fund's cash is `no_negative` on every date),
    /// one time in five any date.
    mutating func lateDate() -> LocalDate {
        field.chance(80) ? LocalDate(year: 2029, month: field.int(1...12), day: field.int(1...28))! : field.date()
    }

    /// A cash adjustment (a bank fee, a correction) in a fund and asset with cash (three
    /// tries): mostly within the fund's daily allowance (posted at once), sometimes above
    /// it (waiting for an approver), mostly at most what the cash holds.
    mutating func requestCashAdjustment() async throws {
        var fund = field.pick(funds)
        var asset = field.pick(fund.assets)
        var cash: Int64 = 0
        for _ in 0..<3 {
            fund = field.pick(funds)
            asset = field.pick(fund.assets)
            cash = try await cashHeld(fund: fund.code, asset: asset)
            if cash > 1 { break }
        }
        let small = Int64(field.int(1...400))
        let large = Int64(field.int(401...60_000))
        let bound = field.chance(85) ? max(1, cash / 4) : Int64.max
        let amount = min(field.chance(60) ? small : large, bound)
        let draft = CashAdjustmentDraft(
            asset: asset, amount: amount, counterAccount: field.pick(accounts).rawValue,
            date: lateDate().description, reason: field.text(lengthMax: Limits.descriptionLengthMax)
        )
        let view = try applied(await store.requestCashAdjustment(
            fund: fund.code, draft, by: recorder(), idempotency: nil
        ))
        if view.state == .requested { waitingAdjustments.append(view.adjustment.id) }
    }

    /// What the fund's cash holds in `asset` now (0 when nothing came in).
    func cashHeld(fund: String, asset: String) async throws -> Int64 {
        guard let cash = AccountCode("assets:\(fund):cash:\(asset.lowercased())") else { return 0 }
        let held = try await store.balances(of: .code(cash), asOf: nil)
        return held?.balances.first { $0.asset.rawValue == asset }?.balance.minorUnits ?? 0
    }

    mutating func takeCashAdjustmentStep() async throws {
        guard let id = waitingAdjustments.randomElement(using: &field.random) else { return }
        let kind = field.pick([CashAdjustmentStep.Kind.approve, .approve, .reject])
        let reason = kind == .reject || field.chance(20) ? field.text(lengthMax: Limits.descriptionLengthMax) : nil
        _ = try await store.takeCashAdjustmentStep(id, kind, reason: reason, by: approver(), idempotency: nil)
        waitingAdjustments.removeAll { $0 == id }
    }

    // MARK: Keys and erasures

    /// A treasurer and an approver, each a person of their own, and a second, approver
    /// key for the treasurer's person (which four eyes must count as the treasurer).
    mutating func issueStaffKeys() async throws {
        let treasurer = try await store.createKey(
            name: "Amina (treasurer)", role: .treasurer, holder: .newPerson(name: "Amina Diallo"), expiresAt: nil,
            by: .system
        ).key
        let approver = try await store.createKey(
            name: "Kofi (approver)", role: .approver, holder: .newPerson(name: "Kofi Mensah"), expiresAt: nil,
            by: .system
        ).key
        let second = try await store.createKey(
            name: "Amina (approver)", role: .approver, holder: .person(treasurer.personID), expiresAt: nil, by: .system
        ).key
        staff = [treasurer, approver, second]
        people = [treasurer.personID, approver.personID]
    }

    /// A key for a new person or for someone who holds one, or a revocation.
    mutating func issueOrRevokeKey() async throws {
        let issuer = field.pick([Principal.system] + staff.filter { $0.role == .admin }.map(\.principal))
        switch field.int(0...3) {
        case 0, 1:
            let holder: KeyHolder = field.chance(50) || people.isEmpty
                ? .newPerson(name: field.text(lengthMax: 200)) : .person(field.pick(people))
            let expiry = field.chance(20) ? Timestamp(microsecondsSinceEpoch: 253_402_300_799_000_000) : nil
            let created = try await store.createKey(
                name: field.text(lengthMax: 200), role: field.pick(Role.allCases), holder: holder, expiresAt: expiry,
                by: issuer
            ).key
            staff.append(created)
            if !people.contains(created.personID) { people.append(created.personID) }
        default:
            guard staff.count > 3 else { return }
            let key = staff[field.int(3...(staff.count - 1))]
            _ = try await store.revokeKey(id: key.id, by: issuer)
            staff.removeAll { $0.id == key.id }
        }
    }

    /// A data-protection request: a member's private data, or a beneficiary's name.
    mutating func erase() async throws {
        if field.chance(50), let member = members.randomElement(using: &field.random) {
            _ = try await store.erasePrivateData(of: member, by: .system)
        } else if let grant = namedGrants.randomElement(using: &field.random) {
            _ = try await store.eraseBeneficiary(of: grant, by: .system)
        }
    }
}
