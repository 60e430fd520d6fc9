public import LedgerCore

/// The conversion rules: convert cash between two of a fund's assets, and record an
/// exchange rate for reporting (once per pair and day, between registered assets).
public enum ConversionSteps {
    /// A conversion's checked fields (`Conversion.check`).
    public typealias CheckedConversion = (AssetCode, Amount, AssetCode, Amount, LocalDate)

    /// What a conversion records: the conversion and its transaction.
    public struct Converting: Sendable {
        public let conversion: Conversion
        public let transaction: TransactionDraft

        /// The `conversion.recorded` log entry's action.
        public func action(transaction: LedgerTransaction) -> FundAction {
            FundEvent.conversionRecorded(conversion).action(transaction: transaction)
        }
    }

    /// Converts inside `fund`: refused when the fund does not hold either asset (the
    /// source first). Both legs pass through the fund's conversion account, so each asset
    /// balances on its own; the source cash's `no_negative` refuses more than it holds.
    public static func convert(
        _ checked: CheckedConversion, fund: Fund, identifiers: any IdentifierSource, at now: Timestamp
    ) throws(Rejection) -> Converting {
        let (from, fromValue, to, toValue, day) = checked
        for asset in [from, to] where !fund.assets.contains(asset) {
            throw .assetNotInFund(fund: fund.code, asset: asset)
        }
        let conversion = Conversion(
            id: "cnv_" + hex(identifiers.nextIdentifierBytes()), fundID: fund.id, fromAsset: from,
            fromAmount: fromValue, toAsset: to, toAmount: toValue, date: day, createdAt: now
        )
        let transaction = TransactionDraft(
            date: day.description, description: "Conversion \(conversion.id): \(from) to \(to)",
            metadata: .object(["conversion_id": .string(conversion.id)]),
            postings: [
                PostingDraft(account: fund.chart.cash(to).rawValue, asset: to.rawValue, amount: toValue.minorUnits),
                PostingDraft(account: fund.chart.conversion.rawValue, asset: to.rawValue, amount: -toValue.minorUnits),
                PostingDraft(
                    account: fund.chart.conversion.rawValue, asset: from.rawValue, amount: fromValue.minorUnits),
                PostingDraft(
                    account: fund.chart.cash(from).rawValue, asset: from.rawValue, amount: -fromValue.minorUnits),
            ]
        )
        return Converting(conversion: conversion, transaction: transaction)
    }

    /// Lowercase hex of `bytes`: a conversion id is `cnv_` + 32 of these digits.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    /// Records `rate` (checked by `ExchangeRate.check`): refused when base or quote is
    /// not a registered asset (base first), or a rate for the pair and day exists.
    public static func recordRate(
        _ rate: ExchangeRate, registeredAssets: Set<AssetCode>, isRecorded: Bool
    ) throws(Rejection) -> FundAction {
        for asset in [rate.base, rate.quote] where !registeredAssets.contains(asset) {
            throw .unknownAsset(code: asset.rawValue)
        }
        guard !isRecorded else { throw .rateExists(pair: "\(rate.base)/\(rate.quote)", date: rate.date.description) }
        return FundEvent.exchangeRateRecorded(rate).action()
    }
}
