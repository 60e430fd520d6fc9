// Goal: reports are proven and printed by their Unicode scalars and bytes, never by
// Swift's Character equality (which holds an NFD name equal to its NFC original and
// folds `"` + U+0301 into one Character): verify-report finds a name re-encoded NFD;
// HTML escapes a quote followed by a combining mark; CSV quotes such a cell and guards
// formulas after blanks and in fullwidth forms.
import FundCore
import LedgerApplication
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Reports
import Testing

@Suite struct ReportBytesTests {
    static let nfc = "Coop\u{E9}rative Caf\u{E9}"
    static let nfd = "Coope\u{301}rative Cafe\u{301}"

    @Test func aNameReEncodedNFDIsADifference() async throws {
        #expect(Self.nfc == Self.nfd)                        // the trap: Swift calls them equal
        #expect(!Self.nfc.utf8.elementsEqual(Self.nfd.utf8))
        let fixture = try await ReportFixture.build()
        let draft = MemberDraft(name: Self.nfc, kind: "union", country: "FR", region: "Europe", visibility: "public")
        let store = fixture.ledger.store
        let member = try applied(await store.registerMember(draft, by: .system, idempotency: nil)).member.id
        let gift = ContributionDraft(
            memberID: member.rawValue, fundID: fixture.fundID.rawValue, asset: "USD", amount: 700, date: "2026-11-20"
        )
        _ = try applied(await store.recordContribution(gift, by: ReportFixture.treasurer, idempotency: nil))
        let report = try await fixture.report(.reciprocity)
        #expect(try await ReportVerificationTests.verify(report.document.canonicalBytes, fixture).matches)

        // The name's cell, found byte for byte.
        var found: (table: String, row: Int, column: String)?
        for table in report.tables {
            for (row, cells) in table.rows.enumerated() {
                for (column, cell) in zip(table.columns, cells) {
                    guard case .string(let text) = cell, text.utf8.elementsEqual(Self.nfc.utf8) else { continue }
                    found = (table.name, row, column.name)
                }
            }
        }
        let cell = try #require(found)
        let forged = try ReportVerificationTests.edited(
            report, table: cell.table, row: cell.row, column: cell.column, to: .string(Self.nfd), refingerprint: true
        )
        let outcome = try await ReportVerificationTests.verify(forged, fixture)
        #expect(!outcome.matches, "\(outcome.detail)")
        #expect(outcome.detail.hasPrefix("report.tables["), "\(outcome.detail)")
    }

    @Test func htmlEscapesAQuoteFollowedByACombiningMark() throws {
        let sample = try ReportFormatTests.sample()
        let hostile = "x\"\u{301} onmouseover=alert(1) \u{301}'\u{301}<\u{301}>\u{301}&\u{301}"
        let table = ReportTable(
            name: "members", title: "Members \"\u{301}", columns: [.init("name", "Name", .text)], rows: [[.string(hostile)]]
        )
        let report = Report(
            parameters: sample.parameters, checkpoint: sample.checkpoint, assetScales: [:], summary: [:],
            tables: [table], notes: ["Note \"\u{301}<\u{301}b>"]
        )
        let page = Array(ReportHTML.page(report, verifyCommand: "commons-ledger verify-report page.html").unicodeScalars)
        let escaped = "x&quot;\u{301} onmouseover=alert(1) \u{301}&#39;\u{301}&lt;\u{301}&gt;\u{301}&amp;\u{301}"
        #expect(Self.contains(page, Array(escaped.unicodeScalars)))
        #expect(Self.contains(page, Array("Members &quot;\u{301}".unicodeScalars)))
        #expect(Self.contains(page, Array("Note &quot;\u{301}&lt;\u{301}b&gt;".unicodeScalars)))
        // No raw quote or angle bracket is followed by the combining mark in the HTML (the
        // JSON document at the end escapes `"` with a backslash and every `<`).
        let html = page.prefix(upTo: try #require(Self.firstIndex(of: Array("<script".unicodeScalars), in: page)))
        for (scalar, next) in zip(html, html.dropFirst()) where next == "\u{301}" {
            #expect(!["\"", "'", "<", ">"].contains(scalar), "a raw \(scalar) + U+0301 on the page")
        }
    }

    /// Whether `needle` occurs in `haystack`, scalar by scalar.
    static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        firstIndex(of: needle, in: haystack) != nil
    }

    /// Where `needle` first occurs in `haystack`, scalar by scalar.
    static func firstIndex(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    @Test func thePageEmbedsTheDocumentWithEveryLessThanEscaped() throws {
        let sample = try ReportFormatTests.sample()
        let hostile = "<\u{301}/script><\u{301}script>alert(1)"
        let table = ReportTable(
            name: "members", title: "Members", columns: [.init("name", "Name", .text)],
            rows: [[.string(hostile)], [.string(Self.nfd)]]
        )
        let report = Report(
            parameters: sample.parameters, checkpoint: sample.checkpoint, assetScales: [:], summary: [:],
            tables: [table], notes: []
        )
        let page = ReportHTML.page(report, verifyCommand: "commons-ledger verify-report page.html")
        #expect(page.contains("&lt;\u{301}/script&gt;&lt;\u{301}script&gt;alert(1)"))
        let embedded = try #require(ReportHTML.embeddedDocument(in: Array(page.utf8)))
        #expect(!embedded.contains(UInt8(ascii: "<")))
        // The document reads back byte for byte, the NFD name included.
        #expect(try ReportDocument(bytes: embedded).content.canonicalBytes == report.content.canonicalBytes)
        #expect(try ReportDocument(bytes: Array(page.utf8)).content.canonicalBytes == report.content.canonicalBytes)
    }

    @Test(arguments: [
        // (cell text, CSV as written), each expectation by hand.
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1", "\"'\r=1\""),
        (" =1+1", "' =1+1"),
        ("  \t@x", "'  \t@x"),
        ("\n-1", "\"'\n-1\""),
        ("\u{FF1D}1+1", "'\u{FF1D}1+1"),
        ("\u{FF0B}1", "'\u{FF0B}1"),
        ("\u{FF0D}1", "'\u{FF0D}1"),
        ("\u{FF20}x", "'\u{FF20}x"),
        (" \u{FF1D}1", "' \u{FF1D}1"),
        ("Dockworkers Union", "Dockworkers Union"),
        ("a=b", "a=b"),
        ("  plain", "  plain"),
        ("x\"\u{301}", "\"x\"\"\u{301}\""),
        ("a\r\nb", "\"a\r\nb\""),
    ])
    func csvGuardsFormulasAndQuotesByScalar(_ text: String, _ expected: String) {
        let table = ReportTable(name: "t", title: "T", columns: [.init("name", "Name", .text)], rows: [[.string(text)]])
        let csv = ReportCSV.text(of: table, scales: [:])
        #expect(Array(csv.utf8) == Array("name\r\n\(expected)\r\n".utf8), "\(csv.debugDescription)")
    }
}
