// Goal: what anonymity and erasure promise, through the real router. An anonymous
// member's kind, country and region are private data: absent from the log, from public
// reports and from non-private views, shown to admins and auditors until erased; a
// state cannot be anonymous. An erasure leaves no trace of the registration in any file
// of the database — neither the name, the contact nor a hash of the request body.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerApplication
import LedgerTestSupport
import Testing

@Suite struct MemberPrivacyTests {
    /// Distinctive strings, so finding them in a file can only mean this registration.
    static let name = "Zanzibar Quillfeather Weavers"
    static let email = "qx7-erasure-probe@example.org"
    static let region = "Quillfeather Highlands"
    static let body = #"{"name":"\#(name)","kind":"movement","country":"PH","region":"\#(region)","visibility":"anonymous","contact":{"email":"\#(email)"}}"#

    /// The text of every log entry, as anyone may read it.
    static func logText(_ client: LedgerClient) async throws -> String {
        let entries = try await client.call(.get, "/v1/log/entries?limit=1000", as: .anonymous)
        return (entries["entries"] as? [[String: Any]] ?? []).compactMap { ($0["data"] as? String).flatMap { Data(base64Encoded: $0) } }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
    }

    @Test func anAnonymousMembersKindCountryAndRegionArePrivate() async throws {
        try await TestServer().run { client in
            let treasurer = try await client.token(for: "treasurer")
            let auditor = try await client.token(for: "auditor")
            let created = try await client.call(.post, "/v1/members", json: Self.body, as: .token(treasurer))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["id"] as? String)
            // Neither the creation response (kept for replays) nor a treasurer's view profiles it.
            for reply in [created, try await client.call(.get, "/v1/members/\(id)", as: .token(treasurer))] {
                #expect(reply["kind"] == nil && reply["country"] == nil && reply["region"] == nil, "\(reply.text)")
            }
            let asAuditor = try await client.call(.get, "/v1/members/\(id)", as: .token(auditor))
            #expect(asAuditor["kind"] as? String == "movement")
            #expect(asAuditor["country"] as? String == "PH")
            #expect(asAuditor["region"] as? String == Self.region)

            // The log holds null in their place.
            let log = try await Self.logText(client)
            #expect(!log.contains(Self.region))
            #expect(log.contains(#""country":null"#) && log.contains(#""kind":null"#) && log.contains(#""region":null"#))

            // Public reports group it under "(undisclosed)"; an auditor's report shows the region.
            let gift = #"{"member_id":"\#(id)","fund_id":"relief","asset":"USD","amount":500,"date":"2026-11-20"}"#
            try await client.seedChart()
            #expect(try await client.call(.post, "/v1/funds", json: #"{"code":"relief","name":"Relief","assets":["USD"]}"#).status == .created)
            #expect(try await client.call(.post, "/v1/contributions", json: gift, as: .token(treasurer)).status == .created)
            let report = try await client.call(.get, "/v1/reports/reciprocity", as: .anonymous)
            #expect(report.status == .ok, "\(report.text)")
            #expect(!report.text.contains(Self.region) && !report.text.contains("movement"))
            #expect(report.text.contains("(undisclosed)"))
            let audited = try await client.call(.get, "/v1/reports/reciprocity?audience=auditor", as: .token(auditor))
            #expect(audited.text.contains(Self.region))

            // After erasure not even an auditor sees them.
            #expect(try await client.call(.delete, "/v1/members/\(id)/private-data").status == .ok)
            let erased = try await client.call(.get, "/v1/members/\(id)", as: .token(auditor))
            #expect(erased["kind"] == nil && erased["region"] == nil, "\(erased.text)")
        }
    }

    @Test func aStateCannotBeAnonymous() async throws {
        try await TestServer().run { client in
            let state = #"{"name":"Republic of Somewhere","kind":"state","country":"KE","region":"East Africa","visibility":"anonymous"}"#
            let refused = try await client.call(.post, "/v1/members", json: state)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.code == "state_cannot_be_anonymous")
            let publicState = state.replacingOccurrences(of: #""anonymous""#, with: #""public""#)
            #expect(try await client.call(.post, "/v1/members", json: publicState).status == .created)
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "probes the SQLite file and its WAL"))
    func anErasureLeavesNoTraceInAnyFileOfTheDatabase() async throws {
        let server = try TestServer()
        let path = try #require(server.configuration.sqlitePath)
        try await server.run { client in
            let created = try await client.call(.post, "/v1/members", json: Self.body, headers: [.init("Idempotency-Key")!: "register-weavers"])
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["id"] as? String)
            let bodyHash = DatabaseFileProbe.sha256(Array(Self.body.utf8))
            let fingerprint = DatabaseFileProbe.sha256(Array("POST /v1/members\n".utf8) + Array(Self.body.utf8))
            let traces: [(String, [UInt8])] = [
                ("name", Array(Self.name.utf8)), ("contact", Array(Self.email.utf8)), ("region", Array(Self.region.utf8)),
                ("SHA-256 of the body", bodyHash), ("request fingerprint", fingerprint),
            ]
            // Before the erasure the database does hold them (else the test proves nothing).
            #expect(try !DatabaseFileProbe.files(of: path, containing: Array(Self.email.utf8)).isEmpty)
            #expect(try !DatabaseFileProbe.files(of: path, containing: fingerprint).isEmpty)

            #expect(try await client.call(.delete, "/v1/members/\(id)/private-data").status == .ok)
            for (label, bytes) in traces {
                let holders = try DatabaseFileProbe.files(of: path, containing: bytes)
                #expect(holders.isEmpty, "the \(label) survives the erasure in \(holders)")
            }
            // The key stays taken: replaying it is refused, never re-registered.
            let replay = try await client.call(.post, "/v1/members", json: Self.body, headers: [.init("Idempotency-Key")!: "register-weavers"])
            #expect(replay.code == "idempotency_key_reused", "\(replay.text)")
        }
    }

    @Test(.enabled(if: TestBackend.isSQLite, "probes the SQLite file and its WAL"))
    func aBeneficiarysNameIsPrivateAndErasableByAnAdmin() async throws {
        let server = try TestServer()
        let path = try #require(server.configuration.sqlitePath)
        try await server.run { client in
            let fixture = try await DisbursementLifecycleTests.setUp(client)
            let auditor = try await client.token(for: "auditor")
            let name = "Amara Okonkwo-Quillfeather"
            let request = #"{"fund_id":"health","beneficiary":"\#(name)","asset":"USD","amount":20000,"purpose":"Oxygen"}"#
            let created = try await client.call(.post, "/v1/disbursements", json: request, as: .token(fixture.treasurer))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["id"] as? String)
            let label = "Beneficiary " + id.dropFirst(4).prefix(8)
            #expect(created["beneficiary"] as? String == label)
            #expect((created["beneficiary_commitment"] as? String)?.count == 44)
            #expect(try await client.call(.get, "/v1/disbursements/\(id)", as: .token(fixture.treasurer))["beneficiary"] as? String == label)
            #expect(try await client.call(.get, "/v1/disbursements/\(id)", as: .token(auditor))["beneficiary"] as? String == name)
            _ = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(fixture.approver))
            _ = try await client.call(.post, "/v1/disbursements/\(id)/pay", as: .token(fixture.treasurer))
            // Neither the log entries nor the ledger descriptions (in the log too) hold the name.
            let log = try await Self.logText(client)
            #expect(!log.contains(name))
            #expect(log.contains(label))

            // Only an admin erases it; afterwards nobody sees it, and no file holds it.
            #expect(try await client.call(.delete, "/v1/disbursements/\(id)/beneficiary", as: .token(fixture.treasurer)).status == .forbidden)
            #expect(try await client.call(.delete, "/v1/disbursements/\(id)/beneficiary", as: .token(auditor)).status == .forbidden)
            #expect(try await client.call(.delete, "/v1/disbursements/\(id)/beneficiary", as: .anonymous).status == .unauthorized)
            let erased = try await client.call(.delete, "/v1/disbursements/\(id)/beneficiary")
            #expect(erased.status == .ok, "\(erased.text)")
            #expect(erased["beneficiary"] as? String == label)
            #expect(erased["beneficiary_erased_at"] as? String != nil)
            #expect(try await client.call(.get, "/v1/disbursements/\(id)", as: .token(auditor))["beneficiary"] as? String == label)
            #expect(try await DisbursementLifecycleTests.lastEntry(client) == ("disbursement.beneficiary_erased", "admin"))
            #expect(try DatabaseFileProbe.files(of: path, containing: Array(name.utf8)).isEmpty)
            #expect(try await client.call(.delete, "/v1/disbursements/\(id)/beneficiary").code == "beneficiary_not_erasable")
            // A member's grant has no beneficiary name to erase.
            let toMember = try await DisbursementLifecycleTests.request(client, fixture, amount: 1_000, as: .token(fixture.treasurer))
            #expect(try await client.call(.delete, "/v1/disbursements/\(toMember)/beneficiary").code == "beneficiary_not_erasable")
        }
    }
}
