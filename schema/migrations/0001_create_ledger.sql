-- Commons Ledger: the double-entry core.
--
-- Rules are enforced here a second time, after the Swift core has checked them
-- ("trust SQLite more than yourself"): CHECK constraints on every value, foreign keys,
-- uniqueness, and triggers that refuse UPDATE and DELETE on the book of record.
-- Amounts are INTEGER minor units within ±(2^53 − 1); dates are ISO 8601 text.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE assets (
    code        TEXT PRIMARY KEY
                CHECK (length(code) BETWEEN 2 AND 16 AND code NOT GLOB '*[^A-Z0-9_]*'),
    scale       INTEGER NOT NULL CHECK (scale BETWEEN 0 AND 18),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TRIGGER assets_are_immutable_update BEFORE UPDATE ON assets
BEGIN SELECT RAISE(ABORT, 'assets are immutable'); END;
CREATE TRIGGER assets_are_immutable_delete BEFORE DELETE ON assets
BEGIN SELECT RAISE(ABORT, 'assets are immutable'); END;

CREATE TABLE accounts (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE CHECK (id GLOB 'acc_[0-9a-f]*' AND length(id) = 36),
    code            TEXT NOT NULL UNIQUE
                    CHECK (length(code) BETWEEN 1 AND 200 AND code NOT GLOB '*[^a-z0-9_.:-]*'),
    type            TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
    constraint_kind TEXT CHECK (constraint_kind IN ('no_negative')),
    -- Canonical JSON object (RFC 8785).
    metadata        TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
    created_at      TEXT NOT NULL,
    closed_at       TEXT
) STRICT;

-- An account's only change is being closed, once.
CREATE TRIGGER accounts_only_close BEFORE UPDATE ON accounts
WHEN OLD.closed_at IS NOT NULL
  OR NEW.closed_at IS NULL
  OR NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.code IS NOT OLD.code
  OR NEW.type IS NOT OLD.type OR NEW.constraint_kind IS NOT OLD.constraint_kind
  OR NEW.metadata IS NOT OLD.metadata OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'accounts are immutable except for closing once'); END;
CREATE TRIGGER accounts_are_never_deleted BEFORE DELETE ON accounts
BEGIN SELECT RAISE(ABORT, 'accounts are never deleted'); END;

