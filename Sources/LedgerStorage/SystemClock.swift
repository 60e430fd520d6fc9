import Foundation
public import LedgerCore

/// The wall clock, read at the edge of the system; the core only sees `Timestamp`s.
public struct SystemClock: LedgerClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }
}

/// Identifier bytes from the operating system's cryptographically secure generator.
public struct SystemIdentifierSource: IdentifierSource {
    public init() {}

    public func nextIdentifierBytes() -> [UInt8] {
        // Two 64-bit draws (two getrandom calls), not sixteen single-byte ones.
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for _ in 0..<2 { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        return bytes
    }
}
