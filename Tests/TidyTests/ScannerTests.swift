// Goal: pin down what the tidy scanner recognises, on small hand-written sources, so that a
// change to it cannot silently stop measuring (a tidy check that never fails is worthless).
import Testing

@Suite struct ScannerTests {
    func bodies(_ text: String) -> [MeasuredBody] {
        BodyFinder(source: SwiftSource(text: text)).bodies()
    }

    @Test func bracesInStringsAndCommentsDoNotCount() {
        let text = """
            struct S {
                func f() -> String {
                    // a comment with a } brace
                    /* a block /* nested } */ comment { */
                    let a = "}"
                    let b = #"raw "}" string"#
                    let c = \"""
                        multi } line \\(a.count) "quoted"
                        \"""
                    return a + "\\(b.map { "\\($0)}" })" + c
                }
                var g: Int { 1 }
            }
            """
        #expect(bodies(text) == [
            MeasuredBody(name: "S.f", firstLine: 2, lastLine: 11),
            MeasuredBody(name: "S.g", firstLine: 12, lastLine: 12),
        ])
    }

    @Test func requirementsWithoutBodiesAreSkipped() {
        let text = """
            protocol P {
                func a() async throws -> Int
                var b: Int { get }
                init(c: Int)
            }
            extension P where Self: Sendable {
                init?(
                    d: Int
                ) {
                    self.init(c: d)
                }
                subscript(i: Int) -> Int {
                    i
                }
                func e() {
                    var x = 0
                    if var y = Optional(1) { x += y; y += 1 }
                    for _ in 0..<x {}
                }
            }
            deinit {}
            """
        #expect(bodies(text) == [
            MeasuredBody(name: "P.b", firstLine: 3, lastLine: 3),
            MeasuredBody(name: "P.init", firstLine: 7, lastLine: 11),
            MeasuredBody(name: "P.subscript", firstLine: 12, lastLine: 14),
            MeasuredBody(name: "P.e", firstLine: 15, lastLine: 19),
            MeasuredBody(name: "deinit", firstLine: 21, lastLine: 21),
        ])
    }

    @Test func routeClosuresAreMeasured() {
        let text = """
            struct C {
                func addRoutes(to group: RouterGroup) {
                    group.get("/v1/things", use: list)
                    group.post("/v1/things/{id}") { request, context in
                        if let x = request.uri.queryParameters.get("x") { print(x) }
                        return ""
                    }
                }
            }
            """
        #expect(bodies(text) == [
            MeasuredBody(name: "C.addRoutes", firstLine: 2, lastLine: 8),
            MeasuredBody(name: #"C.POST "/v1/things/{id}""#, firstLine: 4, lastLine: 7),
        ])
    }

    @Test func importsAreReadWithTheirModifiers() {
        let text = """
            // import Commented
            import Foundation
            public import LedgerCore
            @testable import LedgerStorage
            import struct NIOCore.ByteBuffer
            #if canImport(Glibc)
            import Glibc
            #endif
            let text = "import Quoted"
            """
        let file = SourceFile(path: "Sources/X/Y.swift", source: SwiftSource(text: text))
        #expect(file.imports.map(\.module) == ["Foundation", "LedgerCore", "LedgerStorage", "NIOCore", "Glibc"])
        #expect(file.imports.map(\.line) == [2, 3, 4, 5, 7])
        #expect(file.topFolder == "X")
    }

    @Test func manifestTargetsAndDependenciesAreRead() {
        let text = """
            let package = Package(
                name: "p",
                dependencies: [.package(url: "https://example.com/a.git", exact: "1.0.0")],
                targets: [
                    .target(name: "A", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
                    .target(name: "B", dependencies: ["A", .target(name: "C")], path: "Custom/B"),
                    .executableTarget(name: "D"),
                    .testTarget(name: "BTests", dependencies: ["B"], swiftSettings: settings),
                ]
            )
            """
        #expect(PackageManifest(text: text).targets == [
            .init(name: "A", isTest: false, path: "Sources/A", dependencies: ["Crypto"]),
            .init(name: "B", isTest: false, path: "Custom/B", dependencies: ["A", "C"]),
            .init(name: "D", isTest: false, path: "Sources/D", dependencies: []),
            .init(name: "BTests", isTest: true, path: "Tests/BTests", dependencies: ["B"]),
        ])
    }

    @Test func forcedTryIsOneToken() {
        let words = SwiftSource(text: "let a = try! f(); let b = try? g()").tokens.map(\.text)
        #expect(words.contains("try!"))
        #expect(words.contains("try?"))
    }
}
