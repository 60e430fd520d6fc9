import Foundation

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
    public func contains(_ address: IPAddress) -> Bool {
        parsed.contains { address.isIn($0.network, prefixLength: $0.prefixLength) }
    }
}
