-- Commons Ledger: the double-entry core (PostgreSQL 15 twin of schema/migrations/0001).
--
-- Rules are enforced here a second time, after the Swift core has checked them
-- ("trust the database more than yourself"): CHECK constraints on every value, foreign
-- keys, uniqueness, and triggers that refuse UPDATE, DELETE and TRUNCATE on the book of
-- record. Amounts are bigint minor units within ±(2^53 − 1), the same bound as SQLite's,
-- so every amount either backend accepts is exact in a JSON number; dates are ISO 8601
-- text. Never edit this file once it has landed: add a new numbered migration instead.
--
-- Translation rules used by every file in this folder (schema/postgres/README.md):
-- * SQLite INTEGER is bigint, always: the application reads every integer back as a
--   64-bit value, and one width everywhere means no statement needs a cast.
-- * TEXT stays text, never timestamptz or date: timestamps and dates are written by the
--   application as exact text that is also logged and hashed, and `substr(requested_at,
--   1, 10)` and `date > ?` comparisons must behave as on SQLite. BLOB is bytea.
-- * JSON is stored as text, not jsonb: it is canonical JSON (RFC 8785) kept exactly as
--   written; jsonb would reorder keys and normalise numbers.
-- * `INTEGER PRIMARY KEY` rowids the application lets SQLite choose become
--   `bigint GENERATED ALWAYS AS IDENTITY`: a hand-chosen seq is refused, so a forged row
--   cannot claim an earlier place. A sequence is not transactional, so a rolled-back
--   insert leaves a gap; nothing reads these seqs as dense (they order and page).
--   transactions.seq is the exception: the application chooses it (its postings are
--   written first and must name it), so it is a plain bigint key.
-- * GLOB becomes a regular expression with the same meaning (the database collation is
--   C, checked below, so [A-Z] is a byte range as in GLOB).
-- * RAISE(ABORT, 'msg') becomes RAISE EXCEPTION with the same text and an SQLSTATE of
--   class LG (Commons Ledger), so a log line or the application can tell a schema
--   refusal from other errors: LG001 immutable row, LG002 unbalanced or late posting,
--   LG003 log index, LG004 four eyes, LG005 erasure order, LG006 isolation level.
-- * SQLite has no TRUNCATE; PostgreSQL's would skip row DELETE triggers, so every table
--   whose rows are never deleted also refuses TRUNCATE.

-- Text must compare byte by byte, as SQLite's BINARY collation does: reports order by
-- codes and names, and balances are found with `date > ?` on ISO text. A database
-- created with a linguistic collation would give other orders than SQLite, silently.
-- (An ICU database reports LC_COLLATE C but sorts by its ICU locale: refused too.)
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_database
                   WHERE datname = current_database()
                     AND datlocprovider = 'c'
                     AND datcollate IN ('C', 'POSIX', 'C.UTF-8', 'C.utf8')
                     AND pg_encoding_to_char(encoding) = 'UTF8') THEN
        RAISE EXCEPTION 'the ledger database must be UTF8 with the C collation (bytewise text order, as SQLite)'
            USING HINT = 'CREATE DATABASE ... ENCODING ''UTF8'' LC_COLLATE ''C'' LC_CTYPE ''C'' TEMPLATE template0';
    END IF;
END $$;

-- One function for every "never changes" trigger: the message is the trigger's argument,
-- so each table keeps its own SQLite text.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'LG001';
END $$;

-- SQLite's json_valid(x) AND json_type(x) = kind. A cast error must read as "false" so
-- that invalid JSON fails the CHECK (23514) like any other bad value.
CREATE FUNCTION json_text_is(value text, kind text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    RETURN json_typeof(value::json) = kind;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN false;
END $$;

CREATE TABLE assets (
    code        text PRIMARY KEY
                CHECK (length(code) BETWEEN 2 AND 16 AND code !~ '[^A-Z0-9_]'),
    scale       bigint NOT NULL CHECK (scale BETWEEN 0 AND 18),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  text NOT NULL
);

CREATE TRIGGER assets_are_immutable_update BEFORE UPDATE ON assets
FOR EACH ROW EXECUTE FUNCTION refuse_change('assets are immutable');
CREATE TRIGGER assets_are_immutable_delete BEFORE DELETE ON assets
FOR EACH ROW EXECUTE FUNCTION refuse_change('assets are immutable');
CREATE TRIGGER assets_are_never_truncated BEFORE TRUNCATE ON assets
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('assets are immutable');

CREATE TABLE accounts (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text NOT NULL UNIQUE CHECK (id ~ '^acc_[0-9a-f]' AND length(id) = 36),
    code            text NOT NULL UNIQUE
                    CHECK (length(code) BETWEEN 1 AND 200 AND code !~ '[^a-z0-9_.:-]'),
    type            text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
    constraint_kind text CHECK (constraint_kind IN ('no_negative')),
    -- Canonical JSON object (RFC 8785).
    metadata        text NOT NULL CHECK (json_text_is(metadata, 'object')),
    created_at      text NOT NULL,
    closed_at       text
);

-- An account's only change is being closed, once. (A trigger's WHEN clause, as in
-- SQLite: the function runs only for a refused change.)
CREATE TRIGGER accounts_only_close BEFORE UPDATE ON accounts
FOR EACH ROW WHEN (OLD.closed_at IS NOT NULL
  OR NEW.closed_at IS NULL
  OR NEW.seq IS DISTINCT FROM OLD.seq OR NEW.id IS DISTINCT FROM OLD.id OR NEW.code IS DISTINCT FROM OLD.code
  OR NEW.type IS DISTINCT FROM OLD.type OR NEW.constraint_kind IS DISTINCT FROM OLD.constraint_kind
  OR NEW.metadata IS DISTINCT FROM OLD.metadata OR NEW.created_at IS DISTINCT FROM OLD.created_at)
