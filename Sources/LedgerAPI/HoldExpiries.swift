import LedgerStorage
import Logging
import ServiceLifecycle

/// Releases the holds of approved grants whose expiry has passed, once a minute, each
/// with its `disbursement.hold_expired` log entry. The rule does not wait for it: an
/// expired hold stops counting against `available` at its expiry; this writes it down.
/// A failure is logged and tried again next round; it never stops the server.
struct HoldExpiries<Store: LedgerStore>: Service {
    let store: Store
    let every: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                let released = try await store.expireHolds()
                if released > 0 { logger.info("grant holds expired", metadata: ["count": "\(released)"]) }
            } catch {
                logger.error("releasing expired grant holds failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
        }
    }
}
