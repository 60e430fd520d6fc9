public import LedgerCore

/// Checked sums for report totals: an overflow is a report error, never a wrap or a trap.
enum Sum {
    static func add(_ value: Int64, to total: inout Int64, _ what: @autoclosure () -> String) throws(ReportError) {
        let (sum, overflow) = total.addingReportingOverflow(value)
        guard !overflow else { throw .overflow("the \(what()) does not fit 64 bits") }
        total = sum
    }
}

/// An exchange rate as exact decimal text ("129.35"): `digits / 10^places`, never a
/// binary fraction.
public struct ExactRate: Hashable, Sendable, CustomStringConvertible {
    /// The decimal digits without the point.
    public let digits: Int64
    /// How many of them follow the point.
    public let places: Int
    public let description: String

    /// Parses plain positive decimal text of at most 18 digits on each side of the point.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 18 && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
              parts.joined().count <= 18, let digits = Int64(parts.joined()), digits > 0
        else { return nil }
        self.digits = digits
        places = parts.count == 2 ? parts[1].count : 0
        description = text
    }
}

/// Converts amounts into the reporting asset with the latest recorded rate on or before
/// the conversion date, and says exactly which rate it used — or that there was none.
///
/// A direct rate (asset → reporting asset) is preferred; otherwise the inverse of the
/// opposite rate. The result is rounded once, half to even, to the reporting asset's
/// minor unit. Without a rate the amount is a gap: reported, never guessed.
public struct CurrencyConverter: Sendable {
    public let currency: AssetCode
    public let date: LocalDate?
    private let scales: [AssetCode: Int]
    private let rates: [RatePair: [RecordedRate]]

    public init(book: ReportBook, currency: AssetCode) throws(ReportError) {
        guard book.assetScales[currency] != nil else { throw .unknown("currency \(currency) is not a registered asset") }
        self.currency = currency
        date = book.reportDate
        scales = book.assetScales
        rates = book.rates
    }

    /// How one asset is converted.
    public struct Conversion: Hashable, Sendable {
        public let asset: AssetCode
        /// Quote units per unit of `asset` as recorded, e.g. "0.92".
        public let rate: String
        /// Whether the recorded rate is for the opposite direction and was inverted.
        public let isInverse: Bool
        public let rateDate: LocalDate
    }

    /// The conversion of `asset`, or `nil` when no rate is recorded on or before `date`.
    public func conversion(of asset: AssetCode) -> Conversion? {
        if asset == currency { return nil }
        let latest = { (pair: RatePair) -> RecordedRate? in
            guard let list = self.rates[pair] else { return nil }
            guard let date = self.date else { return list.last }
            return list.last { $0.date <= date }
        }
        if let direct = latest(RatePair(base: asset, quote: currency)) {
            return Conversion(asset: asset, rate: direct.rate.description, isInverse: false, rateDate: direct.date)
        }
        if let inverse = latest(RatePair(base: currency, quote: asset)) {
            return Conversion(asset: asset, rate: inverse.rate.description, isInverse: true, rateDate: inverse.date)
        }
        return nil
    }

    /// `amount` minor units of `asset` in minor units of the reporting asset; `nil` when
    /// there is no rate. Throws when the result leaves the ledger's amount range.
    public func convert(_ amount: Int64, of asset: AssetCode) throws(ReportError) -> Int64? {
        if asset == currency { return amount }
        guard let conversion = conversion(of: asset), let rate = ExactRate(conversion.rate),
              let fromScale = scales[asset], let toScale = scales[currency]
        else { return nil }
        // amount × rate × 10^(toScale − fromScale), as numerator / denominator; every
        // product checked (a rate of 18 digits between scales 18 apart can exceed 128 bits).
        let overflow = ReportError.overflow("\(amount) \(asset) in \(currency) leaves the ledger's amount range")
        func product(_ factors: [Int64]) throws(ReportError) -> Int128 {
            var result: Int128 = 1
            for factor in factors {
                let (next, overflowed) = result.multipliedReportingOverflow(by: Int128(factor))
                guard !overflowed else { throw overflow }
                result = next
            }
            return result
        }
        let scaleUp = toScale >= fromScale ? Self.power(toScale - fromScale) : 1
        let scaleDown = toScale >= fromScale ? 1 : Self.power(fromScale - toScale)
        let numerator = try product([amount, conversion.isInverse ? Self.power(rate.places) : rate.digits, scaleUp])
        let denominator = try product([conversion.isInverse ? rate.digits : Self.power(rate.places), scaleDown])
        guard let value = Int64(exactly: ExactRatio.roundHalfEven(numerator, denominator)), Amount(minorUnits: value) != nil else {
            throw overflow
        }
        return value
    }

    static func power(_ exponent: Int) -> Int64 {
        precondition((0...18).contains(exponent), "scales and rate places are at most 18")
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}

/// Exact ratios printed as decimal text, so reports never depend on binary floating point.
public enum ExactRatio {
    /// `numerator / denominator` rounded half to even to `places` decimals ("0.6667");
    /// `nil` when the denominator is zero.
    public static func text(_ numerator: Int128, _ denominator: Int128, places: Int = 4) -> String? {
        precondition((0...18).contains(places), "callers ask for 0 to 18 places")
        guard denominator != 0 else { return nil }
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = roundHalfEven(numerator * scale, denominator)
        let negative = scaled < 0
        let magnitude = negative ? -scaled : scaled
        let sign = negative ? "-" : ""
        guard places > 0 else { return sign + String(magnitude) }
        let fraction = String(magnitude % scale)
        return sign + String(magnitude / scale) + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// `numerator / denominator` rounded to the nearest integer, ties to even.
    public static func roundHalfEven(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        precondition(denominator != 0, "callers check the denominator")
        let (n, d) = denominator < 0 ? (-numerator, -denominator) : (numerator, denominator)
        var quotient = n / d
        var remainder = n % d
        if remainder < 0 {
            quotient -= 1
            remainder += d
        }
        // Now n = quotient × d + remainder with 0 ≤ remainder < d.
        let twice = remainder * 2
        if twice > d || (twice == d && quotient % 2 != 0) { quotient += 1 }
        return quotient
    }
}