EXECUTE FUNCTION refuse_change('accounts are immutable except for closing once');
CREATE TRIGGER accounts_are_never_deleted BEFORE DELETE ON accounts
FOR EACH ROW EXECUTE FUNCTION refuse_change('accounts are never deleted');
CREATE TRIGGER accounts_are_never_truncated BEFORE TRUNCATE ON accounts
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('accounts are never deleted');

-- The assets an account accepts; no rows means any asset.
CREATE TABLE account_allowed_assets (
    account_seq bigint NOT NULL REFERENCES accounts(seq),
    asset       text NOT NULL REFERENCES assets(code),
    PRIMARY KEY (account_seq, asset)
);

CREATE TRIGGER account_allowed_assets_immutable_update BEFORE UPDATE ON account_allowed_assets
FOR EACH ROW EXECUTE FUNCTION refuse_change('allowed assets are immutable');
CREATE TRIGGER account_allowed_assets_immutable_delete BEFORE DELETE ON account_allowed_assets
FOR EACH ROW EXECUTE FUNCTION refuse_change('allowed assets are immutable');
CREATE TRIGGER account_allowed_assets_never_truncated BEFORE TRUNCATE ON account_allowed_assets
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('allowed assets are immutable');

-- seq is chosen by the application (max(seq) + 1 while it holds the log_head lock of
-- migration 0002), because the postings are written first and must name it.
CREATE TABLE transactions (
    seq          bigint PRIMARY KEY,
    id           text NOT NULL UNIQUE CHECK (id ~ '^txn_[0-9a-f]' AND length(id) = 36),
    date         text NOT NULL CHECK (date ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
    description  text NOT NULL CHECK (length(description) <= 1000),
    metadata     text NOT NULL CHECK (json_text_is(metadata, 'object')),
    recorded_at  text NOT NULL,
    -- A transaction is reversed at most once: UNIQUE.
    reverses_seq bigint UNIQUE REFERENCES transactions(seq) CHECK (reverses_seq < seq)
);

CREATE INDEX transactions_by_date ON transactions(date, seq);

-- Postings are written BEFORE their transaction row (the foreign key is deferred to
-- commit), and the transaction row's insert trigger checks that they balance. A posting
-- can never be added to a transaction that already exists, so an unbalanced transaction
-- cannot be committed even by hand.
CREATE TABLE postings (
    transaction_seq bigint NOT NULL
                    REFERENCES transactions(seq) DEFERRABLE INITIALLY DEFERRED,
    position        bigint NOT NULL CHECK (position BETWEEN 0 AND 255),
    account_seq     bigint NOT NULL REFERENCES accounts(seq),
    asset           text NOT NULL REFERENCES assets(code),
    amount          bigint NOT NULL
                    CHECK (amount <> 0 AND amount BETWEEN -9007199254740991 AND 9007199254740991),
    -- Copy of the transaction's date, so the register index can order by it.
    date            text NOT NULL,
    -- This balance's sum of postings on the same date up to and including this one.
    -- Postings arrive in sequence order, so this never changes once written; with the
    -- day's opening balance it gives the running balance in date order.
    day_running     bigint NOT NULL
                    CHECK (day_running BETWEEN -9007199254740991 AND 9007199254740991),
    PRIMARY KEY (transaction_seq, position)
);

CREATE INDEX postings_by_account ON postings(account_seq, asset, date, transaction_seq, position);
CREATE INDEX postings_by_account_date ON postings(account_seq, date, transaction_seq);

-- Both checks below read rows other writers may be adding. SQLite runs one writer at a
-- time; PostgreSQL does not, so each check first takes the log_head row lock (migration
-- 0002, lock_log_head()) that every ledger write holds until it commits. Once the lock is
-- granted, the next statement of the function sees every committed row (READ COMMITTED
-- takes a new snapshot per statement), so:
-- (lock_log_head() and log_head belong to the log, so they are created in 0002;
-- PL/pgSQL resolves them when a trigger runs. Every migration is applied before the
-- application writes, and an insert made between 0001 and 0002 would fail: a refusal.)
-- * a posting for transaction n, inserted while another session is recording n, waits
--   for that session's commit and then sees its transaction row: refused;
-- * a transaction's postings cannot change between the balance check and COMMIT, since
--   no posting can be added once the row exists (the check above) and postings are never
--   updated or deleted. The balance therefore holds at COMMIT without a deferred
--   constraint trigger, and the refusal comes at the statement, as on SQLite.
CREATE FUNCTION postings_only_before_their_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF EXISTS (SELECT 1 FROM transactions WHERE seq = NEW.transaction_seq) THEN
        RAISE EXCEPTION 'postings cannot be added to a recorded transaction' USING ERRCODE = 'LG002';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER postings_only_before_their_transaction BEFORE INSERT ON postings
FOR EACH ROW EXECUTE FUNCTION postings_only_before_their_transaction();

-- sum(bigint) is numeric in PostgreSQL, so the sum cannot overflow (SQLite raises on
-- integer overflow instead: both refuse).
CREATE FUNCTION transactions_must_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF (SELECT count(*) FROM postings WHERE transaction_seq = NEW.seq) < 2
       OR EXISTS (SELECT 1 FROM postings WHERE transaction_seq = NEW.seq
                  GROUP BY asset HAVING sum(amount) <> 0)
       OR EXISTS (SELECT 1 FROM postings WHERE transaction_seq = NEW.seq AND date <> NEW.date) THEN
        RAISE EXCEPTION 'a transaction needs at least two postings summing to zero per asset'
            USING ERRCODE = 'LG002';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER transactions_must_balance BEFORE INSERT ON transactions
FOR EACH ROW EXECUTE FUNCTION transactions_must_balance();

CREATE TRIGGER transactions_are_immutable_update BEFORE UPDATE ON transactions
FOR EACH ROW EXECUTE FUNCTION refuse_change('transactions are immutable: record a reversal');
CREATE TRIGGER transactions_are_never_deleted BEFORE DELETE ON transactions
FOR EACH ROW EXECUTE FUNCTION refuse_change('transactions are never deleted: record a reversal');
CREATE TRIGGER transactions_are_never_truncated BEFORE TRUNCATE ON transactions
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('transactions are never deleted: record a reversal');
CREATE TRIGGER postings_are_immutable_update BEFORE UPDATE ON postings
FOR EACH ROW EXECUTE FUNCTION refuse_change('postings are immutable: record a reversal');
CREATE TRIGGER postings_are_never_deleted BEFORE DELETE ON postings
FOR EACH ROW EXECUTE FUNCTION refuse_change('postings are never deleted: record a reversal');
CREATE TRIGGER postings_are_never_truncated BEFORE TRUNCATE ON postings
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('postings are never deleted: record a reversal');

-- Derived state, maintained in the same write transaction as the postings and
-- recomputable from them: the current balance of every (account, asset) pair ...
-- (No triggers, as on SQLite: these rows are updated on every write; `verify` recomputes
-- them from the postings.)
CREATE TABLE balances (
    account_seq   bigint NOT NULL REFERENCES accounts(seq),
    asset         text NOT NULL REFERENCES assets(code),
    balance       bigint NOT NULL
                  CHECK (balance BETWEEN -9007199254740991 AND 9007199254740991),
    posting_count bigint NOT NULL CHECK (posting_count > 0),
    PRIMARY KEY (account_seq, asset)
);

-- ... and its closing balance at the end of every date that has postings, so a balance
-- as of any date is one index seek: the last row on or before that date.
CREATE TABLE balance_days (
    account_seq bigint NOT NULL REFERENCES accounts(seq),
    asset       text NOT NULL REFERENCES assets(code),
    date        text NOT NULL,
    day_change  bigint NOT NULL
                CHECK (day_change BETWEEN -9007199254740991 AND 9007199254740991),
    closing     bigint NOT NULL
                CHECK (closing BETWEEN -9007199254740991 AND 9007199254740991),
    PRIMARY KEY (account_seq, asset, date)
);

-- Idempotency keys survive restarts: the first response to a key is kept and replayed.
CREATE TABLE idempotency_keys (
    -- The principal's key id, a slash, and the client's Idempotency-Key.
    key           text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 300),
    -- SHA-256 of the method, path and body of the request that first used the key.
    fingerprint   bytea NOT NULL CHECK (length(fingerprint) = 32),
    status        bigint NOT NULL CHECK (status BETWEEN 200 AND 299),
    response_body bytea NOT NULL,
    created_at    text NOT NULL
);

-- (Deleting a key is not refused, as on SQLite; so TRUNCATE is not refused either.)
CREATE TRIGGER idempotency_keys_are_immutable BEFORE UPDATE ON idempotency_keys
FOR EACH ROW EXECUTE FUNCTION refuse_change('idempotency keys are immutable');
