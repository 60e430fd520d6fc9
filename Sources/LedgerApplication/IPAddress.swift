import Foundation


/// An IP address, as its 4 or 16 bytes, so that two spellings of one address
/// (`::1`, `0:0::1`, `::ffff:127.0.0.1` for `127.0.0.1`) are one rate-limit bucket.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address is stored as IPv4.
    public let bytes: [UInt8]

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

    /// An address from its 4 or 16 bytes (a programmer error otherwise).
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address is 4 or 16 bytes")
        self.bytes = bytes
    }

    /// Whether the first `prefixLength` bits equal those of `network` (same family only).
    public func isIn(_ network: IPAddress, prefixLength: Int) -> Bool {
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
