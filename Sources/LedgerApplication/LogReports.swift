import AuditLog
import Foundation
import FundCore
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
    public static func compute<Store: LedgerStore>(
        _ parameters: ReportParameters, store: Store, treeSize: Int64? = nil, cache: ReportBookCache? = nil
    ) async throws -> Report {
        // A kept latest book may have moved past the checkpoint read a moment ago: read
        // it again (a few times; then the checkpoint read is replayed like a tree size).
        for attempt in 0... {
            let checkpoint = try await checkpoint(treeSize: treeSize, store: store)
            let size = treeSize == nil && attempt < 3 ? nil : checkpoint.treeSize
            let key = ReportBookCache.Key(asOf: parameters.asOf, from: parameters.from, treeSize: size)
            guard let book = try await book(key, upTo: checkpoint.treeSize, store: store, cache: cache) else {
                continue
            }
            let records = parameters.audience == .auditor ? try await store.privateMemberData() : [:]
            return try ReportComputer.compute(parameters, book: book, checkpoint: checkpoint, privateData: records)
        }
        preconditionFailure("unreachable: the loop returns or throws")
    }

    /// The signed checkpoint of `treeSize` entries, or the latest.
    static func checkpoint<Store: LedgerStore>(treeSize: Int64?, store: Store) async throws -> CheckpointReference {
        let stored: StoredCheckpoint?
        if let treeSize {
            stored = try await store.checkpoint(treeSize: treeSize)
            guard stored != nil else { throw ReportError.unknown("no signed checkpoint for tree size \(treeSize)") }
        } else {
            stored = try await store.latestCheckpoint()
        }
        guard let stored else { throw ReportError.unknown("the log has no signed checkpoint yet") }
        return try CheckpointReference(note: stored.note)
    }

    /// Replays the log up to the latest checkpoint into `cache`'s default book (no date
    /// cuts: the one most reports use); returns the entries replayed.
    public static func warm<Store: LedgerStore>(store: Store, cache: ReportBookCache) async throws -> Int64 {
        for _ in 0..<3 {
            guard let stored = try await store.latestCheckpoint() else { return 0 }
            let treeSize = try CheckpointReference(note: stored.note).treeSize
            if try await book(.default, upTo: treeSize, store: store, cache: cache) != nil { return treeSize }
        }
        return 0
    }

    /// The book for `key` at `treeSize` entries: kept in `cache`, or the kept one of the
    /// same cut advanced by the entries since, or a replay from the start — within the
    /// cache's bounds (`ReportBusy` beyond them). `nil` when the kept latest book has
    /// moved past `treeSize`: the caller reads the latest checkpoint again.
    static func book<Store: LedgerStore>(
        _ key: ReportBookCache.Key, upTo treeSize: Int64, store: Store, cache: ReportBookCache?
    ) async throws -> ReportBook? {
        guard let cache else {
            var book = ReportBook(asOf: key.asOf, from: key.from)
            try await replay(store: store, from: 0, upTo: treeSize) { entry throws(ReportError) in
                try book.apply(entry)
            }
            return book
        }
        while true {
            switch try await cache.lease(key, upTo: treeSize) {
            case .kept(let book): return book
            case .moved: return nil
            case .askAgain: continue
            case .replay(var book):
                do {
                    // Replays for others parse on one core, so the default report and every
                    // other request keep the rest of the machine while they run.
                    let parts = key == .default ? nil : 1
                    try await replay(store: store, from: book.entryCount, upTo: treeSize, parts: parts) {
                        entry throws(ReportError) in try book.apply(entry)
                    }
                } catch {
                    await cache.finish(key, book: nil)
                    throw error
                }
                await cache.finish(key, book: book)
                return book
            }
        }
    }

    /// Reads and parses the entries from `start` up to `treeSize`, in order. The next
    /// page is read and parsed (on every core, or on `parts` at most) while the current
    /// one is applied.
    static func replay<Store: LedgerStore>(
        store: Store, from start: Int64, upTo treeSize: Int64, parts: Int? = nil,
        _ apply: (LogEntry) throws(ReportError) -> Void
    ) async throws {
        func load(_ first: Int64) -> Task<[LogEntry], any Error> {
            Task {
                let page = try await store.logEntries(start: first, end: treeSize, limit: pageSize)
                guard page.entries.count == min(pageSize, Int(treeSize - first)) else {
                    let end = first + Int64(page.entries.count)
                    throw ReportError.malformed("the log ends at \(end), before \(treeSize)")
                }
                return try await parseInParallel(page.entries, parts: parts)
            }
        }
        // On one core the next page is read only after this one is applied.
        let pipelined = parts != 1
        var position = start
        var pending = position < treeSize ? load(position) : nil
        while let current = pending {
            let entries = try await current.value
            position += Int64(entries.count)
            pending = pipelined && position < treeSize ? load(position) : nil
            for entry in entries { try apply(entry) }
            if !pipelined, position < treeSize {
                pending = load(position)
                await Task.yield()
            }
        }
    }

    /// Parses a page of entries on every core (parsing is most of a replay's time); the
    /// result keeps the page's order.
    static func parseInParallel(_ entries: [StoredLogEntry], parts: Int? = nil) async throws -> [LogEntry] {
        let parts = parts ?? min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8)
        guard entries.count >= 1_000, parts > 1 else {
            return try entries.map { stored throws(ReportError) in try parse(stored) }
        }
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
