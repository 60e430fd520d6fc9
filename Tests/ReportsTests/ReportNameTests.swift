// Goal: the report names are the stable strings the API, the CLI and the OpenAPI document use.
import Reports
import Testing

@Suite struct ReportNameTests {
    @Test func namesAreTheDocumentedOnes() {
        #expect(ReportName.allCases.map(\.rawValue) == [
            "trial-balance", "financial-position", "income-expenditure", "member-statements", "pledge-fulfilment", "reciprocity",
        ])
        #expect(ReportName(rawValue: "balance-sheet") == nil)
    }
}
