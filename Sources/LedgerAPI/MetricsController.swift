import Hummingbird
import LedgerCore
import LedgerStorage
import Prometheus
import WireContract

/// `GET /metrics`: the Prometheus text exposition of `LedgerMetrics`, with the log's
/// size and the latest checkpoint's age read at scrape time.
struct MetricsController<Store: LedgerStore> {
    let store: Store
    let metrics: LedgerMetrics
    let clock: any LedgerClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/metrics", use: metrics)
    }

    /// `GET /metrics`.
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let checkpoint = try await store.latestCheckpoint() {
            metrics.logEntries.set(Double(checkpoint.treeSize))
            if let signed = Timestamp(checkpoint.createdAt) {
                let age = clock.now().microsecondsSinceEpoch - signed.microsecondsSinceEpoch
                metrics.checkpointAgeSeconds.set(Double(max(age, 0)) / 1e6)
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
        )
    }
}
