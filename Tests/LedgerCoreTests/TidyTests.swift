// Goal: the pure core stays pure — no floating point, no wall clock, no random ids,
// no `try!` — so money is exact and every result is reproducible.
import Foundation
import Testing

@Suite struct TidyTests {
    static let coreDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/LedgerCore")

    @Test func coreUsesNoFloatingPointClockOrRandomness() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.coreDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 5)
        let banned = ["Double", "Float", "Decimal", "Date()", "UUID()", "try!", "import Foundation", "random("]
        for file in files {
            let code = try String(contentsOf: file, encoding: .utf8)
                .split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("///") && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                .joined(separator: "\n")
            for word in banned {
                #expect(!code.contains(word), "\(file.lastPathComponent) uses \(word)")
            }
        }
    }
}
