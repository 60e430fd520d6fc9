-- Commons Ledger: pledges and contributions.
--
-- These tables record who promised and who gave, and link each to the ledger
-- transaction that moved the money. Amounts outstanding, paid and written off are never
-- stored here: they are read from the ledger (each pledge has its own receivable
-- account). Everything is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE pledges (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE CHECK (id GLOB 'plg_[0-9a-f]*' AND length(id) = 36),
    member_id      TEXT NOT NULL REFERENCES members(id),
    fund_id        TEXT NOT NULL REFERENCES funds(id),
    asset          TEXT NOT NULL REFERENCES assets(code),
    amount         INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    -- The date the pledge was made: its transaction's effective date.
    date           TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    due_date       TEXT NOT NULL CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    -- Canonical JSON array of {"amount", "due_date"}, in date order.
    instalments    TEXT NOT NULL CHECK (json_valid(instalments) AND json_type(instalments) = 'array'),
    account_id     TEXT NOT NULL UNIQUE REFERENCES accounts(id),
    transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
    created_at     TEXT NOT NULL
) STRICT;

CREATE INDEX pledges_by_member ON pledges(member_id, seq);
CREATE INDEX pledges_by_fund ON pledges(fund_id, seq);

CREATE TABLE pledge_cancellations (
    pledge_id      TEXT PRIMARY KEY REFERENCES pledges(id),
    reason         TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
    cancelled_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE contributions (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE CHECK (id GLOB 'ctb_[0-9a-f]*' AND length(id) = 36),
    member_id      TEXT NOT NULL REFERENCES members(id),
    fund_id        TEXT NOT NULL REFERENCES funds(id),
    asset          TEXT NOT NULL REFERENCES assets(code),
    amount         INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    date           TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    pledge_id      TEXT REFERENCES pledges(id),
    transaction_id TEXT NOT NULL UNIQUE REFERENCES transactions(id),
    created_at     TEXT NOT NULL
) STRICT;

CREATE INDEX contributions_by_pledge ON contributions(pledge_id);
CREATE INDEX contributions_by_member ON contributions(member_id, seq);

CREATE TRIGGER pledges_are_immutable_update BEFORE UPDATE ON pledges
BEGIN SELECT RAISE(ABORT, 'pledges are immutable: cancel the unpaid rest'); END;
CREATE TRIGGER pledges_are_never_deleted BEFORE DELETE ON pledges
BEGIN SELECT RAISE(ABORT, 'pledges are never deleted'); END;
CREATE TRIGGER pledge_cancellations_are_immutable_update BEFORE UPDATE ON pledge_cancellations
BEGIN SELECT RAISE(ABORT, 'cancellations are immutable'); END;
CREATE TRIGGER pledge_cancellations_are_never_deleted BEFORE DELETE ON pledge_cancellations
BEGIN SELECT RAISE(ABORT, 'cancellations are never deleted'); END;
CREATE TRIGGER contributions_are_immutable_update BEFORE UPDATE ON contributions
BEGIN SELECT RAISE(ABORT, 'contributions are immutable: reverse the transaction'); END;
CREATE TRIGGER contributions_are_never_deleted BEFORE DELETE ON contributions
BEGIN SELECT RAISE(ABORT, 'contributions are never deleted'); END;
