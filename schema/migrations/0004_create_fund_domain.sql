-- Commons Ledger: the solidarity fund's domain — members and funds.
--
-- A member's private data (contact details, and the name of an anonymous member) lives
-- only in member_private, which may be erased on a data-protection request; the members
-- row and the audit log keep a salted SHA-256 commitment to it, so erasure leaves every
-- log entry and proof verifiable. Everything else is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE members (
    id            TEXT PRIMARY KEY CHECK (id GLOB 'mem_[0-9a-f]*' AND length(id) = 36),
    kind          TEXT NOT NULL
                  CHECK (kind IN ('union', 'community', 'movement', 'organisation', 'state', 'individual')),
    country       TEXT NOT NULL CHECK (length(country) = 2 AND country NOT GLOB '*[^A-Z]*'),
    region        TEXT NOT NULL CHECK (length(region) BETWEEN 1 AND 100),
    visibility    TEXT NOT NULL CHECK (visibility IN ('public', 'anonymous')),
    -- The name of a public member; NULL for an anonymous one (it is private data).
    public_name   TEXT CHECK ((visibility = 'public') = (public_name IS NOT NULL)),
    -- SHA-256(salt || canonical JSON of the private data).
    commitment    BLOB NOT NULL CHECK (length(commitment) = 32),
    registered_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER members_are_immutable_update BEFORE UPDATE ON members
BEGIN SELECT RAISE(ABORT, 'members are immutable'); END;
CREATE TRIGGER members_are_never_deleted BEFORE DELETE ON members
BEGIN SELECT RAISE(ABORT, 'members are never deleted; their private data may be erased'); END;

CREATE TABLE member_private (
    member_id TEXT PRIMARY KEY REFERENCES members(id),
    salt      BLOB NOT NULL CHECK (length(salt) = 32),
    -- Canonical JSON {"contact": {...}, "name": ...}.
    data      BLOB NOT NULL
) STRICT, WITHOUT ROWID;

-- Private data is erased, never edited.
CREATE TRIGGER member_private_is_immutable BEFORE UPDATE ON member_private
BEGIN SELECT RAISE(ABORT, 'private data is erased, never edited'); END;

CREATE TABLE member_erasures (
    member_id TEXT PRIMARY KEY REFERENCES members(id),
    erased_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER member_erasures_are_immutable_update BEFORE UPDATE ON member_erasures
BEGIN SELECT RAISE(ABORT, 'erasures are permanent'); END;
CREATE TRIGGER member_erasures_are_never_deleted BEFORE DELETE ON member_erasures
BEGIN SELECT RAISE(ABORT, 'erasures are permanent'); END;
-- Private data can only be deleted together with a recorded erasure.
CREATE TRIGGER member_private_delete_needs_erasure BEFORE DELETE ON member_private
WHEN NOT EXISTS (SELECT 1 FROM member_erasures WHERE member_id = OLD.member_id)
BEGIN SELECT RAISE(ABORT, 'record the erasure before deleting private data'); END;

CREATE TABLE funds (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE CHECK (id GLOB 'fnd_[0-9a-f]*' AND length(id) = 36),
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40 AND code NOT GLOB '*[^a-z0-9-]*'),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE fund_assets (
    fund_seq            INTEGER NOT NULL REFERENCES funds(seq),
    asset               TEXT NOT NULL REFERENCES assets(code),
    -- Above this many minor units a disbursement needs two approvals; NULL: never.
    two_approvals_above INTEGER CHECK (two_approvals_above BETWEEN 0 AND 9007199254740991),
    PRIMARY KEY (fund_seq, asset)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER funds_are_immutable_update BEFORE UPDATE ON funds
BEGIN SELECT RAISE(ABORT, 'funds are immutable'); END;
CREATE TRIGGER funds_are_never_deleted BEFORE DELETE ON funds
BEGIN SELECT RAISE(ABORT, 'funds are never deleted'); END;
CREATE TRIGGER fund_assets_are_immutable_update BEFORE UPDATE ON fund_assets
BEGIN SELECT RAISE(ABORT, 'fund assets are immutable'); END;
CREATE TRIGGER fund_assets_are_never_deleted BEFORE DELETE ON fund_assets
BEGIN SELECT RAISE(ABORT, 'fund assets are never deleted'); END;
