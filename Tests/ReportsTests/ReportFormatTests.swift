// Goal: the CSV and HTML forms of a report say exactly what its JSON says — decimal
// amounts in each asset's unit, quoted and formula-guarded CSV cells, escaped HTML with
// its charts — and the JSON document embedded in a page reads back byte for byte.
import Foundation
import FundCore
import LedgerCore
import Reports
import Testing

@Suite struct ReportFormatTests {
    /// A hand-made report: one table with a hostile member name and three assets.
    static func sample(name: ReportName = .reciprocity) throws -> Report {
        let note = "example.org/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example.org/log AAAAAA==\n"
        let table = ReportTable(name: "regions", title: "Per region", columns: [
            .init("region", "Region", .text), .init("members", "Members", .integer), .init("asset", "Asset", .text),
            .init("contributed", "Contributed", .amount), .init("received", "Received", .amount),
            .init("net", "Net", .amount), .init("ratio", "Ratio", .ratio),
        ], rows: [
            [.string("=HYPERLINK(\"x\")"), .integer(2), .string("USD"), .integer(123_456), .integer(5), .integer(123_451), .string("0.0000")],
            [.string("<script>alert(1)</script>, \"quoted\""), .integer(1), .string("XOF"), .integer(7), .integer(0), .integer(7), .null],
            [.string("Europe"), .integer(1), .string("KWD"), .integer(-1_500), .integer(0), .integer(-1_500), .null],
        ])
        return Report(
            parameters: ReportParameters(name: name), checkpoint: try CheckpointReference(note: note),
            assetScales: [AssetCode("USD")!: 2, AssetCode("XOF")!: 0, AssetCode("KWD")!: 3],
            summary: ["members": .integer(4)], tables: [table], notes: ["A note with <b>markup</b>."]
        )
    }

    @Test func csvPrintsDecimalAmountsQuotesAndGuardsFormulas() throws {
        let report = try Self.sample()
        let text = ReportCSV.text(of: report.tables[0], scales: report.assetScales)
        let expected = [
            "region,members,asset,contributed,received,net,ratio",
            #""'=HYPERLINK(""x"")",2,USD,1234.56,0.05,1234.51,0.0000"#,
            #""<script>alert(1)</script>, ""quoted""",1,XOF,7,0,7,"#,
            "Europe,1,KWD,-1.500,0.000,-1.500,",
        ]
        #expect(text == expected.joined(separator: "\r\n") + "\r\n")
        #expect(ReportCSV.files(of: report).map(\.name) == ["reciprocity-regions.csv"])
    }

    @Test func htmlEscapesTextDrawsChartsAndEmbedsTheDocument() throws {
        let report = try Self.sample()
        let page = ReportHTML.page(report, verifyCommand: "commons-ledger verify-report page.html --url https://ledger.example.org")
        #expect(!page.contains("<script>alert(1)</script>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("A note with &lt;b&gt;markup&lt;/b&gt;."))
        #expect(page.contains("<svg"))                          // contributed against received per region
        #expect(page.contains("1234.56"))
        #expect(page.contains(report.sha256))
        #expect(page.contains("verify-report page.html --url https://ledger.example.org"))
        // Exactly one script element: the JSON document, whose `<` are escaped.
        #expect(page.components(separatedBy: "<script").count == 2)
        let embedded = try #require(ReportHTML.embeddedDocument(in: Array(page.utf8)))
        let document = try ReportDocument(bytes: embedded)
        #expect(document.content == report.content)
        #expect(document.statedSHA256 == report.sha256)
        // The page itself reads as the document.
        #expect(try ReportDocument(bytes: Array(page.utf8)).content == report.content)
    }

    @Test func exactRatiosRoundHalfToEven() {
        #expect(ExactRatio.text(2, 3) == "0.6667")
        #expect(ExactRatio.text(1, 8, places: 2) == "0.12")       // 0.125 → even
        #expect(ExactRatio.text(3, 8, places: 2) == "0.38")       // 0.375 → even
        #expect(ExactRatio.text(-1, 8, places: 2) == "-0.12")
        #expect(ExactRatio.text(5, 0) == nil)
        #expect(ExactRatio.text(7, 2, places: 0) == "4")
        #expect(ExactRatio.text(5, 2, places: 0) == "2")
    }

    @Test func ratesAreExactDecimalText() {
        #expect(DecimalRate("1.08")?.digits == 108)
        #expect(DecimalRate("1.08")?.places == 2)
        #expect(DecimalRate("129") != nil)
        // Everything the writer has ever accepted, up to 18 digits on each side of the point.
        #expect(DecimalRate("1234567890.1234567890")?.digits == 12_345_678_901_234_567_890)
        #expect(DecimalRate("1234567890.1234567890")?.places == 10)
        #expect(DecimalRate("0.000000000000000001")?.digits == 1)
        #expect(DecimalRate("0.000000000000000001")?.places == 18)
        let widest = DecimalRate("999999999999999999.999999999999999999")
        #expect(widest?.digits == Int128("999999999999999999999999999999999999"))
        #expect(widest?.places == 18)
        #expect(DecimalRate("1.50")?.description == "1.50")
        for bad in [
            "", "1.", ".5", "1e3", "-1", "0", "0.000", "01.5", "1.2.3", " 1", "1\u{301}", "\u{661}",
            "1234567890123456789", "1.1234567890123456789",
        ] {
            #expect(DecimalRate(bad) == nil, "\(bad)")
        }
    }
}

