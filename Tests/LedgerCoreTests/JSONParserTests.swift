// Goal: the strict parser reads exactly the JSON the ledger writes — integers only,
// no duplicate members, bounded depth — and its canonical mode accepts a text only if
// it is byte for byte the RFC 8785 form, so re-encoding is never needed to check it.
import LedgerCore
import Testing

@Suite struct JSONParserTests {
    @Test func roundTripsWhatTheLedgerWrites() throws {
        let value = JSONValue.object([
            "a": .array([.integer(-9_007_199_254_740_991), .bool(true), .null, .string("é \u{1F600} \"q\" \\ \n \u{1}")]),
            "\u{FB33}": .object([:]), "\u{1F600}": .integer(0), "b": .string(""),
        ])
        let bytes = value.canonicalBytes
        #expect(try JSONParser.parse(bytes) == value)
        #expect(try JSONParser.parseCanonical(bytes) == value)
        #expect(try JSONParser.parse(Array(" { \"x\" : [ 1 , 2 ] } ".utf8)) == .object(["x": .array([.integer(1), .integer(2)])]))
        #expect(try JSONParser.parse(Array(#""\u00e9\ud83d\ude00\/""#.utf8)) == .string("é\u{1F600}/"))
        #expect(try JSONParser.parse(Array("-9223372036854775808".utf8)) == .integer(.min))
    }

    @Test(arguments: [
        "1.5", "1e3", "01", "-", "9223372036854775808", "{\"a\":1,\"a\":2}", "[1,]", "{\"a\" 1}", "\"\u{1}\"",
        "\"\\ud800\"", "\"\\x\"", "tru", "[1] 2", "", "{\"a\":1", String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
    ])
    func rejectsWhatIsNotStrictJSON(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test(arguments: [
        "{\"b\":1,\"a\":2}", "{ \"a\":1}", "[1, 2]", "\"\\/\"", "\"\\u0041\"", "\"\\u000A\"", "\"\\u001F\"", "-0", " 1",
    ])
    func canonicalModeRejectsNonCanonicalText(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parseCanonical(Array(text.utf8)) }
        // Each of these is still valid JSON.
        #expect(throws: Never.self) { try JSONParser.parse(Array(text.utf8)) }
    }
}
