// Goal: the membership, fund and conversion rules without a database — a state is
// never anonymous and an anonymous member's profile stays out of the record; private
// data is erased once; a fund's code is unique, its assets registered, its standing
// accounts drawn in order; a conversion stays inside the fund's assets and passes both
// legs through its conversion account; a rate is recorded once per pair and day,
// between registered assets, and parses only as a plain positive decimal.
import FundCore
import LedgerCore
import Testing

@Suite struct MemberFundConversionStepTests {
    typealias F = Fixture

    // MARK: Members

    @Test func aPublicMemberIsRecordedWithItsProfileAnAnonymousOneWithout() throws {
        let id = MemberID("mem_00000000000000000000000000000001")!
        let open = try MemberSteps.register(
            MemberDraft(name: "Amina's Union", kind: "union", country: "KE", region: "East Africa", visibility: "public"),
            id: id, at: F.now
        )
        #expect(open.recordedProfile == Member.Profile(kind: .union, country: CountryCode("KE")!, region: "East Africa"))
        #expect(open.privateData == MemberPrivateData(name: nil, contact: .object([:]), profile: nil))
        let hidden = try MemberSteps.register(
            MemberDraft(name: "Quiet Collective", kind: "community", country: "PH", region: "Luzon", visibility: "anonymous"),
            id: id, at: F.now
        )
        #expect(hidden.recordedProfile == nil)
        #expect(hidden.privateData.name == "Quiet Collective")
        let action = hidden.action(commitment: "Y29tbWl0bWVudA==")
        #expect(action.kind == .memberRegistered)
        #expect(action.subject == "mem_00000000000000000000000000000001")
        #expect(action.details == .object([
            "id": .string("mem_00000000000000000000000000000001"), "kind": .null, "country": .null, "region": .null,
            "visibility": .string("anonymous"), "name": .null, "pseudonym": .string("Member 00000000"),
            "private_data_commitment": .string("Y29tbWl0bWVudA=="), "registered_at": .string(F.now.description),
        ]))
    }

    @Test func aStateIsNeverAnonymous() {
        #expect(throws: Rejection.anonymousState) {
            try MemberSteps.register(
                MemberDraft(name: "Republic", kind: "state", country: "KE", region: "East Africa", visibility: "anonymous"),
                id: MemberID("mem_00000000000000000000000000000001")!, at: F.now
            )
        }
    }

    @Test func privateDataIsErasedOnce() throws {
        let id = F.amina.id
        let action = try MemberSteps.erasePrivateData(of: id, erasedAt: nil, at: F.now)
        #expect(action.kind == .memberPrivateDataErased)
        #expect(action.subject == "mem_000000000000000000000000000000a1#erased")
        #expect(throws: Rejection.privateDataErased(member: "mem_000000000000000000000000000000a1")) {
            try MemberSteps.erasePrivateData(of: id, erasedAt: F.now, at: F.now)
        }
    }

    // MARK: Funds

    @Test func aFundOpensCashPerAssetThenConversion() throws {
        let identifiers = CountingIdentifiers()
        let creating = try FundSteps.create(
            F.fund, codeIsTaken: false, registeredAssets: [F.kes, F.usd], identifiers: identifiers, at: F.now
        )
        #expect(creating.accounts.map(\.code.rawValue) == [
            "assets:climate:cash:kes", "assets:climate:cash:usd", "equity:climate:conversion",
        ])
        #expect(creating.accounts.map(\.id.rawValue) == [
            "acc_00000000000000000000000000000001", "acc_00000000000000000000000000000002",
            "acc_00000000000000000000000000000003",
        ])
        #expect(creating.accounts.map(\.constraint) == [.noNegative, .noNegative, nil])
        #expect(creating.accounts[2].allowedAssets == [F.kes, F.usd])
        #expect(creating.action.kind == .fundCreated)
        #expect(creating.action.accountsOpened == creating.accounts)
    }

    @Test(arguments: [
        (true, [] as [String], "fund_exists"),   // the code is taken: checked first
        (false, ["KES"], "unknown_asset USD"),
        (false, [], "unknown_asset KES"),        // the first unregistered, in the fund's order
    ] as [(Bool, [String], String)])
    func aFundIsRefusedForATakenCodeOrAnUnregisteredAsset(taken: Bool, registered: [String], expected: String) {
        let identifiers = CountingIdentifiers()
        let rejection: Rejection = switch expected {
        case "fund_exists": .fundExists(code: "climate")
        case "unknown_asset USD": .unknownAsset(code: "USD")
        default: .unknownAsset(code: "KES")
        }
        #expect(throws: rejection) {
            try FundSteps.create(
                F.fund, codeIsTaken: taken, registeredAssets: Set(registered.map { AssetCode($0)! }),
                identifiers: identifiers, at: F.now
            )
        }
        #expect(identifiers.drawn == 0)
    }

    // MARK: Conversions

    @Test func aConversionPassesBothLegsThroughTheConversionAccount() throws {
        let converting = try ConversionSteps.convert(
            (F.usd, F.amount(10_000), F.kes, F.amount(1_293_500), F.date("2026-11-29")), fund: F.fund,
            identifiers: CountingIdentifiers(), at: F.now
        )
        #expect(converting.conversion.id == "cnv_00000000000000000000000000000001")
        #expect(converting.transaction.postings == [
            PostingDraft(account: "assets:climate:cash:kes", asset: "KES", amount: 1_293_500),
            PostingDraft(account: "equity:climate:conversion", asset: "KES", amount: -1_293_500),
            PostingDraft(account: "equity:climate:conversion", asset: "USD", amount: 10_000),
            PostingDraft(account: "assets:climate:cash:usd", asset: "USD", amount: -10_000),
        ])
        #expect(converting.transaction.description == "Conversion cnv_00000000000000000000000000000001: USD to KES")
        #expect(converting.transaction.date == "2026-11-29")
    }

    @Test(arguments: [("EUR", "KES", "EUR"), ("KES", "EUR", "EUR"), ("EUR", "GBP", "EUR")] as [(String, String, String)])
    func aConversionStaysInsideTheFundsAssets(from: String, to: String, refused: String) {
        #expect(throws: Rejection.assetNotInFund(fund: "climate", asset: AssetCode(refused)!)) {
            try ConversionSteps.convert(
                (AssetCode(from)!, F.amount(1), AssetCode(to)!, F.amount(1), F.date("2026-11-29")), fund: F.fund,
                identifiers: CountingIdentifiers(), at: F.now
            )
        }
    }

    @Test(arguments: [
        ("USD", "USD", 1, "to_asset"),
        ("USD", "KES", 0, "from_amount"),
    ] as [(String, String, Int64, String)])
    func aConversionsFieldsAreChecked(from: String, to: String, amount: Int64, field: String) {
        do {
            _ = try Conversion.check(fromAsset: from, fromAmount: amount, toAsset: to, toAmount: 1, date: "2026-11-29")
            Issue.record("accepted")
        } catch {
            guard case .invalidFields(let problems) = error else { Issue.record("\(error)"); return }
            #expect(problems.map(\.field) == [field])
        }
    }

    // MARK: Rates

    static func rate(_ text: String = "129.35") throws -> ExchangeRate {
        try ExchangeRate.check(base: "USD", quote: "KES", date: "2026-11-29", rate: text, at: F.now)
    }

    @Test func aRateIsRecordedOncePerPairAndDay() throws {
        let action = try ConversionSteps.recordRate(try Self.rate(), registeredAssets: [F.usd, F.kes], isRecorded: false)
        #expect(action.kind == .exchangeRateRecorded)
        #expect(action.subject == "USD/KES@2026-11-29")
        #expect(throws: Rejection.rateExists(pair: "USD/KES", date: "2026-11-29")) {
            try ConversionSteps.recordRate(try Self.rate(), registeredAssets: [F.usd, F.kes], isRecorded: true)
        }
    }

    @Test(arguments: [([], "USD"), (["USD"], "KES"), (["KES"], "USD")] as [([String], String)])
    func aRateNeedsRegisteredAssetsBaseFirst(registered: [String], unknown: String) throws {
        let rate = try Self.rate()
        #expect(throws: Rejection.unknownAsset(code: unknown)) {
            try ConversionSteps.recordRate(rate, registeredAssets: Set(registered.map { AssetCode($0)! }), isRecorded: true)
        }
    }

    @Test(arguments: ["0", "-1", "1e3", "01.5", "1.", ".5", "1,5", "", "1.1234567890123456789"])
    func aRateIsAPlainPositiveDecimal(text: String) {
        #expect(throws: Rejection.invalidFields([
            FieldProblem(field: "rate", detail: "must be a positive decimal such as \"129.35\""),
        ])) {
            try Self.rate(text)
        }
    }
}
