// Goal: access is exactly what the single route policy says — every route, every role
// and the public, generated from `RoutePolicy.table`, not written twice — and keys that
// are unknown, malformed, revoked or expired are refused with 401.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerCore
import LedgerTestSupport
import Testing

@Suite struct AccessControlTests {
    @Test func thePolicyCoversEveryRouteAndNothingElse() async throws {
        let ledger = try await TestLedger(backend: .sqlite)
        let routed = Set(buildRouter(store: try ledger.sqliteStore()).routes.map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(routed == Set(RoutePolicy.table.keys))
    }

    @Test func everyRouteForEveryRoleMatchesThePolicy() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let gift = try await client.call(.post, "/v1/transactions", json: contribution(500))
            let transactionID = try #require(gift["id"] as? String)
            var tokens: [Role: String] = [.admin: client.adminToken]
            for role in Role.allCases where role != .admin {
                tokens[role] = try await client.token(for: role.rawValue)
            }
            let spare = try await client.call(.post, "/v1/keys", json: #"{"name":"spare","role":"auditor"}"#)
            let spareID = try #require(spare["id"] as? String)
            let values = ["{account}": "expenses:grants", "{code}": "USD"]
            var checked = 0
            for (route, access) in RoutePolicy.table.sorted(by: { $0.key < $1.key }) {
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(rawValue: String(parts[0]))!
                var path = String(parts[1])
                for (placeholder, value) in values { path = path.replacingOccurrences(of: placeholder, with: value) }
                path = path.replacingOccurrences(of: "{id}", with: path.hasPrefix("/v1/keys") ? spareID : transactionID)
                let body: String? = method == .post ? "{}" : nil
                let callers: [(Principal?, Caller)] = [(nil, .anonymous)] + Role.allCases.map { role in
                    (Principal(keyID: "k", name: role.rawValue, role: role), Caller.token(tokens[role]!))
                }
                for (principal, caller) in callers {
                    let reply = try await client.call(method, path, json: body, as: caller)
                    let who = principal?.role?.rawValue ?? "public"
                    if access.allows(principal) {
                        #expect(![401, 403].contains(reply.status.code), "\(who) must be allowed \(route): \(reply.text)")
                    } else {
                        #expect(reply.status.code == (principal == nil ? 401 : 403), "\(who) must be refused \(route): \(reply.text)")
                        #expect(reply.code == (principal == nil ? "unauthenticated" : "forbidden"))
                    }
                    checked += 1
                }
            }
            #expect(checked == RoutePolicy.table.count * 5)
        }
    }

    @Test func badRevokedAndExpiredKeysAre401() async throws {
        let server = try TestServer()
        try await server.run { client in
            let treasurer = try await client.token(for: "treasurer")
            #expect(try await client.call(.get, "/v1/accounts", as: .token(treasurer)).status == .ok)
            for bad in ["nonsense", "key_00000000000000000000000000000000.AAAA", treasurer + "x", String(treasurer.dropLast())] {
                let reply = try await client.call(.get, "/v1/accounts", as: .token(bad))
                #expect(reply.status == .unauthorized)
                #expect(reply.headers[.wwwAuthenticate] == #"Bearer realm="commons-ledger""#)
            }
            let basic = try await client.call(.get, "/v1/accounts", headers: [.authorization: "Basic YWRtaW46YWRtaW4="], as: .anonymous)
            #expect(basic.status == .unauthorized)

            let id = try #require(treasurer.split(separator: ".").first.map(String.init))
            let revoked = try await client.call(.post, "/v1/keys/\(id)/revoke")
            #expect(revoked.status == .ok)
            #expect(revoked["revoked_at"] as? String != nil)
            #expect(try await client.call(.get, "/v1/accounts", as: .token(treasurer)).status == .unauthorized)
            #expect(try await client.call(.post, "/v1/keys/\(id)/revoke").code == "key_already_revoked")

            let shortLived = try await client.token(for: "auditor", expiresAt: "2026-11-25T13:00:00.000000Z")
            #expect(try await client.call(.get, "/v1/accounts", as: .token(shortLived)).status == .ok)
            server.clock.advance(microseconds: 3_600_000_000)
            #expect(try await client.call(.get, "/v1/accounts", as: .token(shortLived)).status == .unauthorized)
            // Public routes need no key, but a presented bad key is still refused.
            #expect(try await client.call(.get, "/v1/log/checkpoint", as: .anonymous).status == .ok)
            #expect(try await client.call(.get, "/v1/log/checkpoint", as: .token(shortLived)).status == .unauthorized)
        }
    }

    @Test func keysAreListedWithoutSecretsAndWritesNameTheirPrincipal() async throws {
        try await TestServer().run { client in
            try await client.seedChart()
            let treasurer = try await client.token(for: "treasurer")
            let recorded = try await client.call(.post, "/v1/transactions", json: contribution(700), as: .token(treasurer))
            #expect(recorded.status == .created)
            let list = try await client.call(.get, "/v1/keys")
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.allSatisfy { $0["token"] == nil })
            #expect(!list.text.contains(String(treasurer.split(separator: ".")[1])))
            // The transaction's log entry names the treasurer's key, never its token.
            let id = try #require(recorded["id"] as? String)
            let proof = try await client.call(.get, "/v1/transactions/\(id)/proof", as: .anonymous)
            let entry = try #require(proof["entry"] as? [String: Any])
            let text = String(decoding: Data(base64Encoded: entry["data"] as? String ?? "") ?? Data(), as: UTF8.self)
            let treasurerID = String(treasurer.split(separator: ".")[0])
            // Since people exist (finding 9), the entry names the key's person, never the
            // key's name: the log is public and permanent, staff names are personal data.
            let personID = try #require(items.first { $0["id"] as? String == treasurerID }?["person_id"] as? String)
            #expect(text.contains(#""principal":{"key_id":"\#(treasurerID)","person_id":"\#(personID)","role":"treasurer"}"#))
            #expect(!text.contains("treasurer for tests"))
            #expect(!text.contains(String(treasurer.split(separator: ".")[1])))
            // Idempotency keys are per principal: the admin's same key is a different request.
            let headers: HTTPFields = [.init("Idempotency-Key")!: "shared-key"]
            let first = try await client.call(.post, "/v1/transactions", json: contribution(5), headers: headers, as: .token(treasurer))
            let second = try await client.call(.post, "/v1/transactions", json: contribution(5), headers: headers)
            #expect(first.status == .created && second.status == .created)
            #expect(first["id"] as? String != second["id"] as? String)
        }
    }
}
