// Goal: the public cannot slow the server down for everyone (security review, finding 3).
// Callers without a valid key are rate-limited per client address (a forged forwarding
// header from an untrusted peer buys nothing; a trusted proxy's is believed), the table
// of addresses is bounded, report replays are bounded in number and the books kept in
// facts, tree-size reports are kept, and the default report book is pinned: served,
// never replayed again, while cuts flood in. Through the real router where it is HTTP.
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerAPI
import LedgerApplication
import LedgerCore
import LedgerTestSupport
import Reports
import Testing

@Suite struct PublicFloodTests {
    /// Anonymous limits of `burst` at one a second; keys keep their generous default.
    static func limits(burst: Int) -> RequestLimits {
        var limits = RequestLimits()
        limits.anonymousRateLimitBurst = burst
        limits.anonymousRateLimitPerMinute = 60
        return limits
    }

    static func from(_ address: String, _ more: HTTPFields = [:]) -> HTTPFields {
        var headers = more
        headers[.init(TestServer.peerHeader)!] = address
        return headers
    }

    /// A trial balance as of a day of 2026 (day 1 to 365), so each request is a new cut.
    static func cut(_ day: Int) -> String {
        let newYear = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z
        let date = Calendar(identifier: .gregorian).date(byAdding: .day, value: day - 1, to: newYear)!
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "/v1/reports/trial-balance?as_of=%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test func anAddressFloodingNewDatesGets429WhileKeysAndOtherAddressesStillWork() async throws {
        let server = try TestServer(limits: Self.limits(burst: 5))
        try await server.run { client async throws in
            /// A report for `day` from `address`, as `caller`.
            func ask(
                _ day: Int, from address: String, _ more: HTTPFields = [:], as caller: Caller = .anonymous
            ) async throws -> Reply {
                try await client.call(.get, Self.cut(day), headers: Self.from(address, more), as: caller)
            }
            try await ReportRoutesTests.setUp(client)
            for day in 1...5 {
                let reply = try await ask(day, from: "203.0.113.7")
                #expect(reply.status == .ok, "\(reply.text)")
            }
            let refused = try await ask(6, from: "203.0.113.7")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.code == "rate_limited")
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.headers[.contentType] == "application/problem+json")
            // A forwarding header from a peer that is not a trusted proxy is ignored: no fresh bucket.
            let forwarded: HTTPFields = [.init("X-Forwarded-For")!: "198.51.100.23"]
            let spoofed = try await ask(7, from: "203.0.113.7", forwarded)
            #expect(spoofed.status == .tooManyRequests)
            // An invalid token is no way around the limit either.
            let guessed = try await ask(8, from: "203.0.113.7", as: .token("key_0.nonsense"))
            #expect(guessed.status == .tooManyRequests)
            // A key holder at the same address, and another address, are not held back.
            #expect(try await ask(9, from: "203.0.113.7", as: .admin).status == .ok)
            #expect(try await ask(10, from: "203.0.113.8").status == .ok)
            // The bucket refills at one a second.
            server.clock.advance(microseconds: 1_000_000)
            #expect(try await ask(11, from: "203.0.113.7").status == .ok)
            #expect(try await ask(12, from: "203.0.113.7").status == .tooManyRequests)
        }
    }

    @Test func behindATrustedProxyTheClientItNamesHasTheBucket() async throws {
        let server = try TestServer(limits: Self.limits(burst: 2), trustedProxies: ["10.0.0.0/8"])
        try await server.run { client async throws in
            func call(_ chain: String) async throws -> HTTPResponse.Status {
                let forwarded: HTTPFields = chain.isEmpty ? [:] : [.init("X-Forwarded-For")!: chain]
                let headers = Self.from("10.0.0.2", forwarded)
                return try await client.call(.get, "/v1/log/checkpoint", headers: headers, as: .anonymous).status
            }
            #expect(try await call("198.51.100.9") == .ok)
            #expect(try await call("198.51.100.9") == .ok)
            #expect(try await call("198.51.100.9") == .tooManyRequests)
            // A client writing another address on the left, which the proxy passes on before
            // its own: still the address the proxy saw.
            #expect(try await call("192.0.2.1, 198.51.100.9") == .tooManyRequests)
            // Another client behind the same proxy has its own bucket; so does the proxy.
            #expect(try await call("198.51.100.10") == .ok)
            #expect(try await call("") == .ok)
        }
    }

    @Test func theResolverWalksForwardingHeadersFromTheRight() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "2001:db8::1"])
        let xff = ClientAddressResolver(trustedProxies: proxies)
        let forwarded = ClientAddressResolver(trustedProxies: proxies, header: .forwarded)
        let proxy = try #require(IPAddress("10.1.2.3"))
        let stranger = try #require(IPAddress("203.0.113.5"))
        let chain: HTTPFields = [
            .init("X-Forwarded-For")!: "192.0.2.1, 198.51.100.4, 10.9.9.9",
            .init("Forwarded")!: #"for=192.0.2.77, for="[2001:db8:cafe::17]:4711";proto=https, for="[2001:db8::1]""#,
        ]
        #expect(xff.clientAddress(peer: proxy, headers: chain) == IPAddress("198.51.100.4"))
        #expect(forwarded.clientAddress(peer: proxy, headers: chain) == IPAddress("2001:db8:cafe::17"))
        // An untrusted peer is the client, whatever it writes.
        #expect(xff.clientAddress(peer: stranger, headers: chain) == stranger)
        // A hop the proxy could not name leaves the proxy as the client.
        #expect(xff.clientAddress(peer: proxy, headers: [.init("X-Forwarded-For")!: "unknown"]) == proxy)
        // One address, however it is spelt; an IPv6 host counts by its /64.
        #expect(IPAddress("::ffff:192.0.2.1") == IPAddress("192.0.2.1"))
        #expect(IPAddress("2001:db8:0:0::1")?.bucketName == "2001:db8::/64")
        #expect(IPAddress("2001:db8::ffff:1")?.bucketName == "2001:db8::/64")
        #expect(IPAddress("example.org") == nil)
        #expect(throws: ServerConfiguration.Invalid.self) { try TrustedProxies(["10.0.0.0/33"]) }
        #expect(throws: ServerConfiguration.Invalid.self) { try TrustedProxies(["proxy.internal"]) }
    }

    @Test func theAddressTableIsBoundedAndNeverForgetsACallerItHoldsBack() async throws {
        let clock = FixedClock()
        let limiter = RateLimiter(burst: 2, perMinute: 60, bucketsMax: 4, clock: clock)
        #expect(await limiter.take(for: "attacker") == nil)
        #expect(await limiter.take(for: "attacker") == nil)
        #expect(await limiter.take(for: "attacker") == 1)
        // A flood of new addresses: the table stays at its bound...
        var overflowRefusals = 0
        for index in 0..<100 where await limiter.take(for: "flood-\(index)") != nil { overflowRefusals += 1 }
        #expect(await limiter.count <= 4)
        // ...newcomers beyond it share one bucket (two tokens, so all but two refused)...
        #expect(overflowRefusals == 100 - 2 - 2)
        // ...and the attacker's spent bucket was not forgotten.
        #expect(await limiter.take(for: "attacker") == 1)
        // Once buckets have refilled they are dropped, and a newcomer has its own again.
        clock.advance(microseconds: 10_000_000)
        #expect(await limiter.take(for: "latecomer") == nil)
        #expect(await limiter.take(for: "latecomer") == nil)
        #expect(await limiter.take(for: "latecomer") == 1)
        #expect(await limiter.count <= 4)
    }

    @Test(.timeLimit(.minutes(1)))
    func theDefaultBookIsServedAndNeverReplayedAgainWhileCutsFloodIn() async throws {
        let cache = ReportBookCache(bounds: .init(replaysMax: 1, replayQueueMax: 0, booksMax: 2, factsMax: 1_000_000))
        try await TestServer(limits: Self.limits(burst: 1_000), reportCache: cache).run { client in
            try await ReportRoutesTests.setUp(client)
            let first = try await client.call(.get, "/v1/reports/reciprocity", as: .anonymous)
            #expect(first.status == .ok)
            let pinned = try #require(await cache.pinnedBook)
            let afterDefault = await cache.statistics
            // Cuts, one at a time and then all at once: more than the cache keeps.
            for day in 1...10 {
                #expect(try await client.call(.get, Self.cut(day), as: .anonymous).status == .ok)
                #expect(await cache.statistics.books <= 2)
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for day in 11...30 {
                    group.addTask { try await client.call(.get, Self.cut(day), as: .anonymous).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { [.ok, .serviceUnavailable].contains($0) })
            #expect(await cache.statistics.books <= 2)
            // The default report comes from the same book, with no replay at all.
            let before = await cache.statistics
            #expect(before.replays > afterDefault.replays)
            let again = try await client.call(.get, "/v1/reports/reciprocity", as: .anonymous)
            #expect(again.body == first.body)
            #expect(await cache.statistics.replays == before.replays)
            #expect(await cache.statistics.entriesReplayed == before.entriesReplayed)
            #expect(await cache.pinnedBook?.entryCount == pinned.entryCount)

            // While the only replay slot is taken, the default report is still served and
            // another cut is refused at once.
            let held = ReportBookCache.Key(asOf: LocalDate("2020-01-01"), from: nil)
            guard case .replay = try await cache.lease(held, upTo: 60_000) else { Issue.record("no slot"); return }
            #expect(try await client.call(.get, "/v1/reports/reciprocity", as: .anonymous).body == first.body)
            let busy = try await client.call(.get, Self.cut(200), as: .anonymous)
            #expect(busy.status == .serviceUnavailable)
            #expect(busy.code == "report_busy")
            #expect(busy.headers[.retryAfter] == "2")
            await cache.finish(held, book: nil)
            #expect(try await client.call(.get, Self.cut(200), as: .anonymous).status == .ok)
        }
    }

    @Test func keptBooksStayWithinTheirCountAndFactBounds() async throws {
        let byCount = ReportBookCache(bounds: .init(replaysMax: 2, replayQueueMax: 4, booksMax: 3, factsMax: 1_000_000))
        try await TestServer(limits: Self.limits(burst: 1_000), reportCache: byCount).run { client in
            try await ReportRoutesTests.setUp(client)
            for day in 1...10 {
                #expect(try await client.call(.get, Self.cut(day), as: .anonymous).status == .ok)
                #expect(await byCount.statistics.books <= 3)
            }
            #expect(await byCount.statistics.books == 3)
        }
        let byFacts = ReportBookCache(bounds: .init(replaysMax: 2, replayQueueMax: 4, booksMax: 100, factsMax: 60))
        try await TestServer(limits: Self.limits(burst: 1_000), reportCache: byFacts).run { client in
            try await ReportRoutesTests.setUp(client)
            for day in 1...10 {
                #expect(try await client.call(.get, Self.cut(day), as: .anonymous).status == .ok)
                #expect(await byFacts.statistics.facts <= 60)
            }
            // Something is kept, and fewer than the ten cuts asked for.
            #expect((1..<10).contains(await byFacts.statistics.books))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func replaysBeyondTheSlotsWaitInABoundedQueueOrGet503() async throws {
        let cache = ReportBookCache(bounds: .init(replaysMax: 1, replayQueueMax: 1, booksMax: 8, factsMax: 1_000_000))
        try await TestServer(limits: Self.limits(burst: 1_000), reportCache: cache).run { client in
            try await ReportRoutesTests.setUp(client)
            let held = ReportBookCache.Key(asOf: LocalDate("2020-01-01"), from: nil)
            guard case .replay = try await cache.lease(held, upTo: 10) else { Issue.record("no slot"); return }
            let requests = (1...3).map { day in
                Task { try await client.call(.get, Self.cut(day), as: .anonymous).status }
            }
            // One waits for the slot; the other two are refused.
            while await cache.statistics.queued + cache.statistics.refused < 3 { await Task.yield() }
            #expect(await cache.statistics.queued == 1)
            #expect(await cache.statistics.refused == 2)
            await cache.finish(held, book: nil)
            var statuses: [HTTPResponse.Status] = []
            for request in requests { statuses.append(try await request.value) }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .serviceUnavailable }.count == 2)
            #expect(await cache.statistics.replaysRunning == 0)
        }
    }

    @Test func aTreeSizeReportIsKeptAndServedWithoutAReplayTheSecondTime() async throws {
        let cache = ReportBookCache()
        try await TestServer(reportCache: cache).run { client in
            try await ReportRoutesTests.setUp(client)
            let before = try await client.call(.get, "/v1/reports/trial-balance", as: .anonymous)
            let checkpoint = ReportRoutesTests.document(before)["checkpoint"] as? [String: Any]
            let size = try #require(checkpoint?["tree_size"] as? Int)
            let members = try await client.call(.get, "/v1/members")
            let someone = try #require((members["items"] as? [[String: Any]])?.first?["id"] as? String)
            let gift = #"{"member_id":"\#(someone)","fund_id":"climate","asset":"USD","amount":1,"date":"2026-04-01"}"#
            #expect(try await client.call(.post, "/v1/contributions", json: gift).status == .created)
            // The default book moves on to the new checkpoint; the old size needs a replay...
            #expect(try await client.call(.get, "/v1/reports/trial-balance", as: .anonymous).status == .ok)
            let replays = await cache.statistics.replays
            let first = try await client.call(.get, "/v1/reports/trial-balance?tree_size=\(size)", as: .anonymous)
            #expect(first.body == before.body)
            #expect(await cache.statistics.replays == replays + 1)
            // ...once: the second time it is served from the kept book.
            let second = try await client.call(.get, "/v1/reports/trial-balance?tree_size=\(size)", as: .anonymous)
            #expect(second.body == before.body)
            #expect(await cache.statistics.replays == replays + 1)
        }
    }
}
