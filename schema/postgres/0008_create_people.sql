-- Commons Ledger: people behind API keys, and four eyes per person (PostgreSQL 15 twin
-- of schema/migrations/0008).
--
-- Four eyes was checked per key, so one admin could mint two approver keys and approve
-- alone. A key now belongs to a named person (`people`), shared by that person's keys;
-- two approvals must come from two different people, and the requester's person never
-- approves. The rule is checked in Swift (FundCore `FourEyes`) and again here.
--
-- Staff names stay out of the public audit log: a key created from now on is logged with
-- its person's id and a salted SHA-256 commitment to its key and person names; the names
-- and the salt stay here. Keys created before this migration were logged with their name
-- in clear; each becomes its own person, `prs_` + the key id's hex digits (the same id a
-- verifier derives for a key whose log entry names no person), so nothing they did changes.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE people (
    id         text PRIMARY KEY CHECK (id ~ '^prs_[0-9a-f]' AND length(id) = 36),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at text NOT NULL
);

-- Which person holds each key. `salt` and `commitment` are NULL for keys logged before
-- this migration (their name is in the log in clear); both are 32 bytes otherwise.
CREATE TABLE api_key_people (
    key_id     text PRIMARY KEY REFERENCES api_keys(id),
    person_id  text NOT NULL REFERENCES people(id),
    salt       bytea CHECK (salt IS NULL OR length(salt) = 32),
    commitment bytea CHECK (commitment IS NULL OR length(commitment) = 32),
    CHECK ((salt IS NULL) = (commitment IS NULL))
);
CREATE INDEX api_key_people_by_person ON api_key_people (person_id);

INSERT INTO people (id, name, created_at)
    SELECT 'prs_' || substr(id, 5), name, created_at FROM api_keys;
INSERT INTO api_key_people (key_id, person_id, salt, commitment)
    SELECT id, 'prs_' || substr(id, 5), NULL, NULL FROM api_keys;

CREATE TRIGGER people_are_immutable BEFORE UPDATE ON people
FOR EACH ROW EXECUTE FUNCTION refuse_change('people are immutable');
CREATE TRIGGER people_are_never_deleted BEFORE DELETE ON people
FOR EACH ROW EXECUTE FUNCTION refuse_change('people are never deleted');
CREATE TRIGGER people_are_never_truncated BEFORE TRUNCATE ON people
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('people are never deleted');
CREATE TRIGGER api_key_people_are_immutable BEFORE UPDATE ON api_key_people
FOR EACH ROW EXECUTE FUNCTION refuse_change('a key never changes person');
CREATE TRIGGER api_key_people_are_never_deleted BEFORE DELETE ON api_key_people
FOR EACH ROW EXECUTE FUNCTION refuse_change('a key never loses its person');
CREATE TRIGGER api_key_people_are_never_truncated BEFORE TRUNCATE ON api_key_people
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a key never loses its person');

-- The person a step's key acts for: its recorded person, else (a key without a row here)
-- `prs_` + its hex digits, as for keys logged before people existed; a step without a key
-- (the operator's own commands) acts as `system:` + its name. SQLite spells this CASE out
-- in the view and in each trigger; here it is one function, so the view, the
-- disbursement rule below and the cash-adjustment rule of 0010 cannot disagree.
CREATE FUNCTION acting_person(principal_key text, principal_name text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN principal_key IS NULL THEN 'system:' || principal_name
                ELSE coalesce((SELECT p.person_id FROM api_key_people p WHERE p.key_id = principal_key),
                              'prs_' || substr(principal_key, 5)) END
$$;

CREATE VIEW disbursement_step_people AS
    SELECT s.disbursement_id, s.position, s.kind,
           acting_person(s.principal_key, s.principal_name) AS person
    FROM disbursement_steps s;

-- Four eyes, per person: an approval by the requester's person, or by a person who has
-- already approved the disbursement, is refused whatever the Swift code did.
-- The rule reads the disbursement's other steps, which a concurrent session could be
-- adding: under the writers' lock (0002) a second approval by the same person, sent at
-- the same moment, waits for the first to commit, then sees it and is refused.
CREATE FUNCTION disbursement_approvals_need_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    approver text;
BEGIN
    PERFORM lock_log_head();
    approver := acting_person(NEW.principal_key, NEW.principal_name);
    IF approver = (SELECT acting_person(d.requested_by_key, d.requested_by_name)
                   FROM disbursements d WHERE d.id = NEW.disbursement_id)
       OR approver IN (SELECT person FROM disbursement_step_people
                       WHERE disbursement_id = NEW.disbursement_id AND kind = 'approve') THEN
        RAISE EXCEPTION 'four eyes: the requester''s person never approves, and one person approves once'
            USING ERRCODE = 'LG004';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER disbursement_approvals_need_four_eyes BEFORE INSERT ON disbursement_steps
FOR EACH ROW WHEN (NEW.kind = 'approve')
EXECUTE FUNCTION disbursement_approvals_need_four_eyes();
