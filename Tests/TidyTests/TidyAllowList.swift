// Goal: the exceptions to the tidy rules, each in one place with its reason, so that adding
// one is a visible, reviewed decision.

enum TidyAllowList {
    /// Bodies that are truly better long, keyed `"<file path> <Type.name>"`, with the reason.
    /// An entry that is no longer long fails the test, so the list never goes stale.
    static let longBodies: [String: String] = [
        "Sources/LedgerCore/RejectionText.swift Rejection.text":
            "one exhaustive switch from every rejection to its code, title and detail: a table, read whole "
            + "(house style: each case mapped in one exhaustive switch)",
    ]

    // MARK: - TEMPORARY (issue 13): files other parts are rewriting in parallel.
    // The integrator empties both lists after merging the parts; nothing may be added to them.

    /// TEMPORARY: files owned by other parts of issue 13 that still have lines over 120 columns
    /// (measured on branch p6-tidy; the count of long lines is in the comment).
    static let temporaryLongLineFiles: Set<String> = [
        "Sources/CommonsLedger/CommonsLedger.swift",  // 2
        "Sources/CommonsLedger/Demo.swift",  // 3
        "Sources/CommonsLedger/Export.swift",  // 6
        "Sources/CommonsLedger/Import.swift",  // 4
        "Sources/CommonsLedger/Keys.swift",  // 4
        "Sources/CommonsLedger/Report.swift",  // 16
        "Sources/CommonsLedger/ServerLog.swift",  // 1
        "Sources/CommonsLedger/Verify.swift",  // 8
        "Sources/FundCore/Contribution.swift",  // 3
        "Sources/FundCore/Conversion.swift",  // 9
        "Sources/FundCore/CountryCode.swift",  // 5
        "Sources/FundCore/Disbursement.swift",  // 10
        "Sources/FundCore/Fund.swift",  // 10
        "Sources/FundCore/Member.swift",  // 6
        "Sources/FundCore/Pledge.swift",  // 12
        "Sources/LedgerAPI/AccountController.swift",  // 7
        "Sources/LedgerAPI/Application+build.swift",  // 6
        "Sources/LedgerAPI/AuthMiddleware.swift",  // 3
        "Sources/LedgerAPI/ConversionController.swift",  // 7
        "Sources/LedgerAPI/DisbursementController.swift",  // 8
        "Sources/LedgerAPI/EchoBaseline.swift",  // 2
        "Sources/LedgerAPI/JSONShape.swift",  // 2
        "Sources/LedgerAPI/KeyController.swift",  // 5
        "Sources/LedgerAPI/LedgerMetrics.swift",  // 5
        "Sources/LedgerAPI/LogController.swift",  // 4
        "Sources/LedgerAPI/LogReports.swift",  // 5
        "Sources/LedgerAPI/MemberController.swift",  // 9
        "Sources/LedgerAPI/PledgeController.swift",  // 9
        "Sources/LedgerAPI/Problem.swift",  // 2
        "Sources/LedgerAPI/ProblemMiddleware.swift",  // 3
        "Sources/LedgerAPI/ReportController.swift",  // 10
        "Sources/LedgerAPI/Representations.swift",  // 2
        "Sources/LedgerAPI/RequestLimits.swift",  // 1
        "Sources/LedgerAPI/RequestReading.swift",  // 5
        "Sources/LedgerAPI/ServerConfiguration.swift",  // 4
        "Sources/LedgerAPI/TransactionController.swift",  // 15
        "Sources/LedgerAPI/TransactionImport.swift",  // 7
        "Sources/LedgerBench/LedgerBench.swift",  // 7
        "Sources/LedgerCore/LedgerEvent.swift",  // 21
        "Sources/LedgerCore/LedgerReplay.swift",  // 5
        "Sources/LedgerCore/LogEntry.swift",  // 7
        "Sources/LedgerCore/RejectionText.swift",  // 19
        "Sources/LedgerStorage/AuditLogWriter.swift",  // 2
        "Sources/LedgerStorage/Base64URL.swift",  // 1
        "Sources/LedgerStorage/GroupCommitter.swift",  // 4
        "Sources/LedgerStorage/LedgerRows.swift",  // 2
        "Sources/LedgerStorage/LedgerStore.swift",  // 15
        "Sources/LedgerStorage/LedgerVerifier.swift",  // 55
        "Sources/LedgerStorage/LogAuditor.swift",  // 9
        "Sources/LedgerStorage/LogSigner.swift",  // 2
        "Sources/LedgerStorage/SQLiteLedgerStore+Conversions.swift",  // 17
        "Sources/LedgerStorage/SQLiteLedgerStore+Disbursements.swift",  // 27
        "Sources/LedgerStorage/SQLiteLedgerStore+Fund.swift",  // 33
        "Sources/LedgerStorage/SQLiteLedgerStore+Keys.swift",  // 8
        "Sources/LedgerStorage/SQLiteLedgerStore+Log.swift",  // 9
        "Sources/LedgerStorage/SQLiteLedgerStore+Pledges.swift",  // 64
        "Sources/LedgerStorage/SQLiteLedgerStore+Reads.swift",  // 10
        "Sources/LedgerStorage/SQLiteLedgerStore+Writes.swift",  // 17
        "Sources/LedgerStorage/SQLiteLedgerStore.swift",  // 3
        "Sources/LedgerStorage/StorageError.swift",  // 2
        "Sources/LedgerStorage/TransactionWriter.swift",  // 6
        "Sources/Reports/JournalExport.swift",  // 6
        "Sources/Reports/ReportBook.swift",  // 5
    ]

    /// TEMPORARY: bodies over 70 lines in files owned by other parts of issue 13
    /// (measured on branch p6-tidy; the body's line count is in the comment).
    static let temporaryLongBodies: Set<String> = [
        "Sources/CommonsLedger/Export.swift Export.run",  // 73 lines from line 41
        "Sources/LedgerAPI/Application+build.swift buildApplication",  // 79 lines from line 64
        "Sources/LedgerAPI/PledgeController.swift PledgeController.addRoutes",  // 80 lines from line 199
        "Sources/LedgerAPI/ReportController.swift ReportController.report",  // 77 lines from line 28
        "Sources/LedgerAPI/TransactionController.swift TransactionController.addRoutes",  // 113 lines from line 85
        "Sources/LedgerBench/LedgerBench.swift LedgerBench.run",  // 97 lines from line 46
        "Sources/LedgerCore/LedgerEvent.swift LedgerEvent.init",  // 106 lines from line 112
        "Sources/LedgerStorage/LedgerVerifier.swift LedgerVerifier.verify",  // 121 lines from line 48
        // 76 lines from line 324
        "Sources/LedgerStorage/LedgerVerifier.swift LedgerVerifier.compareDomainRowsUnchecked",
        // 81 lines from line 69
        "Sources/LedgerStorage/SQLiteLedgerStore+Disbursements.swift SQLiteLedgerStore.takeDisbursementStep",
        "Sources/LedgerStorage/TransactionWriter.swift TransactionWriter.insert",  // 113 lines from line 24
        "Sources/Reports/ReportBook.swift ReportBook.applyFundAction",  // 106 lines from line 102
    ]
}
