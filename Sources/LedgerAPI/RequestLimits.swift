import Foundation
public import LedgerCore

/// The operator's limits on requests, enforced at the edge before any work is done.
///
/// Each may be set lower than the ledger's own bounds (`LedgerCore.Limits`, which the
/// core and the schema enforce regardless), never higher: configuration can tighten the
/// service, not loosen the book's invariants.
public struct RequestLimits: Sendable, Equatable {
    /// Largest request body, in bytes (413 beyond). Hard bound: 8 MiB.
    public var bodyBytesMax = 1_048_576
    /// Most postings in one transaction. Hard bound: `Limits.postingsMax`.
    public var postingsMax = Limits.postingsMax
    /// Largest metadata object, canonical JSON bytes. Hard bound: `Limits.metadataBytesMax`.
    public var metadataBytesMax = Limits.metadataBytesMax
    /// Deepest metadata nesting. Hard bound: `Limits.metadataDepthMax`.
    public var metadataDepthMax = Limits.metadataDepthMax
    /// Longest free-text field (descriptions, names), in characters. Hard bound: `Limits.descriptionLengthMax`.
    public var stringLengthMax = Limits.descriptionLengthMax
    /// Largest page a list returns. Hard bound: `Limits.pageSizeMax`.
    public var pageSizeMax = Limits.pageSizeMax
    /// Deepest JSON nesting in a request body. Hard bound: 64.
    public var jsonDepthMax = 16
    /// Requests a key may make in a burst (token bucket capacity); 0 disables rate limiting.
    public var rateLimitBurst = 200
    /// Requests per minute a key regains (token bucket refill).
    public var rateLimitPerMinute = 12_000
    /// Longest a connection may stay silent (mid-request or idle) before it is closed.
    public var requestTimeoutSeconds = 30
    /// Requests a client address without a valid key may make in a burst; 0 disables it.
    /// Public reports replay the log, so the public gets less than a key holder.
    public var anonymousRateLimitBurst = 60
    /// Requests per minute an address without a key regains.
    public var anonymousRateLimitPerMinute = 300
    /// Client addresses whose buckets are kept; beyond it newcomers share one bucket.
    public var rateLimitAddressesMax = 10_000
    /// Report replays (a report book built or advanced for a date cut or an older tree
    /// size) running at once, whatever the log's size; the default book is not counted.
    /// Each parses on one core, so one leaves the rest of the machine to other requests.
    public var reportReplaysMax = 1
    /// Requests that may wait for a replay slot; beyond it, 503 `report_busy`.
    public var reportReplayQueueMax = 4
    /// Report books kept for date cuts and tree sizes, besides the default book.
    public var reportBooksMax = 8
    /// Facts (accounts, balances, members, pledges, ...) those kept books may hold in all:
    /// the memory bound, as a book's size grows with its facts, not with its entries.
    public var reportBookFactsMax = 2_000_000

    public init() {}

    /// The defaults.
    public static let standard = RequestLimits()

    /// Each setting's name, value and allowed range, for validation and error messages.
    var bounds: [(name: String, value: Int, range: ClosedRange<Int>)] {
        [
            ("body_bytes_max", bodyBytesMax, 1_024...8_388_608),
            ("postings_max", postingsMax, Limits.postingsMin...Limits.postingsMax),
            ("metadata_bytes_max", metadataBytesMax, 2...Limits.metadataBytesMax),
            ("metadata_depth_max", metadataDepthMax, 1...Limits.metadataDepthMax),
            ("string_length_max", stringLengthMax, 1...Limits.descriptionLengthMax),
            ("page_size_max", pageSizeMax, 1...Limits.pageSizeMax),
            ("json_depth_max", jsonDepthMax, 4...64),
            ("rate_limit_burst", rateLimitBurst, 0...1_000_000),
            ("rate_limit_per_minute", rateLimitPerMinute, 1...60_000_000),
            ("request_timeout_seconds", requestTimeoutSeconds, 1...3_600),
            ("anonymous_rate_limit_burst", anonymousRateLimitBurst, 0...1_000_000),
            ("anonymous_rate_limit_per_minute", anonymousRateLimitPerMinute, 1...60_000_000),
            ("rate_limit_addresses_max", rateLimitAddressesMax, 2...10_000_000),
            ("report_replays_max", reportReplaysMax, 1...64),
            ("report_replay_queue_max", reportReplayQueueMax, 0...1_000),
            ("report_books_max", reportBooksMax, 0...1_000),
            ("report_book_facts_max", reportBookFactsMax, 0...100_000_000),
        ]
    }

    /// The first setting outside its allowed range, described; `nil` when all are valid.
    public var problem: String? {
        bounds.first { !$0.range.contains($0.value) }.map {
            "limits.\($0.name) must be between \($0.range.lowerBound) and \($0.range.upperBound), not \($0.value)"
        }
    }

    /// Sets the named setting; false for an unknown name.
    mutating func set(_ name: String, _ value: Int) -> Bool {
        switch name {
        case "body_bytes_max": bodyBytesMax = value
        case "postings_max": postingsMax = value
        case "metadata_bytes_max": metadataBytesMax = value
        case "metadata_depth_max": metadataDepthMax = value
        case "string_length_max": stringLengthMax = value
        case "page_size_max": pageSizeMax = value
        case "json_depth_max": jsonDepthMax = value
        case "rate_limit_burst": rateLimitBurst = value
        case "rate_limit_per_minute": rateLimitPerMinute = value
        case "request_timeout_seconds": requestTimeoutSeconds = value
        case "anonymous_rate_limit_burst": anonymousRateLimitBurst = value
        case "anonymous_rate_limit_per_minute": anonymousRateLimitPerMinute = value
        case "rate_limit_addresses_max": rateLimitAddressesMax = value
        case "report_replays_max": reportReplaysMax = value
        case "report_replay_queue_max": reportReplayQueueMax = value
        case "report_books_max": reportBooksMax = value
        case "report_book_facts_max": reportBookFactsMax = value
        default: return false
        }
        return true
    }

    /// Every field of a transaction request that exceeds a limit.
    func problems(postings: Int, description: String?, metadata: JSONValue?) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if postings > postingsMax {
            problems.append(FieldProblem(field: "postings", detail: "must hold at most \(postingsMax) postings"))
        }
        problems += self.problems(text: description, field: "description")
        problems += self.problems(metadata: metadata)
        return problems
    }

    func problems(text: String?, field: String) -> [FieldProblem] {
        guard let text, text.count > stringLengthMax else { return [] }
        return [FieldProblem(field: field, detail: "must be at most \(stringLengthMax) characters")]
    }

    func problems(metadata: JSONValue?, field: String = "metadata") -> [FieldProblem] {
        guard let metadata else { return [] }
        if metadata.depth > metadataDepthMax {
            return [FieldProblem(field: field, detail: "must nest at most \(metadataDepthMax) levels")]
        }
        if metadata.canonicalBytes.count > metadataBytesMax {
            return [FieldProblem(field: field, detail: "must be at most \(metadataBytesMax) bytes as JSON")]
        }
        return []
    }

    /// Throws `validation_failed` for any problem.
    static func enforce(_ problems: [FieldProblem]) throws {
        guard problems.isEmpty else { throw Rejection.invalidFields(problems) }
    }
}

/// Unicode normalisation at the edge: names and descriptions are stored in NFC, so the
/// same text typed on two keyboards is the same text in the books.
enum UnicodeText {
    static func nfc(_ text: String) -> String { text.precomposedStringWithCanonicalMapping }
    static func nfc(_ text: String?) -> String? { text.map(nfc) }
}
