public import LedgerCore
public import Reports

/// Report books kept between requests, and the bounds on building them, so that public
/// requests with ever new dates or tree sizes can neither make the server replay the log
/// many times over at once nor fill its memory, nor slow the default report down.
///
/// - The default book (no date cut, the latest checkpoint) is pinned: never evicted, and
///   advanced in its own lane, so it is served while other cuts wait for a slot.
/// - Every other replay, whatever the log's size, holds one of `replaysMax` slots; up to
///   `replayQueueMax` requests wait for one, later ones get `ReportBusy` (503). A request
///   for a cut already being replayed waits for that replay instead of starting another.
/// - Other books are kept, most recently used first, while there are at most `booksMax`
///   of them holding at most `factsMax` facts in all (a book's memory grows with its
///   facts — accounts, balances, members, pledges — not with the entries replayed).
/// - A book for a tree size is kept under that size, so asking again is not a replay.
///
/// A book is a value: the copy handed out is advanced, the kept one replaced.
public actor ReportBookCache {
    /// A kept book: its date cuts, and the tree size it stands at (`nil`: the latest
    /// checkpoint, advanced as the log grows).
    public struct Key: Hashable, Sendable {
        public let asOf: LocalDate?
        public let from: LocalDate?
        public let treeSize: Int64?

        public init(asOf: LocalDate?, from: LocalDate?, treeSize: Int64? = nil) {
            self.asOf = asOf
            self.from = from
            self.treeSize = treeSize
        }

        /// The server's own book: no cuts, at the latest checkpoint.
        public static let `default` = Key(asOf: nil, from: nil)

        /// Whether two keys replay the same entries the same way (up to different sizes).
        func sameCut(as other: Key) -> Bool { asOf == other.asOf && from == other.from }
    }

    /// The bounds; `RequestLimits` carries the operator's values.
    public struct Bounds: Sendable, Equatable {
        public var replaysMax: Int
        public var replayQueueMax: Int
        public var booksMax: Int
        public var factsMax: Int

        public init(replaysMax: Int = 1, replayQueueMax: Int = 4, booksMax: Int = 8, factsMax: Int = 2_000_000) {
            precondition(replaysMax >= 1, "at least one replay may run")
            precondition(replayQueueMax >= 0 && booksMax >= 0 && factsMax >= 0, "bounds are not negative")
            self.replaysMax = replaysMax
            self.replayQueueMax = replayQueueMax
            self.booksMax = booksMax
            self.factsMax = factsMax
        }

        /// The bounds the operator configured.
        public init(_ limits: RequestLimits) {
            self.init(
                replaysMax: limits.reportReplaysMax, replayQueueMax: limits.reportReplayQueueMax,
                booksMax: limits.reportBooksMax, factsMax: limits.reportBookFactsMax
            )
        }
    }

    /// What a request for a book gets.
    public enum Lease: Sendable {
        /// A kept book at exactly the size asked: no replay.
        case kept(ReportBook)
        /// Replay into this book (a kept one of the same cut, or an empty one), then call
        /// `finish(_:book:)` — with `nil` when the replay failed.
        case replay(ReportBook)
        /// Waited for another replay; ask again.
        case askAgain
        /// The kept latest book has moved past the size asked: read the latest checkpoint
        /// again (a book must match the checkpoint its report names).
        case moved
    }

    /// Counts, for tests and operators.
    public struct Statistics: Sendable, Equatable {
        /// Replays started (each applies entries to a book), the default book's included.
        public var replays = 0
        /// Entries applied by those replays.
        public var entriesReplayed: Int64 = 0
        /// Books kept besides the default one, and their facts.
        public var books = 0
        public var facts = 0
        /// Replays running that hold a slot, and requests waiting for one.
        public var replaysRunning = 0
        public var queued = 0
        /// Requests refused with `ReportBusy`.
        public var refused = 0
    }

    /// A replay under way: whether it holds a slot, its size, who waits for its book.
    private struct Running {
        let holdsSlot: Bool
        let entries: Int64
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    public let bounds: Bounds
    private var defaultBook: ReportBook?
    private var books: [Key: ReportBook] = [:]
    /// Keys of `books`, least recently used first.
    private var recent: [Key] = []
    private var factsKept = 0
    private var running: [Key: Running] = [:]
    private var slotsTaken = 0
    private var slotQueue: [CheckedContinuation<Void, Never>] = []
    private var counts = Statistics()

    public init(bounds: Bounds = Bounds()) {
        self.bounds = bounds
    }

    /// The counts so far.
    public var statistics: Statistics {
        var statistics = counts
        statistics.books = books.count
        statistics.facts = factsKept
        statistics.replaysRunning = slotsTaken
        statistics.queued = slotQueue.count
        return statistics
    }

    /// Whether a request waits for the replay of `key` (for tests).
    public func isWaiting(for key: Key) -> Bool {
        !(running[key]?.waiting.isEmpty ?? true)
    }

    /// The default book, if one is kept (for tests).
    public var pinnedBook: ReportBook? { defaultBook }

    /// A book for `key` at `treeSize` entries: kept, or to be replayed (throws
    /// `ReportBusy` when every slot and queue place is taken).
    public func lease(_ key: Key, upTo treeSize: Int64) async throws(ReportBusy) -> Lease {
        if let answer = await servedWithoutReplay(key, upTo: treeSize) { return answer }
        if key == .default { return begin(key, upTo: treeSize, holdsSlot: false) }
        if slotsTaken < bounds.replaysMax {
            slotsTaken += 1
            return begin(key, upTo: treeSize, holdsSlot: true)
        }
        guard slotQueue.count < bounds.replayQueueMax else {
            counts.refused += 1
            throw ReportBusy(retryAfterSeconds: retryAfterSeconds(treeSize))
        }
        // Woken holding the slot of a replay that ended; the cache may have changed since.
        await withCheckedContinuation { slotQueue.append($0) }
        if await servedWithoutReplay(key, upTo: treeSize, waiting: false) != nil {
            releaseSlot()
            return .askAgain
        }
        return begin(key, upTo: treeSize, holdsSlot: true)
    }

    /// The answer when no replay is needed: the kept latest book moved past `treeSize`,
    /// a kept book stands at exactly `treeSize`, or a replay of `key` is under way (waited
    /// for, when `waiting`).
    private func servedWithoutReplay(_ key: Key, upTo treeSize: Int64, waiting: Bool = true) async -> Lease? {
        if key.treeSize == nil, let own = key == .default ? defaultBook : books[key], own.entryCount > treeSize {
            return .moved
        }
        if let (keptKey, kept) = start(for: key, upTo: treeSize), kept.entryCount == treeSize {
            touch(keptKey)
            return .kept(kept)
        }
        guard running[key] != nil else { return nil }
        if waiting { await withCheckedContinuation { running[key]?.waiting.append($0) } }
        return .askAgain
    }

    /// Ends the replay of `key`: keeps `book` (within the bounds), wakes those waiting
    /// for it and hands its slot to the next in the queue.
    public func finish(_ key: Key, book: ReportBook?) {
        if let book { keep(book, for: key) }
        guard let ended = running.removeValue(forKey: key) else { return }
        for waiting in ended.waiting { waiting.resume() }
        if ended.holdsSlot { releaseSlot() }
    }

    /// The kept book to start `key` from, with the key it is kept under: the most advanced
    /// of the same cut at no more than `treeSize` entries (the default book too, for an
    /// older tree size without cuts).
    private func start(for key: Key, upTo treeSize: Int64) -> (Key, ReportBook)? {
        var candidates = books.filter { $0.key.sameCut(as: key) }.map { ($0.key, $0.value) }
        if key.sameCut(as: .default), let defaultBook { candidates.append((.default, defaultBook)) }
        return candidates.filter { $0.1.entryCount <= treeSize }.max { $0.1.entryCount < $1.1.entryCount }
    }

    private func begin(_ key: Key, upTo treeSize: Int64, holdsSlot: Bool) -> Lease {
        let book = start(for: key, upTo: treeSize)?.1 ?? ReportBook(asOf: key.asOf, from: key.from)
        running[key] = Running(holdsSlot: holdsSlot, entries: treeSize - book.entryCount)
        counts.replays += 1
        counts.entriesReplayed += treeSize - book.entryCount
        return .replay(book)
    }

    /// Hands the slot to the first request waiting for one, or frees it.
    private func releaseSlot() {
        if slotQueue.isEmpty {
            slotsTaken -= 1
        } else {
            slotQueue.removeFirst().resume()
        }
    }

    /// Marks `key` as used now, if it is one of the evictable books.
    private func touch(_ key: Key) {
        guard books[key] != nil else { return }
        recent.removeAll { $0 == key }
        recent.append(key)
    }

    /// A rough wait: the longest replay running, at about 30,000 entries a second.
    private func retryAfterSeconds(_ treeSize: Int64) -> Int {
        let longest = running.values.filter(\.holdsSlot).map(\.entries).max() ?? treeSize
        return Int(max(1, min(longest / 30_000, 600)))
    }

    /// Keeps `book` for `key` unless a further-advanced one is kept, then evicts the least
    /// recently used other books until both bounds hold. The default book is never evicted.
    private func keep(_ book: ReportBook, for key: Key) {
        if key == .default {
            if defaultBook.map({ $0.entryCount < book.entryCount }) ?? true { defaultBook = book }
            return
        }
        if let kept = books[key] {
            guard kept.entryCount < book.entryCount else { return }
            forget(key)
        }
        let facts = Self.facts(of: book)
        guard bounds.booksMax > 0, facts <= bounds.factsMax else { return }
        books[key] = book
        recent.append(key)
        factsKept += facts
        while books.count > bounds.booksMax || factsKept > bounds.factsMax, let oldest = recent.first {
            forget(oldest)
        }
    }

    private func forget(_ key: Key) {
        guard let book = books.removeValue(forKey: key) else { return }
        factsKept -= Self.facts(of: book)
        recent.removeAll { $0 == key }
    }

    /// A book's size in facts: the entries of its tables, each a few hundred bytes.
    static func facts(of book: ReportBook) -> Int {
        1 + book.assetScales.count + book.accounts.count + book.funds.count + book.members.count
            + book.balances.count + book.periodMovements.count + book.pledges.count + book.contributions.count
            + book.disbursements.count + book.rates.values.reduce(0) { $0 + $1.count }
    }
}

/// The server is replaying the log for other reports and no slot is free; retry later.
public struct ReportBusy: Error, Sendable, Equatable {
    public let retryAfterSeconds: Int

    public init(retryAfterSeconds: Int) {
        self.retryAfterSeconds = retryAfterSeconds
    }
}
