// Goal: the shared, hand-written state the fund-step rule tests start from — one fund
// "climate" in KES and USD with a two-approval threshold of 1,000.00 KES, two members,
// four people — and an identifier source that counts, so every id a rule draws is
// known in advance (the first is …0001, the second …0002).
import FundCore
import LedgerCore

/// Ids 1, 2, 3, … in the last byte: the order a rule draws ids in is part of its contract.
final class CountingIdentifiers: IdentifierSource, @unchecked Sendable {
    private(set) var drawn: UInt8 = 0

    func nextIdentifierBytes() -> [UInt8] {
        drawn += 1
        return Array(repeating: 0, count: 15) + [drawn]
    }
}

enum Fixture {
    /// 2026-11-30T00:53:20Z.
    static let now = Timestamp(microsecondsSinceEpoch: 1_796_000_000_000_000)
    static let kes = AssetCode("KES")!
    static let usd = AssetCode("USD")!
    static let eur = AssetCode("EUR")!

    static let fund = Fund(
        id: FundID("fnd_0000000000000000000000000000000f")!, code: "climate", name: "Climate adaptation",
        assets: [kes, usd], twoApprovalsAbove: [kes: Amount(minorUnits: 100_000)!], createdAt: now
    )
    static let otherFund = Fund(
        id: FundID("fnd_000000000000000000000000000000ff")!, code: "health", name: "Health",
        assets: [kes], twoApprovalsAbove: [:], createdAt: now
    )

    static let amina = Member(
        id: MemberID("mem_000000000000000000000000000000a1")!, visibility: .public,
        profile: Member.Profile(kind: .union, country: CountryCode("KE")!, region: "East Africa"),
        name: "Amina's Union", registeredAt: now
    )
    static let hidden = Member(
        id: MemberID("mem_000000000000000000000000000000b2")!, visibility: .anonymous, profile: nil, name: nil,
        registeredAt: now
    )

    /// Four people, each with one key.
    static let treasurer = person("11", "Tendai", .treasurer)
    static let approver = person("22", "Bongani", .approver)
    static let secondApprover = person("33", "Chidi", .approver)
    /// The treasurer's second key: another key, the same person.
    static let treasurersOtherKey = Principal(
        keyID: "key_99999999999999999999999999999999", name: "Tendai (laptop)", role: .approver,
        personID: treasurer.personID
    )

    static func person(_ digits: String, _ name: String, _ role: Role) -> Principal {
        let hex = String(repeating: digits, count: 16)
        return Principal(keyID: "key_\(hex)", name: name, role: role, personID: PersonID("prs_\(hex)")!)
    }

    /// A recorded transaction to hand to an action builder (its content is not under test).
    static let transaction = LedgerTransaction(
        id: TransactionID("txn_00000000000000000000000000000009")!, date: date("2026-11-30"), description: "",
        metadata: .object([:]),
        postings: [
            Posting(accountID: AccountID("acc_00000000000000000000000000000001")!, accountCode: AccountCode("assets:a")!,
                    asset: kes, amount: amount(1)),
            Posting(accountID: AccountID("acc_00000000000000000000000000000002")!, accountCode: AccountCode("assets:b")!,
                    asset: kes, amount: amount(-1)),
        ],
        recordedAt: now, reversesID: nil, reversedByID: nil
    )

    static func amount(_ minorUnits: Int64) -> Amount { Amount(minorUnits: minorUnits)! }
    static func date(_ text: String) -> LocalDate { LocalDate(text)! }
}
