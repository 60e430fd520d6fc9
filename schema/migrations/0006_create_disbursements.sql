-- Commons Ledger: disbursements (grants) with four-eyes approval.
--
-- A request and each later step (approve, reject, pay, cancel) is a row here, linked to
-- the ledger transaction it recorded, with the principal who took it. A disbursement's
-- state is derived from its steps, never stored. Everything is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE disbursements (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE CHECK (id GLOB 'dsb_[0-9a-f]*' AND length(id) = 36),
    fund_id           TEXT NOT NULL REFERENCES funds(id),
    -- The receiving member, or (member_id NULL) the beneficiary named by the request.
    member_id         TEXT REFERENCES members(id),
    beneficiary       TEXT CHECK (beneficiary IS NULL OR length(beneficiary) BETWEEN 1 AND 200),
    asset             TEXT NOT NULL REFERENCES assets(code),
    amount            INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    purpose           TEXT NOT NULL CHECK (length(purpose) BETWEEN 1 AND 1000),
    requested_by_key  TEXT,
    requested_by_name TEXT NOT NULL,
    requested_by_role TEXT,
    requested_at      TEXT NOT NULL,
    CHECK ((member_id IS NULL) <> (beneficiary IS NULL))
) STRICT;

CREATE TABLE disbursement_steps (
    disbursement_id TEXT NOT NULL REFERENCES disbursements(id),
    position        INTEGER NOT NULL CHECK (position >= 0),
    kind            TEXT NOT NULL CHECK (kind IN ('approve', 'reject', 'pay', 'cancel')),
    principal_key   TEXT,
    principal_name  TEXT NOT NULL,
    principal_role  TEXT,
    transaction_id  TEXT UNIQUE REFERENCES transactions(id),
    reason          TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 1000),
    at              TEXT NOT NULL,
    PRIMARY KEY (disbursement_id, position)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER disbursements_are_immutable_update BEFORE UPDATE ON disbursements
BEGIN SELECT RAISE(ABORT, 'disbursements are immutable: record a step'); END;
CREATE TRIGGER disbursements_are_never_deleted BEFORE DELETE ON disbursements
BEGIN SELECT RAISE(ABORT, 'disbursements are never deleted'); END;
CREATE TRIGGER disbursement_steps_are_immutable_update BEFORE UPDATE ON disbursement_steps
BEGIN SELECT RAISE(ABORT, 'disbursement steps are immutable'); END;
CREATE TRIGGER disbursement_steps_are_never_deleted BEFORE DELETE ON disbursement_steps
BEGIN SELECT RAISE(ABORT, 'disbursement steps are never deleted'); END;