-- The assets an account accepts; no rows means any asset.
CREATE TABLE account_allowed_assets (
    account_seq INTEGER NOT NULL REFERENCES accounts(seq),
    asset       TEXT NOT NULL REFERENCES assets(code),
    PRIMARY KEY (account_seq, asset)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER account_allowed_assets_immutable_update BEFORE UPDATE ON account_allowed_assets
BEGIN SELECT RAISE(ABORT, 'allowed assets are immutable'); END;
CREATE TRIGGER account_allowed_assets_immutable_delete BEFORE DELETE ON account_allowed_assets
BEGIN SELECT RAISE(ABORT, 'allowed assets are immutable'); END;

CREATE TABLE transactions (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE CHECK (id GLOB 'txn_[0-9a-f]*' AND length(id) = 36),
    date         TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    description  TEXT NOT NULL CHECK (length(description) <= 1000),
    metadata     TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
    recorded_at  TEXT NOT NULL,
    -- A transaction is reversed at most once: UNIQUE.
    reverses_seq INTEGER UNIQUE REFERENCES transactions(seq) CHECK (reverses_seq < seq)
) STRICT;

CREATE INDEX transactions_by_date ON transactions(date, seq);

-- Postings are written BEFORE their transaction row (the foreign key is deferred to
-- commit), and the transaction row's insert trigger checks that they balance. A posting
-- can never be added to a transaction that already exists, so an unbalanced transaction
-- cannot be committed even by hand.
CREATE TABLE postings (
    transaction_seq INTEGER NOT NULL
                    REFERENCES transactions(seq) DEFERRABLE INITIALLY DEFERRED,
    position        INTEGER NOT NULL CHECK (position BETWEEN 0 AND 255),
    account_seq     INTEGER NOT NULL REFERENCES accounts(seq),
    asset           TEXT NOT NULL REFERENCES assets(code),
    amount          INTEGER NOT NULL
                    CHECK (amount <> 0 AND amount BETWEEN -9007199254740991 AND 9007199254740991),
    -- Copy of the transaction's date, so the register index can order by it.
    date            TEXT NOT NULL,
    -- This balance's sum of postings on the same date up to and including this one.
    -- Postings arrive in sequence order, so this never changes once written; with the
    -- day's opening balance it gives the running balance in date order.
    day_running     INTEGER NOT NULL
                    CHECK (day_running BETWEEN -9007199254740991 AND 9007199254740991),
    PRIMARY KEY (transaction_seq, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX postings_by_account ON postings(account_seq, asset, date, transaction_seq, position);
CREATE INDEX postings_by_account_date ON postings(account_seq, date, transaction_seq);

CREATE TRIGGER postings_only_before_their_transaction BEFORE INSERT ON postings
WHEN EXISTS (SELECT 1 FROM transactions WHERE seq = NEW.transaction_seq)
BEGIN SELECT RAISE(ABORT, 'postings cannot be added to a recorded transaction'); END;

CREATE TRIGGER transactions_must_balance BEFORE INSERT ON transactions
WHEN (SELECT count(*) FROM postings WHERE transaction_seq = NEW.seq) < 2
  OR EXISTS (SELECT 1 FROM postings WHERE transaction_seq = NEW.seq
             GROUP BY asset HAVING sum(amount) <> 0)
  OR EXISTS (SELECT 1 FROM postings WHERE transaction_seq = NEW.seq AND date <> NEW.date)
BEGIN SELECT RAISE(ABORT, 'a transaction needs at least two postings summing to zero per asset'); END;

CREATE TRIGGER transactions_are_immutable_update BEFORE UPDATE ON transactions
BEGIN SELECT RAISE(ABORT, 'transactions are immutable: record a reversal'); END;
CREATE TRIGGER transactions_are_never_deleted BEFORE DELETE ON transactions
BEGIN SELECT RAISE(ABORT, 'transactions are never deleted: record a reversal'); END;
CREATE TRIGGER postings_are_immutable_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are immutable: record a reversal'); END;
CREATE TRIGGER postings_are_never_deleted BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are never deleted: record a reversal'); END;

-- Derived state, maintained in the same write transaction as the postings and
-- recomputable from them: the current balance of every (account, asset) pair ...
CREATE TABLE balances (
    account_seq   INTEGER NOT NULL REFERENCES accounts(seq),
    asset         TEXT NOT NULL REFERENCES assets(code),
    balance       INTEGER NOT NULL
                  CHECK (balance BETWEEN -9007199254740991 AND 9007199254740991),
    posting_count INTEGER NOT NULL CHECK (posting_count > 0),
    PRIMARY KEY (account_seq, asset)
) STRICT, WITHOUT ROWID;

-- ... and its closing balance at the end of every date that has postings, so a balance
-- as of any date is one index seek: the last row on or before that date.
CREATE TABLE balance_days (
    account_seq INTEGER NOT NULL REFERENCES accounts(seq),
    asset       TEXT NOT NULL REFERENCES assets(code),
    date        TEXT NOT NULL,
    day_change  INTEGER NOT NULL
                CHECK (day_change BETWEEN -9007199254740991 AND 9007199254740991),
    closing     INTEGER NOT NULL
                CHECK (closing BETWEEN -9007199254740991 AND 9007199254740991),
    PRIMARY KEY (account_seq, asset, date)
) STRICT, WITHOUT ROWID;

-- Idempotency keys survive restarts: the first response to a key is kept and replayed.
CREATE TABLE idempotency_keys (
    -- The principal's key id, a slash, and the client's Idempotency-Key.
    key           TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 300),
    -- SHA-256 of the method, path and body of the request that first used the key.
    fingerprint   BLOB NOT NULL CHECK (length(fingerprint) = 32),
    status        INTEGER NOT NULL CHECK (status BETWEEN 200 AND 299),
    response_body BLOB NOT NULL,
    created_at    TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER idempotency_keys_are_immutable BEFORE UPDATE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency keys are immutable'); END;
