import Foundation
import GRDB
import LedgerCore

/// Group commit: write requests that arrive while a commit is in flight are committed
/// together in the next database transaction — one fsync for all of them — each in its
/// own savepoint, so one refused request is rolled back alone and never fails its
/// neighbours. The audit log's checkpoint is signed once per group, over every entry of
/// it, inside the same transaction. Every request is answered only after its group's
/// commit returned (with `synchronous = FULL`, after the fsync).
///
/// A request that finds the writer idle is committed at once: grouping never adds a wait,
/// it only collects what would otherwise queue behind the fsync.
public final class GroupCommitter: @unchecked Sendable {
    /// Most requests in one group: bounds a group's transaction and its latency.
    static let groupSizeMax = 512

    /// What each commit did, for metrics and tests.
    public struct Commit: Sendable {
        /// Requests in the group.
        public let requests: Int
        /// From taking the group to the commit's return.
        public let seconds: Double
        /// The COMMIT itself, which holds the fsync (`synchronous = FULL`).
        public let syncSeconds: Double
    }

    private let pool: DatabasePool
    private let clock: any LedgerClock
    private let signer: LogSigner
    private let lock = NSLock()
    private var pending: [Job] = []
    private var isDraining = false
    private let onCommit: @Sendable (Commit) -> Void

    init(pool: DatabasePool, clock: any LedgerClock, signer: LogSigner, onCommit: @escaping @Sendable (Commit) -> Void = { _ in }) {
        self.pool = pool
        self.clock = clock
        self.signer = signer
        self.onCommit = onCommit
    }

    /// One request: its work inside the transaction, and how to answer it afterwards.
    private struct Job: Sendable {
        let run: @Sendable (Database, Timestamp) throws -> Void
        let finish: @Sendable (Result<Void, any Error>) -> Void
    }

    /// A value produced inside the transaction, handed out after the commit.
    private final class Box<Value>: @unchecked Sendable {
        var value: Value?
    }

    /// Runs `body` in the next group's transaction and returns its value once the group
    /// is durable; throws what `body` threw (its savepoint rolled back), or the commit's
    /// own failure.
    func submit<Value: Sendable>(_ body: @escaping @Sendable (Database, Timestamp) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            let box = Box<Value>()
            let job = Job(
                run: { db, now in box.value = try body(db, now) },
                finish: { result in
                    switch result {
                    case .success:
                        guard let value = box.value else { preconditionFailure("a job that succeeded produced its value") }
                        continuation.resume(returning: value)
                    case .failure(let error):
                        continuation.resume(throwing: error)
                    }
                }
            )
            let startsDraining = lock.withLock {
                pending.append(job)
                guard !isDraining else { return false }
                isDraining = true
                return true
            }
            if startsDraining { Task { await self.drain() } }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Commits groups until no request is waiting.
    private func drain() async {
        while true {
            let jobs: [Job] = lock.withLock {
                let taken = Array(pending.prefix(Self.groupSizeMax))
                pending.removeFirst(taken.count)
                if taken.isEmpty { isDraining = false }
                return taken
            }
            guard !jobs.isEmpty else { return }
            let started = ContinuousClock.now
            let clock = self.clock
            let signer = self.signer
            let bodyEnded = Box<ContinuousClock.Instant>()
            do {
                let outcomes = try await pool.write { db -> [Result<Void, any Error>] in
                    var outcomes: [Result<Void, any Error>] = []
                    outcomes.reserveCapacity(jobs.count)
                    for job in jobs {
                        do {
                            try db.inSavepoint {
                                try job.run(db, clock.now())
                                return .commit
                            }
                            outcomes.append(.success(()))
                        } catch {
                            outcomes.append(.failure(error))
                        }
                    }
                    // One checkpoint over the group's entries (none if nothing was appended:
                    // the checkpoint of that size exists already and is kept).
                    try AuditLogWriter(db).signCheckpoint(db, at: clock.now(), signer: signer)
                    bodyEnded.value = ContinuousClock.now
                    return outcomes
                }
                for (job, outcome) in zip(jobs, outcomes) { job.finish(outcome) }
            } catch {
                for job in jobs { job.finish(.failure(error)) }
            }
            let ended = ContinuousClock.now
            onCommit(Commit(requests: jobs.count, seconds: Self.seconds(ended - started), syncSeconds: Self.seconds(ended - (bodyEnded.value ?? ended))))
        }
    }
}

/// Running totals of the group commits of one store, for `/metrics` and tests.
public final class CommitStatistics: @unchecked Sendable {
    private let lock = NSLock()
    private var commitCount = 0
    private var requestCount = 0
    private var largest = 0
    private var totalSeconds = 0.0

    public init() {}

    private var observers: [@Sendable (GroupCommitter.Commit) -> Void] = []

    func record(_ commit: GroupCommitter.Commit) {
        let observers = lock.withLock {
            commitCount += 1
            requestCount += commit.requests
            largest = max(largest, commit.requests)
            totalSeconds += commit.seconds
            return self.observers
        }
        for observer in observers { observer(commit) }
    }

    /// Calls `observer` after every commit (metrics record into their own registry).
    public func observe(_ observer: @escaping @Sendable (GroupCommitter.Commit) -> Void) {
        lock.withLock { observers.append(observer) }
    }

    /// Commits so far, the requests they carried, the largest group and the seconds spent.
    public var snapshot: (commits: Int, requests: Int, largestGroup: Int, seconds: Double) {
        lock.withLock { (commitCount, requestCount, largest, totalSeconds) }
    }
}
