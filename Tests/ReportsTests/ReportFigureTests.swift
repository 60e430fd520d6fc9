// Goal: every report's figures on the small fund of ReportFixture equal numbers computed
// by hand (written here, never produced by the code under test), including the as-of
// cut, a reporting currency with a missing rate, and anonymity in public reports.
// Anonymous members B and D are grouped under "(undisclosed)" kind, country and region
// in public reports (their profiles are private data); auditor reports show them.
import FundCore
import LedgerCore
import Reports
import Testing

@Suite struct ReportFigureTests {
    @Test func trialBalanceIsBalancedPerAssetWithTheHandComputedTotals() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.trialBalance)
        // USD debits: cash 800.00 + B's open pledge 400.00 + grants to B 300.00 + to the clinic 50.00.
        #expect(report.rows("totals") == [
            ["asset": "EUR", "debit": 30_000, "credit": 30_000, "balanced": true],
            ["asset": "USD", "debit": 155_000, "credit": 155_000, "balanced": true],
            ["asset": "XOF", "debit": 15_000, "credit": 15_000, "balanced": true],
        ])
        let usd = report.rows("balances").filter { $0["asset"] == "USD" }
        #expect(usd.first(where: { $0["account"] == "assets:relief:cash:usd" })?["debit"] == 80_000)
        let a = fixture.members["A"]!.rawValue
        #expect(usd.first(where: { $0["account"] == .string("income:relief:contributions:\(a)") })?["credit"] == 100_000)
        #expect(usd.count == 7)
        #expect(report.summary["balanced"] == true)
        #expect(report.summary["report_date"] == "2026-11-25")
        #expect(report.assetScales == [AssetCode("EUR")!: 2, AssetCode("USD")!: 2, AssetCode("XOF")!: 0])
    }

    @Test func financialPositionAndIncomeExpenditure() async throws {
        let fixture = try await ReportFixture.build()
        let position = try await fixture.report(.financialPosition, fund: "relief")
        #expect(position.rows("totals") == [
            ["fund": "relief", "asset": "EUR", "assets": 20_000, "liabilities": 0, "net_assets": 20_000, "equity": 0, "accumulated_surplus": 20_000],
            ["fund": "relief", "asset": "USD", "assets": 120_000, "liabilities": 0, "net_assets": 120_000, "equity": 0, "accumulated_surplus": 120_000],
            ["fund": "relief", "asset": "XOF", "assets": 10_000, "liabilities": 5_000, "net_assets": 5_000, "equity": 0, "accumulated_surplus": 5_000],
        ])
        let income = try await fixture.report(.incomeExpenditure)
        #expect(income.rows("totals") == [
            ["fund": "relief", "asset": "EUR", "income": 30_000, "expenditure": 10_000, "surplus": 20_000],
            ["fund": "relief", "asset": "USD", "income": 155_000, "expenditure": 35_000, "surplus": 120_000],
            ["fund": "relief", "asset": "XOF", "income": 10_000, "expenditure": 5_000, "surplus": 5_000],
        ])
        // From July: D's 50.00 unpledged gift, less the 200.00 write-off of P4 (dated 11-25): income −150.00.
        let secondHalf = try await fixture.report(.incomeExpenditure, from: "2026-07-01")
        #expect(secondHalf.rows("totals").first(where: { $0["asset"] == "USD" }) == ["fund": "relief", "asset": "USD", "income": -15_000, "expenditure": 35_000, "surplus": -50_000])
    }

    @Test func financialPositionInUSDConvertsEURAndShowsXOFAsAGap() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.financialPosition, currency: "USD")
        // EUR 200.00 at the 2026-10-31 rate 1.08 = 216.00 USD; XOF has no rate and is left out.
        #expect(report.rows("totals") == [
            ["fund": "relief", "asset": "USD", "assets": 141_600, "liabilities": 0, "net_assets": 141_600, "equity": 0, "accumulated_surplus": 141_600],
        ])
        #expect(report.rows("conversions") == [["asset": "EUR", "currency": "USD", "rate": "1.08", "inverse": false, "rate_date": "2026-10-31"]])
        #expect(report.rows("gaps").map { $0["asset"] } == ["XOF"])
        #expect(report.summary["conversion_gaps"] == 1)
        // As of September the 1.10 rate of 2026-06-30 is the latest: EUR 300.00 cash → 330.00.
        let september = try await fixture.report(.financialPosition, asOf: "2026-09-30", currency: "USD")
        #expect(september.rows("conversions").first?["rate"] == "1.10")
    }

    @Test func memberStatementsNowAndAsOfApril() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.memberStatements)
        let rows = report.rows("statements")
        let b = fixture.members["B"]!
        let d = fixture.members["D"]!
        // Region order: "(undisclosed)" (B and D, by pseudonym) sorts before East Africa (A)
        // and South America (C: EUR then XOF).
        let bFirst = b.pseudonym < d.pseudonym
        let undisclosed = bFirst ? [b, d] : [d, b]
        #expect(rows.map { $0["member_id"] } == (undisclosed + [fixture.members["A"]!, fixture.members["C"]!, fixture.members["C"]!]).map { .string($0.rawValue) })
        #expect(rows[2]["member"] == "Dockworkers Union")
        // Per member: B, D, A, C (EUR), C (XOF); the two undisclosed rows in pseudonym order.
        func ordered(_ b: JSONValue, _ d: JSONValue, _ rest: [JSONValue]) -> [JSONValue] { (bFirst ? [b, d] : [d, b]) + rest }
        #expect(rows.map { $0["asset"] } == ordered("USD", "USD", ["USD", "EUR", "XOF"]))
        #expect(rows.map { $0["pledged"] } == ordered(50_000, 20_000, [100_000, 30_000, 0]))
        #expect(rows.map { $0["paid"] } == ordered(10_000, 0, [100_000, 30_000, 0]))
        #expect(rows.map { $0["written_off"] } == ordered(0, 20_000, [0, 0, 0]))
        #expect(rows.map { $0["outstanding"] } == ordered(40_000, 0, [0, 0, 0]))
        #expect(rows.map { $0["overdue"] } == ordered(40_000, 0, [0, 0, 0]))
        #expect(rows.map { $0["given"] } == ordered(10_000, 5_000, [100_000, 30_000, 10_000]))
        #expect(rows.map { $0["received"] } == ordered(30_000, 0, [0, 10_000, 0]))
        #expect(rows.first { $0["member_id"] == .string(b.rawValue) }?["member"] == .string(b.pseudonym))
        #expect(rows.prefix(2).allSatisfy { $0["kind"] == "(undisclosed)" && $0["region"] == "(undisclosed)" && $0["country"] == "(undisclosed)" })
        #expect(rows[2]["kind"] == "union" && rows[2]["region"] == "East Africa" && rows[2]["country"] == "KE")
        #expect(report.summary["members"] == 4)

        // On 2026-04-30: A has paid 600.00 of 1,000.00 (nothing due yet); B's first
        // instalment of 250.00 is due that day and 100.00 was paid: 150.00 overdue.
        let april = try await fixture.report(.memberStatements, asOf: "2026-04-30")
        let aprilRows = april.rows("statements")
        #expect(aprilRows.first(where: { $0["member_id"] == .string(fixture.members["A"]!.rawValue) })?["outstanding"] == 40_000)
        #expect(aprilRows.first(where: { $0["member_id"] == .string(fixture.members["A"]!.rawValue) })?["overdue"] == 0)
        #expect(aprilRows.first(where: { $0["member_id"] == .string(b.rawValue) })?["overdue"] == 15_000)
        #expect(aprilRows.first(where: { $0["member_id"] == .string(b.rawValue) })?["received"] == 0)

        let one = try await fixture.report(.memberStatements, member: b.rawValue)
        #expect(one.rows("statements").count == 1)
    }

    /// Due next, by hand: now only B owes (500.00 in two instalments of 250.00, 100.00
    /// paid: 150.00 left of the first, due 04-30; 400.00 outstanding). On 2026-04-30: A's
    /// 400.00 left of 1,000.00 due 06-30; B as now; D's 200.00 due 08-31 (cancelled only
    /// in November); C's 300.00 EUR due 12-31 (paid in September) — in due date order.
    @Test func memberStatementsSayWhatIsDueNext() async throws {
        let fixture = try await ReportFixture.build()
        let a = fixture.members["A"]!, b = fixture.members["B"]!, c = fixture.members["C"]!, d = fixture.members["D"]!
        let now = try await fixture.report(.memberStatements).rows("due_next")
        #expect(now.map { $0["member_id"] } == [.string(b.rawValue)])
        #expect(now.first?["due_date"] == "2026-04-30")
        #expect(now.first?["amount"] == 15_000)
        #expect(now.first?["outstanding"] == 40_000)
        #expect(now.first?["member"] == .string(b.pseudonym))
        let april = try await fixture.report(.memberStatements, asOf: "2026-04-30").rows("due_next")
        #expect(april.map { $0["member_id"] } == [b, a, d, c].map { .string($0.rawValue) })
        #expect(april.map { $0["due_date"] } == ["2026-04-30", "2026-06-30", "2026-08-31", "2026-12-31"])
        #expect(april.map { $0["amount"] } == [15_000, 40_000, 20_000, 30_000])
        #expect(april.map { $0["asset"] } == ["USD", "USD", "USD", "EUR"])
    }

    @Test func pledgeFulfilmentRatesAgeingAndTimeToPayment() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.pledgeFulfilment)
        #expect(report.rows("by_fund") == [
            ["fund": "relief", "asset": "EUR", "pledged": 30_000, "paid": 30_000, "written_off": 0, "outstanding": 0, "overdue": 0, "pledges": 1, "paid_in_full": 1, "fulfilment_rate": "1.0000"],
            ["fund": "relief", "asset": "USD", "pledged": 170_000, "paid": 110_000, "written_off": 20_000, "outstanding": 40_000, "overdue": 40_000, "pledges": 3, "paid_in_full": 1, "fulfilment_rate": "0.6471"],
        ])
        // B (community) and D (individual) are undisclosed: 100.00 paid of 500.00 + 200.00 pledged = 0.1429.
        #expect(report.rows("by_member_kind").map { $0["member_kind"] } == ["(undisclosed)", "movement", "union"])
        #expect(report.rows("by_member_kind").map { $0["fulfilment_rate"] } == ["0.1429", "1.0000", "1.0000"])
        #expect(report.rows("by_region").map { $0["region"] } == ["(undisclosed)", "East Africa", "South America"])
        // Auditors see the kinds and regions from the private records.
        let auditor = try await fixture.report(.pledgeFulfilment, audience: .auditor)
        #expect(auditor.rows("by_member_kind").map { $0["member_kind"] } == ["community", "individual", "movement", "union"])
        #expect(auditor.rows("by_member_kind").map { $0["fulfilment_rate"] } == ["0.2000", "0.0000", "1.0000", "1.0000"])
        #expect(auditor.rows("by_region").map { $0["region"] } == ["East Africa", "Europe", "South America", "West Africa"])
        // B's first instalment: 250.00 − 100.00 paid, 209 days past 2026-04-30; the second 250.00, 25 days past 10-31.
        #expect(report.rows("ageing") == [
            ["bucket": "0-30", "asset": "USD", "amount": 25_000, "instalments": 1],
            ["bucket": "180+", "asset": "USD", "amount": 15_000, "instalments": 1],
        ])
        // P1: 2026-01-10 → 05-15 = 125 days; P3: 03-01 → 09-01 = 184 days.
        #expect(report.rows("time_to_payment") == [
            ["fund": "relief", "pledges_paid_in_full": 2, "median_days": "154.5", "mean_days": "154.5", "max_days": 184],
        ])
        #expect(report.rows("over_time").map { [$0["quarter"], $0["asset"], $0["pledged"], $0["paid"]] } == [
            ["2026-Q1", "EUR", 30_000, 30_000], ["2026-Q1", "USD", 150_000, 110_000], ["2026-Q2", "USD", 20_000, 0],
        ])
    }

    @Test func reciprocityPerMemberRegionConcentrationFlowsAndTimes() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.reciprocity)
        let bRow: [JSONValue?] = ["USD", 10_000, 30_000, -20_000, "3.0000"]
        let dRow: [JSONValue?] = ["USD", 5_000, 0, 5_000, "0.0000"]
        let others: [[JSONValue?]] = [
            ["USD", 100_000, 0, 100_000, "0.0000"],        // A
            ["EUR", 30_000, 10_000, 20_000, "0.3333"],     // C
            ["XOF", 10_000, 0, 10_000, "0.0000"],          // C
        ]
        // B and D first, under "(undisclosed)", in pseudonym order; then A, then C.
        let undisclosedRows = fixture.members["B"]!.pseudonym < fixture.members["D"]!.pseudonym ? [bRow, dRow] : [dRow, bRow]
        #expect(report.rows("members").map { [$0["asset"], $0["contributed"], $0["received"], $0["net"], $0["ratio"]] } == undisclosedRows + others)
        #expect(report.summary["members"] == 4)
        #expect(report.summary["givers"] == 4)
        #expect(report.summary["receivers"] == 2)
        #expect(report.summary["both_give_and_receive"] == 2)
        #expect(report.summary["share_both_give_and_receive"] == "0.5000")
        // USD gifts of the four members: 0, 50.00, 100.00, 1,000.00 → Gini 3050 ÷ 4600 = 0.6630; top 1 of 4: 1000 ÷ 1150.
        #expect(report.rows("concentration") == [
            ["asset": "EUR", "members": 4, "givers": 1, "top_10_percent_share": "1.0000", "gini": "0.7500"],
            ["asset": "USD", "members": 4, "givers": 3, "top_10_percent_share": "0.8696", "gini": "0.6630"],
            ["asset": "XOF", "members": 4, "givers": 1, "top_10_percent_share": "1.0000", "gini": "0.7500"],
        ])
        // B (100.00 given, 300.00 received) and D (50.00 given) together: 150.00 given, 300.00 received.
        #expect(report.rows("regions").map { $0["region"] } == ["(undisclosed)", "East Africa", "South America", "South America"])
        #expect(report.rows("regions").first(where: { $0["region"] == "(undisclosed)" }) == [
            "region": "(undisclosed)", "members": 2, "asset": "USD", "contributed": 15_000, "received": 30_000, "net": -15_000, "ratio": "2.0000",
        ])
        // USD givers: (undisclosed) 150.00, East Africa 1,000.00 (115,000 in all). 300.00 to
        // (undisclosed): 30000·15000/115000 = 3913 r 5000, 30000·100000/115000 = 26086 r 110000,
        // the one left over to East Africa. 50.00 to the clinic: 652 r 20000 and 4347 r 95000,
        // likewise. EUR from South America back to South America.
        #expect(report.rows("flows").map { [$0["asset"], $0["from_region"], $0["to_region"], $0["amount"]] } == [
            ["EUR", "South America", "South America", 10_000],
            ["USD", "(undisclosed)", "(named beneficiaries)", 652],
            ["USD", "(undisclosed)", "(undisclosed)", 3_913],
            ["USD", "East Africa", "(named beneficiaries)", 4_348],
            ["USD", "East Africa", "(undisclosed)", 26_087],
        ])
        #expect(report.rows("disbursement_times") == [[
            "fund": "relief", "requested": 4, "approved": 4, "paid": 3, "rejected": 0, "cancelled": 0,
            "request_to_approval_median_hours": "1.0", "approval_to_payment_median_hours": "2.0",
            "request_to_payment_median_hours": "3.0", "request_to_payment_mean_hours": "3.7",
        ]])
    }

    @Test func reciprocityInUSDLeavesXOFOutAsAStatedGap() async throws {
        let fixture = try await ReportFixture.build()
        let report = try await fixture.report(.reciprocity, currency: "USD")
        let c = try #require(report.rows("members").first(where: { $0["member_id"] == .string(fixture.members["C"]!.rawValue) }))
        // EUR 300.00 × 1.08 = 324.00 given, 100.00 × 1.08 = 108.00 received; 10000 XOF left out.
        #expect(c["asset"] == "USD")
        #expect(c["contributed"] == 32_400)
        #expect(c["received"] == 10_800)
        #expect(c["ratio"] == "0.3333")
        #expect(report.rows("gaps").map { $0["asset"] } == ["XOF"])
        #expect(report.rows("concentration").map { $0["asset"] } == ["USD"])
    }

    @Test func publicReportsNeverNameAnonymousMembersButAuditorsSeeThem() async throws {
        let fixture = try await ReportFixture.build()
        for name in ReportName.allCases {
            let text = try await fixture.report(name).content.canonicalText
            #expect(!text.contains("Secret Sisters"), "\(name) names an anonymous member")
            #expect(!text.contains("Quiet Donor"), "\(name) names an anonymous member")
            // B and D are the only members of West Africa and Europe: a region names them.
            #expect(!text.contains("West Africa"), "\(name) shows an anonymous member's region")
            #expect(!text.contains("Europe"), "\(name) shows an anonymous member's region")
        }
        let reciprocity = try await fixture.report(.reciprocity)
        #expect(reciprocity.content.canonicalText.contains(fixture.members["B"]!.pseudonym))
        let auditor = try await fixture.report(.reciprocity, audience: .auditor)
        #expect(auditor.rows("members").contains { $0["member"] == "Secret Sisters" })
        #expect(auditor.rows("members").contains { $0["member"] == "Quiet Donor" })
        #expect(auditor.rows("members").first { $0["member"] == "Quiet Donor" }?["region"] == "Europe")
        #expect(auditor.rows("regions").map { $0["region"] } == ["East Africa", "Europe", "South America", "South America", "West Africa"])
        // Counted either way: the same figures, only the names differ.
        // (The order differs: public reports sort anonymous members under "(undisclosed)".)
        func figures(_ report: Report) -> [[JSONValue?]] {
            report.rows("members").map { [$0["member_id"], $0["asset"], $0["contributed"], $0["received"]] }
                .sorted { "\($0)" < "\($1)" }
        }
        #expect(figures(auditor) == figures(reciprocity))
    }

    @Test func unknownFundOrCurrencyIsAClearError() async throws {
        let fixture = try await ReportFixture.build()
        await #expect(throws: ReportError.unknown("no fund nowhere in the log up to this checkpoint")) {
            try await fixture.report(.reciprocity, fund: "nowhere")
        }
        await #expect(throws: ReportError.unknown("currency GBP is not a registered asset")) {
            try await fixture.report(.reciprocity, currency: "GBP")
        }
    }
}
