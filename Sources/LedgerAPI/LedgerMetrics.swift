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
    let backupLastSuccess: Prometheus.Gauge
    let backupFailures: Prometheus.Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        commitRequests = registry.makeValueHistogram(
            descriptor: Self.name(
                "commit", unit: "requests",
                help: "Write requests committed together in one database transaction (group commit)."
            ),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        )
        let durations: [Duration] = [
            .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .seconds(1),
        ]
        commitSeconds = registry.makeDurationHistogram(
            descriptor: Self.name(
                "commit", unit: "seconds",
                help: "Time of one group commit: the requests' work, the log entries, the checkpoint and the COMMIT."
            ),
            buckets: durations
        )
        commitSyncSeconds = registry.makeDurationHistogram(
            descriptor: Self.name(
                "commit_sync", unit: "seconds",
                help: "Time of the COMMIT alone, which waits for fsync (synchronous = FULL)."
            ),
            buckets: durations
        )
        logEntries = registry.makeGauge(
            descriptor: Self.name(
                "log", unit: "entries", help: "Entries in the audit log at the latest signed checkpoint."
            )
        )
        checkpointAgeSeconds = registry.makeGauge(
            descriptor: Self.name(
                "checkpoint_age", unit: "seconds", help: "Seconds since the latest checkpoint was signed."
            )
        )
        backupLastSuccess = registry.makeGauge(
            descriptor: Self.name(
                "backup_last_success", unit: "timestamp_seconds",
                help: "When the last scheduled backup was written and verified (Unix time; 0: none yet)."
            )
        )
        backupFailures = registry.makeCounter(
            descriptor: Self.name("backup_failures", unit: "total", help: "Scheduled backups that failed.")
        )
    }

    /// Every metric in the Prometheus text format, as `GET /metrics` serves it.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// Records a scheduled backup written and verified at `date`.
    func backupSucceeded(at date: Date) {
        backupLastSuccess.set(date.timeIntervalSince1970)
    }

    /// Records a scheduled backup that failed.
    func backupFailed() {
        backupFailures.increment()
    }

    /// `commons_ledger_<name>_<unit>`: every metric of ours under one namespace.
    private static func name(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "commons_ledger", metricName: name, unitName: unit, helpText: help)
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
