// Goal: each framework stays behind the one module that owns it (GRDB in LedgerStorage;
// Hummingbird, NIO and ServiceLifecycle in LedgerAPI and the benchmark's echo baseline;
// HTTPTypes, HTTP's vocabulary without a server, also in WireContract; PostgresNIO in
// PostgresStorage), the
// pure modules import only each other and swift-crypto, and every module a file imports is
// declared among its target's dependencies in Package.swift, with `MemberImportVisibility`
// on for every target.
import Testing

@Suite struct ImportRulesTests {
    /// The modules whose code must stay pure: no I/O, no framework, no clock.
    static let pureModules: Set<String> = ["LedgerCore", "FundCore", "AuditLog", "Reports", "LedgerSQL"]
    /// What a pure module may import: the other pure modules, and swift-crypto (hashing and
    /// Ed25519 over byte arrays, no I/O).
    static let pureImportsAllowed: Set<String> = pureModules.union(["Crypto"])

    /// Framework modules, and the only `Sources/` targets that may import them.
    static func ownersOf(framework module: String) -> Set<String>? {
        if module == "GRDB" { return ["LedgerStorage"] }
        // HTTP's vocabulary (statuses, header fields) without the server: the wire contract.
        if module == "HTTPTypes" { return ["WireContract", "LedgerAPI", "LedgerBench"] }
        if module == "PostgresNIO" { return ["PostgresStorage"] }
        // TLS for the server (LedgerAPI) and for connections to PostgreSQL.
        if module == "NIOSSL" { return ["LedgerAPI", "LedgerBench", "PostgresStorage"] }
        // The event loops and blocking threads of the PostgreSQL client.
        if module == "NIOCore" || module == "NIOPosix" { return ["LedgerAPI", "LedgerBench", "PostgresStorage"] }
        let http = module.hasPrefix("Hummingbird") || module.hasPrefix("NIO") || module == "ServiceLifecycle"
        return http ? ["LedgerAPI", "LedgerBench"] : nil
    }

    /// Modules of the toolchain and the system, which need no entry in Package.swift.
    static let systemModules: Set<String> = [
        "Swift", "_Concurrency", "_StringProcessing", "RegexBuilder", "Observation", "Synchronization",
        "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch",
        "Glibc", "Musl", "Darwin", "Android", "Bionic", "WinSDK", "ucrt", "os", "SQLite3", "CSQLite",
        "Testing", "XCTest",
    ]

    @Test func frameworksAreImportedOnlyByTheirOwners() {
        for file in SourceTree.sources {
            for found in file.imports {
                guard let owners = Self.ownersOf(framework: found.module), !owners.contains(file.topFolder) else {
                    continue
                }
                let list = owners.sorted().joined(separator: ", ")
                Issue.record("\(file.path):\(found.line): imports \(found.module), which only \(list) may import")
            }
        }
    }

    @Test func pureModulesImportOnlyPureModulesAndCrypto() {
        var checked = 0
        for file in SourceTree.sources where Self.pureModules.contains(file.topFolder) {
            checked += 1
            for found in file.imports where !Self.pureImportsAllowed.contains(found.module) {
                Issue.record("""
                    \(file.path):\(found.line): the pure module \(file.topFolder) imports \(found.module); \
                    it may import only \(Self.pureImportsAllowed.sorted().joined(separator: ", "))
                    """)
            }
        }
        #expect(checked > 40)
    }

    @Test func everyImportedModuleIsDeclared() {
        let targets = SourceTree.manifest.targets
        #expect(targets.count >= 10)
        for file in SourceTree.sources + SourceTree.tests {
            guard let target = targets.first(where: { file.path.hasPrefix($0.path + "/") }) else {
                Issue.record("\(file.path):1: belongs to no target of Package.swift")
                continue
            }
            for found in file.imports {
                let module = found.module
                guard !Self.systemModules.contains(module), !target.dependencies.contains(module) else { continue }
                Issue.record("""
                    \(file.path):\(found.line): imports \(module), which the target \(target.name) \
                    does not declare in Package.swift
                    """)
            }
        }
    }

    /// `MemberImportVisibility` is on for every target, so the compiler refuses a member of
    /// a module the file does not import itself; with the test above, every module a file
    /// uses is imported there and declared here.
    @Test func memberImportVisibilityIsOnForEveryTarget() {
        let manifest = SourceTree.read("Package.swift")
        let packageStart = manifest.firstRange(of: "let package = Package(")?.lowerBound ?? manifest.endIndex
        #expect(manifest[..<packageStart].contains(".enableUpcomingFeature(\"MemberImportVisibility\")"))
        let targets = SourceTree.manifest.targets.count
        let strict = manifest.ranges(of: "swiftSettings: strictSettings").count
        #expect(strict == targets, "\(targets) targets, \(strict) with strictSettings")
    }

    /// The offline commands (`verify`, `report`, `export`, `import`, `keys`, `demo`) reach
    /// no HTTP code: only `serve` and `witness serve` import the HTTP module, so an auditor's tools do not
    /// depend on the server's; and only the HTTP tests import it among the tests.
    @Test func onlyServeAndTheHTTPTestsImportTheHTTPModule() {
        for file in SourceTree.sources + SourceTree.tests {
            let allowed = ["Sources/CommonsLedger/Serve.swift", "Sources/CommonsLedger/WitnessServe.swift"]
                .contains(file.path)
                || ["LedgerAPI", "LedgerAPITests", "LedgerBench"].contains(file.topFolder)
            for found in file.imports where found.module == "LedgerAPI" && !allowed {
                Issue.record("\(file.path):\(found.line): imports LedgerAPI; use LedgerApplication or WireContract")
            }
        }
    }
}
