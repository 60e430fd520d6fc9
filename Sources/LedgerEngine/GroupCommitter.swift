public import AuditLog
public import LedgerCore
import Synchronization

/// Group commit: write requests that arrive while a commit is in flight are committed
/// together in the next database transaction — one fsync for all of them — each in its
/// own savepoint, so one refused request is rolled back alone and never fails its
/// neighbours. The audit log's checkpoint is signed once per group, over every entry of
/// it, inside the same transaction. Every request is answered only after its group's
/// commit returned (with `synchronous = FULL`, after the fsync).
///
/// A request that finds the writer idle is committed at once: grouping never adds a wait,
/// it only collects what would otherwise queue behind the fsync.
///
/// Generic over the backend (`WriteTransactionRunner`): the protocol is the engine's, the
/// transaction and its statements are the store's. Single writes, batches (one job whose
/// savepoint covers all its items) and imports all go through `submit`.
public final class GroupCommitter<Runner: WriteTransactionRunner>: Sendable {
    /// Most requests in one group: bounds a group's transaction and its latency.
    public static var groupSizeMax: Int { 512 }

    private let runner: Runner
    private let clock: any LedgerClock
    private let signer: NoteSigner
    private let queue = Mutex(Queue())
    private let onCommit: @Sendable (GroupCommit) -> Void

    /// A committer over `runner`'s transactions; `signer` signs one checkpoint per group
    /// (its key name is the log's origin); `onCommit` hears of every commit (metrics).
    public init(
        runner: Runner, clock: any LedgerClock, signer: NoteSigner,
        onCommit: @escaping @Sendable (GroupCommit) -> Void = { _ in }
    ) {
        self.runner = runner
        self.clock = clock
        self.signer = signer
        self.onCommit = onCommit
    }

    /// The requests waiting for the next group, and whether a drain is running.
    private struct Queue {
        var pending: [Job] = []
        var isDraining = false
        /// The next job's number: how a cancelled caller finds its job in `pending`.
        var nextJobNumber: UInt64 = 0
    }

    /// One request: its work inside the transaction, and how to answer it afterwards.
    private struct Job: Sendable {
        let number: UInt64
        /// Whether the job runs in a savepoint of its own (see `submit`).
        let isIsolated: Bool
        let run: @Sendable (Runner.Statements, Timestamp) throws -> Void
        let finish: @Sendable (Result<Void, any Error>) -> Void
    }

    /// A value produced inside the transaction, handed out after the commit.
    private final class Box<Value>: @unchecked Sendable {
        var value: Value?
    }

    /// Runs `body` in the next group's transaction (in its own savepoint) and returns its
    /// value once the group is durable; throws what `body` threw (its savepoint rolled
    /// back), or the commit's own failure.
    ///
    /// `isolated: false` is for a job that isolates its own parts (a non-atomic batch puts
    /// each item in a savepoint and keeps every rejection inside it): it runs without a
    /// savepoint of its own, because on SQLite a savepoint held open around many nested ones
    /// keeps the statement journal growing until it is released (a batch of 1,000 ran at half
    /// speed). Anything such a job throws fails its whole group, neighbours included.
    ///
    /// A caller cancelled while its job still waits for a group (a request past its
    /// deadline, a client gone) gets `CancellationError` and its job is dropped: nothing
    /// of it is written. Once its group has begun, the job runs to the end and its
    /// outcome is returned: a transaction is never abandoned half-way.
    public func submit<Value: Sendable>(
        isolated: Bool = true,
        _ body: @escaping @Sendable (Runner.Statements, Timestamp) throws -> Value
    ) async throws -> Value {
        let number = queue.withLock { queue in
            defer { queue.nextJobNumber += 1 }
            return queue.nextJobNumber
        }
        return try await withTaskCancellationHandler {
            try await enqueue(number: number, isolated: isolated, body)
        } onCancel: {
            let dropped = queue.withLock { queue -> Job? in
                guard let position = queue.pending.firstIndex(where: { $0.number == number }) else { return nil }
                return queue.pending.remove(at: position)
            }
            dropped?.finish(.failure(CancellationError()))
        }
    }

