-- A ledger rebuilt from its log alone (`commons-ledger rebuild --from-mirror`): the tree
-- size and the witnessed checkpoint it was rebuilt from. The log commits to private data
-- (a member's name and contact, a beneficiary's name, the names behind a key) without
-- holding it, so a rebuilt database has none: `verify` accepts its absence here, and only
-- here, and still refuses private data that does not match its commitment. API keys
-- rebuilt from the log have no secret anyone knows (they can never authenticate).
-- At most one row, written once. Twin: schema/postgres/0016. Never edited once landed.
CREATE TABLE log_rebuilds (
    tree_size   INTEGER NOT NULL PRIMARY KEY CHECK (tree_size > 0),
    checkpoint  TEXT NOT NULL CHECK (length(checkpoint) BETWEEN 1 AND 100000),
    rebuilt_at  TEXT NOT NULL
) STRICT;

CREATE TRIGGER log_rebuilds_only_one BEFORE INSERT ON log_rebuilds
WHEN (SELECT count(*) FROM log_rebuilds) > 0
BEGIN SELECT RAISE(ABORT, 'a database is rebuilt once'); END;
CREATE TRIGGER log_rebuilds_are_immutable BEFORE UPDATE ON log_rebuilds
BEGIN SELECT RAISE(ABORT, 'a rebuild record is immutable'); END;
CREATE TRIGGER log_rebuilds_are_never_deleted BEFORE DELETE ON log_rebuilds
BEGIN SELECT RAISE(ABORT, 'a rebuild record is never deleted'); END;
