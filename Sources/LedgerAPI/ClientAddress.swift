import Foundation
public import Hummingbird
public import LedgerApplication
import WireContract

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
