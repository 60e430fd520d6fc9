// Goal: the exceptions to the tidy rules, each in one place with its reason, so that adding
// one is a visible, reviewed decision.

enum TidyAllowList {
    /// Bodies that are truly better long, keyed `"<file path> <Type.name>"`, with the reason.
    /// An entry that is no longer long fails the test, so the list never goes stale.
    static let longBodies: [String: String] = [:]

    // MARK: - TEMPORARY (issue 13): the typed-events part (branch p1-events) wraps and splits
    // exactly these; it was not merged in the session that landed the rest. Merging it empties
    // both lists; nothing may be added to them.

    /// TEMPORARY: files owned by other parts of issue 13 that still have lines over 120 columns
    /// (measured on branch p6-tidy; the count of long lines is in the comment).
    static let temporaryLongLineFiles: Set<String> = [
        "Sources/LedgerCore/LedgerEvent.swift",
        "Sources/LedgerCore/LedgerReplay.swift",
        "Sources/LedgerCore/LogEntry.swift",
        "Sources/LedgerStorage/LedgerVerifier.swift",
        "Sources/LedgerStorage/LogAuditor.swift",
        "Sources/Reports/JournalExport.swift",
        "Sources/Reports/ReportBook.swift",
    ]

    /// TEMPORARY: bodies over 70 lines in files owned by other parts of issue 13
    /// (measured on branch p6-tidy; the body's line count is in the comment).
    static let temporaryLongBodies: Set<String> = [
        "Sources/LedgerCore/LedgerEvent.swift LedgerEvent.init",
        "Sources/LedgerStorage/LedgerVerifier.swift LedgerVerifier.verify",
        "Sources/LedgerStorage/LedgerVerifier.swift LedgerVerifier.compareDomainRowsUnchecked",
        "Sources/Reports/ReportBook.swift ReportBook.applyFundAction",
    ]
}
