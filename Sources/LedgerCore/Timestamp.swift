/// An instant recorded by the server, in microseconds since 1970-01-01T00:00:00Z.
///
/// The core never reads the clock; timestamps come from a `LedgerClock`.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the Unix epoch.
    public let microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// The UTC calendar date of this instant.
    public var date: LocalDate {
        let days = microsecondsSinceEpoch >= 0
            ? microsecondsSinceEpoch / 86_400_000_000
            : (microsecondsSinceEpoch + 1) / 86_400_000_000 - 1
        guard let date = LocalDate(daysSinceEpoch: days) else {
            preconditionFailure("timestamp outside years 0001-9999")
        }
        return date
    }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-11-25T10:40:11.123456Z`.
    public var description: String {
        let day = date
        let microsecondsOfDay = microsecondsSinceEpoch - day.daysSinceEpoch * 86_400_000_000
        let seconds = microsecondsOfDay / 1_000_000
        let fraction = microsecondsOfDay % 1_000_000
        func padded(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let time = "\(padded(seconds / 3600, 2)):\(padded(seconds / 60 % 60, 2)):\(padded(seconds % 60, 2))"
        return "\(day)T\(time).\(padded(fraction, 6))Z"
    }

    /// Parses the exact form `description` produces; `nil` for anything else.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 27, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[26] == UInt8(ascii: "Z"),
              let date = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hours = number(11..<13), hours < 24, let minutes = number(14..<16), minutes < 60,
              let seconds = number(17..<19), seconds < 60, let fraction = number(20..<26)
        else { return nil }
        microsecondsSinceEpoch = date.daysSinceEpoch * 86_400_000_000
            + ((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + fraction
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}

/// Tells the ledger what time it is; injected so the core stays deterministic.
public protocol LedgerClock: Sendable {
    /// The current instant.
    func now() -> Timestamp
}
