// Goal: GET /v1/reports/{name} through the real router — public without a key, the
// auditor version only for auditors and admins, JSON/CSV/HTML with the same fingerprint,
// bad parameters as problem+json, and a report that grows with the log while an older
// checkpoint's report stays what it was.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import Testing

@Suite struct ReportRoutesTests {
    /// A fund, a public and an anonymous member, a paid pledge and an unpledged gift.
    static func setUp(_ client: LedgerClient) async throws {
        #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#).status == .created)
        #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"climate","name":"Climate adaptation","assets":["USD"]}"#).status == .created)
        let named = try await client.call(.post, "/v1/members", json: #"{"name":"Dockworkers Union","kind":"union","country":"KE","region":"East Africa","visibility":"public"}"#)
        let hidden = try await client.call(.post, "/v1/members", json: #"{"name":"Secret Sisters","kind":"community","country":"SN","region":"West Africa","visibility":"anonymous"}"#)
        let namedID = try #require(named["id"] as? String), hiddenID = try #require(hidden["id"] as? String)
        let pledge = try await client.call(.post, "/v1/pledges", json: #"{"member_id":"\#(namedID)","fund_id":"climate","asset":"USD","amount":10000,"date":"2026-01-05","due_date":"2026-06-30"}"#)
        let pledgeID = try #require(pledge["id"] as? String)
        #expect(try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(namedID)","fund_id":"climate","asset":"USD","amount":10000,"date":"2026-02-01","pledge_id":"\#(pledgeID)"}"#).status == .created)
        #expect(try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(hiddenID)","fund_id":"climate","asset":"USD","amount":2500,"date":"2026-03-01"}"#).status == .created)
    }

    static func document(_ reply: Reply) -> [String: Any] { reply["report"] as? [String: Any] ?? [:] }

    static func rows(_ reply: Reply, _ table: String) -> [[String: Any]] {
        let tables = document(reply)["tables"] as? [[String: Any]] ?? []
        guard let found = tables.first(where: { $0["name"] as? String == table }),
              let columns = (found["columns"] as? [[String: Any]])?.compactMap({ $0["name"] as? String }),
              let rows = found["rows"] as? [[Any]]
        else { return [] }
        return rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }

    @Test(.timeLimit(.minutes(1))) // a slot never given back would hang, not fail
    func oneReplayRunsAtATimeAndTheSameCutWaitsForIt() async throws {
        let cache = ReportBookCache(bounds: .init(replaysMax: 1, replayQueueMax: 0))
        let june = ReportBookCache.Key(asOf: LocalDate("2026-06-30"), from: nil)
        let july = ReportBookCache.Key(asOf: LocalDate("2026-07-31"), from: nil)
        guard case .replay = try await cache.lease(june, upTo: 90_000) else { Issue.record("no replay"); return }
        // Another cut is refused while the slot is taken, with a wait of 90,000 / 30,000 s.
        await #expect(throws: ReportBusy(retryAfterSeconds: 3)) {
            if case .replay = try await cache.lease(july, upTo: 20) { await cache.finish(july, book: nil) }
        }
        // The same cut waits, and is told to ask again once the replay ended.
        let waiter = Task { try await cache.lease(june, upTo: 90_000) }
        while await !cache.isWaiting(for: june) { await Task.yield() }
        await cache.finish(june, book: nil)
        guard case .askAgain = try await waiter.value else { Issue.record("did not wait"); return }
        guard case .replay = try await cache.lease(july, upTo: 20) else { Issue.record("slot not given back"); return }
        await cache.finish(july, book: nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func aReportForAnotherDateDuringALongReplayIs503WithRetryAfter() async throws {
        let cache = ReportBookCache(bounds: .init(replaysMax: 1, replayQueueMax: 0))
        try await TestServer(reportCache: cache).run { client in
            try await Self.setUp(client)
            let elsewhere = ReportBookCache.Key(asOf: LocalDate("2020-01-01"), from: nil)
            guard case .replay = try await cache.lease(elsewhere, upTo: 60_000) else { Issue.record("no slot"); return }
            let busy = try await client.call(.get, "/v1/reports/reciprocity?as_of=2026-06-30", as: .anonymous)
            #expect(busy.status == .serviceUnavailable)
            #expect(busy.code == "report_busy")
            #expect(busy.headers[.retryAfter] == "2")
            await cache.finish(elsewhere, book: nil)
            let served = try await client.call(.get, "/v1/reports/reciprocity?as_of=2026-06-30", as: .anonymous)
            #expect(served.status == .ok)
        }
    }

    @Test func publicReportsNeedNoKeyAndHideAnonymousNames() async throws {
        try await TestServer().run { client in
            try await Self.setUp(client)
            let reply = try await client.call(.get, "/v1/reports/reciprocity", as: .anonymous)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/json")
            #expect(!reply.text.contains("Secret Sisters"))
            // The anonymous member sorts first: its region is "(undisclosed)", not West Africa.
            let members = Self.rows(reply, "members")
            #expect(members.map { $0["contributed"] as? Int } == [2500, 10000])
            #expect((members.first?["member"] as? String)?.hasPrefix("Member ") == true)
            #expect(members.first?["region"] as? String == "(undisclosed)")
            #expect(!reply.text.contains("West Africa"))
            let checkpoint = Self.document(reply)["checkpoint"] as? [String: Any]
            // First admin key, asset, fund, two members, pledge, two contributions.
            #expect(checkpoint?["tree_size"] as? Int == 8)
            #expect(reply.headers[.eTag] == "\"\(reply["sha256"] as? String ?? "")\"")

            // The auditor version: 401 without a key, 403 for a treasurer, names for auditors.
            #expect(try await client.call(.get, "/v1/reports/reciprocity?audience=auditor", as: .anonymous).status == .unauthorized)
            let treasurer = try await client.token(for: "treasurer")
            let refused = try await client.call(.get, "/v1/reports/reciprocity?audience=auditor", as: .token(treasurer))
            #expect(refused.status == .forbidden)
            #expect(refused.code == "forbidden")
            let auditor = try await client.token(for: "auditor")
            let full = try await client.call(.get, "/v1/reports/reciprocity?audience=auditor", as: .token(auditor))
            #expect(full.status == .ok)
            #expect(full.text.contains("Secret Sisters"))
        }
    }

    @Test func csvAndHtmlCarryTheSameFingerprint() async throws {
        try await TestServer().run { client in
            try await Self.setUp(client)
            let json = try await client.call(.get, "/v1/reports/member-statements", as: .anonymous)
            let csv = try await client.call(.get, "/v1/reports/member-statements?format=csv", as: .anonymous)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.eTag] == json.headers[.eTag])
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.first == "member,member_id,kind,region,country,asset,pledged,paid,written_off,outstanding,overdue,given,received")
            // The anonymous member's row comes first ("(undisclosed)" sorts before "East Africa").
            #expect(lines.dropFirst().first?.hasSuffix(",(undisclosed),(undisclosed),(undisclosed),USD,0.00,0.00,0.00,0.00,0.00,25.00,0.00") == true)
            #expect(lines.dropFirst(2).first?.hasPrefix("Dockworkers Union,") == true)
            #expect(lines.dropFirst(2).first?.hasSuffix(",USD,100.00,100.00,0.00,0.00,0.00,100.00,0.00") == true)
            let html = try await client.call(.get, "/v1/reports/member-statements?format=html", as: .anonymous)
            #expect(html.status == .ok)
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            #expect(html.text.contains(json["sha256"] as? String ?? "missing"))
            #expect(html.text.contains("verify-report"))
        }
    }

    @Test func aLaterCheckpointGrowsTheReportAndAnOlderOneStays() async throws {
        try await TestServer().run { client in
            try await Self.setUp(client)
            let before = try await client.call(.get, "/v1/reports/trial-balance", as: .anonymous)
            let size = (Self.document(before)["checkpoint"] as? [String: Any])?["tree_size"] as? Int ?? 0
            let members = try await client.call(.get, "/v1/members")
            let someone = try #require((members["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.call(.post, "/v1/contributions", json: #"{"member_id":"\#(someone)","fund_id":"climate","asset":"USD","amount":1,"date":"2026-04-01"}"#).status == .created)
            let after = try await client.call(.get, "/v1/reports/trial-balance", as: .anonymous)
            #expect((Self.document(after)["checkpoint"] as? [String: Any])?["tree_size"] as? Int == size + 1)
            let cash = { (reply: Reply) in Self.rows(reply, "balances").first { $0["account"] as? String == "assets:climate:cash:usd" }?["debit"] as? Int }
            #expect(cash(before) == 12500)
            #expect(cash(after) == 12501)
            let again = try await client.call(.get, "/v1/reports/trial-balance?tree_size=\(size)", as: .anonymous)
            #expect(again.body == before.body)
        }
    }

    @Test func badParametersAreProblems() async throws {
        try await TestServer().run { client in
            try await Self.setUp(client)
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("/v1/reports/balance-sheet", .notFound, "report_not_found"),
                ("/v1/reports/reciprocity?as_of=2026-02-30", .badRequest, "invalid_parameter"),
                ("/v1/reports/reciprocity?currency=usd", .badRequest, "invalid_parameter"),
                ("/v1/reports/reciprocity?format=pdf", .badRequest, "invalid_parameter"),
                ("/v1/reports/reciprocity?audience=everyone", .badRequest, "invalid_parameter"),
                ("/v1/reports/reciprocity?tree_size=0", .badRequest, "invalid_parameter"),
                ("/v1/reports/reciprocity?fund=nowhere", .unprocessableContent, "unknown_reference"),
                ("/v1/reports/reciprocity?currency=GBP", .unprocessableContent, "unknown_reference"),
                ("/v1/reports/reciprocity?tree_size=999", .unprocessableContent, "unknown_reference"),
                ("/v1/reports/reciprocity?format=csv&table=nothing", .unprocessableContent, "unknown_reference"),
                ("/v1/reports/member-statements?member=mem_00000000000000000000000000000000", .unprocessableContent, "unknown_reference"),
            ]
            for (path, status, code) in cases {
                let reply = try await client.call(.get, path, as: .anonymous)
                #expect(reply.status == status, "\(path): \(reply.text)")
                #expect(reply.code == code, "\(path)")
                #expect(reply.headers[.contentType] == "application/problem+json")
            }
        }
    }
}
