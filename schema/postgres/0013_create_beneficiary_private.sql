-- Commons Ledger: a disbursement's beneficiary name becomes erasable private data
-- (PostgreSQL 15 twin of schema/migrations/0013; there is no 0011 or 0012 in
-- schema/migrations, so there is none here: the numbers match one for one).
--
-- A beneficiary outside the membership (a family, a person) is named by the request;
-- the name is personal data and the audit log is forever, so from now on the log and
-- the disbursements row hold only a label (`Beneficiary <8 hex of the id>`) and a
-- salted SHA-256 commitment to the name; the name and its salt live here and may be
-- erased by an admin (a logged act), leaving every entry and proof verifiable.
-- Requests made before keep their name in clear: it is already in their log entries.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE beneficiary_commitments (
    disbursement_id text PRIMARY KEY REFERENCES disbursements(id),
    -- SHA-256(salt || canonical JSON {"name": …}).
    commitment      bytea NOT NULL CHECK (length(commitment) = 32)
);

CREATE TRIGGER beneficiary_commitments_are_immutable_update BEFORE UPDATE ON beneficiary_commitments
FOR EACH ROW EXECUTE FUNCTION refuse_change('beneficiary commitments are immutable');
CREATE TRIGGER beneficiary_commitments_are_never_deleted BEFORE DELETE ON beneficiary_commitments
FOR EACH ROW EXECUTE FUNCTION refuse_change('beneficiary commitments are never deleted');
CREATE TRIGGER beneficiary_commitments_are_never_truncated BEFORE TRUNCATE ON beneficiary_commitments
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('beneficiary commitments are never deleted');

CREATE TABLE beneficiary_private (
    disbursement_id text PRIMARY KEY REFERENCES beneficiary_commitments(disbursement_id),
    salt            bytea NOT NULL CHECK (length(salt) = 32),
    -- Canonical JSON {"name": …}.
    data            bytea NOT NULL
);

CREATE TRIGGER beneficiary_private_is_immutable BEFORE UPDATE ON beneficiary_private
FOR EACH ROW EXECUTE FUNCTION refuse_change('private data is erased, never edited');

CREATE TABLE beneficiary_erasures (
    disbursement_id text PRIMARY KEY REFERENCES beneficiary_commitments(disbursement_id),
    erased_at       text NOT NULL
);

CREATE TRIGGER beneficiary_erasures_are_immutable_update BEFORE UPDATE ON beneficiary_erasures
FOR EACH ROW EXECUTE FUNCTION refuse_change('erasures are permanent');
CREATE TRIGGER beneficiary_erasures_are_never_deleted BEFORE DELETE ON beneficiary_erasures
FOR EACH ROW EXECUTE FUNCTION refuse_change('erasures are permanent');
CREATE TRIGGER beneficiary_erasures_are_never_truncated BEFORE TRUNCATE ON beneficiary_erasures
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('erasures are permanent');

-- A beneficiary's name can only be deleted together with a recorded erasure. (Under the
-- writers' lock like every rule that reads another table; see 0004's twin rule.)
CREATE FUNCTION beneficiary_private_delete_needs_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF NOT EXISTS (SELECT 1 FROM beneficiary_erasures WHERE disbursement_id = OLD.disbursement_id) THEN
        RAISE EXCEPTION 'record the erasure before deleting private data' USING ERRCODE = 'LG005';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER beneficiary_private_delete_needs_erasure BEFORE DELETE ON beneficiary_private
FOR EACH ROW EXECUTE FUNCTION beneficiary_private_delete_needs_erasure();
-- TRUNCATE skips row triggers, so it would erase without a record: refused outright.
CREATE TRIGGER beneficiary_private_is_never_truncated BEFORE TRUNCATE ON beneficiary_private
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('record the erasure before deleting private data');
