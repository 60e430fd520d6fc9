import Foundation
public import FundCore
import GRDB
public import LedgerCore
import LedgerSQL

/// Currency conversions inside a fund and exchange rates for reporting.
extension SQLLedgerStore {
    public func recordConversion(
        fund reference: String, fromAsset: String, fromAmount: Int64, toAsset: String, toAmount: Int64, date: String,
        by principal: Principal, idempotency: Idempotency<ConversionView>?
    ) async throws -> WriteOutcome<ConversionView> {
        let checked = try Conversion.check(
            fromAsset: fromAsset, fromAmount: fromAmount, toAsset: toAsset, toAmount: toAmount, date: date
        )
        let identifiers = self.identifiers
        return try await write(idempotency: idempotency) { db, now in
            let fund = try Self.fundOrNotFound(db, reference: reference)
            let converting = try ConversionSteps.convert(checked, fund: fund, identifiers: identifiers, at: now)
            let conversion = converting.conversion
            try Self.refuseHeldCash(
                db, fund: fund.id, asset: conversion.fromAsset, amount: conversion.fromAmount.minorUnits, at: now)
            let (transaction, balances) = try Self.insertTransaction(
                converting.transaction.checked(), id: TransactionID(bytes: identifiers.nextIdentifierBytes()),
                at: now, in: db
            )
            try Self.insert(conversion, transaction: transaction.id, in: db)
            try AuditLogWriter.append(
                db, event: .fundAction(converting.action(transaction: transaction)), balances: balances,
                by: principal, at: now
            )
            return ConversionView(conversion: conversion, transactionID: transaction.id)
        }
    }

    public func recordExchangeRate(
        base: String, quote: String, date: String, rate: String, by principal: Principal,
        idempotency: Idempotency<ExchangeRate>?
    ) async throws -> WriteOutcome<ExchangeRate> {
        return try await write(idempotency: idempotency) { db, now in
            let exchangeRate = try ExchangeRate.check(base: base, quote: quote, date: date, rate: rate, at: now)
            // A rate for a closed day would change the period's converted reports.
            try Self.refuseClosedPeriod(exchangeRate.date, in: db)
            let pair = [exchangeRate.base, exchangeRate.quote]
            let action = try ConversionSteps.recordRate(
                exchangeRate, registeredAssets: try Set(pair.filter { try LedgerRows.asset(db, code: $0) != nil }),
                isRecorded: try db.fetchValue(
                    Int.self,
                    "SELECT 1 FROM fx_rates WHERE base = ? AND quote = ? AND date = ?",
                    [exchangeRate.base.rawValue, exchangeRate.quote.rawValue, exchangeRate.date.description]
                ) != nil
            )
            try Self.insert(exchangeRate, in: db)
            try AuditLogWriter.append(db, event: .fundAction(action), balances: [], by: principal, at: now)
            return exchangeRate
        }
    }

    /// Writes a conversion's row and the transaction that booked it.
    static func insert(_ conversion: Conversion, transaction: TransactionID, in db: some SQLConnection) throws {
        try db.execute("""
                INSERT INTO conversions (id, fund_id, from_asset, from_amount, to_asset, to_amount, date,
                transaction_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                conversion.id, conversion.fundID.rawValue, conversion.fromAsset.rawValue,
                conversion.fromAmount.minorUnits, conversion.toAsset.rawValue, conversion.toAmount.minorUnits,
                conversion.date.description, transaction.rawValue, conversion.createdAt.description,
            ])
    }

    /// Writes an exchange rate (the pair and day are free: the caller checked).
    static func insert(_ rate: ExchangeRate, in db: some SQLConnection) throws {
        try db.execute("INSERT INTO fx_rates (base, quote, date, rate, recorded_at) VALUES (?, ?, ?, ?, ?)", [
                rate.base.rawValue, rate.quote.rawValue, rate.date.description, rate.rate.description,
                rate.recordedAt.description,
            ])
    }

    public func exchangeRates(base: AssetCode?, quote: AssetCode?) async throws -> [ExchangeRate] {
        try await engine.read { db in
            try db.fetchAll(
                """
                SELECT * FROM fx_rates
                WHERE (CAST(? AS TEXT) IS NULL OR base = ?) AND (CAST(? AS TEXT) IS NULL OR quote = ?)
                ORDER BY base, quote, date LIMIT 1000
                """,
                [base?.rawValue, base?.rawValue, quote?.rawValue, quote?.rawValue]
            ).map(Self.exchangeRate(from:))
        }
    }

    static func exchangeRate(from row: some SQLRow) throws -> ExchangeRate {
        ExchangeRate(
            base: try LedgerRows.parse(row, "base", table: "fx_rates", AssetCode.init),
            quote: try LedgerRows.parse(row, "quote", table: "fx_rates", AssetCode.init),
            date: try LedgerRows.parse(row, "date", table: "fx_rates", LocalDate.init),
            rate: try LedgerRows.parse(row, "rate", table: "fx_rates", DecimalRate.init),
            recordedAt: try LedgerRows.parse(row, "recorded_at", table: "fx_rates", Timestamp.init)
        )
    }
}

/// A conversion with the transaction that recorded it.
public struct ConversionView: Sendable, Equatable {
    public let conversion: Conversion
    public let transactionID: TransactionID
}
