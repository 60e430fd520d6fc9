-- Commons Ledger: the solidarity fund's domain — members and funds (PostgreSQL 15 twin
-- of schema/migrations/0004).
--
-- A member's private data (contact details, and the name of an anonymous member) lives
-- only in member_private, which may be erased on a data-protection request; the members
-- row and the audit log keep a salted SHA-256 commitment to it, so erasure leaves every
-- log entry and proof verifiable. Everything else is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE members (
    id            text PRIMARY KEY CHECK (id ~ '^mem_[0-9a-f]' AND length(id) = 36),
    kind          text NOT NULL
                  CHECK (kind IN ('union', 'community', 'movement', 'organisation', 'state', 'individual')),
    country       text NOT NULL CHECK (length(country) = 2 AND country !~ '[^A-Z]'),
    region        text NOT NULL CHECK (length(region) BETWEEN 1 AND 100),
    visibility    text NOT NULL CHECK (visibility IN ('public', 'anonymous')),
    -- The name of a public member; NULL for an anonymous one (it is private data).
    public_name   text CHECK ((visibility = 'public') = (public_name IS NOT NULL)),
    -- SHA-256(salt || canonical JSON of the private data).
    commitment    bytea NOT NULL CHECK (length(commitment) = 32),
    registered_at text NOT NULL
);

CREATE TRIGGER members_are_immutable_update BEFORE UPDATE ON members
FOR EACH ROW EXECUTE FUNCTION refuse_change('members are immutable');
CREATE TRIGGER members_are_never_deleted BEFORE DELETE ON members
FOR EACH ROW EXECUTE FUNCTION refuse_change('members are never deleted; their private data may be erased');
CREATE TRIGGER members_are_never_truncated BEFORE TRUNCATE ON members
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('members are never deleted; their private data may be erased');

CREATE TABLE member_private (
    member_id text PRIMARY KEY REFERENCES members(id),
    salt      bytea NOT NULL CHECK (length(salt) = 32),
    -- Canonical JSON {"contact": {...}, "name": ...}.
    data      bytea NOT NULL
);

-- Private data is erased, never edited.
CREATE TRIGGER member_private_is_immutable BEFORE UPDATE ON member_private
FOR EACH ROW EXECUTE FUNCTION refuse_change('private data is erased, never edited');

CREATE TABLE member_erasures (
    member_id text PRIMARY KEY REFERENCES members(id),
    erased_at text NOT NULL
);

CREATE TRIGGER member_erasures_are_immutable_update BEFORE UPDATE ON member_erasures
FOR EACH ROW EXECUTE FUNCTION refuse_change('erasures are permanent');
CREATE TRIGGER member_erasures_are_never_deleted BEFORE DELETE ON member_erasures
FOR EACH ROW EXECUTE FUNCTION refuse_change('erasures are permanent');
CREATE TRIGGER member_erasures_are_never_truncated BEFORE TRUNCATE ON member_erasures
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('erasures are permanent');

-- Private data can only be deleted together with a recorded erasure. The rule reads
-- another table, so it takes the writers' lock first like every such rule (0002); its
-- answer could not go stale anyway: an erasure it sees is committed or its own, and
-- erasures are never deleted.
CREATE FUNCTION member_private_delete_needs_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF NOT EXISTS (SELECT 1 FROM member_erasures WHERE member_id = OLD.member_id) THEN
        RAISE EXCEPTION 'record the erasure before deleting private data' USING ERRCODE = 'LG005';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER member_private_delete_needs_erasure BEFORE DELETE ON member_private
FOR EACH ROW EXECUTE FUNCTION member_private_delete_needs_erasure();
-- TRUNCATE skips row triggers, so it would erase without a record: refused outright.
CREATE TRIGGER member_private_is_never_truncated BEFORE TRUNCATE ON member_private
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('record the erasure before deleting private data');

CREATE TABLE funds (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         text NOT NULL UNIQUE CHECK (id ~ '^fnd_[0-9a-f]' AND length(id) = 36),
    code       text NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40 AND code !~ '[^a-z0-9-]'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at text NOT NULL
);

CREATE TABLE fund_assets (
    fund_seq            bigint NOT NULL REFERENCES funds(seq),
    asset               text NOT NULL REFERENCES assets(code),
    -- Above this many minor units a disbursement needs two approvals; NULL: never.
    two_approvals_above bigint CHECK (two_approvals_above BETWEEN 0 AND 9007199254740991),
    PRIMARY KEY (fund_seq, asset)
);

CREATE TRIGGER funds_are_immutable_update BEFORE UPDATE ON funds
FOR EACH ROW EXECUTE FUNCTION refuse_change('funds are immutable');
CREATE TRIGGER funds_are_never_deleted BEFORE DELETE ON funds
FOR EACH ROW EXECUTE FUNCTION refuse_change('funds are never deleted');
CREATE TRIGGER funds_are_never_truncated BEFORE TRUNCATE ON funds
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('funds are never deleted');
CREATE TRIGGER fund_assets_are_immutable_update BEFORE UPDATE ON fund_assets
FOR EACH ROW EXECUTE FUNCTION refuse_change('fund assets are immutable');
CREATE TRIGGER fund_assets_are_never_deleted BEFORE DELETE ON fund_assets
FOR EACH ROW EXECUTE FUNCTION refuse_change('fund assets are never deleted');
CREATE TRIGGER fund_assets_are_never_truncated BEFORE TRUNCATE ON fund_assets
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('fund assets are never deleted');
