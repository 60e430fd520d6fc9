// Goal: load the package's Swift files once (found from this file's #filePath, so the test
// needs no module of the package) and expose what the tidy checks read: lines, bodies, imports.
import Foundation

/// One Swift file of the package, scanned.
struct SourceFile {
    /// Path relative to the package root, e.g. `Sources/LedgerCore/Amount.swift`.
    let path: String
    let source: SwiftSource

    /// The folder right under `Sources/` or `Tests/`: the target's name by SwiftPM convention.
    var topFolder: String { path.split(separator: "/").dropFirst().first.map(String.init) ?? "" }

    /// Generated files (embedded resources) are exempt from the line-length rule.
    var isGenerated: Bool { path.contains("/Generated/") }

    /// One `import` declaration: the module and the line it is on.
    struct Import: Equatable {
        let module: String
        let line: Int
    }

    /// Modifiers and attributes that may precede `import` on its line.
    static let importPrefixes: Set<String> = [
        "@", "public", "internal", "package", "private", "fileprivate", "open", "testable",
        "preconcurrency", "_exported", "_implementationOnly", "_spi", "(", ")",
    ]
    static let importKinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]

    /// Every `import` declaration in the file (inside `#if` blocks too), with the top-level
    /// module named (`import struct NIOCore.ByteBuffer` imports `NIOCore`).
    var imports: [Import] {
        let tokens = source.tokens
        var found: [Import] = []
        for index in tokens.indices where tokens[index].kind == .word && tokens[index].text == "import" {
            var back = index - 1
            while back >= 0, tokens[back].line == tokens[index].line, Self.importPrefixes.contains(tokens[back].text) {
                back -= 1
            }
            guard back < 0 || tokens[back].line < tokens[index].line else { continue }
            var next = index + 1
            if next < tokens.count, Self.importKinds.contains(tokens[next].text) { next += 1 }
            guard next < tokens.count, tokens[next].kind == .word else { continue }
            found.append(Import(module: tokens[next].text, line: tokens[index].line))
        }
        return found
    }
}

/// The package's files, read once for all checks.
enum SourceTree {
    /// The package root: three levels above this file (`Tests/TidyTests/SourceTree.swift`).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `.swift` file under `Sources/`.
    static let sources: [SourceFile] = files(under: "Sources")
    /// Every `.swift` file under `Tests/`.
    static let tests: [SourceFile] = files(under: "Tests")
    /// The targets declared in Package.swift.
    static let manifest = PackageManifest(text: read("Package.swift"))

    static func read(_ relativePath: String) -> String {
        let url = root.appendingPathComponent(relativePath)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("cannot read \(url.path)")
        }
        return text
    }

    static func files(under folder: String) -> [SourceFile] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            return []
        }
        var paths: [String] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count)
            paths.append(String(relative.drop { $0 == "/" }))
        }
        return paths.sorted().map { SourceFile(path: $0, source: SwiftSource(text: read($0))) }
    }
}
