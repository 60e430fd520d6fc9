// Goal: money arithmetic is exact and bounded — amounts stay within ±(2^53 − 1), sums
// that would leave that range are reported instead of wrapping, and decimal text is
// parsed and printed without rounding.
import LedgerCore
import Testing

@Suite struct AmountTests {
    @Test func boundsAreTheExactJSONRange() {
        #expect(Amount(minorUnits: 9_007_199_254_740_991) != nil)
        #expect(Amount(minorUnits: -9_007_199_254_740_991) != nil)
        #expect(Amount(minorUnits: 9_007_199_254_740_992) == nil)
        #expect(Amount(minorUnits: -9_007_199_254_740_992) == nil)
        #expect(Amount(minorUnits: .max) == nil)
        #expect(Amount(minorUnits: .min) == nil)
    }

    @Test func addingReportsLeavingTheRange() throws {
        let top = try #require(Amount(minorUnits: 9_007_199_254_740_990))
        let one = try #require(Amount(minorUnits: 1))
        #expect(top.adding(one)?.minorUnits == 9_007_199_254_740_991)
        #expect(top.adding(one)?.adding(one) == nil)
        #expect(top.negated.adding(one.negated)?.adding(one.negated) == nil)
    }

    @Test(arguments: [
        (1250, 2, "12.50"), (-1250, 2, "-12.50"), (5, 2, "0.05"), (-5, 3, "-0.005"), (0, 2, "0.00"),
        (1000, 0, "1000"), (1, 18, "0.000000000000000001"), (9_007_199_254_740_991, 2, "90071992547409.91"),
    ] as [(Int64, Int, String)])
    func decimalTextRoundTrips(minorUnits: Int64, scale: Int, text: String) throws {
        let amount = try #require(Amount(minorUnits: minorUnits))
        #expect(amount.decimalText(scale: scale) == text)
        #expect(Amount(decimalText: text, scale: scale) == amount)
    }

    @Test(arguments: [
        ("12.505", 2), ("1e3", 2), ("", 2), ("-", 2), ("1.", 2), (".5", 2), ("1.2.3", 2), ("+1", 2),
        (" 1", 2), ("90071992547409.92", 2), ("99999999999999999999", 0), ("0.5", 0),
    ] as [(String, Int)])
    func decimalTextRejects(text: String, scale: Int) {
        #expect(Amount(decimalText: text, scale: scale) == nil)
    }
}
