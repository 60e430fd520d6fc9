-- Commons Ledger: pledges and contributions (PostgreSQL 15 twin of
-- schema/migrations/0005).
--
-- These tables record who promised and who gave, and link each to the ledger
-- transaction that moved the money. Amounts outstanding, paid and written off are never
-- stored here: they are read from the ledger (each pledge has its own receivable
-- account). Everything is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE pledges (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             text NOT NULL UNIQUE CHECK (id ~ '^plg_[0-9a-f]' AND length(id) = 36),
    member_id      text NOT NULL REFERENCES members(id),
    fund_id        text NOT NULL REFERENCES funds(id),
    asset          text NOT NULL REFERENCES assets(code),
    amount         bigint NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    -- The date the pledge was made: its transaction's effective date.
    date           text NOT NULL CHECK (date ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
    due_date       text NOT NULL CHECK (due_date ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
    -- Canonical JSON array of {"amount", "due_date"}, in date order.
    instalments    text NOT NULL CHECK (json_text_is(instalments, 'array')),
    account_id     text NOT NULL UNIQUE REFERENCES accounts(id),
    transaction_id text NOT NULL UNIQUE REFERENCES transactions(id),
    created_at     text NOT NULL
);

CREATE INDEX pledges_by_member ON pledges(member_id, seq);
CREATE INDEX pledges_by_fund ON pledges(fund_id, seq);

CREATE TABLE pledge_cancellations (
    pledge_id      text PRIMARY KEY REFERENCES pledges(id),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    transaction_id text NOT NULL UNIQUE REFERENCES transactions(id),
    cancelled_at   text NOT NULL
);

CREATE TABLE contributions (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             text NOT NULL UNIQUE CHECK (id ~ '^ctb_[0-9a-f]' AND length(id) = 36),
    member_id      text NOT NULL REFERENCES members(id),
    fund_id        text NOT NULL REFERENCES funds(id),
    asset          text NOT NULL REFERENCES assets(code),
    amount         bigint NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    date           text NOT NULL CHECK (date ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
    pledge_id      text REFERENCES pledges(id),
    transaction_id text NOT NULL UNIQUE REFERENCES transactions(id),
    created_at     text NOT NULL
);

CREATE INDEX contributions_by_pledge ON contributions(pledge_id);
CREATE INDEX contributions_by_member ON contributions(member_id, seq);

CREATE TRIGGER pledges_are_immutable_update BEFORE UPDATE ON pledges
FOR EACH ROW EXECUTE FUNCTION refuse_change('pledges are immutable: cancel the unpaid rest');
CREATE TRIGGER pledges_are_never_deleted BEFORE DELETE ON pledges
FOR EACH ROW EXECUTE FUNCTION refuse_change('pledges are never deleted');
CREATE TRIGGER pledges_are_never_truncated BEFORE TRUNCATE ON pledges
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('pledges are never deleted');
CREATE TRIGGER pledge_cancellations_are_immutable_update BEFORE UPDATE ON pledge_cancellations
FOR EACH ROW EXECUTE FUNCTION refuse_change('cancellations are immutable');
CREATE TRIGGER pledge_cancellations_are_never_deleted BEFORE DELETE ON pledge_cancellations
FOR EACH ROW EXECUTE FUNCTION refuse_change('cancellations are never deleted');
CREATE TRIGGER pledge_cancellations_are_never_truncated BEFORE TRUNCATE ON pledge_cancellations
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('cancellations are never deleted');
CREATE TRIGGER contributions_are_immutable_update BEFORE UPDATE ON contributions
FOR EACH ROW EXECUTE FUNCTION refuse_change('contributions are immutable: reverse the transaction');
CREATE TRIGGER contributions_are_never_deleted BEFORE DELETE ON contributions
FOR EACH ROW EXECUTE FUNCTION refuse_change('contributions are never deleted');
CREATE TRIGGER contributions_are_never_truncated BEFORE TRUNCATE ON contributions
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('contributions are never deleted');
