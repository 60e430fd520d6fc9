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
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
