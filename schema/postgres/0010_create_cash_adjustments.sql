-- Commons Ledger: cash adjustments — money taken out of a fund's cash that is neither a
-- grant nor a conversion (a bank fee, a correction), the only way out besides those
-- steps now that raw transactions may not take money out of a fund's cash
-- (PostgreSQL 15 twin of schema/migrations/0010).
--
-- A request, and a later approval or rejection, is a row here, linked to the ledger
-- transaction it posted, with the principal who took it. Up to the fund's per-asset
-- limit (fund_assets.cash_adjustment_approval_above) a request posts at once (its own
-- transaction_id); above it, or with no limit set, it waits for an approver who is not
-- its requester. The state is derived from the rows, never stored. Everything is
-- append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

-- The largest adjustment that posts without an approver; NULL: every one waits.
ALTER TABLE fund_assets ADD COLUMN cash_adjustment_approval_above bigint
    CHECK (cash_adjustment_approval_above BETWEEN 0 AND 9007199254740991);

CREATE TABLE cash_adjustments (
    seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                text NOT NULL UNIQUE CHECK (id ~ '^adj_[0-9a-f]' AND length(id) = 36),
    fund_id           text NOT NULL REFERENCES funds(id),
    asset             text NOT NULL REFERENCES assets(code),
    -- What leaves the fund's cash.
    amount            bigint NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    counter_account   text NOT NULL REFERENCES accounts(id),
    date              text NOT NULL,
    reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    -- 0 or 1, not boolean: the application binds an integer and its queries say
    -- `needs_approval = 0`, which a boolean column would refuse (boolean = integer has
    -- no operator); bigint like every other SQLite INTEGER.
    needs_approval    bigint NOT NULL CHECK (needs_approval IN (0, 1)),
    -- The transaction of an adjustment posted at once; NULL while one waits for approval.
    transaction_id    text UNIQUE REFERENCES transactions(id),
    requested_by_key  text,
    requested_by_name text NOT NULL,
    requested_by_role text,
    requested_at      text NOT NULL,
    CHECK ((needs_approval = 1) = (transaction_id IS NULL))
);

CREATE TABLE cash_adjustment_steps (
    adjustment_id  text NOT NULL REFERENCES cash_adjustments(id),
    position       bigint NOT NULL CHECK (position = 0),
    kind           text NOT NULL CHECK (kind IN ('approve', 'reject')),
    principal_key  text,
    principal_name text NOT NULL,
    principal_role text,
    transaction_id text UNIQUE REFERENCES transactions(id),
    reason         text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 1000),
    at             text NOT NULL,
    CHECK ((kind = 'approve') = (transaction_id IS NOT NULL)),
    PRIMARY KEY (adjustment_id, position)
);

-- The schema holds the four-eyes rule too: only a waiting adjustment takes a step, and
-- never an approval by the requester's person (with the key that requested it or any
-- other key of theirs: migration 0008's people; a key without a person row is its own
-- legacy person `prs_` + its hex digits, a step without a key is `system:` + its name:
-- acting_person() of 0008).
-- Both rules read other tables, so both take the writers' lock first (0002): a key's
-- person row being written by another session is then committed before it is read.
-- One step per adjustment needs no lock: position is always 0 and the key is unique.
-- PostgreSQL fires the two triggers in name order (requester first); SQLite's order is
-- its own. Either refusal refuses the row, which is all that matters.
CREATE FUNCTION cash_adjustment_steps_need_a_waiting_request() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF NOT EXISTS (SELECT 1 FROM cash_adjustments WHERE id = NEW.adjustment_id AND needs_approval = 1) THEN
        RAISE EXCEPTION 'only an adjustment waiting for approval takes a step' USING ERRCODE = 'LG004';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cash_adjustment_steps_need_a_waiting_request BEFORE INSERT ON cash_adjustment_steps
FOR EACH ROW EXECUTE FUNCTION cash_adjustment_steps_need_a_waiting_request();

CREATE FUNCTION cash_adjustment_requester_never_approves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM lock_log_head();
    IF EXISTS (SELECT 1 FROM cash_adjustments c WHERE c.id = NEW.adjustment_id
               AND acting_person(c.requested_by_key, c.requested_by_name)
                   = acting_person(NEW.principal_key, NEW.principal_name)) THEN
        RAISE EXCEPTION 'four eyes: the requester''s person never approves a cash adjustment'
            USING ERRCODE = 'LG004';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cash_adjustment_requester_never_approves BEFORE INSERT ON cash_adjustment_steps
FOR EACH ROW WHEN (NEW.kind = 'approve')
EXECUTE FUNCTION cash_adjustment_requester_never_approves();

CREATE TRIGGER cash_adjustments_are_immutable_update BEFORE UPDATE ON cash_adjustments
FOR EACH ROW EXECUTE FUNCTION refuse_change('cash adjustments are immutable: record a step');
CREATE TRIGGER cash_adjustments_are_never_deleted BEFORE DELETE ON cash_adjustments
FOR EACH ROW EXECUTE FUNCTION refuse_change('cash adjustments are never deleted');
CREATE TRIGGER cash_adjustments_are_never_truncated BEFORE TRUNCATE ON cash_adjustments
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('cash adjustments are never deleted');
CREATE TRIGGER cash_adjustment_steps_are_immutable_update BEFORE UPDATE ON cash_adjustment_steps
FOR EACH ROW EXECUTE FUNCTION refuse_change('cash adjustment steps are immutable');
CREATE TRIGGER cash_adjustment_steps_are_never_deleted BEFORE DELETE ON cash_adjustment_steps
FOR EACH ROW EXECUTE FUNCTION refuse_change('cash adjustment steps are never deleted');
CREATE TRIGGER cash_adjustment_steps_are_never_truncated BEFORE TRUNCATE ON cash_adjustment_steps
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('cash adjustment steps are never deleted');
