// Goal: schema/openapi.json is schema/openapi.yaml converted (by scripts/embed-resources):
// a key added to, removed from or renamed in either form without regenerating the other
// fails here. Both forms are served from the package resources, so this test is what keeps
// `/openapi.json` and `/openapi.yaml` the same document.
import Foundation
import Testing

@Suite struct OpenAPIConversionTests {
    /// The key paths of the YAML's block mappings (outside sequences), and those whose
    /// value is written on the key's own line (a scalar or a flow collection, not walked).
    struct YAMLKeys {
        var paths: Set<[String]> = []
        var inline: Set<[String]> = []
    }

    /// Reads the key structure of the block-style YAML the document is written in:
    /// indentation nests keys, `- ` starts a sequence item (not walked), `|` and `>` start
    /// block scalars (skipped).
    static func blockKeys(of yaml: String) -> YAMLKeys {
        var keys = YAMLKeys()
        var stack: [(indent: Int, key: String?)] = []
        var blockScalarIndent: Int?
        let keyPattern = /^('[^']*'|"[^"]*"|[^'"{\[][^:]*?):(?: (.*))?$/
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: true) {
            let text = line.drop { $0 == " " }
            if text.isEmpty || text.hasPrefix("#") { continue }
            let indent = line.count - text.count
            if let scalarIndent = blockScalarIndent {
                if indent > scalarIndent { continue }
                blockScalarIndent = nil
            }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            if text.hasPrefix("- ") || text == "-" {
                stack.append((indent, nil))
                continue
            }
            guard let match = String(text).wholeMatch(of: keyPattern) else { continue }
            let key = String(match.output.1).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            let value = String(match.output.2 ?? "").trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("|") || value.hasPrefix(">") { blockScalarIndent = indent }
            defer { stack.append((indent, key)) }
            if stack.contains(where: { $0.key == nil }) { continue }
            let path = stack.compactMap(\.key) + [key]
            keys.paths.insert(path)
            if !value.isEmpty { keys.inline.insert(path) }
        }
        return keys
    }

    /// Every key path of the JSON's objects that the YAML lacks, walking into an object
    /// only where the YAML writes it as a block mapping.
    static func pathsMissingFromYAML(
        _ json: [String: Any], _ keys: YAMLKeys, under prefix: [String] = []
    ) -> [[String]] {
        var missing: [[String]] = []
        for (key, value) in json {
            let path = prefix + [key]
            guard keys.paths.contains(path) else {
                missing.append(path)
                continue
            }
            if let object = value as? [String: Any], !keys.inline.contains(path) {
                missing += pathsMissingFromYAML(object, keys, under: path)
            }
        }
        return missing
    }

    static func hasPath(_ json: [String: Any], _ path: [String]) -> Bool {
        var current: Any = json
        for key in path {
            guard let object = current as? [String: Any], let next = object[key] else { return false }
            current = next
        }
        return true
    }

    @Test func jsonFormIsTheYAMLConverted() throws {
        let root = OpenAPIDocumentTests.root.appendingPathComponent("schema")
        let yaml = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let data = try Data(contentsOf: root.appendingPathComponent("openapi.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let keys = Self.blockKeys(of: yaml)
        // The document has thousands of keys; a scanner that read almost none would pass vacuously.
        #expect(keys.paths.count > 3_000)
        #expect(keys.paths.contains(["paths", "/v1/transactions", "post", "responses"]))
        let missingFromJSON = keys.paths.filter { !Self.hasPath(json, $0) }
            .sorted { $0.lexicographicallyPrecedes($1) }
        #expect(
            missingFromJSON.isEmpty,
            "keys in openapi.yaml, not openapi.json: \(missingFromJSON.prefix(5)); run scripts/embed-resources"
        )
        let missingFromYAML = Self.pathsMissingFromYAML(json, keys)
        #expect(
            missingFromYAML.isEmpty,
            "keys in openapi.json, not openapi.yaml: \(missingFromYAML.prefix(5)); run scripts/embed-resources"
        )
    }

    @Test func theScannerSeesAKeyAddedOnOneSide() throws {
        let yaml = "paths:\n  /a:\n    get:\n      summary: |\n        text: not a key\n      tags: [x]\n    post: {}\n"
        let keys = Self.blockKeys(of: yaml)
        #expect(keys.paths == [["paths"], ["paths", "/a"], ["paths", "/a", "get"], ["paths", "/a", "get", "summary"],
                               ["paths", "/a", "get", "tags"], ["paths", "/a", "post"]])
        let operations: [String: Any] = ["get": ["summary": "text", "tags": ["x"]], "post": [:], "put": [:]]
        let json: [String: Any] = ["paths": ["/a": operations]]
        #expect(Self.pathsMissingFromYAML(json, keys) == [["paths", "/a", "put"]])
    }
}