/// Conversion edge cases through a tiny book: huge rates and scale gaps are exact or listed
/// gaps, never traps or failed reports.
@Suite struct CurrencyConversionTests {
    static func book(rate: String, scales: (Int, Int)) throws -> ReportBook {
        var book = ReportBook(asOf: nil, from: nil)
        let time = Timestamp("2026-11-25T12:00:00.000000Z")!
        let events: [LedgerEvent] = [
            .assetRegistered(Asset(code: AssetCode("AAA")!, scale: scales.0, name: "A", createdAt: time)),
            .assetRegistered(Asset(code: AssetCode("BBB")!, scale: scales.1, name: "B", createdAt: time)),
            .fundAction(FundAction(kind: .exchangeRateRecorded, subject: "AAA/BBB@2026-11-25", details: .object([
                "id": .string("AAA/BBB@2026-11-25"), "base": .string("AAA"), "quote": .string("BBB"), "date": .string("2026-11-25"),
                "rate": .string(rate), "recorded_at": .string(time.description),
            ]), accountsOpened: [], transaction: nil)),
        ]
        for (index, event) in events.enumerated() {
            try book.apply(LogEntry(index: Int64(index), recordedAt: time, event: event, previousHash: index == 0 ? nil : "x", balances: [], principal: .system))
        }
        return book
    }

    /// A converter into `currency` from a book holding one AAA/BBB rate.
    static func converter(rate: String, scales: (Int, Int), into currency: String) throws -> CurrencyConverter {
        try CurrencyConverter(book: try book(rate: rate, scales: scales), currency: AssetCode(currency)!)
    }

    @Test func conversionsAreExactAndOverflowIsAGap() throws {
        let aaa = AssetCode("AAA")!, bbb = AssetCode("BBB")!
        let plain = try CurrencyConverter(book: try Self.book(rate: "1.5", scales: (2, 0)), currency: bbb)
        #expect(plain.convert(1_001, of: aaa) == .amount(15))            // 10.01 × 1.5 = 15.015 → 15
        #expect(plain.convert(-1_001, of: aaa) == .amount(-15))
        #expect(plain.convert(100, of: aaa) == .amount(2))               // 1.00 × 1.5 = 1.5 → 2 (half to even)
        let inverse = try CurrencyConverter(book: try Self.book(rate: "4", scales: (0, 0)), currency: aaa)
        #expect(inverse.convert(10, of: bbb) == .amount(2))              // 10 ÷ 4 = 2.5 → 2 (half to even)
        #expect(inverse.convert(-14, of: bbb) == .amount(-4))            // −14 ÷ 4 = −3.5 → −4
        let extreme = try Self.converter(rate: "999999999999999999", scales: (0, 18), into: "BBB")
        #expect(extreme.convert(9_007_199_254_740_991, of: aaa) == .outOfRange)
        #expect(extreme.convert(0, of: aaa) == .amount(0))
    }

    /// The widest rates the writer accepts convert exactly, even where the intermediate
    /// product needs more than 128 bits.
    @Test func thirtySixDigitRatesConvertExactly() throws {
        let aaa = AssetCode("AAA")!, bbb = AssetCode("BBB")!
        let widest = "999999999999999999.999999999999999999"
        // 1 minor unit (scale 18) × 999999999999999999.999999999999999999 into scale 0:
        // 0.999999999999999999999999999999999999 → 1.
        let down = try CurrencyConverter(book: try Self.book(rate: widest, scales: (18, 0)), currency: bbb)
        #expect(down.convert(1, of: aaa) == .amount(1))
        // 9007199254740991 × (10^18 − 10^−18) / 10^18 = 9007199254740991 − 9.007…×10^−21 → 9007199254740991;
        // the product amount × digits is about 9×10^51, beyond 128 bits.
        #expect(down.convert(9_007_199_254_740_991, of: aaa) == .amount(9_007_199_254_740_991))
        // The inverse direction (BBB into AAA): 5 ÷ 999999999999999999.999999999999999999 × 10^18
        // = 5.000000000000000000000000000000000005 → 5.
        let up = try CurrencyConverter(book: try Self.book(rate: widest, scales: (18, 0)), currency: aaa)
        #expect(up.convert(5, of: bbb) == .amount(5))
        // The smallest rate: 10^−18 BBB per AAA. 3 AAA (scale 0) into BBB (scale 18): 3 minor units.
        let tiny = try Self.converter(rate: "0.000000000000000001", scales: (0, 18), into: "BBB")
        #expect(tiny.convert(3, of: aaa) == .amount(3))
        // Its inverse: 1 BBB minor unit (10^−18) is 1 AAA; 9007199254740991 of them fit, 10^16 do not.
        let tinyInverse = try Self.converter(rate: "0.000000000000000001", scales: (0, 18), into: "AAA")
        #expect(tinyInverse.convert(9_007_199_254_740_991, of: bbb) == .amount(9_007_199_254_740_991))
        #expect(tinyInverse.convert(10_000_000_000_000_000, of: bbb) == .outOfRange)
        // The reviewer's rate between two scale-2 assets:
        // 100.00 × 1234567890.1234567890 = 123456789012.3456789 → 123456789012.35.
        let reviewer = try Self.converter(rate: "1234567890.1234567890", scales: (2, 2), into: "BBB")
        #expect(reviewer.convert(10_000, of: aaa) == .amount(12_345_678_901_235))
        // Beyond the range: 100000.00 AAA is 123456789012345.6789 BBB, 12345678901234568 minor units > 2^53 − 1.
        #expect(reviewer.convert(10_000_000, of: aaa) == .outOfRange)
    }
}
