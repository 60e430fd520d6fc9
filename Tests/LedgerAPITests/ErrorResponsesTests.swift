// Goal: every error kind is an RFC 9457 problem+json with its stable code and status,
// names the offending fields where there are any, leaks nothing internal, and writes
// nothing: the trial balance is unchanged after each refused request.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ErrorResponsesTests {
    /// One refused request: method, path, body and the exact status and code expected.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        let contentType: String?
        let status: Int
        let code: String
        let field: String?

        init(_ name: String, _ method: HTTPRequest.Method, _ path: String, _ body: String?, _ status: Int, _ code: String, field: String? = nil, contentType: String? = "application/json") {
            self.name = name
            self.method = method
            self.path = path
            self.body = body
            self.status = status
            self.code = code
            self.field = field
            self.contentType = contentType
        }

        var testDescription: String { name }
    }

    static func transaction(_ postings: String, date: String = "2026-11-20") -> String {
        #"{"date":"\#(date)","postings":[\#(postings)]}"#
    }

    static let cases: [Case] = [
        // 400: the request itself is broken.
        Case("malformed JSON", .post, "/v1/transactions", #"{"date": "2026-11-20", "postings": ["#, 400, "malformed_json"),
        Case("body not an object", .post, "/v1/assets", #"[1,2]"#, 400, "invalid_request", field: "(body)"),
        Case("unknown field (typo in amount)", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amout":5},{"account":"income:contributions","asset":"USD","amount":-5}"#),
             400, "invalid_request", field: "postings[0].amout"),
        Case("missing field", .post, "/v1/assets", #"{"code":"KES"}"#, 400, "invalid_request", field: "scale"),
        Case("wrong type", .post, "/v1/assets", #"{"code":"KES","scale":"2"}"#, 400, "invalid_request", field: "scale"),
        Case("fractional amount", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":1.5},{"account":"income:contributions","asset":"USD","amount":-1.5}"#),
             400, "invalid_request", field: "postings[0].amount"),
        Case("amount beyond 64 bits", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":99999999999999999999},{"account":"income:contributions","asset":"USD","amount":-1}"#),
             400, "invalid_request", field: "postings[0].amount"),
        Case("bad limit", .get, "/v1/transactions?limit=0", nil, 400, "invalid_parameter", field: "limit"),
        Case("huge limit", .get, "/v1/accounts?limit=1001", nil, 400, "invalid_parameter", field: "limit"),
        Case("forged cursor", .get, "/v1/transactions?cursor=bm90LWEtY3Vyc29y", nil, 422, "invalid_cursor", field: "cursor"),
        Case("wrong list's cursor", .get, "/v1/accounts?cursor=YXNzZXQKVVNE", nil, 422, "invalid_cursor", field: "cursor"),
        Case("garbage cursor", .get, "/v1/assets?cursor=%%%", nil, 400, "invalid_parameter", field: "cursor"),
        Case("bad as_of", .get, "/v1/trial-balance?as_of=2026-02-30", nil, 400, "invalid_parameter", field: "as_of"),
        Case("bad account reference", .get, "/v1/accounts/NOT%20A%20CODE/balances", nil, 400, "invalid_parameter", field: "account"),
        // 405: the path exists, the method does not.
        Case("wrong method", .delete, "/v1/transactions", nil, 405, "method_not_allowed"),
        Case("trace", .trace, "/v1/accounts/assets:bank:usd/balances", nil, 405, "method_not_allowed"),
        // A transaction id spelled like the POST-only batch route is that route (documented).
        Case("GET on the batch route", .get, "/v1/transactions/batch", nil, 405, "method_not_allowed"),
        // 404: nothing there.
        Case("unknown route", .get, "/v1/nothing-here", nil, 404, "not_found"),
        Case("unknown account", .get, "/v1/accounts/assets:nowhere", nil, 404, "not_found"),
        Case("unknown account register", .get, "/v1/accounts/assets:nowhere/register", nil, 404, "not_found"),
        Case("unknown transaction", .get, "/v1/transactions/txn_00000000000000000000000000000000", nil, 404, "not_found"),
        Case("malformed transaction id", .get, "/v1/transactions/12", nil, 404, "not_found"),
        Case("reverse unknown", .post, "/v1/transactions/txn_00000000000000000000000000000000/reverse", nil, 404, "not_found"),
        Case("unknown asset", .get, "/v1/assets/XYZ", nil, 404, "not_found"),
        Case("filter by unknown account", .get, "/v1/transactions?account=assets:nowhere", nil, 404, "not_found"),
        // 409: conflicts with what exists.
        Case("asset exists", .post, "/v1/assets", #"{"code":"USD","scale":2}"#, 409, "asset_exists"),
        Case("account exists", .post, "/v1/accounts", #"{"code":"expenses:grants","type":"expense"}"#, 409, "account_exists"),
        // 415: not JSON.
        Case("form body", .post, "/v1/assets", "code=USD", 415, "unsupported_media_type", contentType: "application/x-www-form-urlencoded"),
        Case("no content type", .post, "/v1/assets", #"{"code":"KES","scale":2}"#, 415, "unsupported_media_type", contentType: nil),
        // 422: well-formed but against the ledger's rules.
        Case("unbalanced", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":5},{"account":"income:contributions","asset":"USD","amount":-4}"#),
             422, "unbalanced"),
        Case("zero amount", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":0},{"account":"income:contributions","asset":"USD","amount":0}"#),
             422, "validation_failed", field: "postings[0].amount"),
        Case("single posting", .post, "/v1/transactions", transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":5}"#),
             422, "validation_failed", field: "postings"),
        Case("amount beyond 2^53", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":9007199254740992},{"account":"income:contributions","asset":"USD","amount":-9007199254740992}"#),
             422, "validation_failed", field: "postings[0].amount"),
        Case("impossible date", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":5},{"account":"income:contributions","asset":"USD","amount":-5}"#, date: "2026-02-29"),
             422, "validation_failed", field: "date"),
        Case("unknown account in posting", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:chf","asset":"USD","amount":5},{"account":"income:contributions","asset":"USD","amount":-5}"#),
             422, "unknown_account"),
        Case("unknown asset in posting", .post, "/v1/transactions",
             transaction(#"{"account":"expenses:grants","asset":"CHF","amount":5},{"account":"income:contributions","asset":"CHF","amount":-5}"#),
             422, "unknown_asset"),
        Case("asset not allowed", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"EUR","amount":5},{"account":"income:contributions","asset":"EUR","amount":-5}"#),
             422, "asset_not_allowed"),
        Case("overdraft", .post, "/v1/transactions",
             transaction(#"{"account":"assets:bank:usd","asset":"USD","amount":-61},{"account":"expenses:grants","asset":"USD","amount":61}"#),
             422, "balance_constraint_violated"),
        Case("balance overflow", .post, "/v1/transactions",
             transaction(#"{"account":"expenses:grants","asset":"USD","amount":9007199254740991},{"account":"income:contributions","asset":"USD","amount":-9007199254740991}"#),
             422, "amount_overflow"),
        Case("bad asset code", .post, "/v1/assets", #"{"code":"usd","scale":19}"#, 422, "validation_failed", field: "code"),
        Case("bad account type", .post, "/v1/accounts", #"{"code":"assets:x","type":"cash"}"#, 422, "validation_failed", field: "type"),
        Case("metadata not an object", .post, "/v1/accounts", #"{"code":"assets:x","type":"asset","metadata":[1]}"#, 422, "validation_failed", field: "metadata"),
        Case("metadata with a float", .post, "/v1/accounts", #"{"code":"assets:x","type":"asset","metadata":{"rate":0.5}}"#, 400, "invalid_request", field: "metadata.rate"),
        Case("allowed asset unknown", .post, "/v1/accounts", #"{"code":"assets:x","type":"asset","allowed_assets":["CHF"]}"#, 422, "unknown_asset"),
        Case("close non-empty", .post, "/v1/accounts/expenses:grants/close", nil, 422, "account_not_empty"),
        Case("reserved metadata key", .post, "/v1/transactions",
             #"{"date":"2026-11-20","metadata":{"pledge_id":"x"},"postings":[{"account":"assets:bank:usd","asset":"USD","amount":5},{"account":"income:contributions","asset":"USD","amount":-5}]}"#,
             422, "validation_failed", field: "metadata.pledge_id"),
        Case("metadata integer beyond 2^53", .post, "/v1/transactions",
             #"{"date":"2026-11-20","metadata":{"n":1152921504606846976},"postings":[{"account":"assets:bank:usd","asset":"USD","amount":5},{"account":"income:contributions","asset":"USD","amount":-5}]}"#,
             422, "validation_failed", field: "metadata"),
        Case("batch item with a huge amount", .post, "/v1/transactions/batch",
             #"{"transactions":[{"idempotency_key":"k","date":"2026-11-20","metadata":{"n":1152921504606846976},"postings":[{"account":"assets:bank:usd","asset":"USD","amount":9223372036854775807},{"account":"income:contributions","asset":"USD","amount":-5}]}]}"#,
             422, "validation_failed", field: "transactions[0].postings[0].amount"),
        Case("control character", .post, "/v1/assets", #"{"code":"KES","scale":2,"name":"Kenyan\u0007shilling"}"#, 422, "validation_failed", field: "name"),
    ]

    @Test(arguments: cases)
    func refusedRequestsAreProblemsAndWriteNothing(_ testCase: Case) async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            // One grant so the bank and grants accounts hold balances, for the overflow
            // and not-empty cases.
            #expect(try await client.call(.post, "/v1/transactions", json: contribution(100)).status == .created)
            #expect(try await client.call(.post, "/v1/transactions", json: Self.transaction(
                #"{"account":"assets:bank:usd","asset":"USD","amount":-40},{"account":"expenses:grants","asset":"USD","amount":40}"#
            )).status == .created)
            let before = try await client.call(.get, "/v1/trial-balance")
            let transactionsBefore = try await client.call(.get, "/v1/transactions")

            let reply = try await client.call(testCase.method, testCase.path, json: testCase.body, contentType: testCase.contentType)
            #expect(Int(reply.status.code) == testCase.status, "\(reply.text)")
            #expect(reply.code == testCase.code, "\(reply.text)")
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(reply["type"] as? String == "urn:commons-ledger:problem:\(testCase.code)")
            #expect(reply["status"] as? Int == testCase.status)
            #expect((reply["title"] as? String)?.isEmpty == false)
            #expect((reply["detail"] as? String)?.isEmpty == false)
            if let field = testCase.field {
                let fields = (reply["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
                #expect(fields.contains(field), "\(reply.text)")
            }
            for secret in ["SELECT", "sqlite", "/tmp", ".swift", "GRDB"] {
                #expect(!reply.text.contains(secret), "response leaks \(secret)")
            }
            #expect(try await client.call(.get, "/v1/trial-balance").body == before.body)
            #expect(try await client.call(.get, "/v1/transactions").body == transactionsBefore.body)
        }
    }

    @Test func wholeNumbersSpelledWithAFractionAreTheSameInteger() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let reply = try await client.call(.post, "/v1/transactions", json: #"{"date":"2026-11-20","postings":[{"account":"assets:bank:usd","asset":"USD","amount":100.0},{"account":"income:contributions","asset":"USD","amount":-1e2}]}"#)
            #expect(reply.status == .created)
            #expect((reply["postings"] as? [[String: Any]])?.map { $0["amount"] as? Int } == [100, -100])
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await TestServer().run { client in
            let padding = String(repeating: " ", count: 1_048_577)
            let reply = try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"# + padding)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.code == "body_too_large")
            #expect(try await client.call(.get, "/v1/assets")["items"] as? [Any] != nil)
            #expect((try await client.call(.get, "/v1/assets")["items"] as? [Any])?.isEmpty == true)
        }
    }
}
