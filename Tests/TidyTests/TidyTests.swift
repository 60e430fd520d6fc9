// Goal: the code stays readable and its module boundaries hold, checked over all of
// `Sources/` on every test run: bodies of at most 70 lines, lines of at most 120 columns,
// each framework imported only where it belongs, every imported module declared in
// Package.swift, no floating point, wall clock, random ids or `try!` in the pure modules, and
// no log-entry kind spelled outside its closed enum. Every failure names the file and line.
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

    /// The log's entry kinds are spelled once, in `LogEntryKind`; every other file names a
    /// case, so a writer and a reader cannot disagree on a string.
    @Test func logEntryKindsAreSpelledOnlyInTheirEnum() throws {
        let home = "Sources/LedgerCore/LogEntryKind.swift"
        let enumFile = try #require(SourceTree.sources.first { $0.path == home })
        let kinds = enumFile.source.lines.joined(separator: "\n").matches(of: /case [a-zA-Z]+ = "([a-z_]+\.[a-z_]+)"/).map {
            String($0.output.1)
        }
        #expect(kinds.count == 27, "\(kinds)")
        // A kind in quotes, or built from its noun (`"disbursement.\(verb)"`).
        let spellings = kinds.map { "\"\($0)\"" } + Set(kinds.map { "\"\($0.prefix { $0 != "." })." + "\\(" })
        for file in SourceTree.sources where file.path != home {
            for (offset, line) in file.source.lines.enumerated() {
                for spelling in spellings where line.contains(spelling) {
                    Issue.record("\(file.path):\(offset + 1): spells a log-entry kind (\(spelling)); use LogEntryKind")
                }
            }
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
