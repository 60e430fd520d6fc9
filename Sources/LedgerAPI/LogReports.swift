public import AuditLog
import Foundation
public import FundCore
public import LedgerCore
public import LedgerStorage
public import Reports

/// Computes reports from the audit log, the way `verify-report` recomputes them: the
/// entries up to a signed checkpoint, replayed into a `ReportBook`; never the ledger
/// tables.
public enum LogReports {
    /// How many entries one read takes.
    static let pageSize = 5_000

    /// The report `parameters` ask for at the checkpoint of `treeSize` entries (the
    /// latest checkpoint when `nil`). Auditor reports add anonymous members' names from
    /// the private records.
    public static func compute<Store: LedgerStore>(_ parameters: ReportParameters, store: Store, treeSize: Int64? = nil, cache: ReportBookCache? = nil) async throws -> Report {
        let stored: StoredCheckpoint?
        if let treeSize {
            stored = try await store.checkpoint(treeSize: treeSize)
            guard stored != nil else { throw ReportError.unknown("no signed checkpoint for tree size \(treeSize)") }
        } else {
            stored = try await store.latestCheckpoint()
        }
        guard let stored else { throw ReportError.unknown("the log has no signed checkpoint yet") }
        let checkpoint = try CheckpointReference(note: stored.note)
        let book = try await book(asOf: parameters.asOf, from: parameters.from, upTo: checkpoint.treeSize, store: store, cache: cache)
        let records = parameters.audience == .auditor ? try await store.privateMemberData() : [:]
        return try ReportComputer.compute(parameters, book: book, checkpoint: checkpoint, privateData: records)
    }

    /// Replays the log up to the latest checkpoint into `cache`'s book without date cuts
    /// (the one most reports use); returns the entries replayed.
    public static func warm<Store: LedgerStore>(store: Store, cache: ReportBookCache) async throws -> Int64 {
        guard let stored = try await store.latestCheckpoint() else { return 0 }
        _ = try await book(asOf: nil, from: nil, upTo: stored.treeSize, store: store, cache: cache)
        return stored.treeSize
    }

    /// The book for a date cut at `treeSize` entries: the cached one advanced by the
    /// entries since, or a replay from the start; kept in `cache` afterwards.
    ///
    /// A long replay (`cache.largeReplayEntries` or more entries to apply) holds one of
    /// the cache's replay slots: a request for the same cut waits for it and starts from
    /// the book it kept; a request for another cut while the slots are taken is refused
    /// with `ReportBusy` — so public requests with ever new dates cannot make the server
    /// replay the log many times over at once.
    static func book<Store: LedgerStore>(asOf: LocalDate?, from: LocalDate?, upTo treeSize: Int64, store: Store, cache: ReportBookCache?) async throws -> ReportBook {
        let key = ReportBookCache.Key(asOf: asOf, from: from)
        while true {
            var book = await cache?.book(for: key, atMost: treeSize) ?? ReportBook(asOf: asOf, from: from)
            var holdsSlot = false
            if let cache, treeSize - book.entryCount >= cache.largeReplayEntries {
                switch try await cache.beginLargeReplay(for: key, entries: treeSize - book.entryCount) {
                case .waited: continue
                case .started: holdsSlot = true
                }
            }
            do {
                try await replay(store: store, from: book.entryCount, upTo: treeSize) { entry throws(ReportError) in try book.apply(entry) }
            } catch {
                if holdsSlot { await cache?.endLargeReplay(for: key) }
                throw error
            }
            await cache?.keep(book, for: key)
            if holdsSlot { await cache?.endLargeReplay(for: key) }
            return book
        }
    }

