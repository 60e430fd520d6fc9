import Foundation
public import LedgerStorage
import Metrics
public import Prometheus
import WireContract

/// The server's metrics in one Prometheus registry, served at `GET /metrics` in the
/// Prometheus text format.
///
/// HTTP metrics (requests and their duration per route, method and status; requests in
/// flight) come from Hummingbird's `MetricsMiddleware` through swift-metrics once
/// `bootstrapMetricsSystem()` has pointed it at this registry (the `serve` command does,
/// once per process). The ledger's own metrics are recorded here directly: commit group
/// sizes, commit and fsync durations, log size and checkpoint age.
public final class LedgerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let commitRequests: ValueHistogram
    let commitSeconds: DurationHistogram
    let commitSyncSeconds: DurationHistogram
    let logEntries: Prometheus.Gauge
    let checkpointAgeSeconds: Prometheus.Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        commitRequests = registry.makeValueHistogram(
            name: "commons_ledger_commit_requests", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
            help: "Write requests committed together in one database transaction (group commit)."
        )
        let durations: [Duration] = [
            .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .seconds(1),
        ]
        commitSeconds = registry.makeDurationHistogram(
            name: "commons_ledger_commit_seconds", buckets: durations,
            help: "Time of one group commit: the requests' work, the log entries, the checkpoint and the COMMIT."
        )
        commitSyncSeconds = registry.makeDurationHistogram(
            name: "commons_ledger_commit_sync_seconds", buckets: durations,
            help: "Time of the COMMIT alone, which waits for fsync (synchronous = FULL)."
        )
        logEntries = registry.makeGauge(
            name: "commons_ledger_log_entries", help: "Entries in the audit log at the latest signed checkpoint."
        )
        checkpointAgeSeconds = registry.makeGauge(
            name: "commons_ledger_checkpoint_age_seconds", help: "Seconds since the latest checkpoint was signed."
        )
    }

    /// Records every commit of `store`'s writer.
    public func observeCommits(of statistics: CommitStatistics) {
        statistics.observe { [commitRequests, commitSeconds, commitSyncSeconds] commit in
            commitRequests.record(Double(commit.requests))
            commitSeconds.recordNanoseconds(Int64(commit.seconds * 1e9))
            commitSyncSeconds.recordNanoseconds(Int64(commit.syncSeconds * 1e9))
        }
    }

    /// Routes swift-metrics (and so Hummingbird's request metrics) into this registry.
    /// Once per process: swift-metrics refuses a second bootstrap.
    public func bootstrapMetricsSystem() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // swift-metrics labels are dotted (`http.server.request.duration`); Prometheus
        // names are not.
        factory.nameAndLabelSanitizer = { name, labels in
            (
                name.replacingOccurrences(of: ".", with: "_"),
                labels.map { ($0.replacingOccurrences(of: ".", with: "_"), $1) }
            )
        }
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
    }
}
