// Goal: every identifier-like value (asset codes, account codes, ids, dates, timestamps)
// accepts exactly its documented form, so nothing malformed reaches the store.
import LedgerCore
import Testing

@Suite struct CodeAndDateTests {
    @Test(arguments: ["USD", "EUR", "KES", "JPY", "XAU_G", "TCO2E", "AB", "A234567890123456"])
    func assetCodesAccepted(text: String) {
        #expect(AssetCode(text)?.rawValue == text)
    }

    @Test(arguments: ["", "U", "usd", "US D", "US-D", "A2345678901234567", "ÜSD", "USD\n"])
    func assetCodesRejected(text: String) {
        #expect(AssetCode(text) == nil)
    }

    @Test(arguments: ["assets", "assets:bank:usd", "income:climate-fund:contributions", "a:b.c:d_e", "2026:q4"])
    func accountCodesAccepted(text: String) {
        #expect(AccountCode(text)?.rawValue == text)
    }

    @Test(arguments: [
        "", ":", "assets:", ":assets", "assets::bank", "Assets:bank", "assets:-bank", "assets:bank usd", "assets:bänk",
        "a:b:c:d:e:f:g:h:i:j:k", String(repeating: "a", count: 201), "acc_0123456789abcdef0123456789abcdef",
    ])
    func accountCodesRejected(text: String) {
        #expect(AccountCode(text) == nil)
    }

    @Test func accountReferencesDistinguishIDsFromCodes() {
        #expect(AccountReference("acc_0123456789abcdef0123456789abcdef") == .id(AccountID("acc_0123456789abcdef0123456789abcdef")!))
        #expect(AccountReference("assets:bank") == .code(AccountCode("assets:bank")!))
        #expect(AccountReference("acc_XYZ") == nil)
    }

    @Test func identifiersRenderAsPrefixedHex() {
        let id = TransactionID(bytes: Array(0..<16))
        #expect(id.rawValue == "txn_000102030405060708090a0b0c0d0e0f")
        #expect(TransactionID(id.rawValue) == id)
        #expect(TransactionID("txn_000102030405060708090a0b0c0d0e0F") == nil)
        #expect(TransactionID("acc_000102030405060708090a0b0c0d0e0f") == nil)
        #expect(TransactionID("txn_000102030405060708090a0b0c0d0e0") == nil) // 31 digits
        #expect(TransactionID("txn_000102030405060708090a0b0c0d0e0f0") == nil) // 33 digits
        #expect(TransactionID("txn_000102030405060708090a0b0c0d0e0g") == nil)
        #expect(TransactionID("txn-000102030405060708090a0b0c0d0e0f") == nil)
        #expect(TransactionID("txn_000102030405060708090a0b0c0d0e0\u{FF10}") == nil) // a full-width digit
    }

    @Test(arguments: ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "2026-11-25"])
    func datesAccepted(text: String) throws {
        let date = try #require(LocalDate(text))
        #expect(date.description == text)
        #expect(LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date)
    }

    @Test(arguments: ["2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01", "26-01-01", "2026/01/01", "0000-01-01", "2026-01-01T00:00:00Z"])
    func datesRejected(text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func epochArithmeticMatchesKnownDays() {
        #expect(LocalDate("1970-01-01")?.daysSinceEpoch == 0)
        #expect(LocalDate("2000-03-01")?.daysSinceEpoch == 11_017)
        #expect(LocalDate("1969-12-31")?.daysSinceEpoch == -1)
    }

    @Test func timestampsFormatAsRFC3339() throws {
        let timestamp = Timestamp(microsecondsSinceEpoch: 1_795_603_211_123_456)
        #expect(timestamp.description == "2026-11-25T10:40:11.123456Z")
        #expect(Timestamp(timestamp.description) == timestamp)
        #expect(Timestamp(microsecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp("2026-11-25T24:00:00.000000Z") == nil)
        #expect(Timestamp("2026-11-25 10:40:11.123456Z") == nil)
    }
}
