import Foundation
public import FundCore
import GRDB
public import LedgerCore

/// Currency conversions inside a fund and exchange rates for reporting.
extension SQLiteLedgerStore {
    public func recordConversion(
        fund reference: String, fromAsset: String, fromAmount: Int64, toAsset: String, toAmount: Int64, date: String,
        by principal: Principal, idempotency: Idempotency<ConversionView>?
    ) async throws -> WriteOutcome<ConversionView> {
        let (from, fromValue, to, toValue, day) = try Conversion.check(fromAsset: fromAsset, fromAmount: fromAmount, toAsset: toAsset, toAmount: toAmount, date: date)
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM funds WHERE id = ? OR code = ?"), arguments: [reference, reference]) else {
                throw Rejection.notFound(resource: "fund", reference: reference)
            }
            let fund = try Self.fund(db, from: row)
            for asset in [from, to] where !fund.assets.contains(asset) { throw Rejection.assetNotInFund(fund: fund.code, asset: asset) }
            let conversion = Conversion(
                id: "cnv_" + Self.hex(identifiers.nextIdentifierBytes()), fundID: fund.id, fromAsset: from, fromAmount: fromValue,
                toAsset: to, toAmount: toValue, date: day, createdAt: now
            )
            let (transaction, balances) = try Self.insertTransaction(
                TransactionDraft(
                    date: day.description, description: "Conversion \(conversion.id): \(from) to \(to)",
                    metadata: .object(["conversion_id": .string(conversion.id)]),
                    postings: [
                        PostingDraft(account: fund.chart.cash(to).rawValue, asset: to.rawValue, amount: toValue.minorUnits),
                        PostingDraft(account: fund.chart.conversion.rawValue, asset: to.rawValue, amount: -toValue.minorUnits),
                        PostingDraft(account: fund.chart.conversion.rawValue, asset: from.rawValue, amount: fromValue.minorUnits),
                        PostingDraft(account: fund.chart.cash(from).rawValue, asset: from.rawValue, amount: -fromValue.minorUnits),
                    ]
                ).checked(),
                id: TransactionID(bytes: identifiers.nextIdentifierBytes()), at: now, in: db
            )
            try db.execute(
                sql: """
                    INSERT INTO conversions (id, fund_id, from_asset, from_amount, to_asset, to_amount, date, transaction_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [conversion.id, fund.id.rawValue, from.rawValue, fromValue.minorUnits, to.rawValue, toValue.minorUnits, day.description, transaction.id.rawValue, now.description]
            )
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(kind: "conversion.recorded", subject: conversion.id, details: conversion.details, accountsOpened: [], transaction: transaction)),
                balances: balances, by: principal, at: now
            )
            return ConversionView(conversion: conversion, transactionID: transaction.id)
        }
    }

    public func recordExchangeRate(
        base: String, quote: String, date: String, rate: String, by principal: Principal, idempotency: Idempotency<ExchangeRate>?
    ) async throws -> WriteOutcome<ExchangeRate> {
        return try await write(idempotency: idempotency) { db, now in
            let exchangeRate = try ExchangeRate.check(base: base, quote: quote, date: date, rate: rate, at: now)
            for asset in [exchangeRate.base, exchangeRate.quote] where try LedgerRows.asset(db, code: asset) == nil {
                throw Rejection.unknownAsset(code: asset.rawValue)
            }
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM fx_rates WHERE base = ? AND quote = ? AND date = ?"), arguments: [exchangeRate.base.rawValue, exchangeRate.quote.rawValue, exchangeRate.date.description]) == nil else {
                throw Rejection.rateExists(pair: "\(exchangeRate.base)/\(exchangeRate.quote)", date: exchangeRate.date.description)
            }
            try db.execute(
                sql: "INSERT INTO fx_rates (base, quote, date, rate, recorded_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    exchangeRate.base.rawValue, exchangeRate.quote.rawValue, exchangeRate.date.description,
                    exchangeRate.rate.description, now.description,
                ]
            )
            try AuditLogWriter.append(
                db, event: .fundAction(FundAction(kind: "fx_rate.recorded", subject: "\(exchangeRate.base)/\(exchangeRate.quote)@\(exchangeRate.date)", details: exchangeRate.details, accountsOpened: [], transaction: nil)),
                balances: [], by: principal, at: now
            )
            return exchangeRate
        }
    }

    public func exchangeRates(base: AssetCode?, quote: AssetCode?) async throws -> [ExchangeRate] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM fx_rates WHERE (? IS NULL OR base = ?) AND (? IS NULL OR quote = ?) ORDER BY base, quote, date LIMIT 1000",
                arguments: [base?.rawValue, base?.rawValue, quote?.rawValue, quote?.rawValue]
            ).map(Self.exchangeRate(from:))
        }
    }

    static func exchangeRate(from row: Row) throws -> ExchangeRate {
        ExchangeRate(
            base: try LedgerRows.parse(row, "base", table: "fx_rates", AssetCode.init), quote: try LedgerRows.parse(row, "quote", table: "fx_rates", AssetCode.init),
            date: try LedgerRows.parse(row, "date", table: "fx_rates", LocalDate.init),
            rate: try LedgerRows.parse(row, "rate", table: "fx_rates", DecimalRate.init),
            recordedAt: try LedgerRows.parse(row, "recorded_at", table: "fx_rates", Timestamp.init)
        )
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }
}

/// A conversion with the transaction that recorded it.
public struct ConversionView: Sendable, Equatable {
    public let conversion: Conversion
    public let transactionID: TransactionID
}
