-- The log's signing key handed over to a new one (`commons-ledger log-key rotate`): the
-- entry that records it, the retired and the new verifier key, and the hand-over note
-- both keys signed. The last row's new_key is the only key that may sign checkpoints
-- from then on: a writer holding any other key is refused at commit, and a server is
-- refused at start. `verify` follows the chain from the key a reader trusts and refuses
-- a checkpoint signed by a retired key after its retirement.
-- Rows are only ever added. Twin of schema/migrations/0017. Never edited once landed.
CREATE TABLE log_key_rotations (
    entry_index bigint NOT NULL PRIMARY KEY CHECK (entry_index >= 0),
    old_key     text NOT NULL CHECK (length(old_key) BETWEEN 1 AND 1000),
    new_key     text NOT NULL UNIQUE CHECK (length(new_key) BETWEEN 1 AND 1000 AND new_key <> old_key),
    handover    text NOT NULL CHECK (length(handover) BETWEEN 1 AND 10000),
    rotated_at  text NOT NULL
);

CREATE TRIGGER log_key_rotations_are_immutable BEFORE UPDATE ON log_key_rotations
FOR EACH ROW EXECUTE FUNCTION refuse_change('a key rotation record is immutable');
CREATE TRIGGER log_key_rotations_are_never_deleted BEFORE DELETE ON log_key_rotations
FOR EACH ROW EXECUTE FUNCTION refuse_change('a key rotation record is never deleted');
CREATE TRIGGER log_key_rotations_are_never_truncated BEFORE TRUNCATE ON log_key_rotations
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a key rotation record is never deleted');
