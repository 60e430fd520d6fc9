-- Commons Ledger: currency conversions inside a fund, and exchange rates for reporting
-- (PostgreSQL 15 twin of schema/migrations/0007).
--
-- A conversion is one ledger transaction (both legs through the fund's conversion
-- account); rates are recorded for reports only and never change a ledger amount.
-- Rates are exact decimal text (never numeric: the text is what was logged). Everything
-- is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE conversions (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             text NOT NULL UNIQUE CHECK (id ~ '^cnv_[0-9a-f]' AND length(id) = 36),
    fund_id        text NOT NULL REFERENCES funds(id),
    from_asset     text NOT NULL REFERENCES assets(code),
    from_amount    bigint NOT NULL CHECK (from_amount BETWEEN 1 AND 9007199254740991),
    to_asset       text NOT NULL REFERENCES assets(code),
    to_amount      bigint NOT NULL CHECK (to_amount BETWEEN 1 AND 9007199254740991),
    date           text NOT NULL,
    transaction_id text NOT NULL UNIQUE REFERENCES transactions(id),
    created_at     text NOT NULL,
    CHECK (from_asset <> to_asset)
);

CREATE TABLE fx_rates (
    base        text NOT NULL CHECK (length(base) BETWEEN 2 AND 16),
    quote       text NOT NULL CHECK (length(quote) BETWEEN 2 AND 16),
    date        text NOT NULL,
    rate        text NOT NULL CHECK (length(rate) BETWEEN 1 AND 37 AND rate !~ '[^0-9.]'),
    recorded_at text NOT NULL,
    PRIMARY KEY (base, quote, date)
);

CREATE TRIGGER conversions_are_immutable_update BEFORE UPDATE ON conversions
FOR EACH ROW EXECUTE FUNCTION refuse_change('conversions are immutable');
CREATE TRIGGER conversions_are_never_deleted BEFORE DELETE ON conversions
FOR EACH ROW EXECUTE FUNCTION refuse_change('conversions are never deleted');
CREATE TRIGGER conversions_are_never_truncated BEFORE TRUNCATE ON conversions
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('conversions are never deleted');
CREATE TRIGGER fx_rates_are_immutable_update BEFORE UPDATE ON fx_rates
FOR EACH ROW EXECUTE FUNCTION refuse_change('recorded rates are immutable');
CREATE TRIGGER fx_rates_are_never_deleted BEFORE DELETE ON fx_rates
FOR EACH ROW EXECUTE FUNCTION refuse_change('recorded rates are never deleted');
CREATE TRIGGER fx_rates_are_never_truncated BEFORE TRUNCATE ON fx_rates
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('recorded rates are never deleted');
