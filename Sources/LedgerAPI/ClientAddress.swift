import Foundation
public import Hummingbird

/// An IP address, as its 4 or 16 bytes, so that two spellings of one address
/// (`::1`, `0:0::1`, `::ffff:127.0.0.1` for `127.0.0.1`) are one rate-limit bucket.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address is stored as IPv4.
    let bytes: [UInt8]

    /// Parses an IPv4 or IPv6 address (brackets and an IPv6 zone such as `%eth0` are
    /// dropped); `nil` for anything else, hostnames included.
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var four = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &four) == 1 {
            bytes = four
            return
        }
        var sixteen = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, text, &sixteen) == 1 else { return nil }
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        bytes = Array(sixteen.prefix(12)) == mapped ? Array(sixteen.suffix(4)) : sixteen
    }

    /// The address in its usual text form.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, bytes, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The rate-limit bucket of this address: an IPv4 address itself, an IPv6 address's
    /// /64 — one host commonly holds a whole /64, so a bucket per IPv6 address would give
    /// one machine 2^64 buckets.
    public var bucketName: String {
        guard bytes.count == 16 else { return description }
        var network = bytes
        for index in 8..<16 { network[index] = 0 }
        return "\(IPAddress(bytes: network).description)/64"
    }

    init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address is 4 or 16 bytes")
        self.bytes = bytes
    }

    /// Whether the first `prefixLength` bits equal those of `network` (same family only).
    func isIn(_ network: IPAddress, prefixLength: Int) -> Bool {
        guard bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(bytes, network.bytes) where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            guard mine & mask == theirs & mask else { return false }
            remaining -= bits
        }
        return true
    }
}

/// The proxies whose forwarding header is believed: addresses (`10.0.0.5`, `::1`) or
/// networks (`10.0.0.0/8`, `fd00::/8`).
///
/// Only a direct peer in this list may name the client; anyone else's header is ignored,
/// or any caller could claim a fresh rate-limit bucket with every request.
public struct TrustedProxies: Sendable, Equatable {
    /// One address or network, as configured.
    struct Entry: Sendable, Equatable {
        let network: IPAddress
        let prefixLength: Int
    }

    /// The entries as written in the configuration, normalised.
    public let entries: [String]
    let parsed: [Entry]

    /// Nothing trusted: forwarding headers are always ignored (the default).
    public static let none = TrustedProxies(entries: [], parsed: [])

    private init(entries: [String], parsed: [Entry]) {
        self.entries = entries
        self.parsed = parsed
    }

    /// Parses `list`; throws naming the first entry that is not an address or network.
    public init(_ list: [String]) throws(ServerConfiguration.Invalid) {
        var parsed: [Entry] = []
        for text in list {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let address = IPAddress(first) else {
                throw ServerConfiguration.Invalid(
                    description: "trusted_proxies: \"\(text)\" is not an IP address or network"
                )
            }
            let bits = address.bytes.count * 8
            let prefixLength = parts.count == 2 ? Int(parts[1]) : bits
            guard let prefixLength, (0...bits).contains(prefixLength) else {
                throw ServerConfiguration.Invalid(
                    description: "trusted_proxies: \"\(text)\" has a prefix length outside 0...\(bits)"
                )
            }
            parsed.append(Entry(network: address, prefixLength: prefixLength))
        }
        self.init(entries: parsed.map { "\($0.network)/\($0.prefixLength)" }, parsed: parsed)
    }

    /// Whether `address` is one of the trusted proxies.
    func contains(_ address: IPAddress) -> Bool {
        parsed.contains { address.isIn($0.network, prefixLength: $0.prefixLength) }
    }
}

/// The header a trusted proxy writes the client's address into.
///
/// One header, chosen by the operator: a proxy rewrites only its own header and passes the
/// other one through untouched, so reading both would let a client forge the other.
public enum ClientAddressHeader: String, Sendable, Equatable, CaseIterable {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most load balancers).
    case xForwardedFor = "x-forwarded-for"
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
    case forwarded
}

