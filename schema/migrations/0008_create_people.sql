-- Commons Ledger: people behind API keys, and four eyes per person.
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
    id         TEXT PRIMARY KEY CHECK (id GLOB 'prs_[0-9a-f]*' AND length(id) = 36),
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at TEXT NOT NULL
) STRICT;

-- Which person holds each key. `salt` and `commitment` are NULL for keys logged before
-- this migration (their name is in the log in clear); both are 32 bytes otherwise.
CREATE TABLE api_key_people (
    key_id     TEXT PRIMARY KEY REFERENCES api_keys(id),
    person_id  TEXT NOT NULL REFERENCES people(id),
    salt       BLOB CHECK (salt IS NULL OR length(salt) = 32),
    commitment BLOB CHECK (commitment IS NULL OR length(commitment) = 32),
    CHECK ((salt IS NULL) = (commitment IS NULL))
) STRICT;
CREATE INDEX api_key_people_by_person ON api_key_people (person_id);

INSERT INTO people (id, name, created_at)
    SELECT 'prs_' || substr(id, 5), name, created_at FROM api_keys;
INSERT INTO api_key_people (key_id, person_id, salt, commitment)
    SELECT id, 'prs_' || substr(id, 5), NULL, NULL FROM api_keys;

CREATE TRIGGER people_are_immutable BEFORE UPDATE ON people
BEGIN SELECT RAISE(ABORT, 'people are immutable'); END;
CREATE TRIGGER people_are_never_deleted BEFORE DELETE ON people
BEGIN SELECT RAISE(ABORT, 'people are never deleted'); END;
CREATE TRIGGER api_key_people_are_immutable BEFORE UPDATE ON api_key_people
BEGIN SELECT RAISE(ABORT, 'a key never changes person'); END;
CREATE TRIGGER api_key_people_are_never_deleted BEFORE DELETE ON api_key_people
BEGIN SELECT RAISE(ABORT, 'a key never loses its person'); END;

-- The person a step's key acts for: its recorded person, else (a key without a row here)
-- `prs_` + its hex digits, as for keys logged before people existed; a step without a key
-- (the operator's own commands) acts as `system:` + its name.
CREATE VIEW disbursement_step_people AS
    SELECT s.disbursement_id, s.position, s.kind,
        CASE WHEN s.principal_key IS NULL THEN 'system:' || s.principal_name
             ELSE COALESCE((SELECT p.person_id FROM api_key_people p WHERE p.key_id = s.principal_key),
                           'prs_' || substr(s.principal_key, 5)) END AS person
    FROM disbursement_steps s;

-- Four eyes, per person: an approval by the requester's person, or by a person who has
-- already approved the disbursement, is refused whatever the Swift code did.
CREATE TRIGGER disbursement_approvals_need_four_eyes BEFORE INSERT ON disbursement_steps
WHEN NEW.kind = 'approve' AND (
    SELECT person FROM (
        SELECT CASE WHEN NEW.principal_key IS NULL THEN 'system:' || NEW.principal_name
               ELSE COALESCE((SELECT p.person_id FROM api_key_people p WHERE p.key_id = NEW.principal_key),
                             'prs_' || substr(NEW.principal_key, 5)) END AS person
    ) AS approver
    WHERE approver.person = (
            SELECT CASE WHEN d.requested_by_key IS NULL THEN 'system:' || d.requested_by_name
                   ELSE COALESCE((SELECT p.person_id FROM api_key_people p WHERE p.key_id = d.requested_by_key),
                                 'prs_' || substr(d.requested_by_key, 5)) END
            FROM disbursements d WHERE d.id = NEW.disbursement_id)
       OR approver.person IN (
            SELECT person FROM disbursement_step_people
            WHERE disbursement_id = NEW.disbursement_id AND kind = 'approve')
) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'four eyes: the requester''s person never approves, and one person approves once'); END;
