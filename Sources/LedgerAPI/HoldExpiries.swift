import Dispatch
import LedgerStorage
import Logging
import ServiceLifecycle
import Synchronization

/// Releases the holds of approved grants whose expiry has passed, once a minute, each
/// with its `disbursement.hold_expired` log entry. The rule does not wait for it: an
/// expired hold stops counting against `available` at its expiry; this writes it down.
/// A failure is logged and tried again next round; it never stops the server.
///
/// The pause between rounds ends at graceful shutdown without a cancelled sleep: a
/// cancelled `Task.sleep` throws on every server stop, and the test harness's hook on
/// thrown errors deadlocked under the PostgreSQL router tests (a test process hung at
/// exit with a thread in that hook, from this service's sleep).
struct HoldExpiries<Store: LedgerStore>: Service {
    let store: Store
    let every: Duration
    let logger: Logger

    func run() async throws {
        let pause = Pause()
        // Cancellation (the service group stopping on another service's error) ends it too.
        await withTaskCancellationHandler {
            await rounds(pause)
        } onCancel: {
            pause.end()
        }
    }

    /// Rounds until graceful shutdown or cancellation ends the pause.
    func rounds(_ pause: Pause) async {
        await withGracefulShutdownHandler {
            while !pause.isOver && !Task.isCancelled {
                do {
                    let released = try await store.expireHolds()
                    if released > 0 { logger.info("grant holds expired", metadata: ["count": "\(released)"]) }
                } catch {
                    logger.error("releasing expired grant holds failed", metadata: ["error": "\(error)"])
                }
                await pause.wait(every)
            }
        } onGracefulShutdown: {
            pause.end()
        }
    }

    /// A wait of a given length that `end()` cuts short, for good, without throwing.
    final class Pause: Sendable {
        private enum State {
            case idle
            case waiting(CheckedContinuation<Void, Never>)
            case over
        }

        private let state = Mutex(State.idle)

        var isOver: Bool { state.withLock { if case .over = $0 { true } else { false } } }

        func wait(_ duration: Duration) async {
            await withCheckedContinuation { continuation in
                let waits = state.withLock { state -> Bool in
                    guard case .idle = state else { return false }
                    state = .waiting(continuation)
                    return true
                }
                guard waits else { return continuation.resume() }
                let nanoseconds = duration.components.seconds * 1_000_000_000
                    + duration.components.attoseconds / 1_000_000_000
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
                    self.resume(next: .idle)
                }
            }
        }

        func end() { resume(next: .over) }

        /// Resumes a waiting `wait` and moves to `next` (once over, it stays over).
        private func resume(next: State) {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if case .over = state { return nil }
                var continuation: CheckedContinuation<Void, Never>?
                if case .waiting(let waiting) = state { continuation = waiting }
                state = next
                return continuation
            }
            waiting?.resume()
        }
    }
}
