-- Commons Ledger: a disbursement's beneficiary name becomes erasable private data.
--
-- A beneficiary outside the membership (a family, a person) is named by the request;
-- the name is personal data and the audit log is forever, so from now on the log and
-- the disbursements row hold only a label (`Beneficiary <8 hex of the id>`) and a
-- salted SHA-256 commitment to the name; the name and its salt live here and may be
-- erased by an admin (a logged act), leaving every entry and proof verifiable.
-- Requests made before keep their name in clear: it is already in their log entries.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE beneficiary_commitments (
    disbursement_id TEXT PRIMARY KEY REFERENCES disbursements(id),
    -- SHA-256(salt || canonical JSON {"name": …}).
    commitment      BLOB NOT NULL CHECK (length(commitment) = 32)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER beneficiary_commitments_are_immutable_update BEFORE UPDATE ON beneficiary_commitments
BEGIN SELECT RAISE(ABORT, 'beneficiary commitments are immutable'); END;
CREATE TRIGGER beneficiary_commitments_are_never_deleted BEFORE DELETE ON beneficiary_commitments
BEGIN SELECT RAISE(ABORT, 'beneficiary commitments are never deleted'); END;

CREATE TABLE beneficiary_private (
    disbursement_id TEXT PRIMARY KEY REFERENCES beneficiary_commitments(disbursement_id),
    salt            BLOB NOT NULL CHECK (length(salt) = 32),
    -- Canonical JSON {"name": …}.
    data            BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER beneficiary_private_is_immutable BEFORE UPDATE ON beneficiary_private
BEGIN SELECT RAISE(ABORT, 'private data is erased, never edited'); END;

CREATE TABLE beneficiary_erasures (
    disbursement_id TEXT PRIMARY KEY REFERENCES beneficiary_commitments(disbursement_id),
    erased_at       TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER beneficiary_erasures_are_immutable_update BEFORE UPDATE ON beneficiary_erasures
BEGIN SELECT RAISE(ABORT, 'erasures are permanent'); END;
CREATE TRIGGER beneficiary_erasures_are_never_deleted BEFORE DELETE ON beneficiary_erasures
BEGIN SELECT RAISE(ABORT, 'erasures are permanent'); END;
-- A beneficiary's name can only be deleted together with a recorded erasure.
CREATE TRIGGER beneficiary_private_delete_needs_erasure BEFORE DELETE ON beneficiary_private
WHEN NOT EXISTS (SELECT 1 FROM beneficiary_erasures WHERE disbursement_id = OLD.disbursement_id)
BEGIN SELECT RAISE(ABORT, 'record the erasure before deleting private data'); END;
