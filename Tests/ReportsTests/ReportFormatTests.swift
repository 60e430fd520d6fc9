// Goal: the CSV and HTML forms of a report say exactly what its JSON says — decimal
// amounts in each asset's unit, quoted and formula-guarded CSV cells, escaped HTML with
// its charts — and the JSON document embedded in a page reads back byte for byte.
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
        #expect(ExactRate("1.08")?.digits == 108)
        #expect(ExactRate("1.08")?.places == 2)
        #expect(ExactRate("129") != nil)
        for bad in ["", "1.", ".5", "1e3", "-1", "0", "0.000", "1234567890123456789"] {
            #expect(ExactRate(bad) == nil, "\(bad)")
        }
    }
}

/// Conversion edge cases through a tiny book: huge rates and scale gaps are errors, not traps.
@Suite struct CurrencyConversionTests {
    static func book(rate: String, scales: (Int, Int)) throws -> ReportBook {
        var book = ReportBook(asOf: nil, from: nil)
        let time = Timestamp("2026-11-25T12:00:00.000000Z")!
        let events: [LedgerEvent] = [
            .assetRegistered(Asset(code: AssetCode("AAA")!, scale: scales.0, name: "A", createdAt: time)),
            .assetRegistered(Asset(code: AssetCode("BBB")!, scale: scales.1, name: "B", createdAt: time)),
            .fundAction(FundAction(kind: "fx_rate.recorded", subject: "AAA/BBB@2026-11-25", details: .object([
                "id": .string("AAA/BBB@2026-11-25"), "base": .string("AAA"), "quote": .string("BBB"), "date": .string("2026-11-25"),
                "rate": .string(rate), "recorded_at": .string(time.description),
            ]), accountsOpened: [], transaction: nil)),
        ]
        for (index, event) in events.enumerated() {
            try book.apply(LogEntry(index: Int64(index), recordedAt: time, event: event, previousHash: index == 0 ? nil : "x", balances: [], principal: .system))
        }
        return book
    }

    @Test func conversionsAreExactAndOverflowIsAnError() throws {
        let plain = try CurrencyConverter(book: try Self.book(rate: "1.5", scales: (2, 0)), currency: AssetCode("BBB")!)
        #expect(try plain.convert(1_001, of: AssetCode("AAA")!) == 15)          // 10.01 × 1.5 = 15.015 → 15
        let inverse = try CurrencyConverter(book: try Self.book(rate: "4", scales: (0, 0)), currency: AssetCode("AAA")!)
        #expect(try inverse.convert(10, of: AssetCode("BBB")!) == 2)            // 10 ÷ 4 = 2.5 → 2 (half to even)
        let extreme = try CurrencyConverter(book: try Self.book(rate: "999999999999999999", scales: (0, 18)), currency: AssetCode("BBB")!)
        #expect(throws: ReportError.self) { try extreme.convert(9_007_199_254_740_991, of: AssetCode("AAA")!) }
    }
}
