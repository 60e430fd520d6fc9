-- Cosignatures that witnesses (C2SP tlog-witness) returned for the log's checkpoints:
-- one line per tree size and witness. They are not the book of record and not in the log:
-- each line is checked against its witness's key whenever it is served or counted toward
-- a quorum, so a forged row is ignored, never believed. A witness's word is only ever
-- added: a row is never changed or removed. Twin of schema/migrations/0015. Never edited
-- once landed.
CREATE TABLE log_cosignatures (
    tree_size   bigint NOT NULL REFERENCES log_checkpoints(tree_size),
    -- The witness's verifier key (vkey, cosignature/v1).
    witness     text NOT NULL CHECK (length(witness) BETWEEN 1 AND 1000),
    -- The signature line as the witness sent it: "— <name> <base64>\n".
    line        text NOT NULL CHECK (length(line) BETWEEN 1 AND 1000),
    recorded_at text NOT NULL,
    PRIMARY KEY (tree_size, witness)
);

CREATE TRIGGER log_cosignatures_are_immutable_update BEFORE UPDATE ON log_cosignatures
FOR EACH ROW EXECUTE FUNCTION refuse_change('cosignatures are immutable');
CREATE TRIGGER log_cosignatures_are_never_deleted BEFORE DELETE ON log_cosignatures
FOR EACH ROW EXECUTE FUNCTION refuse_change('cosignatures are never deleted');
CREATE TRIGGER log_cosignatures_are_never_truncated BEFORE TRUNCATE ON log_cosignatures
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('cosignatures are never deleted');
