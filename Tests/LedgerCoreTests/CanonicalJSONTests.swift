// Goal: metadata serialises to RFC 8785 canonical JSON — members sorted by UTF-16 code
// units, minimal escapes, no whitespace — so equal values always give equal bytes.
import LedgerCore
import Testing

@Suite struct CanonicalJSONTests {
    @Test func membersSortByUTF16CodeUnits() {
        // RFC 8785 §3.2.3 sorts by UTF-16 code units: U+1F600 (surrogates D83D…) sorts
        // before U+FB33 although its scalar value is larger.
        let value = JSONValue.object(["\u{FB33}": .integer(1), "\u{1F600}": .integer(2), "b": .bool(true), "a": .null])
        #expect(value.canonicalText == "{\"a\":null,\"b\":true,\"\u{1F600}\":2,\"\u{FB33}\":1}")
    }

    @Test func stringsUseMinimalEscapes() {
        let value = JSONValue.string("quote\" back\\ slash/ tab\t nl\n bell\u{7} é")
        #expect(value.canonicalText == #""quote\" back\\ slash/ tab\t nl\n bell\u0007 é""#)
    }

    @Test func nestedValuesHaveNoWhitespace() {
        let value = JSONValue.object(["list": .array([.integer(-5), .string("x"), .object([:])]), "n": .integer(9_007_199_254_740_991)])
        #expect(value.canonicalText == #"{"list":[-5,"x",{}],"n":9007199254740991}"#)
        #expect(value.depth == 3)
    }
}
