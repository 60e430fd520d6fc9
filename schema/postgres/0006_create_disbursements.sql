-- Commons Ledger: disbursements (grants) with four-eyes approval (PostgreSQL 15 twin of
-- schema/migrations/0006).
--
-- A request and each later step (approve, reject, pay, cancel) is a row here, linked to
-- the ledger transaction it recorded, with the principal who took it. A disbursement's
-- state is derived from its steps, never stored. Everything is append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

CREATE TABLE disbursements (
    seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                text NOT NULL UNIQUE CHECK (id ~ '^dsb_[0-9a-f]' AND length(id) = 36),
    fund_id           text NOT NULL REFERENCES funds(id),
    -- The receiving member, or (member_id NULL) the beneficiary named by the request.
    member_id         text REFERENCES members(id),
    beneficiary       text CHECK (beneficiary IS NULL OR length(beneficiary) BETWEEN 1 AND 200),
    asset             text NOT NULL REFERENCES assets(code),
    amount            bigint NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    purpose           text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 1000),
    requested_by_key  text,
    requested_by_name text NOT NULL,
    requested_by_role text,
    requested_at      text NOT NULL,
    CHECK ((member_id IS NULL) <> (beneficiary IS NULL))
);

CREATE TABLE disbursement_steps (
    disbursement_id text NOT NULL REFERENCES disbursements(id),
    position        bigint NOT NULL CHECK (position >= 0),
    kind            text NOT NULL CHECK (kind IN ('approve', 'reject', 'pay', 'cancel')),
    principal_key   text,
    principal_name  text NOT NULL,
    principal_role  text,
    transaction_id  text UNIQUE REFERENCES transactions(id),
    reason          text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 1000),
    at              text NOT NULL,
    PRIMARY KEY (disbursement_id, position)
);

CREATE TRIGGER disbursements_are_immutable_update BEFORE UPDATE ON disbursements
FOR EACH ROW EXECUTE FUNCTION refuse_change('disbursements are immutable: record a step');
CREATE TRIGGER disbursements_are_never_deleted BEFORE DELETE ON disbursements
FOR EACH ROW EXECUTE FUNCTION refuse_change('disbursements are never deleted');
CREATE TRIGGER disbursements_are_never_truncated BEFORE TRUNCATE ON disbursements
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('disbursements are never deleted');
CREATE TRIGGER disbursement_steps_are_immutable_update BEFORE UPDATE ON disbursement_steps
FOR EACH ROW EXECUTE FUNCTION refuse_change('disbursement steps are immutable');
CREATE TRIGGER disbursement_steps_are_never_deleted BEFORE DELETE ON disbursement_steps
FOR EACH ROW EXECUTE FUNCTION refuse_change('disbursement steps are never deleted');
CREATE TRIGGER disbursement_steps_are_never_truncated BEFORE TRUNCATE ON disbursement_steps
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('disbursement steps are never deleted');
