-- Commons Ledger: an anonymous member's kind, country and region become private data,
-- and an erasure may forget the fingerprint of the member's registration request
-- (PostgreSQL 15 twin of schema/migrations/0009).
--
-- A lone anonymous member of a kind, country or region is identified by them, so from
-- now on an anonymous member's kind, country and region live only in member_private
-- (covered by the salted commitment, erased with it) and are NULL here. Members
-- registered before keep theirs: their log entries already hold them, and the rows
-- must keep saying what the log says. A public member always has all three.
--
-- SQLite cannot relax NOT NULL in place, so it rebuilds the table (and re-creates its
-- triggers). PostgreSQL can: the columns lose NOT NULL and the table gains the two new
-- checks; rows, foreign keys and the triggers of 0004 stay as they are. The columns'
-- own checks need no change: a CHECK passes on NULL, so `kind IN (...)` already means
-- SQLite's `kind IS NULL OR kind IN (...)`, and likewise for country and region.
-- Never edit this file once it has landed: add a new numbered migration instead.

ALTER TABLE members ALTER COLUMN kind DROP NOT NULL;
ALTER TABLE members ALTER COLUMN country DROP NOT NULL;
ALTER TABLE members ALTER COLUMN region DROP NOT NULL;
ALTER TABLE members
    -- All three or none; none only for an anonymous member.
    ADD CHECK ((kind IS NULL) = (country IS NULL) AND (kind IS NULL) = (region IS NULL)),
    ADD CHECK (kind IS NOT NULL OR visibility = 'anonymous');

-- The fingerprint of a request is SHA-256 of its method, path and body: for a member's
-- registration, a guessed body (name, contact) could be confirmed against it after the
-- erasure. An erasure overwrites it with 32 zero bytes (which matches no request, so a
-- replay of the key is refused, never re-applied); nothing else about a key may change.
DROP TRIGGER idempotency_keys_are_immutable ON idempotency_keys;
CREATE TRIGGER idempotency_keys_are_immutable BEFORE UPDATE ON idempotency_keys
FOR EACH ROW WHEN (NEW.key IS DISTINCT FROM OLD.key OR NEW.status IS DISTINCT FROM OLD.status
    OR NEW.response_body IS DISTINCT FROM OLD.response_body OR NEW.created_at IS DISTINCT FROM OLD.created_at
    OR NEW.fingerprint IS DISTINCT FROM '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
EXECUTE FUNCTION refuse_change('idempotency keys are immutable; an erasure may only zero a fingerprint');
