import Hummingbird
import LedgerCore

/// A token bucket per API key: `burst` requests at once, refilled at `perMinute`.
///
/// Integer arithmetic in micro-tokens on the injected clock, so tests drive time and no
/// rounding ever lets a request through that the rate does not allow.
actor RateLimiter {
    private struct Bucket {
        var microTokens: Int64
        var updatedAt: Int64
    }

    private let capacity: Int64
    /// Micro-tokens regained per microsecond, as a fraction perMinute / 60.
    private let perMinute: Int64
    private let clock: any LedgerClock
    private var buckets: [String: Bucket] = [:]

    init(burst: Int, perMinute: Int, clock: any LedgerClock) {
        capacity = Int64(burst) * 1_000_000
        self.perMinute = Int64(perMinute)
        self.clock = clock
    }

    /// Takes one token for `key`; returns `nil` when allowed, or the whole seconds to wait.
    func take(for key: String) -> Int? {
        let now = clock.now().microsecondsSinceEpoch
        var bucket = buckets[key] ?? Bucket(microTokens: capacity, updatedAt: now)
        let elapsed = max(0, now - bucket.updatedAt)
        // perMinute tokens per 60e6 µs = perMinute micro-tokens per 60 µs.
        let (gain, overflow) = elapsed.multipliedReportingOverflow(by: perMinute)
        bucket.microTokens = overflow ? capacity : min(capacity, bucket.microTokens + gain / 60)
        bucket.updatedAt = now
        defer { buckets[key] = bucket }
        guard bucket.microTokens >= 1_000_000 else {
            let missing = 1_000_000 - bucket.microTokens
            let waitMicroseconds = (missing * 60 + perMinute - 1) / perMinute
            return Int((waitMicroseconds + 999_999) / 1_000_000)
        }
        bucket.microTokens -= 1_000_000
        if buckets.count > 100_000 { buckets.removeAll(keepingCapacity: true) } // bounded memory; buckets refill anyway
        return nil
    }
}

/// Answers 429 with `Retry-After` when a key exceeds its rate, before any work is done.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: RateLimiter?

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        if let limiter, let key = context.principal?.keyID, let wait = await limiter.take(for: key) {
            throw Problem(
                status: .tooManyRequests, code: "rate_limited", title: "Too many requests for this key",
                detail: "retry in \(wait) s", headers: [.retryAfter: String(wait)]
            )
        }
        return try await next(request, context)
    }
}