    /// Reads and parses the entries from `start` up to `treeSize`, in order. The next
    /// page is read and parsed (on every core) while the current one is applied.
    static func replay<Store: LedgerStore>(store: Store, from start: Int64, upTo treeSize: Int64, _ apply: (LogEntry) throws(ReportError) -> Void) async throws {
        func load(_ first: Int64) -> Task<[LogEntry], any Error> {
            Task {
                let page = try await store.logEntries(start: first, end: treeSize, limit: pageSize)
                guard page.entries.count == min(pageSize, Int(treeSize - first)) else {
                    throw ReportError.malformed("the log ends at \(first + Int64(page.entries.count)), before \(treeSize)")
                }
                return try await parseInParallel(page.entries)
            }
        }
        var position = start
        var pending = position < treeSize ? load(position) : nil
        while let current = pending {
            let entries = try await current.value
            position += Int64(entries.count)
            pending = position < treeSize ? load(position) : nil
            for entry in entries { try apply(entry) }
        }
    }

    /// Parses a page of entries on every core (parsing is most of a replay's time); the
    /// result keeps the page's order.
    static func parseInParallel(_ entries: [StoredLogEntry]) async throws -> [LogEntry] {
        let parts = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8)
        guard entries.count >= 1_000, parts > 1 else { return try entries.map { stored throws(ReportError) in try parse(stored) } }
        let chunk = (entries.count + parts - 1) / parts
        return try await withThrowingTaskGroup(of: (Int, [LogEntry]).self) { group in
            for part in 0..<parts {
                let slice = Array(entries[min(part * chunk, entries.count)..<min((part + 1) * chunk, entries.count)])
                group.addTask { (part, try slice.map { stored throws(ReportError) in try parse(stored) }) }
            }
            var results = [[LogEntry]](repeating: [], count: parts)
            for try await (part, parsed) in group { results[part] = parsed }
            return results.flatMap { $0 }
        }
    }

    /// One stored entry as a `LogEntry`.
    public static func parse(_ stored: StoredLogEntry) throws(ReportError) -> LogEntry {
        do {
            return try LogEntry(json: try JSONParser.parse(stored.data))
        } catch {
            throw .malformed("log entry \(stored.index) does not parse: \(error)")
        }
    }
}

/// Report books kept between requests, so a report at a later checkpoint replays only the
/// entries appended since (a book is a value: the copy taken here is advanced, the kept
/// one is replaced). Bounded: a few books per distinct (as_of, from).
public actor ReportBookCache {
    /// Books differ only by their date cuts.
    public struct Key: Hashable, Sendable {
        public let asOf: LocalDate?
        public let from: LocalDate?

        public init(asOf: LocalDate?, from: LocalDate?) {
            self.asOf = asOf
            self.from = from
        }
    }

    /// Most books kept; each holds one pass over the log's facts.
    public static let booksMax = 4
    private var books: [Key: ReportBook] = [:]
    private var recent: [Key] = []

    /// Replays of at least this many entries are long: they take a replay slot.
    public let largeReplayEntries: Int64
    /// Long replays running at once (each holds a book of the whole log in memory).
    public static let largeReplaysMax = 1
    /// The long replays running, by cut, with the requests waiting for each.
    private var largeReplays: [Key: (entries: Int64, waiting: [CheckedContinuation<Void, Never>])] = [:]

    public init(largeReplayEntries: Int64 = 50_000) {
        self.largeReplayEntries = largeReplayEntries
    }

    /// How a long replay was entered.
    public enum LargeReplayStart: Sendable, Equatable {
        /// The caller holds a slot and must call `endLargeReplay(for:)`.
        case started
        /// A replay of the same cut ran and ended meanwhile: look in the cache again.
        case waited
    }

    /// Takes a slot for a long replay of `entries` entries into the `key` cut, waits for
    /// one of the same cut already running, or throws `ReportBusy` when the slots are
    /// taken by other cuts.
    public func beginLargeReplay(for key: Key, entries: Int64) async throws(ReportBusy) -> LargeReplayStart {
        if largeReplays[key] != nil {
            await withCheckedContinuation { largeReplays[key]?.waiting.append($0) }
            return .waited
        }
        guard largeReplays.count < Self.largeReplaysMax else {
            // A rough wait: the replays running, at about 30,000 entries a second.
            let running = largeReplays.values.map(\.entries).max() ?? entries
            throw ReportBusy(retryAfterSeconds: Int(max(1, min(running / 30_000, 600))))
        }
        largeReplays[key] = (entries, [])
        return .started
    }

    /// Gives the slot back and wakes the requests waiting for this cut.
    public func endLargeReplay(for key: Key) {
        for waiting in largeReplays.removeValue(forKey: key)?.waiting ?? [] { waiting.resume() }
    }

    /// Requests waiting for the long replay of `key` (for tests).
    public func waitingCount(for key: Key) -> Int {
        largeReplays[key]?.waiting.count ?? 0
    }

    /// A kept book for `key` that has consumed at most `treeSize` entries.
    func book(for key: Key, atMost treeSize: Int64) -> ReportBook? {
        guard let book = books[key], book.entryCount <= treeSize else { return nil }
        return book
    }

    /// Keeps `book` as the latest for `key`, unless a further-advanced one is kept.
    func keep(_ book: ReportBook, for key: Key) {
        if let kept = books[key], kept.entryCount >= book.entryCount { return }
        books[key] = book
        recent.removeAll { $0 == key }
        recent.append(key)
        while recent.count > Self.booksMax { books[recent.removeFirst()] = nil }
    }
}

