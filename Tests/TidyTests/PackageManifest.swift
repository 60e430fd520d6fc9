// Goal: read Package.swift's targets (name, kind, folder, dependencies) with the same token
// scanner, so the import checks know which modules each target declares.

/// The targets declared in Package.swift, as far as the import checks need them.
struct PackageManifest {
    /// One `.target`, `.executableTarget` or `.testTarget` entry.
    struct Target: Equatable {
        let name: String
        let isTest: Bool
        /// The folder holding the target's sources, relative to the package root.
        let path: String
        /// The modules the target may import: its target dependencies and the modules of its
        /// product dependencies.
        let dependencies: Set<String>
    }

    /// Product names whose module name differs from the product's (none in this package yet:
    /// every product used here builds a module of the same name).
    static let moduleOfProduct: [String: String] = [:]

    let targets: [Target]

    init(text: String) {
        let source = SwiftSource(text: text)
        let tokens = source.tokens
        let closing = source.closingIndex
        var targets: [Target] = []
        var index = 0
        while index + 2 < tokens.count {
            defer { index += 1 }
            guard tokens[index].text == ".",
                ["target", "executableTarget", "testTarget"].contains(tokens[index + 1].text),
                tokens[index + 2].text == "(", let close = closing[index + 2]
            else { continue }
            // `.target(name:)` inside a dependency list names a dependency, not a new target.
            defer { index = close }
            let arguments = Array(tokens[(index + 3)..<close])
            guard let name = Self.string(after: "name", in: arguments) else { continue }
            let isTest = tokens[index + 1].text == "testTarget"
            var path = Self.string(after: "path", in: arguments) ?? (isTest ? "Tests/" : "Sources/") + name
            // A target rooted at the package (to bundle files from schema/) names its code in `sources:`.
            if path == ".", let sources = Self.firstString(inArrayAfter: "sources", in: arguments) { path = sources }
            let dependencies = Self.dependencies(in: arguments)
            targets.append(Target(name: name, isTest: isTest, path: path, dependencies: dependencies))
        }
        self.targets = targets
    }

    /// The unquoted string after the first `label:` among the call's own arguments.
    static func string(after label: String, in arguments: [SourceToken]) -> String? {
        var depth = 0
        for index in arguments.indices.dropLast(2) {
            let token = arguments[index]
            if ["(", "["].contains(token.text) { depth += 1 }
            if [")", "]"].contains(token.text) { depth -= 1 }
            if depth == 0, token.text == label, arguments[index + 1].text == ":",
                arguments[index + 2].kind == .string {
                return unquoted(arguments[index + 2].text)
            }
        }
        return nil
    }

    /// The first string of the `label: [...]` array among the call's own arguments.
    static func firstString(inArrayAfter label: String, in arguments: [SourceToken]) -> String? {
        for index in arguments.indices.dropLast(3)
        where arguments[index].text == label && arguments[index + 1].text == ":" && arguments[index + 2].text == "[" {
            return arguments[index + 3].kind == .string ? unquoted(arguments[index + 3].text) : nil
        }
        return nil
    }

    /// Module names in the `dependencies: [...]` argument: plain strings, `.target(name:)`,
    /// `.byName(name:)` and `.product(name:package:)` (mapped to its module).
    static func dependencies(in arguments: [SourceToken]) -> Set<String> {
        guard let start = arguments.indices.first(where: {
            arguments[$0].text == "dependencies" && $0 + 2 < arguments.count && arguments[$0 + 1].text == ":"
        }) else { return [] }
        var modules: Set<String> = []
        var depth = 0
        var index = start + 2
        var lastCall = ""
        while index < arguments.count {
            let token = arguments[index]
            if ["(", "["].contains(token.text) { depth += 1 }
            if [")", "]"].contains(token.text) {
                depth -= 1
                if depth == 0 { break }
            }
            if token.kind == .word && index > 0 && arguments[index - 1].text == "." { lastCall = token.text }
            if token.kind == .string {
                let previous = arguments[index - 2].text
                if depth == 1 {
                    modules.insert(unquoted(token.text))
                } else if previous == "name" {
                    let name = unquoted(token.text)
                    modules.insert(lastCall == "product" ? moduleOfProduct[name] ?? name : name)
                }
            }
            index += 1
        }
        return modules
    }

    static func unquoted(_ literal: String) -> String {
        String(literal.drop { $0 == "#" || $0 == "\"" }.reversed().drop { $0 == "#" || $0 == "\"" }.reversed())
    }
}