/// Decides the address a request comes from, for the per-address rate limit.
///
/// The direct peer, unless the peer is a trusted proxy: then the forwarding header is read
/// from its right end (the hop the trusted proxy itself saw) leftwards, past every
/// further trusted proxy, and the first untrusted hop is the client. Hops a client wrote
/// further left are never reached, so a forged header buys nothing.
public struct ClientAddressResolver: Sendable {
    /// Where the direct peer's address comes from: the connection, or, in router tests
    /// that have no connection, whatever the test injects.
    public struct PeerSource: Sendable {
        let read: @Sendable (Request, AppRequestContext) -> String?

        /// Builds a source from `read`; tests use it, the server uses `.connection`.
        public init(read: @escaping @Sendable (Request, AppRequestContext) -> String?) {
            self.read = read
        }

        /// The TCP peer of the connection the request came on.
        public static let connection = PeerSource { _, context in context.remoteAddress?.ipAddress }
    }

    let trustedProxies: TrustedProxies
    let header: ClientAddressHeader
    let peer: PeerSource

    /// A resolver trusting `trustedProxies`' `header`, with the peer read by `peer`.
    public init(
        trustedProxies: TrustedProxies = .none, header: ClientAddressHeader = .xForwardedFor,
        peer: PeerSource = .connection
    ) {
        self.trustedProxies = trustedProxies
        self.header = header
        self.peer = peer
    }

    /// The client's address; `nil` when the peer is unknown (router tests, Unix sockets).
    func clientAddress(_ request: Request, context: AppRequestContext) -> IPAddress? {
        guard let peerText = peer.read(request, context), let peerAddress = IPAddress(peerText) else { return nil }
        return clientAddress(peer: peerAddress, headers: request.headers)
    }

    /// The client's address given the direct peer and the request's headers.
    public func clientAddress(peer: IPAddress, headers: HTTPFields) -> IPAddress {
        var current = peer
        guard trustedProxies.contains(current) else { return current }
        var hops = forwardedHops(headers)
        while trustedProxies.contains(current), let hop = hops.popLast() {
            // A hop a trusted proxy could not name ("unknown", a hostname): the proxy
            // is the best we know, and its bucket is shared by everyone it forwards.
            guard let hop else { return current }
            current = hop
        }
        return current
    }

    /// The hops the chosen header lists, leftmost first; `nil` for a hop that is not an IP.
    func forwardedHops(_ headers: HTTPFields) -> [IPAddress?] {
        switch header {
        case .xForwardedFor:
            let values = Self.values(headers, named: "x-forwarded-for").split(separator: ",")
            return values.map { IPAddress($0.trimmingCharacters(in: .whitespaces)) }
        case .forwarded:
            let elements = Self.values(headers, named: "forwarded").split(separator: ",")
            return elements.map { element in
                let pairs = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let node = pairs.first(where: { $0.lowercased().hasPrefix("for=") }) else { return nil }
                return Self.forwardedNode(String(node.dropFirst(4)))
            }
        }
    }

    /// Every line of the header `name` (lower case), joined as one comma-separated list.
    static func values(_ headers: HTTPFields, named name: String) -> String {
        headers.filter { $0.name.canonicalName == name }.map(\.value).joined(separator: ",")
    }

    /// An RFC 7239 node: `192.0.2.43`, `"192.0.2.43:47011"`, `"[2001:db8::17]:4711"`.
    static func forwardedNode(_ text: String) -> IPAddress? {
        var node = Substring(text)
        if node.hasPrefix("\""), node.hasSuffix("\""), node.count >= 2 { node = node.dropFirst().dropLast() }
        if node.hasPrefix("["), let close = node.firstIndex(of: "]") {
            return IPAddress(node[node.index(after: node.startIndex)..<close])
        }
        if node.filter({ $0 == ":" }).count == 1, let colon = node.firstIndex(of: ":") {
            return IPAddress(node[..<colon])
        }
        return IPAddress(node)
    }
}
