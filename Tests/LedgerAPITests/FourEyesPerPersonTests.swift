// Goal: four eyes counts people, not keys (security review, finding 5). An admin can mint
// a second approver key for the same person, or an approver key for the requester's
// person; neither approval may count — through the router, and again in the database (a
// trigger, probed with hand-written SQL as an operator or an attacker with the file
// would). Staff names stay out of the public log (finding 9) and are shown to admins only.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerApplication
import LedgerTestSupport
import Testing

@Suite struct FourEyesPerPersonTests {
    /// Creates a key held by a new person named `person`, or by the existing `personID`;
    /// returns the token and the key's person id as the API answered them.
    static func key(
        _ client: LedgerClient, role: String, name: String, person: String? = nil, personID: String? = nil
    ) async throws -> (token: String, keyID: String, personID: String) {
        var body = #"{"name":"\#(name)","role":"\#(role)""#
        if let person { body += #","person_name":"\#(person)""# }
        if let personID { body += #","person_id":"\#(personID)""# }
        let reply = try await client.call(.post, "/v1/keys", json: body + "}")
        #expect(reply.status == .created, "\(reply.text)")
        return (
            try #require(reply["token"] as? String), try #require(reply["id"] as? String),
            try #require(reply["person_id"] as? String)
        )
    }

    /// Fund "health" with two approvals above 1,000.00 and 5,000.00 of cash, one member.
    static func fund(_ client: LedgerClient) async throws -> String {
        #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#).status == .created)
        let fund = #"{"code":"health","name":"Health","assets":["USD"],"two_approvals_above":{"USD":100000}}"#
        #expect(try await client.call(.post, "/v1/funds", json: fund).status == .created)
        let memberBody = #"{"name":"Clinic","kind":"community","country":"HT","region":"Caribbean","#
            + #""visibility":"public"}"#
        let member = try #require(try await client.call(.post, "/v1/members", json: memberBody)["id"] as? String)
        let gift = #"{"member_id":"\#(member)","fund_id":"health","asset":"USD","amount":500000,"date":"2026-11-20"}"#
        #expect(try await client.call(.post, "/v1/contributions", json: gift).status == .created)
        return member
    }

    static func request(_ client: LedgerClient, member: String, amount: Int, as caller: Caller) async throws -> String {
        let body = #"{"fund_id":"health","member_id":"\#(member)","asset":"USD","amount":\#(amount),"#
            + #""purpose":"Medicines"}"#
        let reply = try await client.call(.post, "/v1/disbursements", json: body, as: caller)
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(reply["id"] as? String)
    }

    @Test func twoKeysOfOnePersonApproveOnce() async throws {
        try await TestServer().run { client in
            let member = try await Self.fund(client)
            let treasurer = try await Self.key(client, role: "treasurer", name: "Amina T", person: "Amina O")
            let first = try await Self.key(client, role: "approver", name: "João (approver)", person: "João Silva")
            let second = try await Self.key(client, role: "approver", name: "João phone", personID: first.personID)
            #expect(second.personID == first.personID)
            let other = try await Self.key(client, role: "approver", name: "Priya (approver)", person: "Priya Raman")
            let id = try await Self.request(client, member: member, amount: 250_000, as: .token(treasurer.token))
            let approved = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(first.token))
            #expect(approved["status"] as? String == "requested")
            // The same person with another key: one pair of eyes, refused.
            let again = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(second.token))
            #expect(again.status == .conflict)
            #expect(again.code == "already_approved")
            #expect(approved["approvals"] as? Int == 1)
            let steps = try #require(approved["steps"] as? [[String: Any]])
            #expect((steps.first?["principal"] as? [String: Any])?["person_id"] as? String == first.personID)
            let done = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(other.token))
            #expect(done["status"] as? String == "approved", "\(done.text)")
        }
    }

    @Test func theRequestersPersonNeverApprovesWithAnotherKey() async throws {
        try await TestServer().run { client in
            let member = try await Self.fund(client)
            let treasurer = try await Self.key(client, role: "treasurer", name: "Amina T", person: "Amina O")
            let ownApprover = try await Self.key(
                client, role: "approver", name: "Amina A", personID: treasurer.personID
            )
            let id = try await Self.request(client, member: member, amount: 50_000, as: .token(treasurer.token))
            let own = try await client.call(.post, "/v1/disbursements/\(id)/approve", as: .token(ownApprover.token))
            #expect(own.status == .unprocessableContent)
            #expect(own.code == "self_approval")
            let state = try await client.call(.get, "/v1/disbursements/\(id)")
            #expect(state["status"] as? String == "requested")
            // An unknown person is refused, not silently created.
            let unknown = #"{"name":"x","role":"approver","person_id":"prs_\#(String(repeating: "0", count: 32))"}"#
            #expect(try await client.call(.post, "/v1/keys", json: unknown).code == "unknown_reference")
            let both = #"{"name":"x","role":"approver","person_id":"\#(treasurer.personID)","person_name":"y"}"#
            #expect(try await client.call(.post, "/v1/keys", json: both).code == "validation_failed")
            // Only an admin may name a key's person: a treasurer cannot mint keys at all.
            let minted = try await client.call(
                .post, "/v1/keys", json: #"{"name":"x","role":"approver","person_id":"\#(treasurer.personID)"}"#,
                as: .token(treasurer.token)
            )
            #expect(minted.status == .forbidden)
        }
    }

    /// A cash adjustment (money out of a fund's cash beyond its allowance) follows the
    /// same rule: the requester's person never approves it, whichever key they hold.
    @Test func theRequestersPersonNeverApprovesACashAdjustment() async throws {
        try await TestServer().run { client in
            _ = try await Self.fund(client)
            let fees = #"{"code":"expenses:bank-fees","type":"expense"}"#
            #expect(try await client.call(.post, "/v1/accounts", json: fees).status == .created)
            let treasurer = try await Self.key(client, role: "treasurer", name: "Amina T", person: "Amina O")
            let ownApprover = try await Self.key(
                client, role: "approver", name: "Amina A", personID: treasurer.personID
            )
            let other = try await Self.key(client, role: "approver", name: "Priya (approver)", person: "Priya Raman")
            let body = #"{"asset":"USD","amount":2500,"counter_account":"expenses:bank-fees","#
                + #""date":"2026-11-30","reason":"Bank fee"}"#
            let requested = try await client.call(
                .post, "/v1/funds/health/cash-adjustments", json: body, as: .token(treasurer.token)
            )
            #expect(requested.status == .created, "\(requested.text)")
            let id = try #require(requested["id"] as? String)
            let own = try await client.call(.post, "/v1/cash-adjustments/\(id)/approve", as: .token(ownApprover.token))
            #expect(own.status == .unprocessableContent)
            #expect(own.code == "self_approval")
            let done = try await client.call(.post, "/v1/cash-adjustments/\(id)/approve", as: .token(other.token))
            #expect(done.status == .ok, "\(done.text)")
            #expect(done["status"] as? String == "posted", "\(done.text)")
        }
    }

    /// The database refuses what the Swift rule refuses, whoever writes the row.
    @Test(.enabled(if: TestBackend.isSQLite, "scripts/postgres-schema-test covers PostgreSQL's trigger"))
    func theTriggerRefusesApprovalRowsOfTheSamePerson() async throws {
        let server = try TestServer()
        let path = try #require(server.configuration.sqlitePath)
        try await server.run { client in
            let member = try await Self.fund(client)
            let treasurer = try await Self.key(client, role: "treasurer", name: "Amina T", person: "Amina O")
            let ownApprover = try await Self.key(
                client, role: "approver", name: "Amina A", personID: treasurer.personID
            )
            let first = try await Self.key(client, role: "approver", name: "João (approver)", person: "João Silva")
            let second = try await Self.key(client, role: "approver", name: "João (phone)", personID: first.personID)
            let other = try await Self.key(client, role: "approver", name: "Priya (approver)", person: "Priya Raman")
            let id = try await Self.request(client, member: member, amount: 250_000, as: .token(treasurer.token))
            func insert(_ position: Int, _ keyID: String) throws {
                try DatabaseShell.execute(path: path, sql: """
                    INSERT INTO disbursement_steps
                        (disbursement_id, position, kind, principal_key, principal_name, principal_role, at)
                    VALUES
                        ('\(id)', \(position), 'approve', '\(keyID)', 'by hand', 'approver',
                         '2026-11-21T00:00:00.000000Z');
                    """)
            }
            #expect(throws: DatabaseShell.Failure.self) { try insert(0, ownApprover.keyID) }
            #expect(throws: DatabaseShell.Failure.self) { try insert(0, treasurer.keyID) }
            try insert(0, first.keyID)
            #expect(throws: DatabaseShell.Failure.self) { try insert(1, second.keyID) }
            #expect(throws: DatabaseShell.Failure.self) { try insert(1, first.keyID) }
            try insert(1, other.keyID)
            let count = try DatabaseShell.scalar(
                path: path, sql: "SELECT count(*) FROM disbursement_steps WHERE disbursement_id = '\(id)'"
            )
            #expect(count == "2")
        }
    }

    @Test func staffNamesStayOutOfThePublicLogAndAwayFromAuditors() async throws {
        try await TestServer().run { client in
            let treasurer = try await Self.key(client, role: "treasurer", name: "Zanele key", person: "Zanele Person")
            let auditor = try await Self.key(client, role: "auditor", name: "Auditor key", person: "Auditor Person")
            #expect(try await client.call(.post, "/v1/assets", json: #"{"code":"USD","scale":2}"#).status == .created)
            let account = #"{"code":"assets:bank","type":"asset"}"#
            #expect(try await client.call(.post, "/v1/accounts", json: account).status == .created)
            let entries = try await client.call(.get, "/v1/log/entries?start=0", as: .anonymous)
            let list = try #require(entries["entries"] as? [[String: Any]])
            let texts = list.compactMap { ($0["data"] as? String).flatMap { Data(base64Encoded: $0) } }
                .map { String(decoding: $0, as: UTF8.self) }
            #expect(texts.count == list.count && texts.count >= 4)
            for name in ["Zanele key", "Zanele Person", "Auditor key", "Auditor Person", "first admin"] {
                #expect(!texts.contains { $0.contains(name) }, "\(name) is in the public log")
            }
            let created = try #require(texts.first { text in
                text.contains(treasurer.keyID) && text.contains(#""kind":"key.created""#)
            })
            #expect(created.contains(#""person_id":"\#(treasurer.personID)""#))
            #expect(created.contains(#""private_data_commitment":""#))
            // Admins see names; auditors see keys, roles and people, not names.
            let asAdmin = try await client.call(.get, "/v1/keys")
            #expect(asAdmin.text.contains("Zanele Person") && asAdmin.text.contains("Zanele key"))
            let asAuditor = try await client.call(.get, "/v1/keys", as: .token(auditor.token))
            #expect(asAuditor.status == .ok)
            #expect(asAuditor.text.contains(treasurer.personID))
            #expect(!asAuditor.text.contains("Zanele"))
        }
    }
}
