import Hummingbird
import LedgerApplication
public import LedgerCore
import WireContract

/// A token bucket per name (an API key, or a client address): `burst` requests at once,
/// refilled at `perMinute`.
///
/// Integer arithmetic in micro-tokens on the injected clock, so tests drive time and no
/// rounding ever lets a request through that the rate does not allow.
///
/// The table of buckets is bounded by `bucketsMax`, and a bucket that still holds back a
/// caller is never forgotten: when the table is full, buckets that have refilled are
/// dropped (forgetting them changes nothing), and if none has, newcomers share one
/// overflow bucket until some refill. So a flood of new names (many addresses) can
/// neither grow memory nor hand a limited caller a fresh bucket.
public actor RateLimiter {
    private struct Bucket {
        var microTokens: Int64
        var updatedAt: Int64
    }

    /// The bucket newcomers share while the table is full.
    static let overflowName = "\u{0}overflow"

    private let capacity: Int64
    /// Micro-tokens regained per microsecond, as a fraction perMinute / 60.
    private let perMinute: Int64
    /// Most buckets kept, the overflow bucket included.
    public let bucketsMax: Int
    private let clock: any LedgerClock
    private var buckets: [String: Bucket] = [:]
    /// When refilled buckets were last swept out; at most one sweep a second, so a flood
    /// of newcomers does not make every request walk the whole table.
    private var sweptAt: Int64?

    /// A limiter of `burst` requests regained at `perMinute`, keeping at most `bucketsMax`
    /// buckets (the overflow bucket included).
    public init(burst: Int, perMinute: Int, bucketsMax: Int = 100_000, clock: any LedgerClock) {
        precondition(bucketsMax >= 1, "a rate limiter keeps at least one bucket")
        capacity = Int64(burst) * 1_000_000
        self.perMinute = Int64(perMinute)
        self.bucketsMax = bucketsMax
        self.clock = clock
    }

    /// Buckets kept, the overflow bucket included (for tests).
    public var count: Int { buckets.count }

    /// Takes one token for `name`; returns `nil` when allowed, or the whole seconds to wait.
    public func take(for name: String) -> Int? {
        let now = clock.now().microsecondsSinceEpoch
        let key = bucketName(for: name, now: now)
        var bucket = refilled(buckets[key] ?? Bucket(microTokens: capacity, updatedAt: now), now: now)
        defer { buckets[key] = bucket }
        guard bucket.microTokens >= 1_000_000 else {
            let missing = 1_000_000 - bucket.microTokens
            let waitMicroseconds = (missing * 60 + perMinute - 1) / perMinute
            return Int((waitMicroseconds + 999_999) / 1_000_000)
        }
        bucket.microTokens -= 1_000_000
        return nil
    }

    /// `name` itself when it has a bucket or there is room for one; the overflow bucket
    /// when the table is full of buckets that still count.
    private func bucketName(for name: String, now: Int64) -> String {
        if buckets[name] != nil { return name }
        // One place is kept for the overflow bucket.
        if buckets.count >= bucketsMax - 1, sweptAt.map({ now - $0 >= 1_000_000 }) ?? true {
            sweptAt = now
            buckets = buckets.filter { refilled($0.value, now: now).microTokens < capacity }
        }
        return buckets.count < bucketsMax - 1 ? name : Self.overflowName
    }

    private func refilled(_ bucket: Bucket, now: Int64) -> Bucket {
        let elapsed = max(0, now - bucket.updatedAt)
        // perMinute tokens per 60e6 µs = perMinute micro-tokens per 60 µs.
        let (gain, overflow) = elapsed.multipliedReportingOverflow(by: perMinute)
        let tokens = overflow ? capacity : min(capacity, bucket.microTokens + gain / 60)
        return Bucket(microTokens: tokens, updatedAt: now)
    }
}

/// The two rate limits: per API key, and per client address for everyone without a valid
/// key (`nil`: that limit is off).
struct RateLimits: Sendable {
    let keys: RateLimiter?
    let addresses: RateLimiter?

    init(limits: RequestLimits, clock: any LedgerClock) {
        keys = limits.rateLimitBurst > 0
            ? RateLimiter(burst: limits.rateLimitBurst, perMinute: limits.rateLimitPerMinute, clock: clock) : nil
        addresses = limits.anonymousRateLimitBurst > 0
            ? RateLimiter(
                burst: limits.anonymousRateLimitBurst, perMinute: limits.anonymousRateLimitPerMinute,
                bucketsMax: limits.rateLimitAddressesMax, clock: clock
            ) : nil
    }

    /// The 429 for a request from `address` without a valid key, or `nil` when allowed.
    func refusal(address: IPAddress?) async -> Problem? {
        // No address (router tests, a Unix socket): one bucket shared by all such callers.
        guard let addresses, let wait = await addresses.take(for: address?.bucketName ?? "unknown") else { return nil }
        return Problem.rateLimited(
            title: "Too many requests from this address", detail: "retry in \(wait) s, or send an API key",
            waitSeconds: wait
        )
    }
}

/// Decides the client's address (`ClientAddressResolver`) before anything else reads it.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let resolver: ClientAddressResolver

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.clientAddress = resolver.clientAddress(request, context: context)
        return try await next(request, context)
    }
}

/// Answers 429 with `Retry-After` when a key, or an address without a key, exceeds its
/// rate, before any work is done.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limits: RateLimits

    func handle(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        if let key = context.principal?.keyID {
            if let limiter = limits.keys, let wait = await limiter.take(for: key) {
                throw Problem.rateLimited(
                    title: "Too many requests for this key", detail: "retry in \(wait) s", waitSeconds: wait
                )
            }
        } else if let refusal = await limits.refusal(address: context.clientAddress) {
            throw refusal
        }
        return try await next(request, context)
    }
}
