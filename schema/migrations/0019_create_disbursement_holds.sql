-- Holds on approved grants (two-phase): the final approval of a grant reserves its amount
-- in the fund's cash, so approved grants never together exceed the cash (a treasurer sees
-- `available` beside `balance`). Paying, rejecting or cancelling releases the hold, and a
-- hold may carry an expiry after which it is released (`disbursement.hold_expired`).
-- Every final approval already recorded gets its hold here, released by the step that
-- ended it: the rows follow from the log alone, as `verify` and `rebuild` expect.
-- Rows are only ever added. Twin: schema/postgres/0019. Never edited once landed.
CREATE TABLE disbursement_holds (
    disbursement_id TEXT NOT NULL PRIMARY KEY REFERENCES disbursements(id),
    fund_id         TEXT NOT NULL REFERENCES funds(id),
    asset           TEXT NOT NULL REFERENCES assets(code),
    amount          INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 9007199254740991),
    held_at         TEXT NOT NULL,
    expires_at      TEXT CHECK (expires_at IS NULL OR expires_at > held_at)
) STRICT;
CREATE INDEX disbursement_holds_by_fund ON disbursement_holds (fund_id, asset);

CREATE TABLE disbursement_hold_releases (
    disbursement_id TEXT NOT NULL PRIMARY KEY REFERENCES disbursement_holds(disbursement_id),
    reason          TEXT NOT NULL CHECK (reason IN ('paid', 'rejected', 'cancelled', 'expired')),
    released_at     TEXT NOT NULL
) STRICT;

INSERT INTO disbursement_holds (disbursement_id, fund_id, asset, amount, held_at, expires_at)
SELECT d.id, d.fund_id, d.asset, d.amount, s.at, NULL
FROM disbursements d JOIN disbursement_steps s ON s.disbursement_id = d.id
WHERE s.kind = 'approve' AND s.transaction_id IS NOT NULL;

INSERT INTO disbursement_hold_releases (disbursement_id, reason, released_at)
SELECT s.disbursement_id,
       CASE s.kind WHEN 'pay' THEN 'paid' WHEN 'cancel' THEN 'cancelled' ELSE 'rejected' END, s.at
FROM disbursement_steps s JOIN disbursement_steps a
     ON a.disbursement_id = s.disbursement_id AND a.kind = 'approve' AND a.transaction_id IS NOT NULL
WHERE s.kind IN ('pay', 'cancel', 'reject') AND s.position > a.position;

CREATE TRIGGER disbursement_holds_are_immutable BEFORE UPDATE ON disbursement_holds
BEGIN SELECT RAISE(ABORT, 'a hold is immutable: record its release'); END;
CREATE TRIGGER disbursement_holds_are_never_deleted BEFORE DELETE ON disbursement_holds
BEGIN SELECT RAISE(ABORT, 'a hold is never deleted: record its release'); END;
CREATE TRIGGER disbursement_hold_releases_are_immutable BEFORE UPDATE ON disbursement_hold_releases
BEGIN SELECT RAISE(ABORT, 'a hold release is immutable'); END;
CREATE TRIGGER disbursement_hold_releases_are_never_deleted BEFORE DELETE ON disbursement_hold_releases
BEGIN SELECT RAISE(ABORT, 'a hold release is never deleted'); END;
