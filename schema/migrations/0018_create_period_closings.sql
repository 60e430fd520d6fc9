-- The books closed through a day (`POST /v1/periods`, logged as `period.closed`): from
-- then on nothing dated on or before `through` may be recorded (422 period_closed). Each
-- closing names the log it seals: the tree size and RFC 6962 root hash of the entries
-- before its own. Closings only move forward (each `through` after the last), and the
-- rule is enforced twice: by the store before it writes, and by the triggers below on
-- every ledger transaction and exchange rate, whoever writes the file.
-- Rows are only ever added. Twin: schema/postgres/0018. Never edited once landed.
CREATE TABLE period_closings (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE CHECK (length(id) = 36 AND substr(id, 1, 4) = 'per_'),
    through          TEXT NOT NULL UNIQUE
                     CHECK (through GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    sealed_tree_size INTEGER NOT NULL CHECK (sealed_tree_size >= 0),
    sealed_root_hash TEXT NOT NULL CHECK (length(sealed_root_hash) = 44),
    closed_by_key    TEXT CHECK (closed_by_key IS NULL OR length(closed_by_key) BETWEEN 1 AND 100),
    closed_at        TEXT NOT NULL
) STRICT;

CREATE TRIGGER period_closings_move_forward BEFORE INSERT ON period_closings
WHEN NEW.through <= (SELECT max(through) FROM period_closings)
BEGIN SELECT RAISE(ABORT, 'a period closing must come after the last one'); END;
CREATE TRIGGER period_closings_are_immutable BEFORE UPDATE ON period_closings
BEGIN SELECT RAISE(ABORT, 'a period closing is immutable'); END;
CREATE TRIGGER period_closings_are_never_deleted BEFORE DELETE ON period_closings
BEGIN SELECT RAISE(ABORT, 'a period closing is never deleted'); END;

CREATE TRIGGER transactions_dated_in_an_open_period BEFORE INSERT ON transactions
WHEN NEW.date <= (SELECT max(through) FROM period_closings)
BEGIN SELECT RAISE(ABORT, 'the period of this date is closed'); END;
CREATE TRIGGER fx_rates_dated_in_an_open_period BEFORE INSERT ON fx_rates
WHEN NEW.date <= (SELECT max(through) FROM period_closings)
BEGIN SELECT RAISE(ABORT, 'the period of this date is closed'); END;