    private func enqueue<Value: Sendable>(
        number: UInt64, isolated: Bool, _ body: @escaping @Sendable (Runner.Statements, Timestamp) throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            guard !Task.isCancelled else {
                continuation.resume(throwing: CancellationError())
                return
            }
            let box = Box<Value>()
            let job = Job(
                number: number, isIsolated: isolated,
                run: { statements, now in box.value = try body(statements, now) },
                finish: { result in
                    switch result {
                    case .success:
                        guard let value = box.value else {
                            preconditionFailure("a job that succeeded produced its value")
                        }
                        continuation.resume(returning: value)
                    case .failure(let error):
                        continuation.resume(throwing: error)
                    }
                }
            )
            let startsDraining = queue.withLock { queue in
                queue.pending.append(job)
                guard !queue.isDraining else { return false }
                queue.isDraining = true
                return true
            }
            if startsDraining { Task { await self.drain() } }
        }
    }

    /// Seconds in a duration, for metrics.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Commits groups until no request is waiting.
    private func drain() async {
        while true {
            let jobs = takeGroup()
            guard !jobs.isEmpty else { return }
            await commit(jobs)
        }
    }

    /// The next group's jobs, oldest first; none (and the drain ends) when nothing waits.
    private func takeGroup() -> [Job] {
        queue.withLock { queue in
            let taken = Array(queue.pending.prefix(Self.groupSizeMax))
            queue.pending.removeFirst(taken.count)
            if taken.isEmpty { queue.isDraining = false }
            return taken
        }
    }

    /// Runs one group in one transaction, reports the commit, then answers every job (a
    /// caller that reads the statistics after its answer sees its own commit counted).
    private func commit(_ jobs: [Job]) async {
        let started = ContinuousClock.now
        let clock = self.clock
        let signer = self.signer
        let bodyEnded = Box<ContinuousClock.Instant>()
        let outcomes: [Result<Void, any Error>]
        do {
            outcomes = try await runner.inWriteTransaction { statements -> [Result<Void, any Error>] in
                let outcomes = try Self.run(jobs, in: statements, clock: clock)
                // One checkpoint over the group's entries (none if nothing was appended:
                // the checkpoint of that size exists already and is kept).
                try LogAppender(statements).signCheckpoint(statements, at: clock.now(), signer: signer)
                bodyEnded.value = ContinuousClock.now
                return outcomes
            }
        } catch {
            outcomes = Array(repeating: .failure(error), count: jobs.count)
        }
        let ended = ContinuousClock.now
        onCommit(GroupCommit(
            requests: jobs.count, seconds: Self.seconds(ended - started),
            syncSeconds: Self.seconds(ended - (bodyEnded.value ?? ended))
        ))
        for (job, outcome) in zip(jobs, outcomes) { job.finish(outcome) }
    }

    /// Runs each isolated job in its own savepoint: a job that throws is rolled back alone.
    /// A job that isolates its own parts runs bare; what it throws fails the group.
    private static func run(
        _ jobs: [Job], in statements: Runner.Statements, clock: any LedgerClock
    ) throws -> [Result<Void, any Error>] {
        var outcomes: [Result<Void, any Error>] = []
        outcomes.reserveCapacity(jobs.count)
        for job in jobs {
            guard job.isIsolated else {
                try job.run(statements, clock.now())
                outcomes.append(.success(()))
                continue
            }
            do {
                try statements.inSavepoint { try job.run(statements, clock.now()) }
                outcomes.append(.success(()))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }
}

/// What one group commit did, for metrics and tests.
public struct GroupCommit: Sendable {
    /// Requests in the group.
    public let requests: Int
    /// From taking the group to the commit's return.
    public let seconds: Double
    /// The COMMIT itself, which holds the fsync (`synchronous = FULL`).
    public let syncSeconds: Double
}
