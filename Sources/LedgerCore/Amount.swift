/// An exact signed quantity of an asset, in integer minor units (cents for USD).
///
/// Every amount and every balance stays within ±(2^53 − 1) so that JSON clients read
/// them exactly; arithmetic that would leave that range returns `nil` instead of
/// wrapping or trapping, and the caller turns it into a rejection.
/// Sign convention (plain-text accounting): debit positive, credit negative.
public struct Amount: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The quantity in minor units.
    public let minorUnits: Int64

    /// Zero minor units.
    public static let zero = Amount(unchecked: 0)

    /// Wraps `minorUnits` when it lies within ±`Limits.amountMagnitudeMax`; `nil` otherwise.
    public init?(minorUnits: Int64) {
        guard Amount.isRepresentable(minorUnits) else { return nil }
        self.minorUnits = minorUnits
    }

    private init(unchecked minorUnits: Int64) {
        self.minorUnits = minorUnits
    }

    /// Whether `value` lies inside the exact-JSON range.
    public static func isRepresentable(_ value: Int64) -> Bool {
        value >= -Limits.amountMagnitudeMax && value <= Limits.amountMagnitudeMax
    }

    /// The sum, or `nil` when it would leave the representable range.
    public func adding(_ other: Amount) -> Amount? {
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { return nil }
        return Amount(minorUnits: sum)
    }

    /// The same quantity on the other side (debit ↔ credit); always representable
    /// because the range is symmetric.
    public var negated: Amount { Amount(unchecked: -minorUnits) }

    /// Whether this is the zero amount.
    public var isZero: Bool { minorUnits == 0 }

    public var description: String { String(minorUnits) }

    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.minorUnits < rhs.minorUnits }

    /// Renders the amount as decimal text with `scale` places, e.g. 1250 at scale 2 → "12.50".
    ///
    /// This and `init?(decimalText:scale:)` are the only places decimal text meets money.
    public func decimalText(scale: Int) -> String {
        Self.decimalText(minorUnits: minorUnits, scale: scale)
    }

    /// Renders any 64-bit count of minor units as decimal text: report totals may exceed
    /// a single amount's bound.
    public static func decimalText(minorUnits: Int64, scale: Int) -> String {
        precondition(Limits.assetScaleRange.contains(scale), "scale out of range")
        let isNegative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        var digits = String(magnitude)
        guard scale > 0 else { return (isNegative ? "-" : "") + digits }
        if digits.count <= scale {
            digits = String(repeating: "0", count: scale - digits.count + 1) + digits
        }
        let split = digits.index(digits.endIndex, offsetBy: -scale)
        return (isNegative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }

    /// Parses decimal text such as "12.50" or "-3" at `scale` places; `nil` when the text is
    /// not a plain decimal, has more places than the scale, or leaves the representable range.
    public init?(decimalText text: String, scale: Int) {
        guard Limits.assetScaleRange.contains(scale) else { return nil }
        var bytes = Substring(text).utf8[...]
        var isNegative = false
        if bytes.first == UInt8(ascii: "-") {
            isNegative = true
            bytes = bytes.dropFirst()
        }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var isInFraction = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !isInFraction else { return nil }
                isInFraction = true
                continue
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            if isInFraction { fractionDigits.append(byte) } else { integerDigits.append(byte) }
        }
        guard !integerDigits.isEmpty, !(isInFraction && fractionDigits.isEmpty) else { return nil }
        guard fractionDigits.count <= scale else { return nil }
        fractionDigits += Array(repeating: UInt8(ascii: "0"), count: scale - fractionDigits.count)
        var value: Int64 = 0
        for digit in integerDigits + fractionDigits {
            let (shifted, overflowMultiply) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) = shifted.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !overflowMultiply, !overflowAdd else { return nil }
            value = next
        }
        guard let amount = Amount(minorUnits: isNegative ? -value : value) else { return nil }
        self = amount
    }
}
