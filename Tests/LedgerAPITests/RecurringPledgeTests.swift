// Goal: through the real router, a pledge may be a schedule (monthly, quarterly, yearly;
// start with a count or an end) that yields its instalments with their due dates; status,
// overdue ageing and what is due next follow from them; a bad schedule is a 422 naming
// the field and records nothing.
//
// By hand (clock 2026-11-25): 600.00 USD pledged on 2026-09-01, monthly from 2026-09-30,
// 6 times: 100.00 due 09-30, 10-30, 11-30, 12-30, 2027-01-30, 02-28 (the start's day, or
// the month's last). Nothing paid: due 200.00 by today, overdue; next 100.00 on 09-30.
// After 150.00: next 50.00 on 10-30,
// still overdue (200.00 due). After 50.00 more: partly paid, next 100.00 on 11-30.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RecurringPledgeTests {
    @Test func aMonthlyPledgeYieldsItsInstalmentsAndWhatIsDueNext() async throws {
        try await TestServer().run { client in
            #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#).status == .created)
            #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"strike","name":"Strike fund","assets":["USD"]}"#).status == .created)
            let member = try #require(try await client.call(.post, "/v1/members", json: #"{"name":"Bakers Union","kind":"union","country":"AR","region":"South America","visibility":"public"}"#)["id"] as? String)
            func pledge(_ schedule: String, extra: String = "") async throws -> Reply {
                try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(member)","fund_id":"strike","asset":"USD","amount":60000,"date":"2026-09-01","schedule":\#(schedule)\#(extra)}"#)
            }
            let made = try await pledge(#"{"every":"month","start":"2026-09-30","count":6}"#)
            #expect(made.status == .created, "\(made.text)")
            let instalments = try #require(made["instalments"] as? [[String: Any]])
            #expect(instalments.map { $0["due_date"] as? String } == ["2026-09-30", "2026-10-30", "2026-11-30", "2026-12-30", "2027-01-30", "2027-02-28"])
            #expect(instalments.map { $0["amount"] as? Int } == Array(repeating: 10_000, count: 6))
            #expect(made["due_date"] as? String == "2027-02-28")
            #expect((made["schedule"] as? [String: Any])?["every"] as? String == "month")
            #expect(made["status"] as? String == "overdue")
            #expect((made["next_due"] as? [String: Any])?["due_date"] as? String == "2026-09-30")
            #expect((made["next_due"] as? [String: Any])?["amount"] as? Int == 10_000)
            let id = try #require(made["id"] as? String)

            func give(_ amount: Int) async throws {
                #expect(try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(member)","fund_id":"strike","asset":"USD","amount":\#(amount),"date":"2026-11-20","pledge_id":"\#(id)"}"#).status == .created)
            }
            try await give(15_000)
            var now = try await client.call(.get, "/v1/pledges/\(id)")
            #expect(now["status"] as? String == "overdue")
            #expect((now["next_due"] as? [String: Any])?["due_date"] as? String == "2026-10-30")
            #expect((now["next_due"] as? [String: Any])?["amount"] as? Int == 5_000)
            try await give(5_000)
            now = try await client.call(.get, "/v1/pledges/\(id)")
            #expect(now["status"] as? String == "partly_paid")
            #expect((now["next_due"] as? [String: Any])?["due_date"] as? String == "2026-11-30")
            #expect((now["next_due"] as? [String: Any])?["amount"] as? Int == 10_000)

            let statements = try await client.call(.get, "/v1/reports/member-statements?format=json")
            #expect(statements.text.contains("due_next"))

            let quarterly = try await pledge(#"{"every":"quarter","start":"2026-09-30","end":"2027-06-30"}"#)
            #expect((quarterly["instalments"] as? [[String: Any]])?.map { $0["amount"] as? Int } == [15_000, 15_000, 15_000, 15_000])
            let before = try await client.call(.get, "/v1/pledges")
            for (schedule, extra, field) in [
                (#"{"every":"week","start":"2026-09-30","count":6}"#, "", "schedule.every"),
                (#"{"every":"month","start":"2026-09-30","count":6,"end":"2027-12-31"}"#, "", "schedule"),
                (#"{"every":"month","start":"2026-08-31","count":6}"#, "", "schedule.start"),
                (#"{"every":"month","start":"2026-09-30","count":6}"#, #","due_date":"2027-03-31""#, "due_date"),
                (#"{"every":"month","start":"2026-09-30","count":6}"#, #","instalments":[{"due_date":"2026-12-31","amount":60000}]"#, "instalments"),
                (#"{"every":"month","start":"2026-09-30","count":121}"#, "", "schedule"),
            ] {
                let refused = try await pledge(schedule, extra: extra)
                #expect(refused.code == "validation_failed", "\(schedule)\(extra): \(refused.text)")
                let fields = (refused["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
                #expect(fields?.contains(field) == true, "\(schedule)\(extra): \(refused.text)")
            }
            #expect(try await client.call(.get, "/v1/pledges").text == before.text)
        }
    }
}
