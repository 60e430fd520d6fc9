// Goal: the pure modules stay pure — no floating point, no wall clock, no random ids,
// no `try!` — so money is exact and every result is reproducible.
import Foundation
import Testing

@Suite struct PurityTests {
    static let coreDirectory = SourceTree.root.appendingPathComponent("Sources/LedgerCore")

    /// The original check (moved here from LedgerCoreTests): plain text search over LedgerCore,
    /// skipping comment lines only, so even a string literal naming `Double` fails it.
    @Test func coreUsesNoFloatingPointClockOrRandomness() throws {
        let files = try FileManager.default
            .contentsOfDirectory(at: Self.coreDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 5)
        let banned = ["Double", "Float", "Decimal", "Date()", "UUID()", "try!", "import Foundation", "random("]
        for file in files {
            let code = try String(contentsOf: file, encoding: .utf8)
                .split(separator: "\n")
                .filter {
                    let trimmed = $0.trimmingCharacters(in: .whitespaces)
                    return !trimmed.hasPrefix("///") && !trimmed.hasPrefix("//")
                }
                .joined(separator: "\n")
            for word in banned {
                #expect(!code.contains(word), "\(file.lastPathComponent) uses \(word)")
            }
        }
    }

    /// Words that bring floating point, the wall clock, randomness or a crash on error into
    /// code that must be exact and reproducible. Matched as whole tokens of code (comments and
    /// string literals skipped), so `DecimalRate` or a label `randomBytes:` is not a match.
    static let bannedWords: [String: String] = [
        "Double": "floating point", "Float": "floating point", "Float16": "floating point",
        "Float32": "floating point", "Float64": "floating point", "Float80": "floating point",
        "CGFloat": "floating point", "Decimal": "Foundation's Decimal",
        "NSDecimalNumber": "Foundation's Decimal", "Date": "the wall clock", "UUID": "random ids",
        "ContinuousClock": "the clock", "SuspendingClock": "the clock", "clock_gettime": "the clock",
        "gettimeofday": "the clock", "random": "randomness", "randomElement": "randomness",
        "shuffled": "randomness", "shuffle": "randomness", "SystemRandomNumberGenerator": "randomness",
        "arc4random": "randomness", "try!": "a crash on error",
    ]

    /// The pure modules checked by token. None needs an exception today.
    static let pureModules = ["LedgerCore", "FundCore", "AuditLog", "Reports", "LedgerSQL"]

    @Test(arguments: pureModules)
    func pureModuleUsesNoFloatingPointClockRandomnessOrForcedTry(module: String) {
        let files = SourceTree.sources.filter { $0.topFolder == module }
        #expect(files.count > 3)
        for file in files {
            for token in file.source.tokens where token.kind == .word {
                guard let reason = Self.bannedWords[token.text] else { continue }
                Issue.record("\(file.path):\(token.line): uses \(token.text) (\(reason)) in the pure module \(module)")
            }
        }
    }
}
