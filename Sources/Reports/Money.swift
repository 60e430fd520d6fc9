public import FundCore
public import LedgerCore

/// Checked sums for report totals: an overflow is a report error, never a wrap or a trap.
enum Sum {
    static func add(_ value: Int64, to total: inout Int64, _ what: @autoclosure () -> String) throws(ReportError) {
        let (sum, overflow) = total.addingReportingOverflow(value)
        guard !overflow else { throw .overflow("the \(what()) does not fit 64 bits") }
        total = sum
    }
}

/// Converts amounts into the reporting asset with the latest recorded rate on or before
/// the conversion date, and says exactly which rate it used — or that there was none.
///
/// A direct rate (asset → reporting asset) is preferred; otherwise the inverse of the
/// opposite rate. The result is rounded once, half to even, to the reporting asset's
/// minor unit. Without a rate the amount is a gap: reported, never guessed; so is a
/// figure whose conversion leaves the ledger's amount range (an extreme rate), which
/// must not fail the whole report.
public struct CurrencyConverter: Sendable {
    public let currency: AssetCode
    public let date: LocalDate?
    private let scales: [AssetCode: Int]
    private let rates: [RatePair: [RecordedRate]]

    public init(book: ReportBook, currency: AssetCode) throws(ReportError) {
        guard book.assetScales[currency] != nil else {
            throw .unknown("currency \(currency) is not a registered asset")
        }
        self.currency = currency
        date = book.reportDate
        scales = book.assetScales
        rates = book.rates
    }

    /// How one asset is converted.
    public struct Conversion: Hashable, Sendable {
        public let asset: AssetCode
        /// Quote units per unit of `asset` as recorded, e.g. "0.92".
        public let rate: DecimalRate
        /// Whether the recorded rate is for the opposite direction and was inverted.
        public let isInverse: Bool
        public let rateDate: LocalDate
    }

    /// What converting one figure gave.
    public enum Converted: Hashable, Sendable {
        /// Minor units of the reporting asset.
        case amount(Int64)
        /// No rate recorded on or before the report date: a gap, never a guess.
        case noRate
        /// The converted figure leaves the ledger's amount range (±2^53 − 1 minor units):
        /// a gap with its reason, so one extreme rate never fails a whole report.
        case outOfRange
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
            return Conversion(asset: asset, rate: direct.rate, isInverse: false, rateDate: direct.date)
        }
        if let inverse = latest(RatePair(base: currency, quote: asset)) {
            return Conversion(asset: asset, rate: inverse.rate, isInverse: true, rateDate: inverse.date)
        }
        return nil
    }

    /// `amount` minor units of `asset` in minor units of the reporting asset, rounded once,
    /// half to even. Exact for every rate the writer accepts (36 digits) and every scale
    /// gap: the product is taken in 256 bits before the one division.
    public func convert(_ amount: Int64, of asset: AssetCode) -> Converted {
        if asset == currency { return .amount(amount) }
        guard let conversion = conversion(of: asset), let fromScale = scales[asset], let toScale = scales[currency]
        else { return .noRate }
        let rate = conversion.rate
        // amount × rate × 10^(toScale − fromScale) = amount × multiplier / divisor.
        let shift = toScale - fromScale + (conversion.isInverse ? rate.places : -rate.places)
        let powerUp = Self.power(max(0, shift))
        let powerDown = Self.power(max(0, -shift))
        let digits = UInt128(rate.digits)
        let multiplier = conversion.isInverse ? powerUp : Self.product(digits, powerUp)
        let divisor = conversion.isInverse ? Self.product(digits, powerDown) : powerDown
        guard amount != 0 else { return .amount(0) }
        // A multiplier beyond 128 bits (the divisor is then 1) makes any non-zero amount too
        // large; a divisor beyond 128 bits (the multiplier is then 1) rounds any 64-bit amount to zero.
        guard let multiplier else { return .outOfRange }
        guard let divisor else { return .amount(0) }
        let (high, low) = UInt128(amount.magnitude).multipliedFullWidth(by: multiplier)
        guard high < divisor else { return .outOfRange }
        let division = divisor.dividingFullWidth((high: high, low: low))
        var quotient = division.quotient
        // Half to even, on the magnitude (the rule is symmetric in sign).
        let rest = divisor - division.remainder
        if division.remainder > rest || (division.remainder == rest && quotient % 2 == 1) { quotient += 1 }
        guard quotient <= UInt128(Limits.amountMagnitudeMax) else { return .outOfRange }
        return .amount(amount < 0 ? -Int64(quotient) : Int64(quotient))
    }

    /// 10^exponent; scales and rate places keep the exponent within 0...36.
    static func power(_ exponent: Int) -> UInt128 {
        precondition((0...36).contains(exponent), "scales and rate places are at most 18")
        var value: UInt128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// `left × right`, or `nil` beyond 128 bits.
    static func product(_ left: UInt128, _ right: UInt128) -> UInt128? {
        let (value, overflow) = left.multipliedReportingOverflow(by: right)
        return overflow ? nil : value
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
        return sign + String(magnitude / scale) + "." + String(repeating: "0", count: places - fraction.count)
            + fraction
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
