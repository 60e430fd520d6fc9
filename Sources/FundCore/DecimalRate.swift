/// An exchange rate as exact decimal text ("129.35"): `digits / 10^places`, never a
/// binary fraction.
///
/// The one parser of rate text. The writer (`ExchangeRate.check`) and every reader (the
/// report book, currency conversion) go through it, so a rate the writer accepts is a
/// rate every report reads: once an `fx_rate.recorded` entry is in the immutable log, a
/// reader that refused it would fail every report from then on. The rule has not changed
/// since rates were first recorded (the `fx_rates` table's CHECK has always allowed only
/// ASCII digits and points).
public struct DecimalRate: Hashable, Sendable, CustomStringConvertible {
    /// Most digits before the point: 18, as the writer has always allowed.
    public static let integerDigitsMax = 18
    /// Most digits after the point: 18, as the writer has always allowed.
    public static let fractionDigitsMax = 18

    /// The decimal digits without the point: at most 36 of them, which `Int128` holds
    /// (10^36 < 2^127).
    public let digits: Int128
    /// How many of the digits follow the point (0 to 18).
    public let places: Int
    /// The text as written, e.g. "1.50": the rate's identity in the log and in reports.
    public let description: String

    /// Parses positive plain decimal text: 1 to 18 ASCII digits without a leading zero
    /// (other than "0" itself), optionally a point and 1 to 18 digits, not all zero.
    /// Bytes, not Characters: a digit followed by a combining mark is one Character.
    public init?(_ text: String) {
        let parts = Array(text.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              Self.isDigits(parts[0], countMax: Self.integerDigitsMax),
              !(parts[0].count > 1 && parts[0].first == UInt8(ascii: "0")),
              parts.count == 1 || Self.isDigits(parts[1], countMax: Self.fractionDigitsMax)
        else { return nil }
        var value: Int128 = 0
        for byte in parts.joined() {
            // At most 36 digits: no overflow is possible.
            value = value * 10 + Int128(byte - UInt8(ascii: "0"))
        }
        guard value > 0 else { return nil }
        digits = value
        places = parts.count == 2 ? parts[1].count : 0
        description = text
    }

    private static func isDigits(_ bytes: ArraySlice<UInt8>, countMax: Int) -> Bool {
        !bytes.isEmpty && bytes.count <= countMax
            && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
