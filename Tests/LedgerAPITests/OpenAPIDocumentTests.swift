// Goal: the OpenAPI document and the router describe the same API — a route the
// document lacks, or a documented route that does not exist, fails the suite — and the
// served document is the one in schema/.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerCore
import LedgerTestSupport
import Logging
import Testing

@Suite struct OpenAPIDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func documentedOperations() throws -> Set<String> {
        let data = try Data(contentsOf: root.appendingPathComponent("schema/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test func everyProblemCodeTheAPIRaisesIsInTheDocumentsList() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("schema/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let problem = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?["Problem"] as? [String: Any]
        let code = (problem?["properties"] as? [String: Any])?["code"] as? [String: Any]
        let documented = Set(try #require(code?["enum"] as? [String]))
        // Every problem the API builds names its code as `code: "…"`: the HTTP layer's in
        // WireContract's Problem+HTTP.swift (and the framework's `http_error` in LedgerAPI),
        // the business rejections' in LedgerCore's RejectionText.swift.
        var raised: Set<String> = []
        for folder in ["Sources/LedgerAPI", "Sources/WireContract", "Sources/LedgerCore"] {
            let sources = Self.root.appendingPathComponent(folder)
            for file in try FileManager.default.contentsOfDirectory(atPath: sources.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
                for match in text.matches(of: /code: "([a-z_]+)"/) { raised.insert(String(match.output.1)) }
            }
        }
        #expect(raised.count > 30)
        #expect(raised.subtracting(documented).isEmpty, "codes missing from the Problem schema's list: \(raised.subtracting(documented).sorted())")
        #expect(documented.subtracting(raised).isEmpty, "listed codes nothing raises: \(documented.subtracting(raised).sorted())")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let ledger = try await TestLedger(backend: .sqlite)
        let router = buildRouter(store: ledger.store)
        let routed = Set(router.routes.map { route in
            // Hummingbird prints parameters as {name} or :name; the document uses {name}. The
            // one catch-all route (`/tlog/tile/**`) is documented as `/tlog/tile/{tile_path}`.
            let path = route.path.description.split(separator: "/").map { segment in
                segment == "**" ? "{tile_path}" : segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return "\(route.method.rawValue) /\(path)"
        })
        let documented = try Self.documentedOperations()
        #expect(routed.count > 15)
        #expect(routed.subtracting(documented).isEmpty, "routes missing from schema/openapi.yaml: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented routes that do not exist: \(documented.subtracting(routed).sorted())")
    }

    @Test func servedDocumentsMatchTheSchemaFolder() async throws {
        let yaml = try String(contentsOf: Self.root.appendingPathComponent("schema/openapi.yaml"), encoding: .utf8)
        let json = try Data(contentsOf: Self.root.appendingPathComponent("schema/openapi.json"))
        try await TestServer().run { client in
            let servedYAML = try await client.call(.get, "/openapi.yaml")
            #expect(servedYAML.status == .ok)
            #expect(servedYAML.text == yaml, "served YAML is not schema/openapi.yaml")
            let servedJSON = try await client.call(.get, "/openapi.json")
            #expect(servedJSON.headers[.contentType] == "application/json")
            #expect(servedJSON.body == Array(json), "served JSON is not schema/openapi.json")
        }
    }
}

/// Goal: the document shows each operation's access exactly as the route policy
/// enforces it: public operations allow anonymous calls, every other one requires the
/// bearer scheme, and `x-roles` lists the roles the policy lets in.
@Suite struct OpenAPISecurityTests {
    @Test func everyOperationsSecurityMatchesThePolicy() throws {
        let data = try Data(contentsOf: OpenAPIDocumentTests.root.appendingPathComponent("schema/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var checked = 0
        for (path, item) in paths {
            for (method, value) in item as? [String: Any] ?? [:] where ["get", "post", "put", "patch", "delete"].contains(method) {
                let operation = try #require(value as? [String: Any])
                // The document's `{tile_path}` is the router's catch-all `**`.
                let routed = path.replacingOccurrences(of: "{tile_path}", with: "**")
                let access = RoutePolicy.access(method: method.uppercased(), path: routed)
                let security = operation["security"] as? [[String: Any]] ?? []
                let allowsAnonymous = security.contains { $0.isEmpty }
                let roles = Set(operation["x-roles"] as? [String] ?? [])
                switch access {
                case .everyone:
                    #expect(allowsAnonymous, "\(method) \(path) is public but its security needs a key")
                    #expect(roles == ["public"], "\(method) \(path)")
                case .roles(let allowed):
                    #expect(!allowsAnonymous, "\(method) \(path) needs a key but the document allows anonymous calls")
                    #expect(security.contains { $0["bearerAuth"] != nil }, "\(method) \(path)")
                    #expect(roles == Set(allowed.map(\.rawValue)).union(["admin"]), "\(method) \(path) x-roles")
                }
                checked += 1
            }
        }
        #expect(checked == RoutePolicy.table.count)
    }
}
