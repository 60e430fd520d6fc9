-- The books closed through a day (`POST /v1/periods`, logged as `period.closed`): from
-- then on nothing dated on or before `through` may be recorded (422 period_closed). Each
-- closing names the log it seals: the tree size and RFC 6962 root hash of the entries
-- before its own. Closings only move forward (each `through` after the last), and the
-- rule is enforced twice: by the store before it writes, and by the triggers below on
-- every ledger transaction and exchange rate, whoever writes the database.
-- Rows are only ever added. Twin of schema/migrations/0018. Never edited once landed.
CREATE TABLE period_closings (
    seq              bigint NOT NULL PRIMARY KEY,
    id               text NOT NULL UNIQUE CHECK (length(id) = 36 AND substr(id, 1, 4) = 'per_'),
    through          text NOT NULL UNIQUE CHECK (through ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
    sealed_tree_size bigint NOT NULL CHECK (sealed_tree_size >= 0),
    sealed_root_hash text NOT NULL CHECK (length(sealed_root_hash) = 44),
    closed_by_key    text CHECK (closed_by_key IS NULL OR length(closed_by_key) BETWEEN 1 AND 100),
    closed_at        text NOT NULL
);

-- Every writer holds the log head lock (lock_log_head) until it commits, so the latest
-- closing read here cannot change before the row being checked is committed.
CREATE FUNCTION refuse_closed_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF NEW.date <= (SELECT max(through) FROM period_closings) THEN
        RAISE EXCEPTION 'the period of this date is closed' USING ERRCODE = 'LG007';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION period_closings_move_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF NEW.through <= (SELECT max(through) FROM period_closings) THEN
        RAISE EXCEPTION 'a period closing must come after the last one' USING ERRCODE = 'LG007';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER period_closings_move_forward BEFORE INSERT ON period_closings
FOR EACH ROW EXECUTE FUNCTION period_closings_move_forward();
CREATE TRIGGER period_closings_are_immutable BEFORE UPDATE ON period_closings
FOR EACH ROW EXECUTE FUNCTION refuse_change('a period closing is immutable');
CREATE TRIGGER period_closings_are_never_deleted BEFORE DELETE ON period_closings
FOR EACH ROW EXECUTE FUNCTION refuse_change('a period closing is never deleted');
CREATE TRIGGER period_closings_are_never_truncated BEFORE TRUNCATE ON period_closings
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a period closing is never deleted');

-- PostgreSQL fires a table's triggers in name order: "dated" comes before
-- "must_balance", so a back-dated row is refused for its date first.
CREATE TRIGGER transactions_dated_in_an_open_period BEFORE INSERT ON transactions
FOR EACH ROW EXECUTE FUNCTION refuse_closed_period();
CREATE TRIGGER fx_rates_dated_in_an_open_period BEFORE INSERT ON fx_rates
FOR EACH ROW EXECUTE FUNCTION refuse_closed_period();
