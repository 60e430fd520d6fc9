import Foundation
import LedgerApplication
import LedgerStorage
import Logging
import ServiceLifecycle

/// Keeps a tiles directory (`serve --tiles-dir`) in step with the log: after each commit
/// (looked for every `interval`) the new tiles and then the new checkpoint are written;
/// once more at shutdown, after the HTTP server stopped and before the database closes.
/// A failure is logged and retried at the next look: the directory only lags, never
/// holds a checkpoint whose tiles are missing, and writes are never held up by it.
struct TilePublisher<Store: LedgerStore>: Service {
    let store: Store
    let directory: TileDirectory
    let logger: Logger
    var interval: Duration = .milliseconds(200)

    func run() async throws {
        var published = (try? await directory.publishedSize(in: store)) ?? 0
        logger.info("publishing tiles", metadata: ["directory": "\(directory.root.path)", "from_size": "\(published)"])
        while !Task.isShuttingDownGracefully {
            published = await publish(after: published)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        _ = await publish(after: published)
    }

    private func publish(after published: Int64) async -> Int64 {
        do {
            return try await directory.publish(from: store, after: published)
        } catch {
            logger.error("tiles not written", metadata: ["error": "\(error)"])
            return published
        }
    }
}
