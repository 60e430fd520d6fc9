import LedgerEngine
import Synchronization

/// Running totals of the group commits of one store, for `/metrics` and tests.
public final class CommitStatistics: Sendable {
    /// What one commit did, as observers see it.
    public struct Commit: Sendable {
        /// Requests in the group.
        public let requests: Int
        /// From taking the group to the commit's return.
        public let seconds: Double
        /// The COMMIT itself, which holds the fsync (`synchronous = FULL`).
        public let syncSeconds: Double
    }

    private struct Totals {
        var commitCount = 0
        var requestCount = 0
        var largest = 0
        var totalSeconds = 0.0
        var observers: [@Sendable (Commit) -> Void] = []
    }

    private let totals = Mutex(Totals())

    public init() {}

    func record(_ groupCommit: GroupCommit) {
        let commit = Commit(
            requests: groupCommit.requests, seconds: groupCommit.seconds, syncSeconds: groupCommit.syncSeconds
        )
        let observers = totals.withLock { totals in
            totals.commitCount += 1
            totals.requestCount += commit.requests
            totals.largest = max(totals.largest, commit.requests)
            totals.totalSeconds += commit.seconds
            return totals.observers
        }
        for observer in observers { observer(commit) }
    }

    /// Calls `observer` after every commit (metrics record into their own registry).
    public func observe(_ observer: @escaping @Sendable (Commit) -> Void) {
        totals.withLock { $0.observers.append(observer) }
    }

    /// Commits so far, the requests they carried, the largest group and the seconds spent.
    public var snapshot: (commits: Int, requests: Int, largestGroup: Int, seconds: Double) {
        totals.withLock { ($0.commitCount, $0.requestCount, $0.largest, $0.totalSeconds) }
    }
}
