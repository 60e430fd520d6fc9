-- Commons Ledger: currency conversions inside a fund, and exchange rates for reporting.
--
-- A conversion is one ledger transaction (both legs through the fund's conversion
-- account); rates are recorded for reports only and never change a ledger amount.
-- Rates are exact decimal text. Everything is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE conversions (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE CHECK (id GLOB 'cnv_[0-9a-f]*' AND length(id) = 36),
    fund_id        TEXT NOT NULL REFERENCES funds(id),
    from_asset     TEXT NOT NULL REFERENCES assets(code),
    from_amount    INTEGER NOT NULL CHECK (from_amount BETWEEN 1 AND 9007199254740991),
    to_asset       TEXT NOT NULL REFERENCES assets(code),
    to_amount      INTEGER NOT NULL CHECK (to_amount BETWEEN 1 AND 9007199254740991),
    date           TEXT NOT NULL,
    transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
    created_at     TEXT NOT NULL,
    CHECK (from_asset <> to_asset)
) STRICT;

CREATE TABLE fx_rates (
    base        TEXT NOT NULL CHECK (length(base) BETWEEN 2 AND 16),
    quote       TEXT NOT NULL CHECK (length(quote) BETWEEN 2 AND 16),
    date        TEXT NOT NULL,
    rate        TEXT NOT NULL CHECK (length(rate) BETWEEN 1 AND 37 AND rate NOT GLOB '*[^0-9.]*'),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (base, quote, date)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER conversions_are_immutable_update BEFORE UPDATE ON conversions
BEGIN SELECT RAISE(ABORT, 'conversions are immutable'); END;
CREATE TRIGGER conversions_are_never_deleted BEFORE DELETE ON conversions
BEGIN SELECT RAISE(ABORT, 'conversions are never deleted'); END;
CREATE TRIGGER fx_rates_are_immutable_update BEFORE UPDATE ON fx_rates
BEGIN SELECT RAISE(ABORT, 'recorded rates are immutable'); END;
CREATE TRIGGER fx_rates_are_never_deleted BEFORE DELETE ON fx_rates
BEGIN SELECT RAISE(ABORT, 'recorded rates are never deleted'); END;
