-- Commons Ledger: cash adjustments — money taken out of a fund's cash that is neither a
-- grant nor a conversion (a bank fee, a correction), the only way out besides those
-- steps now that raw transactions may not take money out of a fund's cash.
--
-- A request, and a later approval or rejection, is a row here, linked to the ledger
-- transaction it posted, with the principal who took it. Up to the fund's per-asset
-- limit (fund_assets.cash_adjustment_approval_above) a request posts at once (its own
-- transaction_id); above it, or with no limit set, it waits for an approver who is not
-- its requester. The state is derived from the rows, never stored. Everything is
-- append-only.
-- Never edit this file once it has landed: add a new numbered migration instead.

-- The largest adjustment that posts without an approver; NULL: every one waits.
ALTER TABLE fund_assets ADD COLUMN cash_adjustment_approval_above INTEGER
    CHECK (cash_adjustment_approval_above BETWEEN 0 AND 9007199254740991);

CREATE TABLE cash_adjustments (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE CHECK (id GLOB 'adj_[0-9a-f]*' AND length(id) = 36),
    fund_id           TEXT NOT NULL REFERENCES funds(id),
    asset             TEXT NOT NULL REFERENCES assets(code),
    -- What leaves the fund's cash.
    amount            INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    counter_account   TEXT NOT NULL REFERENCES accounts(id),
    date              TEXT NOT NULL,
    reason            TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    needs_approval    INTEGER NOT NULL CHECK (needs_approval IN (0, 1)),
    -- The transaction of an adjustment posted at once; NULL while one waits for approval.
    transaction_id    TEXT UNIQUE REFERENCES transactions(id),
    requested_by_key  TEXT,
    requested_by_name TEXT NOT NULL,
    requested_by_role TEXT,
    requested_at      TEXT NOT NULL,
    CHECK ((needs_approval = 1) = (transaction_id IS NULL))
) STRICT;

CREATE TABLE cash_adjustment_steps (
    adjustment_id  TEXT NOT NULL REFERENCES cash_adjustments(id),
    position       INTEGER NOT NULL CHECK (position = 0),
    kind           TEXT NOT NULL CHECK (kind IN ('approve', 'reject')),
    principal_key  TEXT,
    principal_name TEXT NOT NULL,
    principal_role TEXT,
    transaction_id TEXT UNIQUE REFERENCES transactions(id),
    reason         TEXT CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 1000),
    at             TEXT NOT NULL,
    CHECK ((kind = 'approve') = (transaction_id IS NOT NULL)),
    PRIMARY KEY (adjustment_id, position)
) STRICT, WITHOUT ROWID;

-- The schema holds the four-eyes rule too: only a waiting adjustment takes a step, and
-- never an approval by the requester's person (with the key that requested it or any
-- other key of theirs: migration 0008's people; a key without a person row is its own
-- legacy person `prs_` + its hex digits, a step without a key is `system:` + its name).
CREATE TRIGGER cash_adjustment_steps_need_a_waiting_request BEFORE INSERT ON cash_adjustment_steps
WHEN NOT EXISTS (SELECT 1 FROM cash_adjustments WHERE id = NEW.adjustment_id AND needs_approval = 1)
BEGIN SELECT RAISE(ABORT, 'only an adjustment waiting for approval takes a step'); END;
CREATE TRIGGER cash_adjustment_requester_never_approves BEFORE INSERT ON cash_adjustment_steps
WHEN NEW.kind = 'approve' AND EXISTS (
    SELECT 1 FROM cash_adjustments c WHERE c.id = NEW.adjustment_id AND
        (CASE WHEN c.requested_by_key IS NULL THEN 'system:' || c.requested_by_name
              ELSE COALESCE((SELECT p.person_id FROM api_key_people p WHERE p.key_id = c.requested_by_key),
                            'prs_' || substr(c.requested_by_key, 5)) END)
        = (CASE WHEN NEW.principal_key IS NULL THEN 'system:' || NEW.principal_name
                ELSE COALESCE((SELECT p.person_id FROM api_key_people p WHERE p.key_id = NEW.principal_key),
                              'prs_' || substr(NEW.principal_key, 5)) END)
)
BEGIN SELECT RAISE(ABORT, 'four eyes: the requester''s person never approves a cash adjustment'); END;

CREATE TRIGGER cash_adjustments_are_immutable_update BEFORE UPDATE ON cash_adjustments
BEGIN SELECT RAISE(ABORT, 'cash adjustments are immutable: record a step'); END;
CREATE TRIGGER cash_adjustments_are_never_deleted BEFORE DELETE ON cash_adjustments
BEGIN SELECT RAISE(ABORT, 'cash adjustments are never deleted'); END;
CREATE TRIGGER cash_adjustment_steps_are_immutable_update BEFORE UPDATE ON cash_adjustment_steps
BEGIN SELECT RAISE(ABORT, 'cash adjustment steps are immutable'); END;
CREATE TRIGGER cash_adjustment_steps_are_never_deleted BEFORE DELETE ON cash_adjustment_steps
BEGIN SELECT RAISE(ABORT, 'cash adjustment steps are never deleted'); END;