/// The server is already replaying the log for another date cut; retry later.
public struct ReportBusy: Error, Sendable, Equatable {
    public let retryAfterSeconds: Int

    public init(retryAfterSeconds: Int) {
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Checks a report document against the log: its fingerprint, the signed checkpoint it
/// names, every entry up to that checkpoint (as `verify` checks them), and finally the
/// figures, recomputed from those entries alone.
public enum ReportVerification {
    /// What the check found.
    public struct Outcome: Sendable, Equatable {
        public let matches: Bool
        /// "match", or the first difference.
        public let detail: String
        public let parameters: ReportParameters
        public let treeSize: Int64
    }

    /// Verifies `bytes` (a report document). `entries(start, end)` returns stored entries
    /// from `start`, in order, at most up to `end`; `verifiers` are the log keys trusted;
    /// `privateData` is needed only for auditor reports.
    public static func verify(
        document bytes: [UInt8], verifiers: [NoteVerifier], privateData: [MemberID: MemberPrivateData],
        entries: (Int64, Int64) async throws -> [StoredLogEntry]
    ) async throws -> Outcome {
        let document = try ReportDocument(bytes: bytes)
        let size = document.checkpoint.treeSize
        func outcome(_ matches: Bool, _ detail: String) -> Outcome {
            Outcome(matches: matches, detail: detail, parameters: document.parameters, treeSize: size)
        }
        guard document.computedSHA256 == document.statedSHA256 else {
            return outcome(false, "the stated sha256 \(document.statedSHA256) is not the SHA-256 of the report's content (\(document.computedSHA256)): the report was changed after it was computed")
        }
        var auditor = LogAuditor(rootSizes: [size])
        var book = ReportBook(asOf: document.parameters.asOf, from: document.parameters.from)
        do {
            while auditor.treeSize < size {
                let page = try await entries(auditor.treeSize, size)
                guard !page.isEmpty else { throw AuditFailure(index: auditor.treeSize, detail: "the log ends before the report's checkpoint") }
                for stored in page {
                    let (entry, _) = try auditor.consume(index: stored.index, data: stored.data)
                    try book.apply(entry)
                }
            }
            _ = try auditor.check(checkpointNote: document.checkpoint.note, verifiers: verifiers)
        } catch let failure as AuditFailure {
            return outcome(false, "the log does not verify up to the report's checkpoint: \(failure)")
        }
        let recomputed = try ReportComputer.compute(
            document.parameters, book: book, checkpoint: document.checkpoint, privateData: privateData
        )
        if let difference = document.firstDifference(from: recomputed.content) {
            return outcome(false, difference)
        }
        return outcome(true, "match: sha256 \(document.statedSHA256) recomputed from the \(size) log entries of the signed checkpoint")
    }
}
