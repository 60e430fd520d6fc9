// Goal: a request body means one thing. A member name repeated in an object is refused
// 400 naming it, at any depth and whatever else the body holds (the review created a
// *public* member from {"visibility":"public","visibility":"anonymous"} through the
// Foundation fallback); bidirectional override, embedding and isolate controls are
// refused 422 in every checked text (a name could otherwise display as another), while
// Arabic and Hebrew names are accepted as before.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RequestTextTests {
    static let member = #""name":"Dockworkers","kind":"union","country":"KE","region":"East Africa""#
    static let postings = #"{"account":"assets:bank:usd","asset":"USD","amount":5},"#
        + #"{"account":"income:contributions","asset":"USD","amount":-5"#

    static func fields(_ reply: Reply) -> [String] {
        (reply["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
    }

    /// (route, body, the field named): top level, nested, after a fraction (which sends the
    /// body the Foundation way), and inside metadata.
    static let repeatedNames: [(String, String, String)] = [
        ("/v1/members", #"{\#(member),"visibility":"public","visibility":"anonymous"}"#, "visibility"),
        ("/v1/members", #"{"visibility":"anonymous",\#(member),"visibility":"public"}"#, "visibility"),
        ("/v1/assets", #"{"code":"CHF","scale":2.5,"code":"JPY"}"#, "code"),
        ("/v1/accounts", #"{"code":"assets:x","type":"asset","metadata":{"rate":0.5,"note":"a","note":"b"}}"#,
         "metadata.note"),
        ("/v1/transactions", #"{"date":"2026-11-20","postings":[\#(postings),"amount":-5.0}]}"#, "postings[1].amount"),
        ("/v1/transactions/batch", #"{"transactions":[{"date":"2026-11-20","date":"2026-11-21","postings":[]}]}"#,
         "transactions[0].date"),
    ]

    @Test(arguments: repeatedNames)
    func aRepeatedMemberNameIsRefusedAndNamed(_ path: String, _ body: String, _ field: String) async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let before = try await client.call(.get, "/v1/log/checkpoint")
            let reply = try await client.call(.post, path, json: body)
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(reply.code == "invalid_request", "\(reply.text)")
            #expect(Self.fields(reply) == [field], "\(reply.text)")
            #expect((reply["detail"] as? String)?.contains("more than once") == true, "\(reply.text)")
            // Nothing was written.
            #expect(try await client.call(.get, "/v1/log/checkpoint").body == before.body)
        }
    }

    /// Bodies holding `control` in one checked text each, with the field named.
    static func bodies(with control: String) -> [(String, String, String)] {
        [
            ("/v1/members", #"{"name":"Evil\#(control)gpj.exe","kind":"union","country":"KE","region":"East Africa","#
                + #""visibility":"public"}"#, "name"),
            ("/v1/members", #"{"name":"Dockers","kind":"union","country":"KE","region":"East\#(control)Africa","#
                + #""visibility":"public"}"#, "region"),
            ("/v1/assets", #"{"code":"KES","scale":2,"name":"Kenyan\#(control) shilling"}"#, "name"),
            ("/v1/keys", #"{"name":"ops\#(control)","role":"auditor"}"#, "name"),
            ("/v1/funds", #"{"code":"drought","name":"Drought\#(control)","assets":["USD"]}"#, "name"),
            ("/v1/transactions", #"{"date":"2026-11-20","description":"Gift \#(control)","postings":[\#(postings)}]}"#,
             "description"),
            ("/v1/accounts", #"{"code":"assets:y","type":"asset","metadata":{"note":"a\#(control)b"}}"#, "metadata"),
            ("/v1/disbursements", #"{"fund_id":"relief","beneficiary":"Clinic","asset":"USD","amount":5,"#
                + #""purpose":"Roof \#(control)repair"}"#, "purpose"),
        ]
    }

    @Test func bidirectionalControlsAreRefusedInEveryCheckedText() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let fund = #"{"code":"relief","name":"Relief","assets":["USD"]}"#
            #expect(try await client.call(.post, "/v1/funds", json: fund).status == .created)
            let before = try await client.call(.get, "/v1/log/checkpoint")
            // As JSON escapes: U+202A–U+202E and U+2066–U+2069.
            let controls = ["202a", "202b", "202c", "202d", "202e", "2066", "2067", "2068", "2069"].map { "\\u" + $0 }
            for control in controls {
                for (path, body, field) in Self.bodies(with: control) {
                    let reply = try await client.call(.post, path, json: body)
                    #expect(reply.status == .unprocessableContent, "\(path) \(control): \(reply.text)")
                    #expect(reply.code == "validation_failed", "\(path) \(control): \(reply.text)")
                    #expect(Self.fields(reply) == [field], "\(path) \(control): \(reply.text)")
                }
            }
            // Nothing was written.
            #expect(try await client.call(.get, "/v1/log/checkpoint").body == before.body)
        }
    }

    @Test func rightToLeftScriptsAreAccepted() async throws {
        try await TestServer().run { client in
            for (name, region) in [("اتحاد عمال الموانئ", "شرق أفريقيا"), ("איגוד עובדי הנמל", "המזרח התיכון")] {
                let body = #"{"name":"\#(name)","kind":"union","country":"KE","region":"\#(region)","#
                    + #""visibility":"public"}"#
                let reply = try await client.call(.post, "/v1/members", json: body)
                #expect(reply.status == .created, "\(reply.text)")
                #expect(reply["name"] as? String == name)
                #expect(reply["region"] as? String == region)
            }
        }
    }
}
