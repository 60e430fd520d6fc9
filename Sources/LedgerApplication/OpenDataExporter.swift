import FundCore
public import LedgerCore
public import LedgerStorage
public import Reports

/// The open-data formats `commons-ledger export` writes besides the journals.
public enum OpenDataFormat: String, CaseIterable, Hashable, Sendable {
    /// 360Giving Data Standard 1.4 JSON package of paid grants.
    case threeSixtyGiving = "360giving"
    /// IATI Activity Standard 2.03 XML, one activity per fund.
    case iati
}

/// What an open-data export wrote.
public struct OpenDataOutput: Sendable {
    /// The document.
    public let text: String
    /// Log entries read (the tree size the export was fixed at).
    public let entries: Int64
    /// Records published: grants for 360Giving, transactions for IATI.
    public let records: Int
    /// What was left out, by asset, because it is not an ISO 4217 currency.
    public let leftOut: [AssetCode: Int]
}

/// Replays the audit log up to the tree size it had when the export started into an
/// `OpenDataBook`, then writes it as 360Giving or IATI.
///
/// Pages are short read transactions, like `JournalExporter`'s. The output names the tree
/// size and, when the latest checkpoint is at that size, the checkpoint's origin and root
/// hash, so a reader can check it against the signed log.
public struct OpenDataExporter<Store: LedgerStore>: Sendable {
    /// Log entries read per page.
    public static var pageSize: Int { 10_000 }

    public let store: Store
    public let publisher: OpenDataPublisher

    public init(store: Store, publisher: OpenDataPublisher) {
        self.store = store
        self.publisher = publisher
    }

    /// Builds the document. Throws `ExportFailure` when the log has a gap or an entry
    /// that does not read, and when there is nothing the standard allows to publish
    /// (both standards require at least one record).
    public func run(_ format: OpenDataFormat) async throws -> OpenDataOutput {
        var book = OpenDataBook()
        var start: Int64 = 0
        var end: Int64?
        while true {
            let page = try await store.logEntries(start: start, end: end, limit: Self.pageSize)
            if end == nil { end = page.treeSize }
            for stored in page.entries {
                guard stored.index == start else {
                    throw ExportFailure(detail: "log entry \(start) expected, \(stored.index) read")
                }
                do {
                    try book.apply(try LogEntry(json: try JSONParser.parse(stored.data)))
                } catch {
                    throw ExportFailure(detail: "log entry \(stored.index): \(error)")
                }
                start += 1
            }
            guard let next = page.nextStart else { break }
            start = next
        }
        let source = try await sourceNote(treeSize: start)
        switch format {
        case .threeSixtyGiving:
            let package = GrantsPackage(book: book, publisher: publisher, source: source)
            guard package.grantCount > 0 else {
                throw ExportFailure(detail: "no paid grant in an ISO 4217 currency to publish (360Giving needs one)")
            }
            return OpenDataOutput(
                text: package.json.text, entries: start, records: package.grantCount, leftOut: package.leftOut)
        case .iati:
            let activities = IATIActivities(book: book, publisher: publisher, source: source)
            guard activities.activityCount > 0 else {
                throw ExportFailure(detail: "no fund to publish (IATI needs one activity)")
            }
            return OpenDataOutput(
                text: activities.xml, entries: start, records: activities.transactionCount,
                leftOut: activities.leftOut)
        }
    }

    /// Which log the document was computed from, in a sentence.
    func sourceNote(treeSize: Int64) async throws -> String {
        var note = "Computed from entries 0 to \(treeSize - 1) (tree size \(treeSize)) of the fund's audit log"
        if let checkpoint = try await store.latestCheckpoint(), checkpoint.treeSize == treeSize {
            let lines = checkpoint.note.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count >= 3 { note += ", signed checkpoint of origin \(lines[0]) with root hash \(lines[2])" }
        }
        return note + "."
    }
}
