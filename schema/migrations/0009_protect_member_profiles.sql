-- Commons Ledger: an anonymous member's kind, country and region become private data,
-- and an erasure may forget the fingerprint of the member's registration request.
--
-- A lone anonymous member of a kind, country or region is identified by them, so from
-- now on an anonymous member's kind, country and region live only in member_private
-- (covered by the salted commitment, erased with it) and are NULL here. Members
-- registered before keep theirs: their log entries already hold them, and the rows
-- must keep saying what the log says. A public member always has all three.
--
-- SQLite cannot relax NOT NULL in place, so the table is rebuilt (foreign keys are
-- off during a migration and checked before it commits).
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE members_new (
    id            TEXT PRIMARY KEY CHECK (id GLOB 'mem_[0-9a-f]*' AND length(id) = 36),
    kind          TEXT
                  CHECK (kind IS NULL OR kind IN ('union', 'community', 'movement', 'organisation', 'state', 'individual')),
    country       TEXT CHECK (country IS NULL OR (length(country) = 2 AND country NOT GLOB '*[^A-Z]*')),
    region        TEXT CHECK (region IS NULL OR length(region) BETWEEN 1 AND 100),
    visibility    TEXT NOT NULL CHECK (visibility IN ('public', 'anonymous')),
    -- The name of a public member; NULL for an anonymous one (it is private data).
    public_name   TEXT CHECK ((visibility = 'public') = (public_name IS NOT NULL)),
    -- SHA-256(salt || canonical JSON of the private data).
    commitment    BLOB NOT NULL CHECK (length(commitment) = 32),
    registered_at TEXT NOT NULL,
    -- All three or none; none only for an anonymous member.
    CHECK ((kind IS NULL) = (country IS NULL) AND (kind IS NULL) = (region IS NULL)),
    CHECK (kind IS NOT NULL OR visibility = 'anonymous')
) STRICT;

INSERT INTO members_new (id, kind, country, region, visibility, public_name, commitment, registered_at)
SELECT id, kind, country, region, visibility, public_name, commitment, registered_at FROM members;

DROP TABLE members;
ALTER TABLE members_new RENAME TO members;

CREATE TRIGGER members_are_immutable_update BEFORE UPDATE ON members
BEGIN SELECT RAISE(ABORT, 'members are immutable'); END;
CREATE TRIGGER members_are_never_deleted BEFORE DELETE ON members
BEGIN SELECT RAISE(ABORT, 'members are never deleted; their private data may be erased'); END;

-- The fingerprint of a request is SHA-256 of its method, path and body: for a member's
-- registration, a guessed body (name, contact) could be confirmed against it after the
-- erasure. An erasure overwrites it with 32 zero bytes (which matches no request, so a
-- replay of the key is refused, never re-applied); nothing else about a key may change.
DROP TRIGGER idempotency_keys_are_immutable;
CREATE TRIGGER idempotency_keys_are_immutable BEFORE UPDATE ON idempotency_keys
WHEN NEW.key IS NOT OLD.key OR NEW.status IS NOT OLD.status OR NEW.response_body IS NOT OLD.response_body
    OR NEW.created_at IS NOT OLD.created_at OR NEW.fingerprint IS NOT zeroblob(32)
BEGIN SELECT RAISE(ABORT, 'idempotency keys are immutable; an erasure may only zero a fingerprint'); END;
