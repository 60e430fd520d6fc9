-- A ledger rebuilt from its log alone (`commons-ledger rebuild --from-mirror`): the tree
-- size and the witnessed checkpoint it was rebuilt from. The log commits to private data
-- (a member's name and contact, a beneficiary's name, the names behind a key) without
-- holding it, so a rebuilt database has none: `verify` accepts its absence here, and only
-- here, and still refuses private data that does not match its commitment. API keys
-- rebuilt from the log have no secret anyone knows (they can never authenticate).
-- At most one row, written once. Twin of schema/migrations/0016. Never edited once landed.
CREATE TABLE log_rebuilds (
    tree_size   bigint NOT NULL PRIMARY KEY CHECK (tree_size > 0),
    checkpoint  text NOT NULL CHECK (length(checkpoint) BETWEEN 1 AND 100000),
    rebuilt_at  text NOT NULL
);
-- At most one row.
CREATE UNIQUE INDEX log_rebuilds_only_one ON log_rebuilds ((true));

CREATE TRIGGER log_rebuilds_are_immutable BEFORE UPDATE ON log_rebuilds
FOR EACH ROW EXECUTE FUNCTION refuse_change('a rebuild record is immutable');
CREATE TRIGGER log_rebuilds_are_never_deleted BEFORE DELETE ON log_rebuilds
FOR EACH ROW EXECUTE FUNCTION refuse_change('a rebuild record is never deleted');
CREATE TRIGGER log_rebuilds_are_never_truncated BEFORE TRUNCATE ON log_rebuilds
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a rebuild record is never deleted');
